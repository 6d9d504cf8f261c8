// Test support for the scheduler's tests: a reporter that records every
// event, a fixture that parses a playbook from text and runs it over
// FakeTransports, and the count of round trips a run made.
#ifndef HOSTPREP_TESTS_ENGINE_RUN_SCHEDULER_TEST_UTIL_H_
#define HOSTPREP_TESTS_ENGINE_RUN_SCHEDULER_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/inventory/inventory.h"
#include "engine/output/reporter.h"
#include "engine/run/scheduler.h"
#include "tests/engine/run/run_test_util.h"

namespace hostprep::testing {

class Recorder : public Reporter {
 public:
  void PlayStart(const std::string& play, const std::vector<std::string>&, bool) override {
    plays.push_back(play);
  }
  void Task(const TaskEvent& e) override { events.push_back(e); }
  void Progress(size_t, size_t, size_t) override {}
  void Warning(const std::string& m) override { warnings.push_back(m); }
  void Recap(const std::map<std::string, HostStats>&, const std::vector<std::string>&) override {}
  void RunEnd(int) override {}

  std::vector<std::string> Lines(const std::string& host) const {
    std::vector<std::string> out;
    for (const TaskEvent& e : events) {
      if (e.host != host) continue;
      out.push_back(std::string(TaskStatusName(e.status)) + " " + e.task_id);
      if (!e.message.empty()) MESSAGE(e.task_id, ": ", e.message);
    }
    return out;
  }
  // Lines(host) as one string, so that a failed check shows them.
  std::string Joined(const std::string& host) const {
    std::string out;
    for (const std::string& line : Lines(host)) out += (out.empty() ? "" : ", ") + line;
    return out;
  }
  std::vector<TaskEvent> events;
  std::vector<std::string> warnings;
  std::vector<std::string> plays;  // as started
};

struct SchedulerFixture {
  ModuleRegistry modules;
  Hosts hosts;
  RunOptions options;
  std::string path = "site.yml";  // where the playbook is said to be: its files are beside it

  SchedulerFixture() {
    modules.Register(std::make_unique<PutModule>());
    modules.Register(std::make_unique<RunModule>());
  }

  RunSummary Run(const std::string& playbook, const std::string& inventory, Recorder* rec) {
    Diagnostics diags;
    std::unique_ptr<Playbook> pb = ParsePlaybookString(playbook, path, modules, &diags);
    REQUIRE_MESSAGE(pb != nullptr, diags.Format());
    std::unique_ptr<Inventory> inv = Inventory::Load({inventory}, &diags);
    REQUIRE_MESSAGE(inv != nullptr, diags.Format());
    Scheduler s(*pb, *inv, modules, &hosts, rec, options);
    return s.Run();
  }
};

// Round trips made on `host` by `run`.
template <typename F>
uint64_t RoundTrips(FakeTransport& host, F run) {
  const uint64_t before = host.stats().round_trips;
  run();
  return host.stats().round_trips - before;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_RUN_SCHEDULER_TEST_UTIL_H_
