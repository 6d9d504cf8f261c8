// Runs one task (or handler) on one host, without doing any I/O: `when`,
// `loop`, templating of the arguments, the module's Probe and Plan,
// changed_when / failed_when, retries, ignore_errors, no_log and register.
//
// The caller drives it (HostPlay does, with HostIo): Start a task, then
// Prepare it from what has been read until it is done. Prepare answers with
// the next step: the reads it still needs (make them, then Prepare again),
// the actions to carry out (carry them out, Complete with their outcome,
// then Prepare again), a wait between retries, or done (Finish gives the
// outcome). Because Prepare only looks at what has been read, a task can be
// planned on the state read before the tasks ahead of it act, and its
// actions sent in the same round trip as theirs, guarded by the answers its
// plan used (TaskStep::guard).
//
// Used by the host's worker thread only.
#ifndef HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
#define HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/playbook/include_loader.h"
#include "engine/playbook/playbook.h"
#include "engine/run/action_executor.h"
#include "engine/run/delegation.h"
#include "engine/run/host_state.h"
#include "engine/run/included_vars.h"
#include "engine/run/read_source.h"
#include "engine/run/role_variables.h"
#include "engine/template/templar.h"
#include "engine/template/variables.h"

namespace hostprep {

// One item of an include_tasks on one host: the file it read, and the
// include parameters its tasks see (the include's own vars and loop item,
// over those of the include it is in), above every scope but extra vars.
struct IncludeFrame {
  std::shared_ptr<const IncludedFile> file;
  Value params = Value::object();
};

// A task as one host runs it: a task of the play (or of an included file),
// and for a task an include brought in, that include's frame (owned by the
// host's plan; null for the play's own tasks).
struct HostTask {
  const TaskSpec* spec = nullptr;
  const IncludeFrame* frame = nullptr;
};

struct TaskOutcome {
  std::vector<TaskEvent> events;  // one per task, or one per loop item
  bool failed = false;            // failed and not ignored: the host stops
  bool unreachable = false;       // the connection was lost: the host stops, unreachable
  bool changed = false;           // notify handlers
  // include_tasks: what runs next, in order (one per item included).
  std::vector<IncludeFrame> included;
  // ignore_unreachable took a lost connection over: the host goes on, and
  // that connection is made again ("" the host's own, else the delegated
  // host's name).
  std::optional<std::string> lost;
};

// What a task needs next (TaskExecutor::Prepare).
struct TaskStep {
  enum class Kind {
    kDone,  // nothing more: TaskExecutor::Finish gives the outcome
    kRead,  // make `reads` where the ReadSource finds them, then Prepare again
    kAct,   // carry out `actions` as `become`, then Complete, then Prepare again
    kWait,  // wait `wait_seconds` before the next attempt, then Prepare again
    // the item runs on `delegate` (delegate_to): make a DelegateTarget for
    // it and hand it to Delegate (or Fail when it cannot be reached), then
    // Prepare again
    kConnect,
  };
  Kind kind = Kind::kDone;
  std::vector<PendingRead> reads;  // kRead
  std::vector<Action> actions;     // kAct
  Become become;                   // kAct
  // kAct, kDone: the answers (made as the task's become) its plans used. A
  // task planned ahead of earlier actions holds only while they stay the same.
  std::vector<RemoteRead> guard;
  bool changes = false;  // kAct: the plan reports a change (handlers to notify)
  int wait_seconds = 0;  // kWait
  std::string delegate;  // kConnect
  // kRead, kAct: the delegated host the reads and actions go to; null: the host.
  const DelegateTarget* target = nullptr;
};

class TaskRun;  // task_run.h
struct TaskAttempt;

class TaskExecutor {
 public:
  // `host_vars` holds inventory, facts and play variables; `roles` (may be
  // null when the play has no roles) the roles' scopes above them. They and
  // the other arguments must outlive the executor. Reads the host's facts,
  // registered results and connection settings from `state`; writes only
  // its registered results (Finish).
  TaskExecutor(const PlayContext& ctx, HostState* state, const Variables& host_vars,
               const RoleVariables* roles = nullptr);
  ~TaskExecutor();

