#include "engine/run/task_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/base/secrets.h"
#include "engine/base/text.h"
#include "engine/run/action_executor.h"
#include "engine/template/templar.h"

namespace hostprep {

struct TaskExecutor::Attempt {
  TaskStatus status = TaskStatus::kOk;
  bool changed = false;
  bool ran_command = false;
  std::string message;
  std::string diff;
  Value result = Value::object();
};

namespace {

constexpr const char* kNoLogMessage = "the output has been hidden due to no_log: true";

std::string Where(const SourceLocation& loc) {
  std::string s = loc.ToString();
  return s.empty() ? "" : s + ": ";
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// A task refused for want of rights, run without become, says what would
// fix it.
std::string WithBecomeHint(const std::string& message, const Become& become) {
  if (become.enabled || !EndsWith(message, "permission denied")) return message;
  return message + ": run the task as root with become: true (or -b)";
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

}  // namespace

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

// The variable scopes of one task, nearest last: task vars, registered
// results, extra vars on top.
struct TaskExecutor::Scopes {
  Variables task;
  Variables registered;
  Variables top;
  Scopes(const Variables& host_vars, const TaskSpec& spec, const Value& registered_results,
         const Value& extra_vars)
      : task(&host_vars), registered(&task), top(&registered) {
    task.SetAll(spec.vars, spec.vars_origin);
    registered.SetAll(registered_results, "a registered result");
    top.SetAll(extra_vars, "extra vars (-e)");
  }
};

TaskExecutor::TaskExecutor(const PlayContext& ctx, HostState* state, const Variables& host_vars,
                           ProbeCache* cache)
    : ctx_(ctx), state_(state), host_vars_(host_vars), cache_(cache) {}

Become TaskExecutor::BecomeFor(const TaskSpec& task) const {
  const Play& play = *ctx_.play;
  Become b;
  b.enabled = state_->connection.become || ctx_.options->become;
  if (play.become) b.enabled = *play.become;
  if (task.become) b.enabled = *task.become;
  b.user = state_->connection.become_user;
  if (!ctx_.options->become_user.empty()) b.user = ctx_.options->become_user;
  if (!play.become_user.empty()) b.user = play.become_user;
  if (!task.become_user.empty()) b.user = task.become_user;
  return b;
}

namespace {

// The local read's answer: a file on the controller, rendered when asked.
ReadResult ReadLocal(const Read& read, const std::string& playbook_dir, const Variables& vars) {
  ReadResult r;
  std::string path = read.path;
  if (!path.empty() && path[0] != '/') path = playbook_dir + "/" + path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return r;  // missing: content stays nullopt, the module says what is wrong
  std::ostringstream text;
  text << in.rdbuf();
  if (!read.render) {
    r.content = text.str();
    return r;
  }
  Result<Value> rendered = Templar(vars).RenderString(text.str());
  if (rendered.ok()) {
    r.content = ToText(*rendered);
  } else {
    r.status = rendered.status().WithContext("template " + path);
  }
  return r;
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

// Remote reads come from the probe cache when it has them; the rest go to
// the host in one round trip. A miss on a stale cache first probes every
// task still to run, so a run that changed something pays one batch, not
// one round trip per task.
Status TaskExecutor::PerformReads(const std::vector<Read>& reads, const Variables& vars,
                                  const Become& become, std::vector<ReadResult>* results) {
  const size_t base = results->size();
  results->resize(base + reads.size());
  std::vector<PendingRead> missing;
  std::vector<size_t> missing_at;
  bool prefetched = false;
  for (size_t i = 0; i < reads.size(); ++i) {
    if (reads[i].kind == Read::Kind::kLocalFile) {
      (*results)[base + i] = ReadLocal(reads[i], ctx_.playbook->dir, vars);
      continue;
    }
    const RemoteRead remote = ToRemote(reads[i]);
    std::optional<ReadResult> hit = cache_->Find(become, remote);
    if (speculation_ != nullptr) {
      // Planned ahead of earlier actions: from the cache only, and every
      // answer used is checked again in the batch (the guard).
      if (!hit) {
        speculation_->needs_state = true;
        return Status::Error("the task needs state that is not read yet");
      }
      speculation_->reads.push_back(remote);
      (*results)[base + i] = std::move(*hit);
      continue;
    }
    if (!hit && cache_->stale() && prefetch_ && !prefetched) {
      prefetch_();
      prefetched = true;
      hit = cache_->Find(become, remote);
    }
    if (hit) {
      (*results)[base + i] = std::move(*hit);
      continue;
    }
    missing.push_back({become, remote});
    missing_at.push_back(base + i);
  }
  if (missing.empty()) return Status::Ok();
  Result<std::vector<ReadResult>> answers = ProbeHost(ctx_, state_, missing);
  if (!answers.ok()) return answers.status();
  for (size_t j = 0; j < missing.size(); ++j) {
    cache_->Store(missing[j].become, missing[j].read, (*answers)[j]);
    (*results)[missing_at[j]] = std::move((*answers)[j]);
  }
  return Status::Ok();
}

// The actions, and in the same round trip the reads of the tasks still to
// run, made after the change: a change costs one round trip, not two.
ActionOutcome TaskExecutor::Apply(const std::vector<Action>& actions, const Become& become) {
  cache_->Invalidate(actions);
  const ReadsAfter after = reads_ahead_ ? ReadsWith(become, reads_ahead_()) : ReadsAfter{};
  TraceSpan span(ctx_.trace, state_->name, "apply", "apply", &state_->cost.apply_seconds);
  span.args()["actions"] = actions.size();
  span.args()["reads"] = after.reads.size();
  ActionOutcome done = ExecuteActions(actions, after.reads, become, ctx_.options->task_timeout,
                                      state_->transport.get());
  if (done.reads_after) cache_->StoreAfterChange(become, after, std::move(*done.reads_after));
  return done;
}

Result<Value> TaskExecutor::RenderArgs(const TaskSpec& task, const Module& module,
                                       const Variables& vars) {
  auto where = [&](const std::string& key) {
    auto loc = task.arg_locations.find(key);
    return Where(loc != task.arg_locations.end() ? loc->second : task.module_location);
  };
  Templar templar(vars);
  Value args = Value::object();
  for (auto it = task.args.begin(); it != task.args.end(); ++it) {
    Result<Value> r = templar.Render(it.value());
    if (!r.ok()) return Status::Error(where(it.key()) + r.message());
    args[it.key()] = *r;
  }
  std::vector<ArgError> errors;
  args = NormalizeArgs(module.spec(), args, false, &errors);
  for (const ArgDef& def : module.spec().args) {
    if (def.secret && args.contains(def.name) && args[def.name].is_string()) {
      Secrets::Add(args[def.name].get<std::string>());
    }
  }
  if (errors.empty()) module.Validate(args, false, &errors);
  if (!errors.empty()) return Status::Error(where(errors.front().key) + errors.front().message);
  return args;
}

std::vector<PendingRead> TaskExecutor::PlannedReads(const TaskSpec& task) {
  std::vector<PendingRead> out;
  const Module* module = ctx_.modules->Find(task.module);
  if (module == nullptr) return out;
  Scopes scopes(host_vars_, task, state_->registered, ctx_.options->extra_vars);
  if (!task.loop) {
    Result<std::string> skip = SkipReason(task, scopes.top);
    if (!skip.ok() || !skip->empty()) return out;
  }
  Templar templar(scopes.top);
  std::vector<std::optional<Value>> items = {std::nullopt};
  if (task.loop) {
    Result<Value> rendered = templar.Render(*task.loop);
    if (!rendered.ok() || !rendered->is_array()) return out;
    items.clear();
    for (const Value& item : *rendered) items.emplace_back(item);
  }
  const Value facts = state_->facts.value_or(Value::object());
  const Become become = BecomeFor(task);
  for (const std::optional<Value>& item : items) {
    Variables item_scope(&scopes.registered);
    if (item) item_scope.Set(task.loop_var, *item, "loop item");
    Variables vars(&item_scope);
    vars.SetAll(ctx_.options->extra_vars, "extra vars (-e)");
    if (item) {
      Result<std::string> skip = SkipReason(task, vars);
      if (!skip.ok() || !skip->empty()) continue;
    }
    Result<Value> args = RenderArgs(task, *module, vars);
    if (!args.ok()) continue;
    for (const Read& read : module->Probe(*args, facts)) {
      if (read.kind != Read::Kind::kLocalFile) out.push_back({become, ToRemote(read)});
    }
  }
  return out;
}

TaskExecutor::Attempt TaskExecutor::RunOnce(const TaskSpec& task, const Module& module,
                                            const Variables& vars) {
  Attempt a;
  // A lost connection makes the task (and the host) unreachable, not failed.
  const Become become = BecomeFor(task);
  auto fail = [&](const Status& status) {
    a.status = status.unreachable() ? TaskStatus::kUnreachable : TaskStatus::kFailed;
    a.message = WithBecomeHint(status.message(), become);
    return a;
  };
  Result<Value> rendered = RenderArgs(task, module, vars);
  if (!rendered.ok()) return fail(rendered.status());
  const Value& args = *rendered;

  const Value facts = state_->facts.value_or(Value::object());
  std::vector<Read> reads = module.Probe(args, facts);
  std::vector<ReadResult> results;
  Status s = PerformReads(reads, vars, become, &results);
  if (!s.ok()) return fail(s);
  Result<Change> planned = module.Plan(args, results, facts);
  // Plan may ask for more reads when the first answers decide what to read.
  for (int round = 0; planned.ok() && !planned->more_reads.empty(); ++round) {
    if (round == 3) {
      return fail(
          Status::Error("internal error: module '" + task.module + "' kept asking for reads"));
    }
    s = PerformReads(planned->more_reads, vars, become, &results);
    if (!s.ok()) return fail(s);
    planned = module.Plan(args, results, facts);
  }
  if (!planned.ok()) return fail(planned.status());
  Change& change = *planned;
  a.result = change.result;
  a.diff = change.diff;
  const bool check = task.check_mode.value_or(ctx_.options->check);
  // Plan's message describes what would happen: worth showing in check mode only.
  if (check) a.message = change.message;
  if (change.skipped) {
    a.status = TaskStatus::kSkipped;
    a.message = change.skip_reason;
    return a;
  }
  a.changed = change.changed;
  a.status = change.changed ? TaskStatus::kChanged : TaskStatus::kOk;
  if (check || change.actions.empty()) {
    if (check && change.changed && !task.changed_when.empty()) {
      // Whether it would change depends on output we do not have without running it.
      a.status = TaskStatus::kSkipped;
      a.changed = false;
      a.message = "check mode: not run (changed_when needs the command's result)";
    }
    return a;
  }

  if (speculation_ != nullptr) {
    speculation_->actions = change.actions;
    return a;
  }
  Absorb(Apply(change.actions, become), become, &a);
  return a;
}

void TaskExecutor::Absorb(const ActionOutcome& done, const Become& become, Attempt* attempt) const {
  Attempt& a = *attempt;
  if (!done.backup_file.empty()) a.result["backup_file"] = done.backup_file;
  if (done.ran_command) {
    const ExecResult& e = done.last_exec;
    a.ran_command = true;
    // As Ansible's command module keeps them: without the trailing line
    // breaks (`echo blue` registers "blue").
    const std::string out = StripLineEnds(e.stdout_data), err = StripLineEnds(e.stderr_data);
    a.result["rc"] = e.exit_code;
    a.result["stdout"] = out;
    a.result["stderr"] = err;
    a.result["stdout_lines"] = Lines(out);
    a.result["stderr_lines"] = Lines(err);
    if (e.exit_code != 0) {
      a.status = TaskStatus::kFailed;
      std::string detail = FirstLine(e.stderr_data);
      a.message = fmt::format("non-zero return code {}{}", e.exit_code,
                              detail.empty() ? "" : ": " + detail);
    }
  }
  if (!done.status.ok()) {
    a.status = done.status.unreachable() ? TaskStatus::kUnreachable : TaskStatus::kFailed;
    a.message = WithBecomeHint(done.status.message(), become);
  }
}

// changed_when / failed_when, evaluated on a command's real result with the
// result visible under its register name and as rc/stdout/stderr.
void TaskExecutor::Finish(const TaskSpec& task, const Variables& vars, Attempt* a) {
  if (!a->ran_command) return;
  Variables scope(&vars);
  Value registered = a->result;
  registered["changed"] = a->changed;
  registered["failed"] = a->status == TaskStatus::kFailed;
  for (const char* key : {"rc", "stdout", "stderr", "stdout_lines", "stderr_lines"}) {
    scope.Set(key, a->result[key], "the command's result");
  }
  if (!task.register_as.empty()) scope.Set(task.register_as, registered, "the command's result");
  Templar t(scope);
  if (!task.failed_when.empty()) {
    bool failed = false;
    for (const Expression& e : task.failed_when) {  // a list is ORed, as Ansible does
      Result<bool> r = t.EvaluateCondition(e.text);
      if (!r.ok()) {
        a->status = TaskStatus::kFailed;
        a->message = Where(e.location) + "failed_when: " + r.message();
        return;
      }
      failed = failed || *r;
    }
    if (failed) {
      a->status = TaskStatus::kFailed;
      if (a->message.empty()) a->message = "failed_when condition matched";
    } else if (a->status == TaskStatus::kFailed) {
      a->status = a->changed ? TaskStatus::kChanged : TaskStatus::kOk;
      a->message.clear();
    }
  }
  if (!task.changed_when.empty() && a->status != TaskStatus::kFailed) {
    bool changed = true;
    for (const Expression& e : task.changed_when) {  // a list is ANDed, as Ansible does
      Result<bool> r = t.EvaluateCondition(e.text);
      if (!r.ok()) {
        a->status = TaskStatus::kFailed;
        a->message = Where(e.location) + "changed_when: " + r.message();
        return;
      }
      changed = changed && *r;
    }
    a->changed = changed;
    a->status = changed ? TaskStatus::kChanged : TaskStatus::kOk;
  }
}

}  // namespace hostprep

namespace hostprep {

namespace {

// The registered value of one attempt: the module's result plus the status
// fields every registered result has.
Value Registered(const TaskStatus status, bool changed, const std::string& message,
                 const Value& result) {
  Value r = result.is_object() ? result : Value::object();
  r["changed"] = changed;
  r["failed"] = status == TaskStatus::kFailed;
  r["skipped"] = status == TaskStatus::kSkipped;
  if (status == TaskStatus::kUnreachable) r["unreachable"] = true;
  if (!message.empty()) r["msg"] = message;
  return r;
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

TaskEvent TaskExecutor::Event(const TaskSpec& task, std::chrono::steady_clock::time_point start,
                              TaskStatus status, bool changed, std::string message,
                              std::string diff, const Value& result, std::string item) const {
  TaskEvent e;
  e.host = state_->name;
  e.play = ctx_.play->DisplayName();
  e.task = task.DisplayName();
  e.task_id = task.id;
  e.handler = task.is_handler;
  e.status = status;
  e.recap_status = status;
  e.changed = changed;
  e.recap_changed = changed;
  e.check_mode = task.check_mode.value_or(ctx_.options->check);
  e.item = std::move(item);
  e.duration_seconds = SecondsSince(start);
  if (task.no_log) {
    e.message =
        status == TaskStatus::kFailed || status == TaskStatus::kIgnored ? kNoLogMessage : "";
    e.diff = diff.empty() ? "" : kNoLogMessage;
    e.result = Value::object({{"censored", kNoLogMessage}});
  } else {
    e.message = std::move(message);
    e.diff = std::move(diff);
    e.result = result;
  }
  return e;
}

bool TaskExecutor::CanSpeculate(const TaskSpec& task) const {
  return !task.check_mode.value_or(ctx_.options->check) && !task.loop && task.register_as.empty() &&
         task.changed_when.empty() && task.failed_when.empty() && task.retries == 0 &&
         !task.ignore_errors && ctx_.modules->Find(task.module) != nullptr;
}

Result<std::string> TaskExecutor::SkipReason(const TaskSpec& task, const Variables& vars) const {
  Templar templar(vars);
  for (const Expression& cond : task.when) {
    Result<bool> r = templar.EvaluateCondition(cond.text);
    if (!r.ok()) return Status::Error(Where(cond.location) + "when: " + r.message());
    if (!*r) return "condition '" + cond.text + "' was false";
  }
  return std::string();
}

TaskOutcome TaskExecutor::Execute(const TaskSpec& task, Speculation* speculation) {
  speculation_ = speculation;
  TaskOutcome out = Execute(task);
  speculation_ = nullptr;
  if (out.failed || out.unreachable) speculation->needs_state = true;
  return out;
}

TaskOutcome TaskExecutor::Execute(const TaskSpec& task) {
  TaskOutcome out;
  const auto start = std::chrono::steady_clock::now();
  const Module* module = ctx_.modules->Find(task.module);
  const RunOptions& opts = *ctx_.options;

  Scopes scopes(host_vars_, task, state_->registered, opts.extra_vars);
  Variables& registered_scope = scopes.registered;
  Variables& top = scopes.top;

  auto event = [&](TaskStatus status, bool changed, std::string message, std::string diff,
                   const Value& result, std::string item) {
    return Event(task, start, status, changed, std::move(message), std::move(diff), result,
                 std::move(item));
  };
  auto finish = [&](const Value& registered) {
    if (!task.register_as.empty()) state_->registered[task.register_as] = registered;
    return out;
  };

  Templar templar(top);
  // With a loop, `when` is asked of each item (it may name `item`), as
  // Ansible does; without one, once, before anything else.
  if (!task.loop) {
    Result<std::string> skip = SkipReason(task, top);
    if (!skip.ok()) {
      out.failed = !task.ignore_errors;
      out.events.push_back(event(task.ignore_errors ? TaskStatus::kIgnored : TaskStatus::kFailed,
                                 false, skip.message(), "", Value::object(), ""));
      return finish(Registered(TaskStatus::kFailed, false, skip.message(), Value::object()));
    }
    if (!skip->empty()) {
      out.events.push_back(event(TaskStatus::kSkipped, false, *skip, "", Value::object(), ""));
      return finish(Registered(TaskStatus::kSkipped, false, *skip, Value::object()));
    }
  }

  std::vector<std::optional<Value>> items;
  if (task.loop) {
    Result<Value> rendered = templar.Render(*task.loop);
    if (rendered.ok() && !rendered->is_array()) {
      rendered = Status::Error("loop must be a list, not " + TypeName(*rendered));
    }
    if (!rendered.ok()) {
      std::string msg = Where(task.loop_location) + "loop: " + rendered.message();
      out.failed = !task.ignore_errors;
      out.events.push_back(event(task.ignore_errors ? TaskStatus::kIgnored : TaskStatus::kFailed,
                                 false, msg, "", Value::object(), ""));
      return finish(Registered(TaskStatus::kFailed, false, msg, Value::object()));
    }
    if (rendered->empty()) {
      out.events.push_back(
          event(TaskStatus::kSkipped, false, "no items in loop", "", Value::object(), ""));
      return finish(Registered(TaskStatus::kSkipped, false, "no items in loop",
                               Value::object({{"results", Value::array()}})));
    }
    for (const Value& item : *rendered) items.emplace_back(item);
  } else {
    items.emplace_back(std::nullopt);
  }

  Value loop_results = Value::array();
  Value last_registered;
  for (const std::optional<Value>& item : items) {
    Variables item_scope(&registered_scope);
    if (item) item_scope.Set(task.loop_var, *item, "loop item");
    Variables vars(&item_scope);
    vars.SetAll(opts.extra_vars, "extra vars (-e)");
    if (item) {
      Result<std::string> skip = SkipReason(task, vars);
      if (!skip.ok() || !skip->empty()) {
        const TaskStatus status =
            !skip.ok() ? (task.ignore_errors ? TaskStatus::kIgnored : TaskStatus::kFailed)
                       : TaskStatus::kSkipped;
        const std::string msg = skip.ok() ? *skip : skip.message();
        Value registered = Registered(skip.ok() ? TaskStatus::kSkipped : TaskStatus::kFailed, false,
                                      msg, Value::object());
        registered[task.loop_var] = *item;
        loop_results.push_back(registered);
        out.events.push_back(event(status, false, msg, "", Value::object(), ItemLabel(*item)));
        out.failed = out.failed || status == TaskStatus::kFailed;
        continue;
      }
    }
    Attempt a;
    for (int attempt = 0;; ++attempt) {
      a = RunOnce(task, *module, vars);
      if (speculation_ != nullptr && !speculation_->actions.empty()) {
        // CanSpeculate: one item, no conditions on the result, no retries.
        speculation_->finish = [this, &task, a, start](const ActionOutcome& done) {
          Attempt real = a;
          Absorb(done, BecomeFor(task), &real);
          TaskOutcome outcome;
          outcome.failed = real.status == TaskStatus::kFailed;
          outcome.unreachable = real.status == TaskStatus::kUnreachable;
          outcome.changed = real.changed;
          outcome.events.push_back(Event(task, start, real.status, real.changed, real.message,
                                         ctx_.options->diff ? real.diff : "", real.result, ""));
          return outcome;
        };
      }
      Finish(task, vars, &a);
      if (a.status != TaskStatus::kFailed || attempt >= task.retries) break;
      std::this_thread::sleep_for(std::chrono::seconds(task.delay));
    }
    if (a.status == TaskStatus::kFailed && task.ignore_errors) a.status = TaskStatus::kIgnored;
    out.failed = out.failed || a.status == TaskStatus::kFailed;
    out.unreachable = out.unreachable || a.status == TaskStatus::kUnreachable;
    out.changed = out.changed || a.changed;
    Value registered = Registered(a.status == TaskStatus::kIgnored ? TaskStatus::kFailed : a.status,
                                  a.changed, a.message, a.result);
    if (item) {
      registered[task.loop_var] = *item;
      loop_results.push_back(registered);
    }
    last_registered = registered;
    out.events.push_back(event(a.status, a.changed, a.message, opts.diff ? a.diff : "", a.result,
                               item ? ItemLabel(*item) : ""));
    // A failed item does not end the loop: as in Ansible every item runs,
    // and the task has failed when one did. A lost host ends it.
    if (a.status == TaskStatus::kUnreachable) break;
  }
  if (!task.loop) return finish(last_registered);
  SummarizeLoop(&out.events);
  bool all_skipped = std::all_of(out.events.begin(), out.events.end(), [](const TaskEvent& e) {
    return e.status == TaskStatus::kSkipped;
  });
  return finish(Value::object({{"changed", out.changed},
                               {"failed", out.failed},
                               {"skipped", all_skipped},
                               {"results", loop_results}}));
}

}  // namespace hostprep
