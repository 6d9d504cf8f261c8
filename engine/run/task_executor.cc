#include "engine/run/task_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "engine/base/secrets.h"
#include "engine/base/text.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/task_list.h"
#include "engine/run/included_vars.h"
#include "engine/run/local_files.h"
#include "engine/run/local_templates.h"
#include "engine/run/loop_items.h"
#include "engine/run/task_results.h"
#include "engine/run/task_run.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

constexpr const char* kNoLogMessage = "the output has been hidden due to no_log: true";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

RemoteRead ToRemote(const Read& read) {
  RemoteRead r;
  r.path = read.path;
  r.argv = read.argv;
  r.kind = read.kind == Read::Kind::kStat       ? RemoteRead::Kind::kStat
           : read.kind == Read::Kind::kReadFile ? RemoteRead::Kind::kReadFile
                                                : RemoteRead::Kind::kExec;
  return r;
}

}  // namespace

Value FactValue(Value v) {
  if (!v.is_string()) return v;
  const std::string lower = ToLower(v.get<std::string>());
  if (lower == "true" || lower == "yes") return true;
  if (lower == "false" || lower == "no") return false;
  return v;
}

std::string ItemLabel(const Value& item) {
  std::string label;
  if (item.is_object() && item.contains("name")) {
    label = ToText(item["name"]);
  } else if (item.is_object() && item.contains("key")) {
    label = ToText(item["key"]);
  } else {
    label = ToText(item);
  }
  if (label.size() > 60) label = label.substr(0, 57) + "...";
  return label;
}

TaskExecutor::TaskExecutor(const PlayContext& ctx, HostState* state, const Variables& host_vars,
                           const RoleVariables* roles)
    : ctx_(ctx), state_(state), host_vars_(host_vars), roles_(roles) {}

std::unique_ptr<TaskRun> TaskExecutor::NewRun(const TaskSpec& task, const Module* module,
                                              const IncludeFrame* frame) const {
  static const Value kNoParams = Value::object();
  const bool in_role = roles_ != nullptr && task.role >= 0 &&
                       static_cast<size_t>(task.role) < ctx_.play->roles.size();
  auto run = std::make_unique<TaskRun>(task, module, in_role ? roles_->For(task) : host_vars_,
                                       state_->registered, ctx_.options->extra_vars,
                                       in_role ? ctx_.play->roles[task.role].params : kNoParams,
                                       frame, &state_->included_vars);
  run->SetSearchPath(ctx_.play->dir);
  return run;
}

TaskExecutor::~TaskExecutor() = default;

Become TaskExecutor::BecomeFor(const TaskRun& run) const {
  const ConnectionSettings& connection =
      run.target != nullptr ? run.target->connection : state_->connection;
  const TaskSpec& task = run.task;
  const PlayBecome& play = state_->play_become;
  Become b;
  b.enabled = connection.become || ctx_.options->become;
  if (play.become) b.enabled = *play.become;
  if (task.become) b.enabled = *task.become;
  if (!task.become_template.empty()) {
    // Before its items are known (planned ahead), the task's own variables.
    Result<std::optional<bool>> templated =
        TemplatedBecome(task, run.items.empty() ? run.top() : run.vars());
    if (templated.ok() && *templated) b.enabled = **templated;
  }
  b.user = connection.become_user;
  if (!ctx_.options->become_user.empty()) b.user = ctx_.options->become_user;
  if (!play.user.empty()) b.user = play.user;
  if (!task.become_user.empty()) b.user = task.become_user;
  b.flags = task.become_flags.value_or(ctx_.play->become_flags);
  b.method = task.become_method.value_or(PlayBecomeMethod(connection));
  return b;
}

// Ansible's order for the method: the task's (or its block's), the play's,
// then --become-method (ansible.cfg's), then the host's inventory, as for
// the user above. `connection`: the host the command runs on.
BecomeMethod TaskExecutor::PlayBecomeMethod(const ConnectionSettings& connection) const {
  if (ctx_.play->become_method) return *ctx_.play->become_method;
  if (ctx_.options->become_method) return *ctx_.options->become_method;
  return connection.become_method.value_or(BecomeMethod::kSudo);
}

