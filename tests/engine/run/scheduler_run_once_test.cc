// run_once: the first host of the batch still in the play runs the task;
// the others take its registered result and facts without a report, and
// fail with it, as Ansible's linear strategy does.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

// Whether `command` went to the host (as an argv or inside a batch script).
bool Ran(const FakeTransport& host, const std::string& command) {
  for (const FakeTransport::Call& c : host.calls()) {
    for (const std::string& arg : c.argv)
      if (arg.find(command) != std::string::npos) return true;
    if (c.data.find(command) != std::string::npos) return true;
  }
  return false;
}

// Hosts that answer make-token.
void Tokens(testing::SchedulerFixture* f) {
  for (const char* h : {"h1", "h2", "h3"}) {
    f->hosts[h].SetExecHandler([](const ExecRequest& r) -> std::optional<ExecResult> {
      if (r.argv.empty() || r.argv[0] != "make-token") return std::nullopt;
      return ExecResult{0, "token\n", ""};
    });
  }
}

constexpr char kPlay[] = R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: fail h1 first
      run: "false"
      when: inventory_hostname == 'h1' and fail_h1 | default(false)
    - name: token
      run: make-token
      register: token
      run_once: true
    - name: leader
      set_fact:
        leader: "{{ inventory_hostname }}"
      run_once: true
    - name: in a block
      block:
        - name: skipped on the runner
          run: never
          register: skipped_once
          when: inventory_hostname == 'h3'
      run_once: true
    - name: use
      put:
        path: /etc/once
        content: "{{ token.changed }} {{ leader }} {{ skipped_once.skipped }}"
)";

TEST_CASE("run_once runs on the first host and gives its results to the others") {
  testing::SchedulerFixture f;
  Tokens(&f);
  Recorder rec;
  RunSummary s = f.Run(kPlay, "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") ==
        "skipped fail-h1-first, changed token, ok leader, skipped skipped-on-the-runner, "
        "changed use");
  CHECK(rec.Joined("h2") == "skipped fail-h1-first, changed use");
  CHECK(rec.Joined("h3") == "skipped fail-h1-first, changed use");
  for (const char* h : {"h1", "h2", "h3"}) {
    CAPTURE(h);
    CHECK(f.hosts[h].Content("/etc/once").value_or("none") == "True h1 True");
  }
  CHECK(Ran(f.hosts["h1"], "make-token"));
  CHECK_FALSE(Ran(f.hosts["h2"], "make-token"));
  CHECK_FALSE(Ran(f.hosts["h3"], "make-token"));
}

TEST_CASE("run_once passes to the next host when the first one failed before it") {
  testing::SchedulerFixture f;
  Tokens(&f);
  f.options.extra_vars = Value::object({{"fail_h1", true}});
  Recorder rec;
  RunSummary s = f.Run(kPlay, "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "failed fail-h1-first");
  CHECK(rec.Joined("h2") ==
        "skipped fail-h1-first, changed token, ok leader, skipped skipped-on-the-runner, "
        "changed use");
  CHECK(rec.Joined("h3") == "skipped fail-h1-first, changed use");
  CHECK(f.hosts["h3"].Content("/etc/once") == "True h2 True");
}

TEST_CASE("a run_once task that fails fails every host of the batch") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - name: once
      run: "{{ 'false' if inventory_hostname == 'h1' else 'true' }}"
      run_once: true
    - name: after
      put: {path: /etc/after, content: x}
)",
                       "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "failed once");
  CHECK(rec.Joined("h2") == "");
  // Every host of the batch failed: the playbook ends there, as in Ansible.
  CHECK(rec.Joined("h3") == "");
  CHECK(f.hosts["h2"].Content("/etc/after") == std::nullopt);
}

TEST_CASE("run_once runs once in each serial batch") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - name: once
      set_fact:
        runner: "{{ inventory_hostname }}"
      run_once: true
    - name: after
      put: {path: /etc/runner, content: "{{ runner }}"}
)",
                       "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h2"].Content("/etc/runner") == "h1");
  CHECK(f.hosts["h3"].Content("/etc/runner") == "h3");
}

}  // namespace
}  // namespace hostprep
