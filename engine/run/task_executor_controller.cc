// TaskExecutor's tasks that run on the controller, for a host: set_fact,
// include_vars and include_tasks (the file an include's name stands for,
// loaded per host and item), and the items of loops whose lookups read the
// controller's files. The rest of TaskExecutor is in task_executor.cc.
#include <fmt/format.h>

#include <filesystem>

#include "engine/base/text.h"
#include "engine/facts/facts.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/task_list.h"
#include "engine/run/included_vars.h"
#include "engine/run/local_files.h"
#include "engine/run/loop_items.h"
#include "engine/run/task_executor.h"
#include "engine/run/task_run.h"
#include "engine/template/templar.h"

namespace hostprep {

// delegate_facts: a delegated set_fact, include_vars or module's
// ansible_facts gives its values to the delegated host
// (HostVarsBoard::Give) instead of this one. True when
// it did; false when they are this host's own (no delegate_facts, or
// delegated to itself). An error: delegate_to cannot be rendered, or names
// no host of the inventory (Ansible would make one up).
Result<bool> TaskExecutor::HandOver(TaskRun* run, const HostVarsBoard::Given& given) const {
  const TaskSpec& task = run->task;
  if (!task.delegate_facts.value_or(false) || task.delegate_to.empty()) return false;
  Result<std::string> name = DelegateName(run);
  if (!name.ok()) return name.status();
  if (name->empty()) return false;
  if (ctx_.hostvars != nullptr && ctx_.hostvars->Give(*name, given)) return true;
  return Status::Error(
      fmt::format("{}delegate_facts: '{}' is not a host of the inventory: give "
                  "its values to a host hostprep knows",
                  task.delegate_location.Prefix(), *name));
}

// A module's ansible_facts (setup), named as Ansible's modules return
// them: set on the host over its facts, as Ansible's strategy sets them
// (a run_once task's on the batch's other hosts too, through Capture),
// or with delegate_facts on the delegated host.
Status TaskExecutor::KeepFacts(TaskRun* run, const Value& returned) const {
  Value facts = Value::object();
  for (auto it = returned.begin(); it != returned.end(); ++it) {
    const std::string& key = it.key();
    facts[StartsWith(key, "ansible_") ? key.substr(8) : key] = it.value();
  }
  Result<bool> handed = HandOver(run, {Value::object(), Value::object(), facts});
  if (!handed.ok()) return handed.status();
  if (*handed) return Status::Ok();
  if (facts_sink_) facts_sink_(facts);
  if (capture_ != nullptr) MergeFacts(facts, &capture_->facts);
  return Status::Ok();
}

// set_fact: the values rendered, set on the host (and for the task's next
// items) at once, reported ok: nothing on the host changes. With
// delegate_facts, on the delegated host instead.
TaskExecutor::Planned TaskExecutor::SetFacts(TaskRun* run) const {
  Planned p;
  TaskAttempt& a = p.attempt;
  const TaskSpec& task = run->task;
  Value facts = Value::object();
  {
    Templar templar(run->vars());
    for (auto it = task.args.begin(); it != task.args.end(); ++it) {
      Result<Value> v = templar.Render(it.value());
      if (!v.ok()) {
        auto at = task.arg_locations.find(it.key());
        a.status = TaskStatus::kFailed;
        a.message = (at != task.arg_locations.end() ? at->second : task.module_location).Prefix() +
                    v.message();
        return p;
      }
      if (*v != Value(OmitToken())) facts[it.key()] = FactValue(std::move(*v));
    }
  }
  Result<bool> handed = HandOver(run, {facts, Value::object(), Value::object()});
  if (!handed.ok()) {
    a.status = TaskStatus::kFailed;
    a.message = handed.message();
    return p;
  }
  a.result = Value::object({{"ansible_facts", facts}});
  if (*handed) return p;
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    Remember(it.key(), it.value());
    run->SetFact(it.key(), it.value());
  }
  return p;
}

Result<IncludeFrame> TaskExecutor::IncludeItem(TaskRun* run) const {
  const TaskSpec& task = run->task;
  const IncludeSpec& spec = *task.include;
  Result<Value> name = Templar(run->vars()).Render(Value(spec.file));
  if (!name.ok()) return Status::Error(spec.file_location.Prefix() + name.message());
  if (ctx_.includes == nullptr) return Status::Error("internal error: the play has no includes");
  Result<std::shared_ptr<const IncludedFile>> file = ctx_.includes->Load(task, Trim(ToText(*name)));
  if (!file.ok()) return file.status();
  IncludeFrame frame;
  frame.file = std::move(*file);
  if (run->frame != nullptr) frame.params = run->frame->params;
  for (auto it = spec.vars.begin(); it != spec.vars.end(); ++it)
    frame.params[it.key()] = it.value();
  if (!spec.role.empty() && task.role >= 0 &&
      static_cast<size_t>(task.role) < ctx_.play->roles.size()) {
    // The roles an include_role is written in, innermost first.
    const RoleScope& parent = ctx_.play->roles[static_cast<size_t>(task.role)];
    auto prepend = [&](const char* key, const std::string& value) {
      Value list = Value::array({value});
      if (frame.params.contains(key) && frame.params[key].is_array())
        for (const Value& v : frame.params[key]) list.push_back(v);
      frame.params[key] = std::move(list);
    };
    prepend("ansible_parent_role_names", parent.name);
    prepend("ansible_parent_role_paths", parent.path);
  }
  if (run->current_item()) {
    const Value item = run->ItemValues();
    for (auto it = item.begin(); it != item.end(); ++it) frame.params[it.key()] = it.value();
  }
  return frame;
}