Become TaskExecutor::GatheringBecome() const {
  const PlayBecome& play = state_->play_become;
  Become b;
  b.enabled = state_->connection.become || ctx_.options->become;
  if (play.become) b.enabled = *play.become;
  b.user = state_->connection.become_user;
  if (!ctx_.options->become_user.empty()) b.user = ctx_.options->become_user;
  if (!play.user.empty()) b.user = play.user;
  b.flags = ctx_.play->become_flags;
  b.method = PlayBecomeMethod(state_->connection);
  return b;
}

Result<std::optional<bool>> TaskExecutor::TemplatedBecome(const TaskSpec& task,
                                                          const Variables& vars) {
  if (task.become_template.empty()) return std::optional<bool>();
  const std::string where = task.become_location.Prefix() + "become: ";
  Result<Value> v = Templar(vars).Render(Value(task.become_template));
  if (!v.ok()) return Status::Error(where + v.message());
  if (std::optional<bool> b = AnsibleBoolean(*v)) return std::optional<bool>(*b);
  return Status::Error(
      fmt::format("{}rendered to {}, which is not a boolean (true/false, "
                  "yes/no, on/off, 1/0)",
                  where, v->is_string() ? "'" + v->get<std::string>() + "'" : ToText(*v)));
}

Result<Value> TaskExecutor::RenderArgs(const TaskSpec& task, const Module& module,
                                       const Variables& vars) const {
  auto where = [&](const std::string& key) {
    auto loc = task.arg_locations.find(key);
    return (loc != task.arg_locations.end() ? loc->second : task.module_location).Prefix();
  };
  Templar templar(vars);
  Value args = Value::object();
  for (auto it = task.args.begin(); it != task.args.end(); ++it) {
    if (const ArgDef* def = module.spec().Find(it.key()); def != nullptr && def->expression) {
      args[it.key()] = it.value();  // the module asks for its value (Read::Evaluate)
      continue;
    }
    Result<Value> r = templar.Render(it.value());
    if (!r.ok()) return Status::Error(where(it.key()) + r.message());
    args[it.key()] = *r;
  }
  std::vector<ArgError> errors;
  args = NormalizeArgs(module.spec(), WithoutOmitted(args), false, &errors);
  for (const ArgDef& def : module.spec().args) {
    if (def.secret && args.contains(def.name) && args[def.name].is_string()) {
      Secrets::Add(args[def.name].get<std::string>());
    }
  }
  if (errors.empty()) module.Validate(args, false, &errors);
  if (!errors.empty()) return Status::Error(where(errors.front().key) + errors.front().message);
  return args;
}

