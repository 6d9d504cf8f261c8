// Facts set by tasks and by gather_subset through a run: a `setup` task's
// facts over the host's for the tasks after it, a play that gathers a
// subset, a later play that wants more gathering again, and a run_once
// setup's facts on every host of the batch, as Ansible's strategy sets them.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/facts/facts.h"
#include "modules/setup.h"
#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

// What the facts script prints on a host of `distribution` ("Ubuntu",
// "Debian").
ExecResult FactsOf(const std::string& distribution, const std::string& version) {
  ExecResult r;
  r.stdout_data = "exists=/etc/os-release\nexists=/usr/bin/apt-get\n/etc/os-release:NAME=\"" +
                  distribution + "\"\n/etc/os-release:ID=" + ToLower(distribution) +
                  "\n/etc/os-release:VERSION_ID=\"" + version + "\"\nend=hostprep-facts\n";
  return r;
}

std::vector<std::string> SubsetArgv(const std::vector<std::string>& spec) {
  return FactsRead(false, *ResolveFactSubset(spec)).argv;
}

// The facts scripts `host` ran, as the sections each left out ("-": all).
std::string Gatherings(testing::SchedulerFixture& f, const char* host) {
  const std::vector<std::string> script = FactsRead().argv;
  std::string out;
  for (const FakeTransport::Call& c : f.hosts[host].calls()) {
    if (c.kind != FakeTransport::Call::Kind::kExec || c.argv.size() < script.size() ||
        !std::equal(script.begin(), script.end(), c.argv.begin())) {
      continue;
    }
    out += (out.empty() ? "" : ", ") + (c.argv.size() == 6 ? c.argv[5] : std::string("-"));
  }
  return out;
}

struct SetupFixture : testing::SchedulerFixture {
  SetupFixture() { modules.Register(std::make_unique<modules::SetupModule>()); }
};

const char kSetupPlaybook[] = R"(
- hosts: all
  tasks:
    - {name: before, put: {path: "/etc/before-{{ ansible_distribution }}", content: x}}
    - name: again
      ansible.builtin.setup:
        gather_subset: ['!all', '!min', distribution]
      register: gathered
    - name: after
      put:
        path: "/etc/after-{{ ansible_facts.distribution }}-{{ ansible_distribution_version }}-{{ ansible_pkg_mgr }}-{{ gathered.ansible_facts.ansible_distribution }}-{{ gathered.ansible_facts.ansible_pkg_mgr | default('none') }}"
        content: x
)";

TEST_CASE("a setup task's facts are the host's for the tasks after it, over those it had") {
  SetupFixture f;
  Recorder rec;
  f.hosts["h1"].AddExecResponse(FactsRead().argv, FactsOf("Debian", "12"));
  f.hosts["h1"].AddExecResponse(SubsetArgv({"!all", "!min", "distribution"}),
                                FactsOf("Ubuntu", "24.04"));
  RunSummary s = f.Run(kSetupPlaybook, "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/before-Debian"));
  // The distribution is the new one; pkg_mgr, which the subset left out,
  // the play's gathering's.
  CHECK(f.hosts["h1"].Content("/etc/after-Ubuntu-24.04-apt-Ubuntu-none"));
  // The play's gathering, then setup's subset (read ahead in the first
  // round trip, and again in the batch that wrote /etc/before-Debian, as
  // every read of the tasks after a change is).
  CHECK(StartsWith(Gatherings(f, "h1"), "-, net mounts date"));
}

// A role that gathers its network facts again and uses them: the
// re-run reads setup's subset with the facts and every task's state, in
// one round trip (the tasks after setup read ahead with the facts of the
// host's last run, which setup confirms).
TEST_CASE("an unchanged re-run with a setup task costs one round trip") {
  char tmpl[] = "/tmp/hostprep-facts-XXXXXX";
  const std::string cache = mkdtemp(tmpl);
  SetupFixture f;
  f.options.facts_cache_dir = cache;
  const char* playbook = R"(
- hosts: all
  gather_subset: [min]
  tasks:
    - {name: before, put: {path: "/etc/before-{{ ansible_distribution }}", content: x}}
    - {name: network, setup: {gather_subset: ['!all', '!min', network]}}
    - name: after
      put:
        path: "/etc/after-{{ ansible_os_family }}-{{ ansible_default_ipv4 | default('none') }}"
        content: x
)";
  Recorder first, again;
  CHECK(f.Run(playbook, "h1,", &first).exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/after-Debian-none"));
  const uint64_t trips = testing::RoundTrips(
      f.hosts["h1"], [&] { CHECK(f.Run(playbook, "h1,", &again).exit_code() == 0); });
  CHECK(trips == 1);
  CHECK(again.Joined("h1") == "ok Gathering Facts, ok before, ok network, ok after");
  std::filesystem::remove_all(cache);
}

