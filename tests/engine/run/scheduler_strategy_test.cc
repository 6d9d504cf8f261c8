// strategy: linear over a run: every task on every host of the batch before
// the next task on any, as Ansible's linear strategy runs a play, with
// --forks bounding how many hosts run a step at once; and what it keeps of
// hostprep's speed (an unchanged re-run in one round trip per host).
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;
using testing::RoundTrips;

// `slow` takes 100 ms, `slowfail` too and fails: a host that lags.
void MakeSlow(FakeTransport& host) {
  host.SetExecHandler([](const ExecRequest& r) -> std::optional<ExecResult> {
    if (r.argv.empty() || (r.argv[0] != "slow" && r.argv[0] != "slowfail")) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return r.argv[0] == "slow" ? ExecResult{} : ExecResult{1, "", "it failed\n"};
  });
}

// The task ids of the events in the order they were reported, each run of
// one task on several hosts once ("one, two, ...").
std::string TaskOrder(const Recorder& rec) {
  std::string out, last;
  for (const TaskEvent& e : rec.events) {
    if (e.task_id == last) continue;
    last = e.task_id;
    out += (out.empty() ? "" : ", ") + e.task_id;
  }
  return out;
}

// h1 lags in every task: in lock-step the others wait for it each time, so
// the results come task by task.
constexpr char kLaggingPlay[] = R"(
- hosts: all
  gather_facts: false
  strategy: linear
  vars:
    cmd: {h1: slow, h2: "true", h3: "true"}
  tasks:
    - {name: one, run: "{{ cmd[inventory_hostname] }}"}
    - {name: two, run: "{{ cmd[inventory_hostname] }}"}
    - {name: three, run: "{{ cmd[inventory_hostname] }}"}
)";

TEST_CASE("strategy linear runs each task on every host before the next, even with --forks 1") {
  for (int forks : {0, 1, 2}) {
    CAPTURE(forks);
    testing::SchedulerFixture f;
    f.options.forks = forks;
    MakeSlow(f.hosts["h1"]);
    Recorder rec;
    RunSummary s = f.Run(kLaggingPlay, "h1,h2,h3,", &rec);
    CHECK(s.exit_code() == 0);
    CHECK(rec.events.size() == 9);
    CHECK(TaskOrder(rec) == "one, two, three");
  }
}

TEST_CASE("--strategy linear applies to plays that set no strategy, and free ones stay free") {
  testing::SchedulerFixture f;
  f.options.strategy = "linear";
  MakeSlow(f.hosts["h1"]);
  std::string play = kLaggingPlay;
  play.erase(play.find("strategy: linear"), 16);
  Recorder rec;
  CHECK(f.Run(play, "h1,h2,h3,", &rec).exit_code() == 0);
  CHECK(TaskOrder(rec) == "one, two, three");

  // The play's own strategy wins: free, the fast hosts do not wait for h1
  // (which lags 300 ms in all; they are done in far less).
  play.insert(play.find("  vars:"), "  strategy: free\n");
  Recorder free;
  CHECK(f.Run(play, "h1,h2,h3,", &free).exit_code() == 0);
  CHECK(TaskOrder(free) != "one, two, three");
}

// h2 fails the second task, slowly: in lock-step the others have run that
// task too and go no further, as Ansible's linear strategy stops a play.
TEST_CASE(
    "strategy linear stops the play after the task where any_errors_fatal or "
    "max_fail_percentage is hit") {
  for (const char* keyword : {"any_errors_fatal: true", "max_fail_percentage: 30"}) {
    CAPTURE(keyword);
    testing::SchedulerFixture f;
    MakeSlow(f.hosts["h2"]);
    Recorder rec;
    RunSummary s = f.Run(std::string(R"(
- hosts: all
  gather_facts: false
  strategy: linear
  )") + keyword + R"(
  vars:
    cmd: {h1: "true", h2: slowfail, h3: "true"}
  tasks:
    - {name: one, run: "true"}
    - {name: two, run: "{{ cmd[inventory_hostname] }}"}
    - {name: three, run: "true"}
)",
                         "h1,h2,h3,", &rec);
    CHECK(s.exit_code() == 2);
    CHECK(rec.Joined("h1") == "changed one, changed two");
    CHECK(rec.Joined("h2") == "changed one, failed two");
    CHECK(rec.Joined("h3") == "changed one, changed two");
  }
}

TEST_CASE("strategy linear keeps an unchanged re-run at one round trip per host") {
  testing::SchedulerFixture f;
  constexpr char kPlay[] = R"(
- hosts: all
  strategy: linear
  tasks:
    - {name: a, put: {path: /etc/a, content: "a\n"}}
    - {name: b, put: {path: /etc/b, content: "{{ inventory_hostname }}\n"}}
    - {name: c, put: {path: /etc/c, content: "c\n"}}
)";
  Recorder first;
  CHECK(f.Run(kPlay, "h1,h2,", &first).exit_code() == 0);
  // The first run: the facts and every task's state in one round trip,
  // then each task's changes in one of its own (none rides with the task
  // before it: the other host may not have finished that one).
  CHECK(first.Joined("h1") == "ok Gathering Facts, changed a, changed b, changed c");
  Recorder again;
  const uint64_t trips =
      RoundTrips(f.hosts["h1"], [&] { CHECK(f.Run(kPlay, "h1,h2,", &again).exit_code() == 0); });
  CHECK(trips == 1);
  CHECK(again.Joined("h1") == "ok Gathering Facts, ok a, ok b, ok c");
  CHECK(again.Joined("h2") == "ok Gathering Facts, ok a, ok b, ok c");
}

TEST_CASE("strategy linear takes the tasks of a file included on every host in lock-step") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.path = tree.dir() + "/site.yml";
  tree.Write("steps.yml",
             "- {name: in1, run: \"{{ cmd[inventory_hostname] }}\"}\n"
             "- {name: in2, run: \"{{ cmd[inventory_hostname] }}\"}\n");
  MakeSlow(f.hosts["h1"]);
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  strategy: linear
  vars:
    cmd: {h1: slow, h2: "true", h3: "true"}
  tasks:
    - include_tasks: steps.yml
    - {name: after, run: "true"}
)",
                       "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(TaskOrder(rec) == "include_tasks, include_tasks/in1, include_tasks/in2, after");
}

// h1's first task writes /etc/shared on h2; h2 read its state before any
// task ran. In lock-step h2's second task runs after that write, and must
// see it, as Ansible (which reads at each task) does.
TEST_CASE("a host reads its state again after another host's task was delegated to it") {
  testing::SchedulerFixture f;
  f.options.forks = 1;  // h1's delegated writes and h2's own reads share h2's fake
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  strategy: linear
  tasks:
    - name: for the peer
      put: {path: /etc/shared, content: "from h1\n"}
      delegate_to: h2
      when: inventory_hostname == 'h1'
    - name: own
      put: {path: /etc/shared, content: "from h1\n"}
      when: inventory_hostname == 'h2'
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "ok Gathering Facts, changed for-the-peer, skipped own");
  CHECK(rec.Joined("h2") == "ok Gathering Facts, skipped for-the-peer, ok own");
}

}  // namespace
}  // namespace hostprep