std::vector<PendingRead> TaskExecutor::PlannedReads(const HostTask& host_task, Value* facts_ahead,
                                                    int depth) const {
  std::vector<PendingRead> out;
  const TaskSpec& task = *host_task.spec;
  const Module* module = ctx_.modules->Find(task.module);
  const bool set_fact = task.kind == TaskKind::kSetFact && facts_ahead != nullptr;
  const bool include = task.kind == TaskKind::kInclude && depth < 8;
  const bool include_vars = task.kind == TaskKind::kIncludeVars && facts_ahead != nullptr;
  if (module == nullptr && !set_fact && !include && !include_vars) return out;
  // A delegated task reads from its delegated host, when it runs.
  if (!task.delegate_to.empty() && task.kind == TaskKind::kModule) return out;
  std::unique_ptr<TaskRun> owned = NewRun(task, module, host_task.frame);
  TaskRun& run = *owned;
  if (facts_ahead != nullptr) {
    for (auto it = facts_ahead->begin(); it != facts_ahead->end(); ++it)
      run.SetFact(it.key(), it.value());
  }
  if (set_fact) {
    // What it will set, for the tasks after it to be read ahead with (a
    // loop's facts are left for the run itself).
    if (task.loop) return out;
    Result<std::string> skip = SkipReason(task, run.top());
    if (!skip.ok() || !skip->empty()) return out;
    run.items = {std::nullopt};
    Templar templar(run.vars());
    for (auto it = task.args.begin(); it != task.args.end(); ++it) {
      Result<Value> v = templar.Render(it.value());
      if (v.ok()) (*facts_ahead)[it.key()] = FactValue(std::move(*v));
    }
    return out;
  }
  // A condition that cannot be judged yet (it reads what an earlier task
  // registers: `when: conf.stat.exists`) does not stop the read-ahead: reads
  // are harmless, and one left for later costs the host a round trip.
  if (!task.loop) {
    Result<std::string> skip = SkipReason(task, run.top());
    if (skip.ok() && !skip->empty()) return out;
    run.items = {std::nullopt};
  } else {
    Result<Value> rendered = Items(task, run.top());
    if (!rendered.ok()) return out;
    for (const Value& item : *rendered) run.items.emplace_back(item);
  }
  const Value facts = state_->facts.value_or(Value::object());
  for (; run.item < run.items.size(); run.NextItem()) {
    if (run.current_item()) {
      Result<std::string> skip = SkipReason(task, run.vars());
      if (skip.ok() && !skip->empty()) continue;
    }
    if (include_vars) {
      // What it will read, for the tasks after it to be read ahead with.
      Result<Value> args = Templar(run.vars()).Render(task.args);
      if (!args.ok()) continue;
      Result<IncludedVars> loaded = LoadIncludedVars(*args, VarsContext(task));
      if (!loaded.ok()) continue;
      for (auto it = loaded->vars.begin(); it != loaded->vars.end(); ++it) {
        (*facts_ahead)[it.key()] = it.value();
        run.SetFact(it.key(), it.value());
      }
      continue;
    }
    if (include) {
      // The file it would include now, and its tasks' reads in order.
      Result<IncludeFrame> frame = IncludeItem(&run);
      if (!frame.ok()) continue;
      for (const TaskSpec& t : frame->file->tasks) {
        std::vector<PendingRead> reads = PlannedReads({&t, &*frame}, facts_ahead, depth + 1);
        out.insert(out.end(), reads.begin(), reads.end());
      }
      continue;
    }
    Result<Value> args = RenderArgs(task, *module, run.vars());
    if (!args.ok()) continue;
    const Become become = BecomeFor(run);
    for (const Read& read : module->Probe(*args, facts)) {
      if (!read.on_controller()) out.push_back({become, ToRemote(read)});
    }
  }
  return out;
}

void TaskExecutor::Answer(const TaskSpec& task, const std::vector<Read>& reads,
                          const Variables& vars, const Become& become, const ReadSource& source,
                          std::vector<ReadResult>* results, Planned* planned) const {
  for (const Read& read : reads) {
    ReadResult r;
    if (read.kind == Read::Kind::kLocalFile) {
      // A file on the controller, found as Ansible finds it, rendered when
      // asked; missing: content stays nullopt and the module says so.
      const std::string path = FindLocalFile(read.path, read.render ? "templates" : "files",
                                             task.search_paths, ctx_.play->dir);
      std::optional<std::string> text = source.ReadLocal(path);
      r.stat = source.StatLocal(path);
      if (text && read.render) {
        TemplateOptions options;
        options.origin = path;
        options.trim_blocks = read.trim_blocks;
        options.lstrip_blocks = read.lstrip_blocks;
        const LocalTemplateLoader loader(source, path, task.search_paths, ctx_.play->dir);
        const Variables template_vars =
            TemplateVars(vars, read.path, path, ctx_.options->ansible_managed);
        Result<std::string> rendered =
            Templar(template_vars).RenderDocument(*text, options, &loader);
        if (rendered.ok()) {
          r.content = std::move(*rendered);
        } else {
          r.status = rendered.status();
        }
      } else {
        r.content = std::move(text);
      }
      results->push_back(std::move(r));
      continue;
    }
    if (read.on_controller()) {
      results->push_back(AnswerOnController(read, vars));
      continue;
    }
    const RemoteRead remote = ToRemote(read);
    std::optional<ReadResult> hit = source.Find(become, remote);
    if (!hit) {
      planned->missing.push_back({become, remote});
      results->emplace_back();
      continue;
    }
    planned->guard.push_back(remote);
    results->push_back(std::move(*hit));
  }
}

