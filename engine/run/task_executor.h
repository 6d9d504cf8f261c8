// Runs one task (or handler) on one host: `when`, `loop`, templating of the
// arguments, the module's Probe and Plan, the actions (not in check mode),
// changed_when / failed_when, retries, ignore_errors, no_log and register.
// Used by the host's worker thread only.
#ifndef HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
#define HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_

#include <chrono>
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
  bool unreachable = false;       // the connection was lost: the host stops, unreachable
  bool changed = false;           // notify handlers
};

// A task planned on the state read before earlier tasks' actions run, so
// that its actions can go in the same round trip as theirs (ExecuteBatch).
// Filled by TaskExecutor::Execute(task, speculation).
struct Speculation {
  std::vector<RemoteRead> reads;  // the cached answers its plan used: its guard
  std::vector<Action> actions;    // what it would do; empty when nothing
  // The task could not be planned from the cache (a read missed, or the plan
  // failed): run it for real once the earlier actions are done.
  bool needs_state = false;
  // The task's outcome once its actions ran (set when `actions` is not empty).
  std::function<TaskOutcome(const ActionOutcome&)> finish;
};

class TaskExecutor {
 public:
  // `host_vars` holds inventory, facts and play variables; it and the other
  // arguments must outlive the executor. Remote reads are answered from
  // `cache` when it has them.
  TaskExecutor(const PlayContext& ctx, HostState* state, const Variables& host_vars,
               ProbeCache* cache);

  TaskOutcome Execute(const TaskSpec& task);

  // Plans `task` from the probe cache only and leaves its actions in
  // `speculation` instead of running them; the outcome assumes they will
  // succeed (speculation->finish tells the real one). Only for a task that
  // CanSpeculate.
  TaskOutcome Execute(const TaskSpec& task, Speculation* speculation);

  // Whether the task's outcome depends on nothing but its plan and whether
  // its actions succeed: no loop, register, changed_when, failed_when,
  // retries or ignore_errors, and not in check mode.
  bool CanSpeculate(const TaskSpec& task) const;

  Become BecomeFor(const TaskSpec& task) const;

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
  // Why the task (or, with a loop, one item: `vars` holds it) is skipped
  // (a `when` is false: the reason), "" when it runs, or the error of a
  // `when` that cannot be evaluated.
  Result<std::string> SkipReason(const TaskSpec& task, const Variables& vars) const;
  // What the actions' outcome makes of the attempt: rc/stdout/stderr of a
  // command, the backup file, a failure (with what would fix a refusal
  // when the task ran without `become`).
  void Absorb(const ActionOutcome& done, const Become& become, Attempt* attempt) const;
  TaskEvent Event(const TaskSpec& task, std::chrono::steady_clock::time_point start,
                  TaskStatus status, bool changed, std::string message, std::string diff,
                  const Value& result, std::string item) const;
  Status PerformReads(const std::vector<Read>& reads, const Variables& vars, const Become& become,
                      std::vector<ReadResult>* results);
  ActionOutcome Apply(const std::vector<Action>& actions, const Become& become);

  const PlayContext& ctx_;
  HostState* state_;
  const Variables& host_vars_;
  ProbeCache* cache_;
  std::function<void()> prefetch_;
  std::function<std::vector<PendingRead>()> reads_ahead_;
  Speculation* speculation_ = nullptr;  // set while Execute(task, speculation) runs
};

// The label of a loop item in output: its text, or "name" / "key" field of a
// mapping, shortened to 60 characters.
std::string ItemLabel(const Value& item);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
