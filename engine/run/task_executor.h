// Runs one task (or handler) on one host: `when`, `loop`, templating of the
// arguments, the module's Probe and Plan, the actions (not in check mode),
// changed_when / failed_when, retries, ignore_errors, no_log and register.
// Used by the host's worker thread only.
#ifndef HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
#define HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_

#include <functional>
#include <vector>

#include "engine/playbook/playbook.h"
#include "engine/run/action_executor.h"
#include "engine/run/host_state.h"
#include "engine/run/probe_cache.h"
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
  // arguments must outlive the executor. Remote reads are answered from
  // `cache` when it has them.
  TaskExecutor(const PlayContext& ctx, HostState* state, const Variables& host_vars,
               ProbeCache* cache);

  TaskOutcome Execute(const TaskSpec& task);

  // The remote reads `task` would make if it ran now, for probing ahead.
  // Best effort and silent: a task whose condition, loop or arguments cannot
  // be rendered yet (a registered result not there yet) contributes none;
  // Execute reports its errors when it runs.
  std::vector<PendingRead> PlannedReads(const TaskSpec& task);

  // Called when a read misses a stale cache: should probe the tasks still to
  // run in one batch and fill the cache.
  void set_prefetch(std::function<void()> prefetch) { prefetch_ = std::move(prefetch); }

  // Returns the remote reads of the tasks still to run (this one included)
  // that the cache does not hold: they are read in the same round trip as a
  // task's actions, after them.
  void set_reads_ahead(std::function<std::vector<PendingRead>()> reads_ahead) {
    reads_ahead_ = std::move(reads_ahead);
  }

 private:
  struct Attempt;
  struct Scopes;
  // The task's arguments rendered with `vars`, normalised and validated;
  // errors carry the argument's location.
  Result<Value> RenderArgs(const TaskSpec& task, const Module& module, const Variables& vars);
  // One pass over one item: render, probe, plan, apply.
  Attempt RunOnce(const TaskSpec& task, const Module& module, const Variables& vars);
  void Finish(const TaskSpec& task, const Variables& vars, Attempt* attempt);
  Status PerformReads(const std::vector<Read>& reads, const Variables& vars, const Become& become,
                      std::vector<ReadResult>* results);
  Become BecomeFor(const TaskSpec& task) const;
  ActionOutcome Apply(const std::vector<Action>& actions, const Become& become);

  const PlayContext& ctx_;
  HostState* state_;
  const Variables& host_vars_;
  ProbeCache* cache_;
  std::function<void()> prefetch_;
  std::function<std::vector<PendingRead>()> reads_ahead_;
};

// The label of a loop item in output: its text, or "name" / "key" field of a
// mapping, shortened to 60 characters.
std::string ItemLabel(const Value& item);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