// The reads a module asks of the controller: an expression's value, a
// condition under the run's rule, a setting of the run.
ReadResult TaskExecutor::AnswerOnController(const Read& read, const Variables& vars) const {
  ReadResult r;
  Templar templar(vars);
  auto take = [&r](auto result) {
    if (result.ok()) {
      r.value = std::move(*result);
    } else {
      r.status = result.status();
    }
  };
  switch (read.kind) {
    case Read::Kind::kSetting:
      if (read.path == "verbosity") {
        r.value = ctx_.options->verbosity;
      } else if (read.path == "connection") {
        r.value = state_->connection.connection;
      } else {
        r.status = Status::Error("internal error: no run setting '" + read.path + "'");
      }
      break;
    case Read::Kind::kCondition:
      take(templar.EvaluateCondition(read.path, Rule()));
      break;
    default:
      take(EvaluateShown(templar, read.path));
      break;
  }
  return r;
}

// debug's var: a bare expression, or a template ("{{ x }}"); an undefined
// value is the text "VARIABLE IS NOT DEFINED!" as Ansible shows it, with
// why after it under -v.
Result<Value> TaskExecutor::EvaluateShown(const Templar& templar, const std::string& text) const {
  const bool wrapped = IsTemplate(text);
  Result<Value> value = wrapped ? templar.RenderString(text) : templar.Evaluate(text);
  if (value.ok() || wrapped) return value;
  Result<bool> defined =
      templar.EvaluateCondition("(" + text + ") is defined", ConditionRule::kBoolean);
  if (!defined.ok() || *defined) return value;
  std::string shown = "VARIABLE IS NOT DEFINED!";
  if (ctx_.options->verbosity > 0) shown += ": " + value.message();
  return Value(shown);
}