// include_tasks: reported ok with the file it read (as Ansible's
// "included:" line), its tasks to run next; a file that cannot be read or
// parsed fails the task.
TaskExecutor::Planned TaskExecutor::Include(TaskRun* run) const {
  Planned p;
  Result<IncludeFrame> frame = IncludeItem(run);
  if (!frame.ok()) {
    p.attempt.status = TaskStatus::kFailed;
    p.attempt.message = frame.message();
    return p;
  }
  p.attempt.message =
      (run->task.include->role.empty() ? "included: " : "included role: ") + frame->file->path;
  p.attempt.result = Value::object({{"include", frame->file->path}});
  run->out.included.push_back(std::move(*frame));
  return p;
}

IncludeVarsContext TaskExecutor::VarsContext(const TaskSpec& task) const {
  IncludeVarsContext where;
  where.search_paths = task.search_paths;
  if (task.role >= 0 && static_cast<size_t>(task.role) < ctx_.play->roles.size())
    where.role_path = ctx_.play->roles[task.role].path;
  where.task_dir = std::filesystem::path(task.location.file).parent_path().string();
  where.playbook_dir = ctx_.play->dir;
  return where;
}

// include_vars: the files read now, their variables set on the host (for
// the rest of the run, below registered results), reported ok.
TaskExecutor::Planned TaskExecutor::IncludeVars(TaskRun* run) const {
  Planned p;
  TaskAttempt& a = p.attempt;
  const TaskSpec& task = run->task;
  Result<Value> args = Templar(run->vars()).Render(task.args);
  Result<IncludedVars> loaded =
      args.ok() ? LoadIncludedVars(*args, VarsContext(task)) : Result<IncludedVars>(args.status());
  if (!loaded.ok()) {
    a.status = TaskStatus::kFailed;
    a.message = task.module_location.Prefix() + "include_vars: " + loaded.message();
    return p;
  }
  Result<bool> handed = HandOver(run, {Value::object(), loaded->vars, Value::object()});
  if (!handed.ok()) {
    a.status = TaskStatus::kFailed;
    a.message = handed.message();
    return p;
  }
  Value files = Value::array();
  for (const std::string& f : loaded->files) files.push_back(f);
  a.result = Value::object(
      {{"ansible_facts", loaded->vars}, {"ansible_included_var_files", std::move(files)}});
  if (*handed) return p;
  for (auto it = loaded->vars.begin(); it != loaded->vars.end(); ++it) {
    RememberIncluded(it.key(), it.value());
    run->SetIncluded(it.key(), it.value());
  }
  return p;
}

// The loop's items, with the lookups that read the controller (first_found,
// fileglob) resolved where the task finds its files. As Ansible does,
// first_found's names are rendered one by one and a name that cannot be
// (an undefined variable) is passed over.
Result<Value> TaskExecutor::Items(const TaskSpec& task, const Variables& vars) const {
  if (task.loop_lookup == "first_found") {
    Templar templar(vars);
    Value terms = Value::array();
    if (task.loop->is_array()) {
      for (const Value& term : *task.loop) {
        if (Result<Value> r = templar.Render(term); r.ok()) terms.push_back(std::move(*r));
      }
    } else {
      Result<Value> r = templar.Render(*task.loop);
      if (!r.ok()) return r;
      terms = r->is_array() ? std::move(*r) : Value::array({std::move(*r)});
    }
    // Ansible's task executor gives the lookup the directory its action reads.
    const std::string subdir = task.module.find("template") != std::string::npos ? "templates"
                               : task.module.find("var") != std::string::npos    ? "vars"
                                                                                 : "files";
    return FirstFound(terms, subdir, task.search_paths, ctx_.play->dir);
  }
  Result<Value> items = RenderLoop(task, vars);
  if (items.ok() && task.loop_lookup == "fileglob")
    return FileGlob(*items, task.search_paths, ctx_.play->dir);
  return items;
}

}  // namespace hostprep
