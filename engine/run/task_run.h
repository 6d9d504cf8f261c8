// The state of one task's run on one host, between TaskExecutor::Start and
// Finish: the task's variable scopes, where its loop and retries stand, the
// attempt under way, and what it has reported so far. Plain data, driven by
// TaskExecutor; owned by the caller (HostPlay, or HostPlan's waiting batch).
#ifndef HOSTPREP_ENGINE_RUN_TASK_RUN_H_
#define HOSTPREP_ENGINE_RUN_TASK_RUN_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/value.h"
#include "engine/module/module.h"
#include "engine/output/reporter.h"
#include "engine/playbook/playbook.h"
#include "engine/run/task_executor.h"
#include "engine/template/variables.h"

namespace hostprep {

// One attempt of a task on one item, as far as it has gone.
struct TaskAttempt {
  TaskStatus status = TaskStatus::kOk;
  bool changed = false;
  bool ran_command = false;
  bool command_output = true;  // Change::command_output
  std::string message;
  std::string diff;
  Value result = Value::object();
  Value display;  // Change::display
  // Change::reports: the arguments Module::Report is called with.
  std::optional<Value> report_args;
};

// An attempt as far as the answers read so far take it.
struct TaskExecutor::Planned {
  TaskAttempt attempt;
  std::vector<Action> actions;       // to carry out (not in check mode)
  std::vector<RemoteRead> guard;     // the remote answers the plan used
  std::vector<PendingRead> missing;  // not read yet: the attempt cannot be planned
};

// Variable scopes, nearest last: task vars, include_vars, registered results, the role's
// parameters, the include parameters, extra vars on top; and those of the
// current loop item (the item above the include parameters, extra vars
// above it again). Not copyable: the scopes point at each other.
class TaskRun {
 public:
  // `host_vars`: the host's scopes up to the play's (and for a role's task
  // its role's) vars; `role_params`: the role's parameters, or an empty
  // mapping; `frame`: the include that brought the task in, or null.
  TaskRun(const TaskSpec& spec, const Module* module, const Variables& host_vars,
          const Value& registered_results, const Value& extra_vars, const Value& role_params,
          const IncludeFrame* frame = nullptr, const Value* included_vars = nullptr)
      : task(spec),
        module(module),
        frame(frame),
        start(std::chrono::steady_clock::now()),
        extra_vars_(extra_vars),
        task_vars_(&host_vars),
        included_(&task_vars_),
        registered_(&included_),
        params_(&registered_),
        includes_(&params_),
        top_(&includes_) {
    task_vars_.SetAll(spec.vars, spec.vars_origin);
    if (included_vars != nullptr) included_.SetAll(*included_vars, "include_vars");
    registered_.SetAll(registered_results, "a registered result", Trust::kData);
    params_.SetAll(role_params, "role parameters");
    if (frame != nullptr) includes_.SetAll(frame->params, "include parameters");
    top_.SetAll(extra_vars, "extra vars (-e)");
  }
  TaskRun(const TaskRun&) = delete;
  TaskRun& operator=(const TaskRun&) = delete;

  const Variables& top() const { return top_; }
  const std::optional<Value>& current_item() const { return items[item]; }
  // The variables of the current item (the task's when it has no loop, or
  // its items are not known yet). Built on first use.
  const Variables& vars() const {
    if (!item_vars_) {
      item_scope_ = std::make_unique<Variables>(&includes_);
      if (item < items.size() && current_item()) SetItemVariables(item_scope_.get());
      item_vars_ = std::make_unique<Variables>(item_scope_.get());
      item_vars_->SetAll(extra_vars_, "extra vars (-e)");
    }
    return *item_vars_;
  }
  // What Ansible sets for a loop's item: the loop variable, the index
  // variable, ansible_loop (extended) and ansible_loop_var.
  void SetItemVariables(Variables* scope) const {
    const Value values = ItemValues();
    for (auto it = values.begin(); it != values.end(); ++it)
      scope->Set(it.key(), it.value(), it.key() == task.loop_var ? "loop item" : "loop",
                 Trust::kData);
    scope->Set("ansible_loop_var", task.loop_var, "loop");
    if (!task.index_var.empty()) scope->Set("ansible_index_var", task.index_var, "loop");
  }
  // The current item's loop variable, index variable and ansible_loop
  // (extended): what an include passes on to its tasks.
  Value ItemValues() const {
    Value out = Value::object();
    out[task.loop_var] = *current_item();
    if (!task.index_var.empty()) out[task.index_var] = item;
    if (task.loop_extended) {
      const size_t n = items.size();
      Value all = Value::array();
      for (const std::optional<Value>& i : items) all.push_back(i.value_or(Value(nullptr)));
      Value loop = Value::object({{"allitems", all},
                                  {"index", item + 1},
                                  {"index0", item},
                                  {"first", item == 0},
                                  {"last", item + 1 == n},
                                  {"length", n},
                                  {"revindex", n - item},
                                  {"revindex0", n - item - 1}});
      if (item + 1 < n) loop["nextitem"] = all[item + 1];
      if (item > 0) loop["previtem"] = all[item - 1];
      out["ansible_loop"] = loop;
    }
    return out;
  }

  // A fact set by this task (set_fact): seen by its next items.
  void SetFact(const std::string& name, const Value& value) {
    registered_.Set(name, value, "set_fact", Trust::kData);
    item_vars_.reset();
    item_scope_.reset();
  }

  // ansible_search_path, as Ansible sets it for a task: its search paths
  // and the playbook's directory, where its lookups find their files.
  void SetSearchPath(const std::string& playbook_dir) {
    Value paths = Value::array();
    for (const std::string& p : task.search_paths) paths.push_back(p);
    paths.push_back(playbook_dir);
    task_vars_.Set("ansible_search_path", std::move(paths), "hostprep", Trust::kData);
  }

  // A variable include_vars read (its next items see it).
  void SetIncluded(const std::string& name, const Value& value) {
    included_.Set(name, value, "include_vars");
    item_vars_.reset();
    item_scope_.reset();
  }

  void NextItem() {
    ++item;
    attempt = 0;
    item_checked = false;
    delegate_checked = false;
    target = nullptr;
    item_vars_.reset();
    item_scope_.reset();
  }

  const TaskSpec& task;
  const Module* module;
  const IncludeFrame* frame;  // null unless an include brought the task in
  const std::chrono::steady_clock::time_point start;
  bool begun = false;
  bool done = false;
  std::vector<std::optional<Value>> items;
  size_t item = 0;
  int attempt = 0;
  bool item_checked = false;          // the current item's `when` was asked
  bool delegate_checked = false;      // the current item's delegate_to was rendered
  const DelegateTarget* target = nullptr;  // where the current item runs; null: the host
  std::optional<TaskAttempt> acting;  // its actions are out (kAct)
  std::optional<TaskAttempt> ended;   // over, to be judged
  std::vector<RemoteRead> used;       // the remote answers its plans were made from
  TaskOutcome out;
  Value loop_results = Value::array();
  Value last_registered;
  Value registered;  // when done: what `register` keeps

 private:
  const Value& extra_vars_;
  Variables task_vars_;
  Variables included_;
  Variables registered_;
  Variables params_;
  Variables includes_;
  Variables top_;
  mutable std::unique_ptr<Variables> item_scope_;  // vars(), for the current item
  mutable std::unique_ptr<Variables> item_vars_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_TASK_RUN_H_
