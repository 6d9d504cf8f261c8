// Runs one task (or handler) on one host: `when`, `loop`, templating of the
// arguments, the module's Probe and Plan, the actions (not in check mode),
// changed_when / failed_when, retries, ignore_errors, no_log and register.
// Used by the host's worker thread only.
#ifndef HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
#define HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_

#include <vector>

#include "engine/playbook/playbook.h"
#include "engine/run/host_state.h"
#include "engine/template/variables.h"

namespace hostprep {

struct TaskOutcome {
  std::vector<TaskEvent> events;  // one per task, or one per loop item
  bool failed = false;            // failed and not ignored: the host stops
  bool changed = false;           // notify handlers
};

class TaskExecutor {
 public:
  // `host_vars` holds inventory, facts and play variables; it and the other
  // arguments must outlive the executor.
  TaskExecutor(const PlayContext& ctx, HostState* state, const Variables& host_vars);

  TaskOutcome Execute(const TaskSpec& task);

 private:
  struct Attempt;
  // One pass over one item: render, probe, plan, apply.
  Attempt RunOnce(const TaskSpec& task, const Module& module, const Variables& vars);
  void Finish(const TaskSpec& task, const Variables& vars, Attempt* attempt);
  Status PerformReads(const std::vector<Read>& reads, const Variables& vars, const Become& become,
                      std::vector<ReadResult>* results);
  Become BecomeFor(const TaskSpec& task) const;

  const PlayContext& ctx_;
  HostState* state_;
  const Variables& host_vars_;
};

// The label of a loop item in output: its text, or "name" / "key" field of a
// mapping, shortened to 60 characters.
std::string ItemLabel(const Value& item);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
