// One host's plan for one play (like ninja's Plan): the tasks in the order
// they run and how far the run has come, the handlers notified so far, and
// the waiting batch: tasks planned ahead of the actions of the tasks before
// them, whose actions wait to go to the host in one round trip.
//
// Plain data and no I/O: HostPlay asks it what comes next and tells it what
// happened. Owned by one host's worker; not thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_HOST_PLAN_H_
#define HOSTPREP_ENGINE_RUN_HOST_PLAN_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/playbook/playbook.h"
#include "engine/run/task_executor.h"
#include "engine/run/task_run.h"

namespace hostprep {

class HostPlan {
 public:
  // A task planned ahead whose outcome is not reported yet.
  struct Unit {
    const TaskSpec* task = nullptr;
    size_t position = 0;                 // where the task stands in the plan
    std::unique_ptr<TaskRun> run;        // kAct: until its actions' outcome is in
    TaskStep step;                       // kAct: its actions wait; kDone: nothing to send
    std::optional<TaskOutcome> outcome;  // kDone: the outcome, reported in turn
  };

  // `tasks`: the tasks selected to run, in order; `handlers`: the play's
  // handlers in the order they run when notified.
  HostPlan(std::vector<const TaskSpec*> tasks, std::vector<const TaskSpec*> handlers);

  // The task to run next, or null when nothing is left: the tasks in order,
  // then each notified handler once, in order (a handler notified by
  // another runs after it). Skips the handlers nothing notified.
  const TaskSpec* Next();
  // The task Next() returned is under way: the one after it comes next.
  void Advance() { ++position_; }
  // Where the run stands: the position of Next()'s task.
  size_t position() const { return position_; }
  // Back to an earlier position: the tasks from there are planned again.
  void Rewind(size_t position) { position_ = position; }

  // What is still to run from the current position: the tasks, and the
  // handlers that the notifications so far can lead to (handlers notifying
  // handlers included). Their state is read after the next change.
  std::vector<const TaskSpec*> Remaining() const;

  // `task` changed something: the handlers it names are notified.
  void Notify(const TaskSpec& task) { notified_.insert(task.notify.begin(), task.notify.end()); }
  // A task whose actions wait in the batch would notify these handlers.
  void NotifyPending(const TaskSpec& task) {
    pending_notified_.insert(task.notify.begin(), task.notify.end());
  }

  // The waiting batch, in plan order.
  std::vector<Unit>& waiting() { return waiting_; }
  // Empties the waiting batch, and forgets what its tasks would notify:
  // each is now reported (notifying for real) or planned again.
  std::vector<Unit> TakeWaiting();

 private:
  bool IsHandler(size_t position) const { return position >= tasks_.size(); }
  const TaskSpec* At(size_t position) const;
  bool Notified(const TaskSpec& handler) const;
  std::set<const TaskSpec*> ReachableHandlers() const;

  std::vector<const TaskSpec*> tasks_;
  std::vector<const TaskSpec*> handlers_;
  size_t position_ = 0;  // in tasks_, then (minus tasks_.size()) in handlers_
  std::set<std::string> notified_;
  std::set<std::string> pending_notified_;  // by the waiting batch
  std::vector<Unit> waiting_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_HOST_PLAN_H_
