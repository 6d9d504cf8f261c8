// TaskExecutor, the outcome half: what a task's actions did (Absorb,
// TakeReport), changed_when/failed_when (Judge), until and retries, and
// what a finished task registers and reports. The preparing half is in
// task_executor.cc, the controller's answers in task_executor_controller.cc.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "engine/base/text.h"
#include "engine/playbook/task_list.h"
#include "engine/run/task_executor.h"
#include "engine/run/task_results.h"
#include "engine/run/task_run.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

std::vector<std::string> OutputLines(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string StripLineEnds(const std::string& text) {
  const size_t end = text.find_last_not_of("\r\n");
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

std::string FirstLine(const std::string& text) {
  std::string t = Trim(text);
  size_t nl = t.find('\n');
  return nl == std::string::npos ? t : t.substr(0, nl) + " ...";
}

// Marks a loop's item events so the recap counts the task once, with the
// most telling status of its items.
void SummarizeLoop(std::vector<TaskEvent>* events) {
  auto any = [&](TaskStatus s) {
    return std::any_of(events->begin(), events->end(),
                       [s](const TaskEvent& e) { return e.status == s; });
  };
  TaskStatus summary = TaskStatus::kSkipped;
  for (TaskStatus s : {TaskStatus::kUnreachable, TaskStatus::kFailed, TaskStatus::kIgnored,
                       TaskStatus::kChanged, TaskStatus::kOk}) {
    if (any(s)) {
      summary = s;
      break;
    }
  }
  const bool changed =
      std::any_of(events->begin(), events->end(), [](const TaskEvent& e) { return e.changed; });
  for (TaskEvent& e : *events) e.counts_in_recap = false;
  events->back().counts_in_recap = true;
  events->back().recap_status = summary;
  events->back().recap_changed = changed;
}

}  // namespace

void TaskExecutor::Absorb(const ActionOutcome& done, const Become& become,
                          TaskAttempt* attempt) const {
  TaskAttempt& a = *attempt;
  if (!done.backup_file.empty()) a.result["backup_file"] = done.backup_file;
  if (done.ran_command) {
    const ExecResult& e = done.last_exec;
    a.ran_command = a.command_output;
    if (a.command_output) {
      // As Ansible's command module keeps them: without the trailing line
      // breaks (`echo blue` registers "blue").
      const std::string out = StripLineEnds(e.stdout_data), err = StripLineEnds(e.stderr_data);
      a.result["rc"] = e.exit_code;
      a.result["stdout"] = out;
      a.result["stderr"] = err;
      a.result["stdout_lines"] = OutputLines(out);
      a.result["stderr_lines"] = OutputLines(err);
    }
    if (e.exit_code != 0) {
      a.status = TaskStatus::kFailed;
      std::string detail = FirstLine(e.stderr_data);
      a.message = fmt::format("non-zero return code {}{}", e.exit_code,
                              detail.empty() ? "" : ": " + detail);
    }
  }
  if (!done.status.ok()) {
    // An action that could not be carried out: as Ansible reports a module
    // that failed, the task changed nothing it can vouch for.
    a.status = done.status.unreachable() ? TaskStatus::kUnreachable : TaskStatus::kFailed;
    a.changed = false;
    a.message = WithBecomeHint(done.status.message(), become);
  }
}

// changed_when, then failed_when, as Ansible's TaskExecutor evaluates them:
// on every task with a result (a module's real or check-mode result, a
// set_fact), with the task's register name holding the result; failed_when
// sees the changed that changed_when decided. A command's rc, stdout and
// stderr are also plain variables (hostprep's shorthand). A condition that
// cannot be evaluated fails the task.
void TaskExecutor::Judge(const TaskSpec& task, const Variables& vars, TaskAttempt* a) const {
  if (task.changed_when.empty() && task.failed_when.empty()) return;
  if (a->status == TaskStatus::kSkipped || a->status == TaskStatus::kUnreachable) return;
  Variables scope(&vars);
  if (a->ran_command) {
    for (const char* key : {"rc", "stdout", "stderr", "stdout_lines", "stderr_lines"})
      scope.Set(key, a->result[key], "the command's result", Trust::kData);
  }
  auto show = [&] {
    if (task.register_as.empty()) return;
    scope.Set(task.register_as, Registered(a->status, a->changed, a->message, a->result),
              "the task's result", Trust::kData);
  };
  // False when a condition could not be evaluated (the task has failed).
  auto holds = [&](const std::vector<Expression>& conds, const char* keyword, bool any, bool* out) {
    Templar t(scope);
    *out = !any;
    for (const Expression& e : conds) {
      Result<bool> r = t.EvaluateCondition(e.text, Rule());
      if (!r.ok()) {
        a->status = TaskStatus::kFailed;
        a->message = e.location.Prefix() + keyword + ": " + r.message();
        return false;
      }
      *out = any ? (*out || *r) : (*out && *r);
    }
    return true;
  };
  show();
  if (!task.changed_when.empty()) {
    bool changed = false;
    if (!holds(task.changed_when, "changed_when", /*any=*/false, &changed)) return;
    a->changed = changed;
    if (a->status != TaskStatus::kFailed)
      a->status = changed ? TaskStatus::kChanged : TaskStatus::kOk;
    show();
  }
  if (!task.failed_when.empty()) {
    bool failed = false;
    if (!holds(task.failed_when, "failed_when", /*any=*/true, &failed)) return;
    if (failed) {
      a->status = TaskStatus::kFailed;
      if (a->message.empty()) a->message = "failed_when condition matched";
    } else if (a->status == TaskStatus::kFailed) {
      a->status = a->changed ? TaskStatus::kChanged : TaskStatus::kOk;
      a->message.clear();
    }
  }
}

void TaskExecutor::Complete(TaskRun* run, const ActionOutcome& done) const {
  TaskAttempt a = std::move(*run->acting);
  run->acting.reset();
  Absorb(done, BecomeFor(*run), &a);
  if (a.report_args && done.status.ok() && done.ran_command) TakeReport(*run, done.last_exec, &a);
  run->ended = std::move(a);
}

// What a module whose actions report (Change::reports) says they did. A
// command that exited non-zero leaves the task failed: its report may only
// say why, and add to what it registers.
void TaskExecutor::TakeReport(const TaskRun& run, const ExecResult& output, TaskAttempt* a) const {
  Result<Change> report = run.module->Report(*a->report_args, output);
  if (output.exit_code != 0) {
    if (!report.ok() || !report->failed) return;
    for (const auto& [key, value] : report->result.items()) a->result[key] = value;
    if (!report->message.empty()) a->message = report->message;
    return;
  }
  if (!report.ok()) {
    a->status = TaskStatus::kFailed;
    a->changed = false;
    a->message = report.message();
    return;
  }
  for (const auto& [key, value] : report->result.items()) a->result[key] = value;
  a->changed = report->changed;
  a->status = report->failed    ? TaskStatus::kFailed
              : report->changed ? TaskStatus::kChanged
                                : TaskStatus::kOk;
  if (report->failed) a->message = report->message;
}

void TaskExecutor::Fail(TaskRun* run, const Status& status) const {
  TaskAttempt a;
  a.status = status.unreachable() ? TaskStatus::kUnreachable : TaskStatus::kFailed;
  a.message = WithBecomeHint(status.message(), BecomeFor(*run));
  run->ended = std::move(a);
}

// Returns true with a kWait step when the attempt failed and retries are
// left; otherwise records the item's result and moves to the next item.
// Ansible's until: the attempt is judged by the conditions, with the task's
// register name holding this attempt's result. True: try again. Out of
// attempts, the task fails; a condition that cannot be evaluated fails it.
// Attempts as in Ansible 2.14: retries + 1, or 4 when retries is not written.
bool TaskExecutor::Until(TaskRun* run, TaskAttempt* a) const {
  const TaskSpec& task = run->task;
  const int attempts = !task.retries_set ? 4 : task.retries <= 0 ? 1 : task.retries + 1;
  if (attempts <= 1 || a->status == TaskStatus::kUnreachable) return false;
  a->result["attempts"] = run->attempt + 1;
  Variables scope(&run->vars());
  if (!task.register_as.empty()) {
    scope.Set(task.register_as, Registered(a->status, a->changed, a->message, a->result),
              "this attempt", Trust::kData);
  }
  Templar templar(scope);
  for (const Expression& cond : task.until) {
    Result<bool> held = templar.EvaluateCondition(cond.text, Rule());
    if (!held.ok()) {
      a->status = TaskStatus::kFailed;
      a->message = cond.location.Prefix() + "until: " + held.message();
      return false;
    }
    if (*held) continue;
    if (run->attempt + 1 < attempts) return true;
    a->result["attempts"] = attempts - 1;
    // Failed, with the change the last attempt made (Ansible counts it
    // when the failure is ignored).
    a->status = TaskStatus::kFailed;
    a->message = fmt::format("until '{}' still false after {} attempts", cond.text, attempts - 1);
    return false;
  }
  return false;
}

bool TaskExecutor::EndAttempt(TaskRun* run, TaskStep* wait) const {
  const TaskSpec& task = run->task;
  TaskAttempt a = std::move(*run->ended);
  run->ended.reset();
  Judge(task, run->vars(), &a);
  if (!task.until.empty()) {
    if (Until(run, &a)) {
      ++run->attempt;
      wait->kind = TaskStep::Kind::kWait;
      wait->wait_seconds = task.delay;
      return true;
    }
  } else if (a.status == TaskStatus::kFailed && run->attempt < task.retries) {
    ++run->attempt;
    wait->kind = TaskStep::Kind::kWait;
    wait->wait_seconds = task.delay;
    return true;
  }
  if ((a.status == TaskStatus::kOk || a.status == TaskStatus::kChanged) &&
      task.kind == TaskKind::kModule && a.result.contains("ansible_facts") &&
      a.result["ansible_facts"].is_object()) {
    if (Status kept = KeepFacts(run, a.result["ansible_facts"]); !kept.ok()) {
      a.status = TaskStatus::kFailed;
      a.message = kept.message();
    }
  }
  if (a.status == TaskStatus::kFailed && task.ignore_errors) a.status = TaskStatus::kIgnored;
  TaskOutcome& out = run->out;
  const bool lost = a.status == TaskStatus::kUnreachable;
  if (lost && task.ignore_unreachable.value_or(false)) {
    // Registered as unreachable, counted ok and ignored, as Ansible's
    // strategy counts it; the host goes on.
    out.lost = run->target != nullptr ? run->target->name : "";
    a.status = TaskStatus::kIgnored;
  }
  out.failed = out.failed || a.status == TaskStatus::kFailed;
  out.unreachable = out.unreachable || a.status == TaskStatus::kUnreachable;
  out.changed = out.changed || a.changed;
  const TaskStatus kept = lost                               ? TaskStatus::kUnreachable
                          : a.status == TaskStatus::kIgnored ? TaskStatus::kFailed
                                                             : a.status;
  Value registered = Registered(kept, a.changed, a.message, a.result);
  const std::optional<Value>& item = run->current_item();
  if (item) {
    AddItemFields(*run, &registered);
    run->loop_results.push_back(registered);
  }
  run->last_registered = registered;
  out.events.push_back(Event(*run, a.status, a.changed, a.message, ctx_.options->diff ? a.diff : "",
                             a.result, item ? Label(run) : ""));
  if (!task.no_log) out.events.back().display = a.display;
  // A failed item does not end the loop: as in Ansible every item runs,
  // and the task has failed when one did. A lost host ends it.
  if (lost) {
    run->item = run->items.size();
  } else {
    run->NextItem();
  }
  return false;
}

void TaskExecutor::EndRun(TaskRun* run) const {
  run->done = true;
  TaskOutcome& out = run->out;
  const bool role_include = run->task.include != nullptr && !run->task.include->role.empty();
  if (role_include && !run->task.loop) {
    // Ansible's recap counts no include_role that included its role.
    for (TaskEvent& e : out.events) e.counts_in_recap = e.status != TaskStatus::kOk;
  }
  if (!run->task.loop) {
    run->registered = run->last_registered;
    return;
  }
  if (role_include) {
    // Nor any item of one: the task counts only when it included nothing.
    for (TaskEvent& e : out.events) e.counts_in_recap = false;
    if (out.included.empty() && !out.events.empty()) out.events.back().counts_in_recap = true;
  } else if (run->task.kind == TaskKind::kInclude) {
    // As Ansible counts includes: each file included is one ok, and an
    // include that included nothing, one skip.
    for (TaskEvent& e : out.events) e.counts_in_recap = e.status != TaskStatus::kSkipped;
    if (out.included.empty() && !out.events.empty()) out.events.back().counts_in_recap = true;
  } else {
    SummarizeLoop(&out.events);
  }
  const bool all_skipped =
      std::all_of(out.events.begin(), out.events.end(),
                  [](const TaskEvent& e) { return e.status == TaskStatus::kSkipped; });
  run->registered = Value::object({{"changed", out.changed},
                                   {"failed", out.failed},
                                   {"skipped", all_skipped},
                                   {"results", run->loop_results}});
}

TaskOutcome TaskExecutor::Finish(std::unique_ptr<TaskRun> run) {
  if (!run->task.register_as.empty()) Remember(run->task.register_as, run->registered);
  return std::move(run->out);
}

// A registered result or set_fact value: the host's own, and what other
// hosts read through hostvars.
void TaskExecutor::Remember(const std::string& name, const Value& value) const {
  state_->registered[name] = value;
  if (ctx_.hostvars != nullptr) ctx_.hostvars->SetRegistered(state_->name, name, value);
  if (capture_ != nullptr) capture_->registered[name] = value;
}

void TaskExecutor::RememberIncluded(const std::string& name, const Value& value) const {
  state_->included_vars[name] = value;
  if (ctx_.hostvars != nullptr) ctx_.hostvars->SetIncluded(state_->name, name, value);
  if (capture_ != nullptr) capture_->included[name] = value;
}

}  // namespace hostprep
