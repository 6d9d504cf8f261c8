// Templated play keywords through a run: batches from a templated serial,
// gathering from a templated gather_facts, a templated any_errors_fatal and
// become, and a play whose keyword cannot be rendered ending the run.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

TEST_CASE("templated serial and gather_facts shape the run as their values say") {
  testing::SchedulerFixture f;
  f.options.forks = 1;
  Recorder rec;
  RunSummary s = f.Run(R"(
- name: "rolling by {{ size }}"
  hosts: "{{ target | default('all') }}"
  serial: "{{ size }}"
  gather_facts: "{{ facts_wanted | default(false) }}"
  vars:
    size: 2
  tasks:
    - name: batch
      put: {path: /etc/batch, content: "{{ ansible_play_batch | join(',') }}"}
)",
                       "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.plays == std::vector<std::string>{"rolling by 2"});
  CHECK(f.hosts["h1"].Content("/etc/batch") == "h1,h2");
  CHECK(f.hosts["h3"].Content("/etc/batch") == "h3");
  CHECK(rec.Joined("h1") == "changed batch");
}

TEST_CASE("a templated any_errors_fatal that renders true stops the play, false does not") {
  const std::string play = R"(
- hosts: all
  gather_facts: false
  any_errors_fatal: "{{ fatal | default(true) }}"
  tasks:
    - name: fails on h1
      run: "{{ 'false' if inventory_hostname == 'h1' else 'true' }}"
)";
  testing::SchedulerFixture f;
  f.options.forks = 1;  // h1 fails before h2 starts
  Recorder rec;
  CHECK(f.Run(play, "h1,h2,", &rec).exit_code() == 2);
  CHECK(rec.Joined("h2") == "");
  f.options.extra_vars = Value::object({{"fatal", false}});
  Recorder goes_on;
  CHECK(f.Run(play, "h1,h2,", &goes_on).exit_code() == 2);
  CHECK(goes_on.Joined("h2") == "changed fails-on-h1");
}

TEST_CASE("a play keyword that cannot be rendered ends the run before the play, exit 4") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(- hosts: all
  gather_facts: false
  tasks:
    - {name: first play, put: {path: /etc/a, content: a}}
- name: second
  hosts: all
  serial: "{{ group_size }}"
  tasks:
    - {name: never, put: {path: /etc/b, content: b}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 4);
  CHECK(s.error ==
        "play 'second': site.yml:7:11: serial: undefined variable 'group_size' (play keywords "
        "are rendered before any host, with the play's vars and vars_files, its roles' "
        "variables and -e; inventory variables are not known yet)");
  CHECK(rec.plays == std::vector<std::string>{"all"});
  CHECK(f.hosts["h1"].Content("/etc/b") == std::nullopt);
}

TEST_CASE("a play's templated become is rendered with each host's variables") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  become: "{{ inventory_hostname == 'h2' }}"
  tasks:
    - {name: t, put: {path: /etc/t, content: t}}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  auto became = [&](const char* host) {
    for (const FakeTransport::Call& c : f.hosts[host].calls())
      if (c.kind == FakeTransport::Call::Kind::kWriteFile) return c.become.enabled;
    return false;
  };
  CHECK_FALSE(became("h1"));
  CHECK(became("h2"));
}

// Which paths `host` wrote as another user, and which as itself.
std::string Writes(testing::SchedulerFixture& f, const char* host) {
  std::string out;
  for (const FakeTransport::Call& c : f.hosts[host].calls()) {
    if (c.kind != FakeTransport::Call::Kind::kWriteFile) continue;
    out += (out.empty() ? "" : ", ") + c.path + (c.become.enabled ? " as root" : " as login");
  }
  return out;
}

TEST_CASE("a templated become on tasks, blocks and loop items renders with their variables") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  vars:
    privileged: ["h2"]
  tasks:
    - name: per host
      put: {path: /etc/a, content: a}
      become: "{{ inventory_hostname in privileged }}"
    - name: a block's, under a literal one
      become: "{{ inventory_hostname == 'h1' }}"
      block:
        - {name: inherited, put: {path: /etc/b, content: b}}
        - {name: own, put: {path: /etc/c, content: c}, become: false}
    - name: per item
      put: {path: "/etc/{{ item }}", content: x}
      become: "{{ item == 'root-owned' }}"
      loop: [root-owned, plain]
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(Writes(f, "h1") ==
        "/etc/a as login, /etc/b as root, /etc/c as login, /etc/root-owned as root, /etc/plain as "
        "login");
  CHECK(Writes(f, "h2") ==
        "/etc/a as root, /etc/b as login, /etc/c as login, /etc/root-owned as root, /etc/plain as "
        "login");
}

TEST_CASE("a templated become that is not a boolean fails the task where it is written") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: t
      put: {path: /etc/t, content: t}
      become: "{{ 'sometimes' }}"
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].message ==
        "site.yml:7:15: become: rendered to 'sometimes', which is not a boolean (true/false, "
        "yes/no, on/off, 1/0)");
  CHECK(f.hosts["h1"].Content("/etc/t") == std::nullopt);
}

TEST_CASE("become_flags reach every command the task runs as another user") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  become: true
  become_flags: -H
  tasks:
    - {name: play flags, put: {path: /etc/a, content: a}}
    - {name: own flags, put: {path: /etc/b, content: b}, become_flags: -E}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  std::vector<std::vector<std::string>> flags;
  for (const FakeTransport::Call& c : f.hosts["h1"].calls())
    if (c.kind == FakeTransport::Call::Kind::kWriteFile) flags.push_back(c.become.flags);
  CHECK(flags == std::vector<std::vector<std::string>>{{"-H"}, {"-E"}});
}

}  // namespace
}  // namespace hostprep