TaskExecutor::Planned TaskExecutor::PlanAttempt(TaskRun* run, const ReadSource& source) {
  if (run->task.kind == TaskKind::kSetFact) return SetFacts(run);
  if (run->task.kind == TaskKind::kIncludeVars) return IncludeVars(run);
  if (run->task.kind == TaskKind::kInclude) return Include(run);
  Planned p;
  TaskAttempt& a = p.attempt;
  const TaskSpec& task = run->task;
  const Module& module = *run->module;
  // A lost connection makes the task (and the host) unreachable, not failed.
  const Become become = BecomeFor(*run);
  auto fail = [&](const Status& status) {
    a.status = status.unreachable() ? TaskStatus::kUnreachable : TaskStatus::kFailed;
    a.message = WithBecomeHint(status.message(), become);
    return p;
  };
  const Variables& vars = run->vars();
  if (Result<std::optional<bool>> b = TemplatedBecome(task, vars); !b.ok()) return fail(b.status());
  Result<Value> rendered = RenderArgs(task, module, vars);
  if (!rendered.ok()) return fail(rendered.status());
  const Value& args = *rendered;

  // Delegated: planned with the delegated host's facts, on its answers.
  const Value facts =
      run->target != nullptr ? run->target->facts : state_->facts.value_or(Value::object());
  const ReadSource& answers = run->target != nullptr ? *run->target->source : source;
  std::vector<Read> reads = module.Probe(args, facts);
  std::vector<ReadResult> results;
  Result<Change> planned = Status::Error("not planned");
  const bool check = task.check_mode.value_or(ctx_.options->check);
  // Plan may ask for more reads when the first answers decide what to read;
  // not in check mode when the task is to be skipped there anyway (a
  // wait_for's wait).
  for (int round = 0;; ++round) {
    if (round == 4) {
      return fail(
          Status::Error("internal error: module '" + task.module + "' kept asking for reads"));
    }
    Answer(task, reads, vars, become, answers, &results, &p);
    if (!p.missing.empty()) return p;
    planned = module.Plan(args, results, facts);
    if (!planned.ok() || planned->more_reads.empty()) break;
    if (check && !planned->check_mode_skip.empty()) break;
    reads = planned->more_reads;
  }
  if (!planned.ok()) return fail(planned.status());
  Change& change = *planned;
  a.result = change.result;
  a.command_output = change.command_output;
  a.diff = change.diff;
  a.display = change.display;
  if (change.reports) a.report_args = args;
  if (check && !change.check_mode_skip.empty()) {
    a.status = TaskStatus::kSkipped;
    a.message = change.check_mode_skip;
    a.result = Value::object();
    return p;
  }
  if (change.failed) {
    a.status = TaskStatus::kFailed;
    a.message = change.message;
    return p;
  }
  // Plan's message describes what would happen: worth showing in check mode only.
  if (check) a.message = change.message;
  if (change.skipped) {
    a.status = TaskStatus::kSkipped;
    a.message = change.skip_reason;
    return p;
  }
  a.changed = change.changed;
  a.status = change.changed ? TaskStatus::kChanged : TaskStatus::kOk;
  if (check && change.changed && !change.predictable) {
    // As Ansible's command module: not run, and not counted as a change.
    a.status = TaskStatus::kSkipped;
    a.changed = false;
    a.message = change.message + " (not run in check mode)";
    return p;
  }
  if (!check) {
    p.actions = std::move(change.actions);
    for (const auto& [key, value] : change.applied_result.items()) a.result[key] = value;
  }
  if (!p.actions.empty() && !task.environment.empty()) {
    if (Status env = AddEnvironment(task, vars, &p.actions); !env.ok()) {
      p.actions.clear();  // nothing runs without its environment
      return fail(env);
    }
  }
  return p;
}

// `environment`, its layers rendered and merged (inner names win), handed
// to each command the task runs as `env NAME=value ... argv`: data in the
// argument vector, never a line of shell, and set after sudo resets the
// environment.
Status TaskExecutor::AddEnvironment(const TaskSpec& task, const Variables& vars,
                                    std::vector<Action>* actions) const {
  Templar templar(vars);
  std::vector<std::string> assignments;
  Value merged = Value::object();
  for (const Value& layer : task.environment) {
    Result<Value> rendered = templar.Render(layer);
    if (!rendered.ok()) {
      return Status::Error(task.environment_location.Prefix() +
                           "environment: " + rendered.message());
    }
    if (!rendered->is_object()) {
      return Status::Error(task.environment_location.Prefix() +
                           "environment must be a mapping of names to values, not " +
                           TypeName(*rendered));
    }
    for (auto it = rendered->begin(); it != rendered->end(); ++it) {
      if (!IsIdentifier(it.key())) {
        return Status::Error(task.environment_location.Prefix() + "environment variable name '" +
                             it.key() + "' is not valid");
      }
      merged[it.key()] = it.value();
    }
  }
  for (auto it = merged.begin(); it != merged.end(); ++it) {
    assignments.push_back(it.key() + "=" + (it.value().is_null() ? "" : ToText(it.value())));
  }
  Status status = Status::Ok();
  auto wrap = [&](std::vector<std::string>* argv) {
    if (argv->empty()) return;
    if ((*argv)[0].find('=') != std::string::npos) {
      // env would take it for one more variable.
      status = Status::Error(task.environment_location.Prefix() + "environment: the command '" +
                             (*argv)[0] + "' holds '=': env cannot run it");
      return;
    }
    std::vector<std::string> out = {"env"};
    out.insert(out.end(), assignments.begin(), assignments.end());
    out.insert(out.end(), argv->begin(), argv->end());
    *argv = std::move(out);
  };
  for (Action& a : *actions) {
    if (a.kind == Action::Kind::kExec) wrap(&a.argv);
    wrap(&a.validate_argv);
  }
  return status;
}

