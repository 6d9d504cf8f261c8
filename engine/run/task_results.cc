#include "engine/run/task_results.h"

#include "engine/base/text.h"

namespace hostprep {

Value Registered(const TaskStatus status, bool changed, const std::string& message,
                 const Value& result) {
  Value r = result.is_object() ? result : Value::object();
  r["changed"] = changed;
  r["failed"] = status == TaskStatus::kFailed;
  if (status == TaskStatus::kSkipped) r["skipped"] = true;
  if (status == TaskStatus::kUnreachable) r["unreachable"] = true;
  // Why it failed, was skipped or unreachable, in words, unless the module
  // gave a list (fail's, assert's msg may be one, and is registered as
  // written) or, for a task that did not fail, its own msg (lineinfile's
  // "line added"). What check mode says a task would do is output only: as
  // Ansible's modules, a task that is ok or changed registers the module's
  // own msg or none.
  const bool listed = r.contains("msg") && r["msg"].is_array();
  const bool own = r.contains("msg") && status != TaskStatus::kFailed;
  const bool done = status == TaskStatus::kOk || status == TaskStatus::kChanged;
  if (!message.empty() && !listed && !own && !done) r["msg"] = message;
  return r;
}

Value NotRun(const std::string& reason, Value result) {
  result["changed"] = false;
  result["skipped"] = true;
  result["msg"] = reason;
  return result;
}

void AddItemFields(const TaskRun& run, Value* registered) {
  const TaskSpec& task = run.task;
  (*registered)[task.loop_var] = *run.current_item();
  (*registered)["ansible_loop_var"] = task.loop_var;
  if (!task.index_var.empty()) {
    (*registered)[task.index_var] = run.item;
    (*registered)["ansible_index_var"] = task.index_var;
  }
}

std::string WithBecomeHint(const std::string& message, const Become& become) {
  if (become.enabled || !EndsWith(message, "permission denied")) return message;
  return message + ": run the task as root with become: true (or -b)";
}

}  // namespace hostprep
