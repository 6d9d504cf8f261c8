// One host's plan for one play (like ninja's Plan): the tasks in the order
// they run and how far the run has come, the handlers notified so far and
// where they run (at each flush: after pre_tasks, after the roles and tasks,
// at a `meta: flush_handlers`, and at the end), and the waiting batch: tasks
// planned ahead of the actions of the tasks before them, whose actions wait
// to go to the host in one round trip.
//
// Plain data and no I/O: HostPlay asks it what comes next and tells it what
// happened. Owned by one host's worker; not thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_HOST_PLAN_H_
#define HOSTPREP_ENGINE_RUN_HOST_PLAN_H_

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/playbook/playbook.h"
#include "engine/run/rank.h"
#include "engine/run/task_executor.h"
#include "engine/run/task_run.h"

namespace hostprep {

class HostPlan {
 public:
  // A task planned ahead whose outcome is not reported yet.
  struct Unit {
    const TaskSpec* task = nullptr;
    const IncludeFrame* frame = nullptr;  // the include that brought the task in
    size_t position = 0;                  // where the task stands in the plan
    std::unique_ptr<TaskRun> run;         // kAct: until its actions' outcome is in
    TaskStep step;                        // kAct: its actions wait; kDone: nothing to send
    std::optional<TaskOutcome> outcome;   // kDone: the outcome, reported in turn
  };

  // `tasks`: the tasks selected to run, in order, with their flushes
  // (TaskKind::kFlushHandlers; a kNoop is dropped); `handlers`: the play's
  // handlers in the order they run when notified.
  HostPlan(std::vector<const TaskSpec*> tasks, std::vector<const TaskSpec*> handlers);

  // The task to run next, or null when nothing is left: the tasks in order,
  // and at each flush and at the end each notified handler once, in order
  // (a handler notified by another runs after it, at the same flush when it
  // comes later in the list). Skips the handlers nothing notified.
  const TaskSpec* Next();
  // The task Next() returned is under way: the one after it comes next. A
  // handler's notification is used up: notified again, it runs again at
  // the next flush.
  void Advance();
  // The flush_handlers at the current position has a `when` that is false
  // on this host: its handlers are passed over, and those notified run at
  // the next flush, as in Ansible.
  void SkipFlush();
  // Where the run stands: the position of Next()'s task.
  size_t position() const { return position_; }
  // How far the host has come (rank.h): the rank of the current task, and
  // the rank of the first task not finished yet (the waiting batch's
  // first, else the current one). At the end, a rank past every task's.
  const Rank& rank() const { return RankAt(position_); }
  Rank done_rank() const;
  // The include that brought Next()'s task in, or null.
  const IncludeFrame* frame() const {
    return position_ < entries_.size() ? entries_[position_].frame : nullptr;
  }

  // The include at the current position included `frames`: their tasks
  // (those `selected` keeps) run next, frame after frame, a `meta:
  // flush_handlers` among them flushing as one in the play does. The plan
  // keeps the frames.
  void Include(std::vector<IncludeFrame> frames,
               const std::function<bool(const TaskSpec&)>& selected);
  // Back to an earlier position: the tasks from there are planned again,
  // the handlers taken from there notified again.
  void Rewind(size_t position);

  // What is still to run from the current position: the tasks, and the
  // handlers that the notifications so far can lead to (handlers notifying
  // handlers included). Their state is read after the next change.
  std::vector<HostTask> Remaining() const;

  // `task`, at `position` (by default the current one), changed something:
  // the handlers it names are notified.
  void Notify(const TaskSpec& task) { Notify(task, position_); }
  void Notify(const TaskSpec& task, size_t position) { Mark(task, position, &notified_at_); }
  // The task at the current position, planned into the waiting batch,
  // would notify these handlers.
  void NotifyPending(const TaskSpec& task) { Mark(task, position_, &pending_at_); }

  // A task of `task`'s role ran on the host (a result that is not skipped).
  void RoleRan(const TaskSpec& task) {
    if (task.role_instance >= 0) ran_roles_.insert(task.role_instance);
  }
  // The run reached `end` (TaskKind::kRoleComplete) with nothing waiting:
  // when a task of its role ran, the role's later occurrences are skipped.
  void EndRole(const TaskSpec& end) {
    if (ran_roles_.count(end.role_instance) > 0) completed_roles_.insert(end.role_instance);
  }