std::string TaskExecutor::Label(TaskRun* run) const {
  const Value& item = *run->current_item();
  if (!run->task.loop_label) return ItemLabel(item);
  Result<Value> label = Templar(run->vars()).Render(*run->task.loop_label);
  return label.ok() ? ToText(*label) : ItemLabel(item);
}

TaskEvent TaskExecutor::Event(const TaskRun& run, TaskStatus status, bool changed,
                              std::string message, std::string diff, const Value& result,
                              std::string item) const {
  const TaskSpec& task = run.task;
  TaskEvent e;
  e.host = state_->name;
  e.play = ctx_.play_name;
  e.task = task.DisplayName();
  e.task_id = task.id;
  e.handler = task.is_handler;
  e.status = status;
  e.recap_status = status;
  e.changed = changed;
  e.recap_changed = changed;
  e.check_mode = task.check_mode.value_or(ctx_.options->check);
  e.item = std::move(item);
  if (run.target != nullptr) e.delegate = run.target->label;
  e.duration_seconds = SecondsSince(run.start);
  if (task.no_log) {
    e.message =
        status == TaskStatus::kFailed || status == TaskStatus::kIgnored ? kNoLogMessage : "";
    e.diff = diff.empty() ? "" : kNoLogMessage;
    e.result = Value::object({{"censored", kNoLogMessage}});
  } else {
    e.message = std::move(message);
    e.diff = std::move(diff);
    e.result = result;
    if (task.loop && run.item < run.items.size() && run.current_item())
      e.item_value = *run.current_item();
  }
  return e;
}

bool TaskExecutor::CanSpeculate(const TaskSpec& task) const {
  return !task.run_once && task.delegate_to.empty() && !task.ignore_unreachable.value_or(false) &&
         !task.check_mode.value_or(ctx_.options->check) && !task.loop && task.register_as.empty() &&
         task.changed_when.empty() && task.failed_when.empty() && task.retries == 0 &&
         task.until.empty() && !task.ignore_errors && ctx_.modules->Find(task.module) != nullptr;
}

Result<std::string> TaskExecutor::SkipReason(const TaskSpec& task, const Variables& vars) const {
  Templar templar(vars);
  for (const Expression& cond : task.when) {
    Result<bool> r = templar.EvaluateCondition(cond.text, Rule());
    if (!r.ok()) return Status::Error(cond.location.Prefix() + "when: " + r.message());
    if (!*r) return "condition '" + cond.text + "' was false";
  }
  return std::string();
}

Result<std::string> TaskExecutor::Condition(const TaskSpec& task, const IncludeFrame* frame) const {
  std::unique_ptr<TaskRun> run = NewRun(task, nullptr, frame);
  return SkipReason(task, run->top());
}

std::unique_ptr<TaskRun> TaskExecutor::Start(const TaskSpec& task,
                                             const IncludeFrame* frame) const {
  return NewRun(task, ctx_.modules->Find(task.module), frame);
}

// With a loop, `when` is asked of each item (it may name `item`), as
// Ansible does; without one, once, before anything else.
void TaskExecutor::Begin(TaskRun* run) const {
  run->begun = true;
  const TaskSpec& task = run->task;
  auto end = [&](TaskStatus status, const std::string& msg, Value registered) {
    run->out.failed = status == TaskStatus::kFailed;
    run->out.events.push_back(Event(*run, status, false, msg, "", Value::object(), ""));
    run->registered = std::move(registered);
    run->done = true;
  };
  auto error = [&](const std::string& msg) {
    end(task.ignore_errors ? TaskStatus::kIgnored : TaskStatus::kFailed, msg,
        Registered(TaskStatus::kFailed, false, msg, Value::object()));
  };
  if (!task.loop) {
    Result<std::string> skip = SkipReason(task, run->top());
    if (!skip.ok()) return error(skip.message());
    if (!skip->empty()) {
      return end(TaskStatus::kSkipped, *skip, NotRun(*skip, Value::object()));
    }
    run->items = {std::nullopt};
    run->item_checked = true;
    return;
  }
  Result<Value> rendered = Items(task, run->top());
  if (!rendered.ok()) {
    return error(task.loop_location.Prefix() +
                 (task.loop_lookup.empty() ? "loop" : "with_" + task.loop_lookup) + ": " +
                 rendered.message());
  }
  if (rendered->empty()) {
    return end(TaskStatus::kSkipped, "no items in loop",
               NotRun("no items in loop", Value::object({{"results", Value::array()}})));
  }
  for (const Value& item : *rendered) run->items.emplace_back(item);
}