  // `frame`: the include that brought the task in, if any (must outlive the run).
  std::unique_ptr<TaskRun> Start(const TaskSpec& task, const IncludeFrame* frame = nullptr) const;
  TaskStep Prepare(TaskRun* run, const ReadSource& source);
  // The outcome of the actions of the last kAct step.
  void Complete(TaskRun* run, const ActionOutcome& done) const;
  // The reads of the last kRead step could not be made, or the host of a
  // kConnect step not reached (`status`): the attempt fails with it
  // (unreachable when the host was lost).
  void Fail(TaskRun* run, const Status& status) const;
  // After kConnect: the current item runs on `target` (borrowed; must
  // outlive the run), its reads answered by target->source.
  void Delegate(TaskRun* run, const DelegateTarget* target) const;
  // After kDone: the outcome; keeps the registered result.
  TaskOutcome Finish(std::unique_ptr<TaskRun> run);

  // Whether the task's outcome depends on nothing but its plan and whether
  // its actions succeed, so that it can be planned ahead of earlier
  // actions: no loop, register, changed_when, failed_when, retries or
  // ignore_errors, ignore_unreachable or delegate_to, and not in check mode.
  bool CanSpeculate(const TaskSpec& task) const;

  // A registered result or set_fact value (Remember), or an include_vars
  // variable (RememberIncluded): the host's own, and what other hosts read
  // through hostvars. While `into` is set (Capture), each is copied there
  // too (a run_once task's results, for the batch's other hosts).
  void Remember(const std::string& name, const Value& value) const;
  void RememberIncluded(const std::string& name, const Value& value) const;
  void Capture(HostVarsBoard::Once* into) { capture_ = into; }

  // Where the ansible_facts a module returns (setup) go: the host's runner
  // merges them over the host's facts, and the tasks after see them. Unset,
  // they are registered only.
  void OnFacts(std::function<void(const Value& facts)> sink) { facts_sink_ = std::move(sink); }

  // The become of the run's current item: the keywords over the become
  // defaults of the host's connection (a delegated host's when delegated),
  // and -b over both. A templated `become` (TaskSpec::become_template) is
  // rendered with the item's variables; one that cannot be rendered counts
  // as not written (PlanAttempt reports it).
  Become BecomeFor(const TaskRun& run) const;
  // The become of the play's fact gathering, as Ansible's: the play's
  // keywords over the connection's defaults, and -b over both; no task's.
  Become GatheringBecome() const;
  BecomeMethod PlayBecomeMethod(const ConnectionSettings& connection) const;

  // A task that only steers the run (meta end_host...): why its `when`
  // skips it ("" when it runs), or the error of a `when` that cannot be
  // evaluated.
  Result<std::string> Condition(const TaskSpec& task, const IncludeFrame* frame) const;

  // The remote reads `task` would make if it ran now, for reading ahead.
  // Best effort and silent: a task whose condition, loop or arguments cannot
  // be rendered yet (a registered result not there yet) contributes none;
  // Prepare reports its errors when it runs. `facts_ahead` (optional)
  // carries what the set_fact tasks before it in the same read-ahead will
  // set: they add to it, the others see it. An include reads the file it
  // would include now and answers the reads of its tasks.
  std::vector<PendingRead> PlannedReads(const HostTask& task, Value* facts_ahead = nullptr,
                                        int depth = 0) const;

