// All user-facing output of a run goes through a Reporter. The scheduler's
// coordinator calls it from one thread only, so implementations need no locks.
// Implementations: TextReporter (ansible-playbook-like lines and PLAY RECAP),
// JsonReporter (one JSON event per line), and a recording one in tests.
#ifndef HOSTPREP_ENGINE_OUTPUT_REPORTER_H_
#define HOSTPREP_ENGINE_OUTPUT_REPORTER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/value.h"

namespace hostprep {

enum class TaskStatus { kOk, kChanged, kSkipped, kFailed, kUnreachable, kIgnored };

// "ok", "changed", "skipped", "failed", "unreachable", "ignored".
const char* TaskStatusName(TaskStatus status);

// The result of one task (or one loop item) on one host.
struct TaskEvent {
  std::string host;
  std::string play;
  std::string task;  // display name
  std::string task_id;
  bool handler = false;
  TaskStatus status = TaskStatus::kOk;
  bool changed = false;
  std::string message;              // one line: the error, "would run: ...", a skip reason
  std::string diff;                 // shown with --diff
  std::string item;                 // loop item label; "" when not a loop item
  std::string delegate;             // delegate_to: the host it ran on (DelegateLabel); "" = its own
  std::optional<Value> item_value;  // the loop item itself; not under no_log
  bool check_mode = false;
  double duration_seconds = 0;
  Value result = Value::object();  // registered-style result (rc, stdout, ...); hidden by no_log
  // Shown under the task's line whatever its status (debug's message,
  // assert's); null = nothing. Hidden by no_log.
  Value display;
  // PLAY RECAP counts a task once per host: a loop's items all have
  // counts_in_recap false but the last, whose recap_status sums up the items.
  bool counts_in_recap = true;
  TaskStatus recap_status = TaskStatus::kOk;
  bool recap_changed = false;  // the task (all its items) changed something
  // A failure a block's `rescue` takes over: counted as rescued, not failed,
  // and the host goes on (as Ansible counts it).
  bool rescued = false;
};

// What a run cost on one host, for --stats and the JSON recap. Round trips
// count remote operations that waited for an answer, after the connection
// (SSH handshake and authentication are the connect time).
struct HostCost {
  uint64_t round_trips = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  double connect_seconds = 0;
  double probe_seconds = 0;  // facts and reads of the tasks' state
  double apply_seconds = 0;  // actions
};

// PLAY RECAP counters for one host.
struct HostStats {
  int ok = 0;
  int changed = 0;
  int unreachable = 0;
  int failed = 0;
  int skipped = 0;
  int rescued = 0;
  int ignored = 0;
  HostCost cost;
};

class Reporter {
 public:
  virtual ~Reporter() = default;

  virtual void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                         bool check_mode) = 0;
  virtual void Task(const TaskEvent& event) = 0;
  // Hosts finished / running / total, for a live progress line.
  virtual void Progress(size_t done, size_t running, size_t total) = 0;
  // A message for the user that is not a task result ("no hosts matched").
  virtual void Warning(const std::string& message) = 0;
  virtual void Recap(const std::map<std::string, HostStats>& stats,
                     const std::vector<std::string>& host_order) = 0;
  virtual void RunEnd(int exit_code) = 0;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_REPORTER_H_