  // The task at `position` failed (a failure not ignored, nor a lost
  // host). When a block around it takes the failure over, the plan moves
  // to that block's rescue or, with no rescue, its always; the answer says
  // whether the failure counts as rescued (a block around it will rescue
  // it); nullopt when no block takes it and the host fails. As Ansible's
  // blocks: a failure in a rescue goes to the always, and a block that
  // failed fails the block around it once its always ran.
  std::optional<bool> Fail(size_t position);
  // Next() returned a block's marker (TaskKind::kRescueStart...): steps over
  // it, into a rescue under way, past a rescue not needed, into the always,
  // or at the block's end on to where its failure goes. False when the
  // failure leaves the host failed.
  bool PassMarker();

  // The waiting batch, in plan order.
  std::vector<Unit>& waiting() { return waiting_; }
  // Empties the waiting batch, and forgets what its tasks would notify:
  // each is now reported (notifying for real) or planned again.
  std::vector<Unit> TakeWaiting();

 private:
  struct Entry {
    const TaskSpec* task = nullptr;
    bool handler = false;                 // runs only when notified
    const IncludeFrame* frame = nullptr;  // the include that brought it in
    const TaskSpec* flush = nullptr;      // a handler of this conditional flush
    Rank rank = {};                       // see rank()
  };
  const Rank& RankAt(size_t position) const {
    return position < entries_.size() ? entries_[position].rank : end_rank_;
  }
  // `tasks` as entries: a flush becomes every handler (after the flush
  // itself when it has a `when`), a noop nothing.
  void AddEntries(const std::vector<const TaskSpec*>& tasks, const IncludeFrame* frame,
                  std::vector<Entry>* out) const;
  // Positions are kept as long, -1 for never.
  using Marks = std::map<const TaskSpec*, long>;
  struct Taken {
    const TaskSpec* handler = nullptr;
    long position = 0;
    long before = -1;  // where it was taken before
  };

  const TaskSpec* At(size_t position) const {
    return position < entries_.size() ? entries_[position].task : nullptr;
  }
  static long Get(const Marks& marks, const TaskSpec* h) {
    auto it = marks.find(h);
    return it == marks.end() ? -1 : it->second;
  }
  // Notified since it last ran: a notification from a position after the
  // one where it was last taken (so the order results are reported in does
  // not matter).
  bool Notified(const TaskSpec* h) const {
    return std::max(Get(notified_at_, h), Get(pending_at_, h)) > Get(taken_at_, h);
  }
  void Mark(const TaskSpec& task, size_t position, Marks* marks) const;
  // The position of `block`'s marker `kind` from `from` on.
  std::optional<size_t> FindMarker(TaskKind kind, const BlockSpec* block, size_t from) const;
  // Where a failure in `section` of `block` goes (see Fail), and sets the
  // state of the blocks it passes.
  std::optional<size_t> Takeover(const BlockSpec* block, BlockSection section, size_t from);
  // The handlers `names` (notify entries: ids or names) reach.
  std::vector<const TaskSpec*> Named(const std::vector<std::string>& names) const;
  std::set<const TaskSpec*> ReachableHandlers() const;

  std::vector<const TaskSpec*> handlers_;
  std::vector<Entry> entries_;  // tasks, and after each flush every handler
  Rank end_rank_;
  size_t position_ = 0;
  Marks notified_at_;              // the latest position that notified each handler
  Marks pending_at_;               // the same, by tasks of the waiting batch
  Marks taken_at_;                 // where each handler last ran
  std::vector<Taken> taken_;       // in order, to undo on Rewind
  std::set<int> ran_roles_;        // role instances with a task that ran
  std::set<int> completed_roles_;  // role instances whose later occurrences are skipped
  std::vector<Unit> waiting_;
  std::deque<IncludeFrame> frames_;  // what includes brought in; entries point here
  enum class BlockState { kRescuing, kFailed };
  std::map<const BlockSpec*, BlockState> blocks_;  // blocks a failure is passing through
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_HOST_PLAN_H_