TEST_CASE("a play gathers its gather_subset, and again only where a later play wants more") {
  SetupFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_subset: [min]
  tasks:
    - {name: one, put: {path: "/etc/one-{{ ansible_facts.gather_subset | join }}", content: x}}
- hosts: all
  gather_subset: ['!all', '!min', distribution]
  tasks:
    - {name: two, put: {path: "/etc/two-{{ ansible_facts.gather_subset | join }}", content: x}}
- hosts: all
  tasks:
    - {name: three, put: {path: "/etc/three-{{ ansible_facts.gather_subset | join }}", content: x}}
- hosts: all
  gather_subset: ['!hardware']
  tasks:
    - {name: four, put: {path: "/etc/four-{{ ansible_facts.gather_subset | join }}", content: x}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(Gatherings(f, "h1") == "net mounts, -");
  CHECK(f.hosts["h1"].Content("/etc/one-min"));
  CHECK(f.hosts["h1"].Content("/etc/two-min"));  // covered: not gathered again
  CHECK(f.hosts["h1"].Content("/etc/three-all"));
  CHECK(f.hosts["h1"].Content("/etc/four-all"));
}

TEST_CASE("a play's gather_subset leaves out the facts of the collectors it does not run") {
  SetupFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_subset: ['!all', '!min', pkg_mgr]
  tasks:
    - name: what is there
      put:
        path: "/etc/{{ ansible_distribution }}-{{ ansible_pkg_mgr }}-{{ ansible_kernel is defined }}-{{ ansible_user_id is defined }}"
        content: x
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/Debian-apt-False-False"));
}

TEST_CASE("a run_once setup task's facts are every host's of the batch, as in Ansible") {
  SetupFixture f;
  Recorder rec;
  f.hosts["h1"].AddExecResponse(FactsRead().argv, FactsOf("Ubuntu", "24.04"));
  f.hosts["h2"].AddExecResponse(FactsRead().argv, FactsOf("Debian", "12"));
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: gather, setup: {filter: [ansible_distribution]}, run_once: true}
    - {name: seen, put: {path: "/etc/{{ ansible_distribution }}", content: x}}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/Ubuntu"));
  CHECK(f.hosts["h2"].Content("/etc/Ubuntu"));
}

// delegate_facts: the delegated host's facts, gathered there, become that
// host's; the host that ran the task keeps its own. In lock-step, so that
// h2's next task comes after h1's.
TEST_CASE("a delegated setup with delegate_facts sets the facts on the delegated host") {
  SetupFixture f;
  Recorder rec;
  f.options.forks = 1;  // h1's delegated task and h2 share h2's fake
  f.hosts["h1"].AddExecResponse(FactsRead().argv, FactsOf("Debian", "12"));
  f.hosts["h2"].AddExecResponse(FactsRead().argv, FactsOf("Debian", "12"));
  f.hosts["h2"].AddExecResponse(SubsetArgv({"!all", "!min", "distribution"}),
                                FactsOf("Ubuntu", "24.04"));
  RunSummary s = f.Run(R"(
- hosts: all
  strategy: linear
  tasks:
    - name: gather for h2
      setup: {gather_subset: ['!all', '!min', distribution]}
      delegate_to: h2
      delegate_facts: true
      when: inventory_hostname == 'h1'
    - {name: own, put: {path: /etc/own, content: "{{ ansible_distribution }}"}}
    - name: seen from h1
      put: {path: /etc/seen, content: "{{ hostvars['h2'].ansible_distribution_version }}"}
      when: inventory_hostname == 'h1'
)",
                       "h1,h2,", &rec);
  CHECK_MESSAGE(s.exit_code() == 0, rec.Joined("h1"));
  CHECK(f.hosts["h1"].Content("/etc/own") == "Debian");
  CHECK(f.hosts["h2"].Content("/etc/own") == "Ubuntu");
  CHECK(f.hosts["h1"].Content("/etc/seen") == "24.04");
}

TEST_CASE("a play's unknown gather_subset fails validation with its location") {
  SetupFixture f;
  Diagnostics diags;
  std::unique_ptr<Playbook> pb = ParsePlaybookString(R"(
- hosts: all
  gather_subset: [min, netwrok]
  tasks: []
)",
                                                     "site.yml", f.modules, &diags);
  CHECK(pb == nullptr);
  CHECK(diags.Format().find("site.yml:3:18: gather_subset: Bad subset 'netwrok' given to "
                            "Ansible.") != std::string::npos);
  CHECK(diags.Format().find("(did you mean 'network'?)") != std::string::npos);
}

}  // namespace
}  // namespace hostprep