TaskStep TaskExecutor::Prepare(TaskRun* run, const ReadSource& source) {
  TaskStep step;
  if (!run->begun) Begin(run);
  const TaskSpec& task = run->task;
  while (!run->done && run->item < run->items.size()) {
    if (!run->item_checked) {
      run->item_checked = true;
      Result<std::string> skip = SkipReason(task, run->vars());
      if (!skip.ok() || !skip->empty()) {
        const TaskStatus status =
            !skip.ok() ? (task.ignore_errors ? TaskStatus::kIgnored : TaskStatus::kFailed)
                       : TaskStatus::kSkipped;
        const std::string msg = skip.ok() ? *skip : skip.message();
        Value registered = skip.ok() ? NotRun(msg, Value::object())
                                     : Registered(TaskStatus::kFailed, false, msg, Value::object());
        AddItemFields(*run, &registered);
        run->loop_results.push_back(registered);
        run->out.events.push_back(Event(*run, status, false, msg, "", Value::object(), Label(run)));
        run->out.failed = run->out.failed || status == TaskStatus::kFailed;
        run->NextItem();
        continue;
      }
    }
    if (run->ended) {
      if (EndAttempt(run, &step)) return step;
      continue;
    }
    if (!run->delegate_checked && !task.delegate_to.empty() && task.kind == TaskKind::kModule) {
      run->delegate_checked = true;
      Result<std::string> delegate = DelegateName(run);
      if (!delegate.ok()) {
        TaskAttempt failed;
        failed.status = TaskStatus::kFailed;
        failed.message = delegate.message();
        run->ended = std::move(failed);
        continue;
      }
      if (!delegate->empty()) {
        step.kind = TaskStep::Kind::kConnect;
        step.delegate = *delegate;
        return step;
      }
    }
    Planned p = PlanAttempt(run, source);
    if (!p.missing.empty()) {
      step.kind = TaskStep::Kind::kRead;
      step.reads = std::move(p.missing);
      step.target = run->target;
      return step;
    }
    run->used.insert(run->used.end(), p.guard.begin(), p.guard.end());
    if (!p.actions.empty()) {
      step.kind = TaskStep::Kind::kAct;
      step.target = run->target;
      step.become = BecomeFor(*run);
      step.actions = std::move(p.actions);
      step.guard = run->used;
      step.changes = p.attempt.changed;
      run->acting = std::move(p.attempt);
      return step;
    }
    run->ended = std::move(p.attempt);
  }
  if (!run->done) EndRun(run);
  step.guard = run->used;
  return step;  // kDone
}

void TaskExecutor::Delegate(TaskRun* run, const DelegateTarget* target) const {
  run->target = target;
}

Result<std::string> TaskExecutor::DelegateName(TaskRun* run) const {
  Result<Value> rendered = Templar(run->vars()).Render(Value(run->task.delegate_to));
  if (!rendered.ok())
    return Status::Error(run->task.delegate_location.Prefix() +
                         "delegate_to: " + rendered.message());
  const std::string name = Trim(ToText(*rendered));
  if (name.empty()) {
    return Status::Error(run->task.delegate_location.Prefix() +
                         "delegate_to rendered to an empty name: give it a host's name or "
                         "address, or leave delegate_to out to run the task on the host");
  }
  return name == state_->name ? std::string() : name;
}

}  // namespace hostprep