 private:
  struct Planned;
  // delegate_facts: gives a delegated set_fact's, include_vars' or module's
  // facts to the delegated host; false when they are the host's own
  // (task_executor_controller.cc).
  Result<bool> HandOver(TaskRun* run, const HostVarsBoard::Given& given) const;
  // A module's ansible_facts set on the host (or handed over); an error
  // when delegate_facts names no host.
  Status KeepFacts(TaskRun* run, const Value& returned) const;
  // A templated `become` rendered with `vars`: nullopt when the task has
  // none; an error names where it is written and what it rendered to.
  static Result<std::optional<bool>> TemplatedBecome(const TaskSpec& task, const Variables& vars);
  // The task's arguments rendered with `vars`, normalised and validated;
  // errors carry the argument's location.
  Result<Value> RenderArgs(const TaskSpec& task, const Module& module, const Variables& vars) const;
  // When the task has no loop: its `when` and loop are decided up front,
  // which may end the run (skipped, an error).
  void Begin(TaskRun* run) const;
  // One attempt on one item: render, probe and plan from `source`.
  Planned PlanAttempt(TaskRun* run, const ReadSource& source);
  Planned SetFacts(TaskRun* run) const;
  Planned IncludeVars(TaskRun* run) const;
  Status AddEnvironment(const TaskSpec& task, const Variables& vars,
                        std::vector<Action>* actions) const;
  IncludeVarsContext VarsContext(const TaskSpec& task) const;
  // The loop's items (RenderLoop), controller lookups resolved.
  Result<Value> Items(const TaskSpec& task, const Variables& vars) const;
  // include_tasks, for the current item: the file its name stands for,
  // loaded, and the parameters its tasks see.
  Result<IncludeFrame> IncludeItem(TaskRun* run) const;
  Planned Include(TaskRun* run) const;
  // The answers to `reads` from `source` (local files read and rendered),
  // appended to `results`; the remote ones used go to planned->guard and
  // the missing ones to planned->missing.
  void Answer(const TaskSpec& task, const std::vector<Read>& reads, const Variables& vars,
              const Become& become, const ReadSource& source, std::vector<ReadResult>* results,
              Planned* planned) const;
  // The attempt is over: changed_when / failed_when, then the next attempt
  // (a wait), or the item's result and the next item.
  bool EndAttempt(TaskRun* run, TaskStep* wait) const;
  bool Until(TaskRun* run, TaskAttempt* a) const;
  void EndRun(TaskRun* run) const;
  // Why the task (or, with a loop, one item: `vars` holds it) is skipped
  // (a `when` is false: the reason), "" when it runs, or the error of a
  // `when` that cannot be evaluated.
  Result<std::string> SkipReason(const TaskSpec& task, const Variables& vars) const;
  // How conditions decide in this run (--allow-broken-conditionals).
  ConditionRule Rule() const {
    return ctx_.options->allow_broken_conditionals ? ConditionRule::kTruthy
                                                   : ConditionRule::kBoolean;
  }
  // What the actions' outcome makes of the attempt: rc/stdout/stderr of a
  // command, the backup file, a failure (with what would fix a refusal
  // when the task ran without `become`).
  void Absorb(const ActionOutcome& done, const Become& become, TaskAttempt* attempt) const;
  void TakeReport(const TaskRun& run, const ExecResult& output, TaskAttempt* a) const;
  // changed_when / failed_when on a command's real result.
  void Judge(const TaskSpec& task, const Variables& vars, TaskAttempt* attempt) const;
  // delegate_to for the current item: "" when it runs on the host itself,
  // else the host it names; an error when it cannot be rendered.
  Result<std::string> DelegateName(TaskRun* run) const;
  // The current item's label in output: loop_control.label rendered, or
  // ItemLabel of the item.
  std::string Label(TaskRun* run) const;
  ReadResult AnswerOnController(const Read& read, const Variables& vars) const;
  Result<Value> EvaluateShown(const Templar& templar, const std::string& text) const;
  TaskEvent Event(const TaskRun& run, TaskStatus status, bool changed, std::string message,
                  std::string diff, const Value& result, std::string item) const;

  // A new run of `task`, its scopes on the host's (or its role's).
  std::unique_ptr<TaskRun> NewRun(const TaskSpec& task, const Module* module,
                                  const IncludeFrame* frame = nullptr) const;

  const PlayContext& ctx_;
  HostState* state_;
  const Variables& host_vars_;
  const RoleVariables* roles_;
  HostVarsBoard::Once* capture_ = nullptr;
  std::function<void(const Value& facts)> facts_sink_;
};

// A set_fact value as Ansible's set_fact keeps it: a string that reads as a
// boolean (true/yes/false/no, any case) is one.
Value FactValue(Value v);

// The label of a loop item in output: its text, or "name" / "key" field of a
// mapping, shortened to 60 characters.
std::string ItemLabel(const Value& item);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_TASK_EXECUTOR_H_
