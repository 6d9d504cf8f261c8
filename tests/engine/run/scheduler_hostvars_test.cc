// hostvars over a run: another host's values as that host had them when it
// finished the tasks before the reader's, as Ansible's linear strategy
// gives them, although hosts run on their own.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

constexpr char kPlay[] = R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: slow
      run: slow
      when: inventory_hostname == 'h1'
    - name: token
      set_fact:
        token: "abc-{{ inventory_hostname }}"
      when: inventory_hostname == 'h1'
    - name: read
      put:
        path: /etc/token
        content: "{{ hostvars['h1'].token }} {{ hostvars.h2.inventory_hostname }}"
)";

TEST_CASE("a host reading hostvars waits for the host that sets the value the task before") {
  testing::SchedulerFixture f;
  // h1 is slow in its first task: the others are at 'read' long before it
  // has set the token, and must wait for it there.
  f.hosts["h1"].SetExecHandler([](const ExecRequest& r) -> std::optional<ExecResult> {
    if (r.argv.empty() || r.argv[0] != "slow") return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return ExecResult{};
  });
  Recorder rec;
  RunSummary s = f.Run(kPlay, "h1,h2,h3,", &rec);
  CHECK_MESSAGE(s.exit_code() == 0, rec.Joined("h2"));
  for (const char* h : {"h1", "h2", "h3"}) {
    CAPTURE(h);
    CHECK(f.hosts[h].Content("/etc/token") == "abc-h1 h2");
  }
}

TEST_CASE("hostvars names a host that is not in the inventory") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: read
      put: {path: /etc/x, content: "{{ hostvars['h9'].ip }}"}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].message ==
        "site.yml:6:27: 'hostvars' has no host 'h9' (it is not in the inventory)");
}

}  // namespace
}  // namespace hostprep
