// RunHostPlay: one host's whole play, on its worker thread.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "engine/base/text.h"
#include "engine/facts/facts.h"
#include "engine/graph/task_graph.h"
#include "engine/playbook/task_list.h"
#include "engine/playbook/task_selection.h"
#include "engine/run/facts_cache.h"
#include "engine/run/host_io.h"
#include "engine/run/host_plan.h"
#include "engine/run/host_state.h"
#include "engine/run/resources.h"
#include "engine/run/role_variables.h"
#include "engine/run/task_executor.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

// --tags / --skip-tags (SelectedByTags); a section's flush always runs,
// as Ansible keeps its own.
bool Selected(const TaskSpec& task, const RunOptions& opts) {
  return task.implicit || SelectedByTags(task.tags, opts.tags, opts.skip_tags);
}

// The task ansible-playbook adds to a play that gathers facts, by its name:
// reported (ok) and counted in the recap as Ansible counts it, once per play,
// also when hostprep already has the facts from an earlier play.
constexpr char kGatheringFacts[] = "Gathering Facts";

TaskEvent HostEvent(const PlayContext& ctx, const HostState& state, const std::string& task,
                    TaskStatus status, const std::string& message) {
  TaskEvent e;
  e.host = state.name;
  e.play = ctx.play_name;
  e.task = task;
  e.task_id = task;
  e.status = status;
  e.recap_status = status;
  e.message = message;
  e.check_mode = ctx.options->check;
  return e;
}

// The remote reads of `tasks`, each once; without those `known` already
// holds when it is given.
std::vector<PendingRead> ReadsOf(const TaskExecutor& executor, const std::vector<HostTask>& tasks,
                                 const HostIo* known = nullptr) {
  std::vector<PendingRead> reads;
  Value facts_ahead = Value::object();
  for (const HostTask& task : tasks) {
    for (PendingRead& r : executor.PlannedReads(task, &facts_ahead)) {
      const bool seen = (known != nullptr && known->Has(r)) ||
                        std::any_of(reads.begin(), reads.end(), [&](const PendingRead& o) {
                          return o.read == r.read && SameBecome(o.become, r.become);
                        });
      if (!seen) reads.push_back(std::move(r));
    }
  }
  return reads;
}

// One host's run of one play, phase by phase: variables, connection, the
// first probe (with the facts), the graph, then the plan's tasks and
// handlers, each driven through the TaskExecutor with the host's I/O.
class HostPlay {
 public:
  HostPlay(const PlayContext& ctx, HostState* state, EventSink* sink)
      : ctx_(ctx),
        state_(state),
        io_(state->io),
        sink_(sink),
        facts_vars_(&inventory_vars_),
        play_vars_(&facts_vars_),
        roles_(*ctx.play, &play_vars_),
        top_(&roles_.play()),
        executor_(ctx, state, roles_.play(), &roles_),
        hostvars_(ctx.hostvars, state->name),
        linear_(ctx.settings != nullptr && ctx.settings->linear && ctx.hostvars != nullptr) {
    executor_.OnFacts([this](const Value& facts) { AddFacts(facts); });
  }

  HostOutcome Run() {
    // What other hosts' delegated tasks did before this play is behind the
    // first probe.
    if (ctx_.hostvars != nullptr) touches_seen_ = ctx_.hostvars->Touches(state_->name);
    SetVariables();
    io_.BeginPlay(ctx_.trace, ctx_.options->task_timeout);
    if (ctx_.skip_all) return HostOutcome::kOk;  // not contacted, as in Ansible
    HostOutcome outcome = Connect();
    if (outcome == HostOutcome::kOk) outcome = FirstProbe();
    if (outcome != HostOutcome::kOk) return outcome;
    return RunPlan();
  }

 private:
  // Precedence, lowest first: role defaults, inventory, facts, play vars,
  // role vars; task scopes and extra vars are stacked on top by the
  // TaskExecutor.
  void SetVariables() {
    const RunOptions& opts = *ctx_.options;
    inventory_vars_.SetFallback(roles_.defaults());
    inventory_vars_.SetLookups(ctx_.lookups);
    ctx_.inventory->HostVariables(state_->name, &inventory_vars_);
    if (ctx_.batch_shared != nullptr) {
      // The batch's shared magic variables sit below the inventory's in the
      // chain, and win over them as when they were set here: an inventory
      // variable of the same name is dropped.
      inventory_vars_.SetParent(ctx_.batch_shared);
      for (const std::string& name : ctx_.batch_shared->Names()) inventory_vars_.Erase(name);
    }
    if (ctx_.hostvars != nullptr) inventory_vars_.SetHostScopes(&hostvars_);
    Value role_names = Value::array();
    for (const std::string& name : ctx_.play->role_names) role_names.push_back(name);
    inventory_vars_.Set("role_names", role_names, "hostprep");
    play_vars_.SetAll(ctx_.play->vars, ctx_.play->location.file + " (play vars)");
    top_.SetAll(opts.extra_vars, "extra vars (-e)");
  }

  void SetFacts(const Value& facts) {
    facts_vars_.Clear();
    facts_vars_.SetAll(FactsAsVariables(facts), "facts", Trust::kData);
  }

  // Facts a task set (setup's ansible_facts), over the host's: for the
  // tasks after, and for other hosts' hostvars.
  void AddFacts(const Value& facts) {
    if (!state_->facts) state_->facts = Value::object();
    MergeFacts(facts, &*state_->facts);
    SetFacts(*state_->facts);
    if (ctx_.hostvars != nullptr) ctx_.hostvars->SetFacts(state_->name, *state_->facts);
  }

  // The play's remote_user and port, rendered for the host, where the
  // inventory gives none (Ansible's connection variables win over keywords).
  Status PlayLogin(ConnectionSettings* settings) const {
    const Play& play = *ctx_.play;
    Templar templar(top_);
    if (settings->user.empty() && !play.remote_user.empty()) {
      Result<Value> user = templar.Render(Value(play.remote_user));
      if (!user.ok()) return Status::Error("play 'remote_user': " + user.message());
      settings->user = Trim(ToText(*user));
    }
    if (settings->port == 0 && !play.port.empty()) {
      Result<Value> port = templar.Render(Value(play.port));
      if (!port.ok()) return Status::Error("play 'port': " + port.message());
      const std::string text = ToText(*port);
      const std::optional<int> number = ParsePort(text);
      if (!number) {
        return Status::Error("play 'port' must be a port number (1 to 65535), not '" + text + "'");
      }
      settings->port = *number;
    }
    return Status::Ok();
  }

  // Connects, or reuses the connection of an earlier play.
  HostOutcome Connect() {
    // become and become_user, as Ansible templates them for each task: with
    // the host's variables.
    Result<PlayBecome> become = ResolvePlayBecome(*ctx_.play, top_);
    if (!become.ok()) {
      sink_->Post(HostEvent(ctx_, *state_, "connect", TaskStatus::kFailed, become.message()));
      return HostOutcome::kFailed;
    }
    state_->play_become = std::move(*become);
    Variables inventory;  // where plain `port`, `user`... count: see ReadConnectionSettings
    ctx_.inventory->HostVariables(state_->name, &inventory);
    Result<ConnectionSettings> settings = ReadConnectionSettings(state_->name, top_, &inventory);
    if (!settings.ok()) {
      sink_->Post(HostEvent(ctx_, *state_, "connect", TaskStatus::kFailed, settings.message()));
      return HostOutcome::kFailed;
    }
    if (!ctx_.play->connection.empty()) settings->connection = ctx_.play->connection;
    if (Status s = PlayLogin(&*settings); !s.ok()) {
      sink_->Post(HostEvent(ctx_, *state_, "connect", TaskStatus::kFailed, s.message()));
      return HostOutcome::kFailed;
    }
    if (!ctx_.options->connection.empty()) settings->connection = ctx_.options->connection;
    state_->connection = *settings;
    const Status connected = io_.Connect(ctx_.transports, *settings);
    if (!connected.ok()) {
      sink_->Post(
          HostEvent(ctx_, *state_, "connect", TaskStatus::kUnreachable, connected.message()));
      state_->unreachable = true;
      return HostOutcome::kUnreachable;
    }
    return HostOutcome::kOk;
  }

  // The first round trip: facts (unless known from an earlier play) and the
  // reads of every task, planned with the facts of the host's last run when
  // the facts cache has them. The graph's resources are rendered with those
  // facts too, and rebuilt when the fresh ones differ.
  HostOutcome FirstProbe() {
    const Result<bool> wanted = GatheringWanted();
    if (!wanted.ok()) {
      sink_->Post(HostEvent(ctx_, *state_, kGatheringFacts, TaskStatus::kFailed, wanted.message()));
      return HostOutcome::kFailed;
    }
    // Once per run, but again for a play that gathers with another become
    // (Ansible gathers in each play: user_id and env are its user's) or
    // wants collectors the earlier gathering left out (gather_subset).
    const FactSubset& subset = ctx_.play->gather_subset;
    const bool gather = *wanted && (!state_->facts || !state_->facts_subset.Covers(subset) ||
                                    !SameBecome(state_->facts_become, executor_.GatheringBecome()));
    if (!gather) {
      if (state_->facts) SetFacts(*state_->facts);
      if (*wanted) ReportFactsGathered();
      if (!BuildGraph()) return HostOutcome::kFailed;
      io_.ReadAhead(ReadsOf(executor_, plan_->Remaining(), &io_));
      return HostOutcome::kOk;
    }
    // The cache keeps one entry per subset: plays that gather different
    // subsets do not take each other's for a change.
    const FactsCache facts_cache(ctx_.options->facts_cache_dir);
    std::string key = TransportKey(state_->connection);
    if (!subset.Covers(FactSubset::All())) {
      key += " subset=";
      for (const std::string& word : subset.spec) key += word + ",";
    }
    const std::optional<Value> known = state_->facts;
    const std::optional<Value> guessed = facts_cache.Load(state_->name, key);
    if (guessed) {
      state_->facts = known.value_or(Value::object());
      MergeFacts(*guessed, &*state_->facts);
      SetFacts(*state_->facts);
    }
    if (!BuildGraph()) return HostOutcome::kFailed;
    Result<Value> gathered = GatherFactsAndProbe();
    if (!gathered.ok()) {
      state_->facts = known;
      return gathered.status().unreachable() ? HostOutcome::kUnreachable : HostOutcome::kFailed;
    }
    // Over what earlier plays gathered, as Ansible merges a gathering into
    // the host's facts.
    state_->facts = known.value_or(Value::object());
    MergeFacts(*gathered, &*state_->facts);
    state_->facts_subset.Add(subset);
    SetFacts(*state_->facts);
    if (ctx_.hostvars != nullptr) ctx_.hostvars->SetFacts(state_->name, *state_->facts);
    ReportFactsGathered();
    if (!guessed || !SameStableFacts(*gathered, *guessed)) {
      // Stored only when they changed: 200 hosts renaming files in one
      // directory on every run queue on its lock.
      facts_cache.Store(state_->name, key, *gathered);
      // Planned with no or other facts: read ahead again, with these, when
      // a read misses.
      io_.MarkStale();
      if (!BuildGraph()) return HostOutcome::kFailed;
    }
    return HostOutcome::kOk;
  }

  // Whether the play gathers facts on this host, as Ansible decides for
  // its own gathering task: tagged `always` unless the play has tags, then
  // with the play's, so that --tags can leave it out; guarded by an
  // import_playbook's `when` as every task is, a host it is false for
  // gathering none and reporting the gathering skipped.
  Result<bool> GatheringWanted() {
    if (!ctx_.settings->gather_facts || ctx_.skip_all) return false;
    TaskSpec gathering;
    gathering.name = kGatheringFacts;
    gathering.tags = ctx_.play->tags.empty() ? std::vector<std::string>{"always"} : ctx_.play->tags;
    if (!Selected(gathering, *ctx_.options)) return false;
    if (ctx_.play->when.empty()) return true;
    gathering.when = ctx_.play->when;
    Result<std::string> skip = executor_.Condition(gathering, nullptr);
    if (!skip.ok()) return skip.status();
    if (skip->empty()) return true;
    sink_->Post(HostEvent(ctx_, *state_, kGatheringFacts, TaskStatus::kSkipped, *skip));
    return false;
  }

  // The facts together with the reads of every task, in one round trip.
  // The facts are the play's user's, as Ansible gathers them. A play that
  // does not become whose tasks do (a role's `become: true` on each task)
  // would need a round trip per become: there the facts ride in the tasks'
  // sudo and name the user who called it (FactsRead as_caller). If that
  // batch fails the facts are asked again alone, without become, so that a
  // refused sudo fails the tasks that need it, not the host. Returns the
  // facts of the play's gather_subset, or the error of a host whose facts
  // could not be read (reported; unreachable when it was lost).
  Result<Value> GatherFactsAndProbe() {
    const FactSubset& subset = ctx_.play->gather_subset;
    std::vector<PendingRead> reads = ReadsOf(executor_, plan_->Remaining(), &io_);
    const Become wanted = executor_.GatheringBecome();
    const bool as_caller = !wanted.enabled && !reads.empty() && reads.front().become.enabled;
    PendingRead facts{as_caller ? reads.front().become : wanted, FactsRead(as_caller, subset)};
    reads.insert(reads.begin(), facts);
    Result<std::vector<ReadResult>> answers = io_.Read(reads);
    Become gathered_as = wanted;  // whose facts they are
    if (!answers.ok() && reads.size() > 1) {
      facts = PendingRead{Become{}, FactsRead(false, subset)};
      gathered_as = Become{};
      answers = io_.Read({facts});
    }
    if (!answers.ok()) {
      sink_->Post(
          HostEvent(ctx_, *state_, kGatheringFacts, TaskStatus::kUnreachable, answers.message()));
      state_->unreachable = true;
      return Status::Unreachable(answers.message());
    }
    Result<Value> parsed = ParseFacts((*answers)[0], subset);
    if (!parsed.ok()) {
      sink_->Post(HostEvent(ctx_, *state_, kGatheringFacts, TaskStatus::kFailed, parsed.message()));
      return parsed.status();
    }
    state_->facts_become = gathered_as;
    return parsed;
  }

  void ReportFactsGathered() {
    sink_->Post(HostEvent(ctx_, *state_, kGatheringFacts, TaskStatus::kOk, ""));
  }

  bool BuildGraph() {
    const Play& play = *ctx_.play;
    Result<TaskGraph> built = TaskGraph::Build(play, PlayResources(play, *ctx_.modules, top_));
    if (!built.ok()) {
      sink_->Post(HostEvent(ctx_, *state_, "graph", TaskStatus::kFailed, built.message()));
      state_->failed = true;
      return false;
    }
    graph_.emplace(std::move(*built));
    std::vector<const TaskSpec*> tasks, handlers;
    bool started = ctx_.start_at.empty() && !ctx_.skip_all;
    for (size_t n : graph_->Order()) {
      if (graph_->is_handler(n)) {
        handlers.push_back(&graph_->node(n));
        continue;
      }
      started = started || (!ctx_.skip_all && graph_->node(n).id == ctx_.start_at);
      if (started && Selected(graph_->node(n), *ctx_.options)) tasks.push_back(&graph_->node(n));
    }
    plan_.emplace(std::move(tasks), std::move(handlers));
    return true;
  }

  // How the host goes on after a task: a lost connection makes it
  // unreachable, a failure failed.
  static HostOutcome Stop(const TaskOutcome& outcome) {
    if (outcome.unreachable) return HostOutcome::kUnreachable;
    return outcome.failed ? HostOutcome::kFailed : HostOutcome::kOk;
  }

  // Runs the plan: the tasks, then the notified handlers. Tasks that can be
  // planned from the answers read so far are planned ahead of the actions
  // of the tasks before them, and their actions wait (the plan's waiting
  // batch); the waiting actions go to the host in one round trip (Flush)
  // when a task cannot be planned that way, and at the end. Each is guarded
  // by the reads its plan used, so what the host sees is what running the
  // tasks one by one would do.
  HostOutcome RunPlan() {
    while (true) {
      if (ctx_.abort->load()) return HostOutcome::kAborted;
      if (ctx_.end != nullptr && ctx_.end->now()) return HostOutcome::kOk;
      const TaskSpec* task = plan_->Next();
      if (ctx_.hostvars != nullptr) ctx_.hostvars->Progress(state_->name, plan_->done_rank());
      hostvars_.At(plan_->rank());
      if (task == nullptr && plan_->waiting().empty()) return HostOutcome::kOk;
      if (linear_) {
        // Lock-step: nothing waits (no task is planned ahead), so the
        // tasks before this one are all reported.
        ctx_.hostvars->AwaitTurn(hostvars_);
        if (ctx_.abort->load()) return HostOutcome::kAborted;
        if (ctx_.end != nullptr && ctx_.end->now()) return HostOutcome::kOk;
      }
      ForgetIfTouched();
      TakeGiven();
      if (task != nullptr && IsBlockMarker(task->kind) && plan_->waiting().empty()) {
        // Where the block goes is known once what waits is reported.
        if (!plan_->PassMarker()) {
          state_->failed = true;
          return HostOutcome::kFailed;
        }
        continue;
      }
      if (task != nullptr && IsHostMeta(task->kind) && plan_->waiting().empty()) {
        bool skipped = false;
        hostvars_.Allow();
        std::optional<HostOutcome> ended = RunMeta(*task, plan_->frame(), &skipped);
        hostvars_.Forbid();
        if (ended) return *ended;
        if (skipped && task->kind == TaskKind::kFlushHandlers) {
          plan_->SkipFlush();
        } else {
          plan_->Advance();
        }
        continue;
      }
      if (task != nullptr && task->kind == TaskKind::kRoleComplete && plan_->waiting().empty()) {
        // Whether the role ran is known once what waits is reported.
        plan_->EndRole(*task);
        plan_->Advance();
        continue;
      }
      if (task != nullptr && task->kind == TaskKind::kModule && Speculate(*task, plan_->frame())) {
        plan_->Advance();
        continue;
      }
      if (!plan_->waiting().empty()) {
        const HostOutcome flushed = Flush();
        if (flushed != HostOutcome::kOk) return flushed;
        continue;  // the next task (or the first whose guard failed) again
      }
      hostvars_.Allow();
      const HostOutcome ran = task->run_once && ctx_.hostvars != nullptr
                                  ? RunOnce(*task, plan_->frame())
                                  : RunOne(*task, plan_->frame());
      hostvars_.Forbid();
      if (ran != HostOutcome::kOk) return ran;
      plan_->Advance();
    }
  }

  // A flush_handlers reaches here only with a `when` (HostPlan): without
  // one it is its handlers' entries.
  static bool IsHostMeta(TaskKind kind) {
    return kind == TaskKind::kEndHost || kind == TaskKind::kEndPlay ||
           kind == TaskKind::kEndBatch || kind == TaskKind::kResetConnection ||
           kind == TaskKind::kFlushHandlers;
  }

  // The meta actions a host runs itself, after what waits is reported.
  // end_host, end_play, end_batch: when its condition holds, the host
  // (and for end_play and end_batch every host, before its next task) runs
  // nothing more in the play, its notified handlers included, without
  // failing, and nothing is reported, as in Ansible; when it does not, a
  // skip that the recap does not count. reset_connection opens the host's
  // connection anew and the run goes on (nullopt). flush_handlers (with a
  // `when`): its handlers run next when it holds; when it does not, a skip
  // the recap does not count. `skipped`: the condition was false.
  std::optional<HostOutcome> RunMeta(const TaskSpec& task, const IncludeFrame* frame,
                                     bool* skipped) {
    const std::string action = task.args.value("action", "");
    Result<std::string> skip = executor_.Condition(task, frame);
    if (!skip.ok()) {
      sink_->Post(
          HostEvent(ctx_, *state_, task.DisplayName(), TaskStatus::kFailed, skip.message()));
      state_->failed = true;
      return HostOutcome::kFailed;
    }
    if (!skip->empty()) {
      *skipped = true;
      TaskEvent e = HostEvent(
          ctx_, *state_, task.DisplayName(), TaskStatus::kSkipped,
          task.kind == TaskKind::kFlushHandlers
              ? fmt::format("flush_handlers conditional evaluated to false, not running "
                            "handlers for {}",
                            state_->name)
              : fmt::format("{} conditional evaluated to false, continuing execution for {}",
                            action, state_->name));
      e.task_id = task.id;
      e.counts_in_recap = false;
      sink_->Post(std::move(e));
      return std::nullopt;
    }
    if (task.kind == TaskKind::kFlushHandlers) return std::nullopt;
    if (task.kind == TaskKind::kResetConnection) {
      const Status reconnected = io_.Reconnect(ctx_.transports, state_->connection);
      if (reconnected.ok()) return std::nullopt;
      sink_->Post(HostEvent(ctx_, *state_, task.DisplayName(), TaskStatus::kUnreachable,
                            reconnected.message()));
      state_->unreachable = true;
      return HostOutcome::kUnreachable;
    }
    if (task.kind == TaskKind::kEndPlay && ctx_.end != nullptr) ctx_.end->play.store(true);
    if (task.kind == TaskKind::kEndBatch && ctx_.end != nullptr) ctx_.end->batch.store(true);
    return HostOutcome::kOk;
  }

  // Runs `task` now: its reads (after reading ahead for every task still to
  // run when the host has changed), its actions with the reads of the tasks
  // after it in the same round trip, its retries.
  HostOutcome RunOne(const TaskSpec& task, const IncludeFrame* frame) {
    TraceSpan span(ctx_.trace, state_->name, task.DisplayName(), "task");
    std::unique_ptr<TaskRun> run = executor_.Start(task, frame);
    for (TaskStep step = executor_.Prepare(run.get(), io_); step.kind != TaskStep::Kind::kDone;
         step = executor_.Prepare(run.get(), io_)) {
      switch (step.kind) {
        case TaskStep::Kind::kConnect:
          if (Result<const DelegateTarget*> target = Delegate(task, step.delegate); target.ok()) {
            executor_.Delegate(run.get(), *target);
          } else {
            executor_.Fail(run.get(), target.status());
          }
          break;
        case TaskStep::Kind::kRead:
          if (step.target != nullptr) {
            // A delegated host: read now; there is nothing to read ahead for.
            HostIo& io = state_->delegates.at(step.target->name)->io;
            if (Result<std::vector<ReadResult>> r = io.Read(step.reads); !r.ok())
              executor_.Fail(run.get(), DelegateStatus(step.target->name, r.status()));
          } else if (io_.stale()) {
            io_.ReadAhead(ReadsOf(executor_, plan_->Remaining(), &io_));
          } else if (Result<std::vector<ReadResult>> r = io_.Read(step.reads); !r.ok()) {
            executor_.Fail(run.get(), r.status());
          }
          break;
        case TaskStep::Kind::kAct:
          if (IsAwait(step.actions)) {
            executor_.Complete(run.get(), Await(step));
            break;
          }
          if (step.target != nullptr) {
            // What the target read ahead, when it is a host of the run, is
            // forgotten before its next task (ForgetIfTouched); this
            // host's own, unless it is the target, holds.
            HostIo& io = state_->delegates.at(step.target->name)->io;
            ActionOutcome done = io.Apply(step.actions, step.become, {});
            if (ctx_.hostvars != nullptr) ctx_.hostvars->Touch(step.target->name);
            if (!done.status.ok()) done.status = DelegateStatus(step.target->name, done.status);
            executor_.Complete(run.get(), done);
            break;
          }
          executor_.Complete(run.get(), io_.Apply(step.actions, step.become,
                                                  ReadsOf(executor_, plan_->Remaining())));
          break;
        case TaskStep::Kind::kWait:
          std::this_thread::sleep_for(std::chrono::seconds(step.wait_seconds));
          break;
        case TaskStep::Kind::kDone:
          break;
      }
    }
    TaskOutcome outcome = executor_.Finish(std::move(run));
    span.args()["changed"] = outcome.changed;
    span.args()["failed"] = outcome.failed;
    if (Report(task, outcome, plan_->position())) return HostOutcome::kOk;
    return Stop(outcome);
  }

  // A module asked the engine to wait for the host (Action::kAwait: reboot,
  // wait_for_connection); it is the only action of its task.
  static bool IsAwait(const std::vector<Action>& actions) {
    return actions.size() == 1 && actions[0].kind == Action::Kind::kAwait;
  }

  // The host goes away and comes back over new connections (HostIo::Await):
  // a delegated host's connection is not this host's to drop. Afterwards
  // the tasks still to run read the host's state again; its facts stay.
  ActionOutcome Await(const TaskStep& step) {
    if (step.target != nullptr) {
      ActionOutcome refused;
      refused.status = Status::Error(
          fmt::format("cannot wait for a delegated host ({}): hostprep drops and makes only the "
                      "connection of the host the task runs for; run the task on {} itself",
                      step.target->name, step.target->name));
      return refused;
    }
    return io_.Await(ctx_.transports, state_->connection, step.actions[0].await, step.become);
  }

  // The host `name` a task is delegated to, connected, with its facts
  // (those it gathered in this run, else gathered over that connection the
  // first time it is needed): its settings are its
  // own connection variables (DelegateSettings), the play's remote_user the
  // login where they give none. What was read on it before is forgotten:
  // other hosts' delegated tasks may have changed it since. An error: it
  // cannot be reached (the task, and the host, are unreachable, as in
  // Ansible) or its settings are wrong.
  Result<const DelegateTarget*> Delegate(const TaskSpec& task, const std::string& name) {
    std::unique_ptr<DelegateHost>& slot = state_->delegates[name];
    if (!slot) slot = std::make_unique<DelegateHost>(name);
    DelegateHost& delegate = *slot;
    ConnectionSettings login;
    if (Status s = PlayLogin(&login); !s.ok()) return s;
    Result<ConnectionSettings> settings = DelegateSettings(
        name, *ctx_.inventory, ctx_.options->extra_vars, DelegateDefaults{login.user});
    if (!settings.ok()) {
      // The message names the host, escaped where it needs to be.
      return Status::Error(task.delegate_location.Prefix() + "delegate_to: " + settings.message());
    }
    delegate.io.BeginPlay(ctx_.trace, ctx_.options->task_timeout);
    if (Status s = delegate.io.Connect(ctx_.transports, *settings); !s.ok())
      return Status::Unreachable(DelegateStatus(name, s).message());
    if (!delegate.facts_known && ctx_.hostvars != nullptr) {
      // Gathered by that host in this run: as Ansible's hostvars has them.
      if (std::optional<Value> known = ctx_.hostvars->Facts(name)) {
        delegate.target.facts = std::move(*known);
        delegate.facts_known = true;
      }
    }
    if (!delegate.facts_known) {
      Result<std::vector<ReadResult>> answer = delegate.io.Read({{Become{}, FactsRead()}});
      if (!answer.ok()) return DelegateStatus(name, answer.status());
      Result<Value> parsed = ParseFacts((*answer)[0]);
      if (!parsed.ok()) return DelegateStatus(name, parsed.status());
      delegate.target.facts = std::move(*parsed);
      delegate.facts_known = true;
    }
    delegate.target.name = name;
    delegate.target.label = DelegateLabel(name, *settings);
    delegate.target.connection = *settings;
    delegate.target.source = &delegate.io;
    return &delegate.target;
  }

  // `status` of the delegated host `name`, saying which host it was.
  static Status DelegateStatus(const std::string& name, const Status& status) {
    const std::string message = "delegate_to " + name + ": " + status.message();
    return status.unreachable() ? Status::Unreachable(message) : Status::Error(message);
  }

  // A run_once task (HostVarsBoard::AwaitOnce), as Ansible's linear
  // strategy runs it: the host that runs it reports it and leaves its
  // registered result, set_fact and include_vars values for the batch's
  // other hosts; they take them without a report (nor a count in the
  // recap), and fail with it when it failed. Handlers it notifies are the
  // runner's alone, as in Ansible.
  HostOutcome RunOnce(const TaskSpec& task, const IncludeFrame* frame) {
    const size_t occurrence = once_seen_[&task]++;
    std::optional<HostVarsBoard::Once> taken =
        ctx_.hostvars->AwaitOnce(hostvars_, &task, occurrence);
    if (taken) {
      for (auto it = taken->registered.begin(); it != taken->registered.end(); ++it)
        executor_.Remember(it.key(), it.value());
      for (auto it = taken->included.begin(); it != taken->included.end(); ++it)
        executor_.RememberIncluded(it.key(), it.value());
      if (!taken->facts.empty()) AddFacts(taken->facts);
      if (!taken->failed) return HostOutcome::kOk;
      state_->failed = true;
      return HostOutcome::kFailed;
    }
    HostVarsBoard::Once result;
    result.host = state_->name;
    executor_.Capture(&result);
    const HostOutcome ran = RunOne(task, frame);
    executor_.Capture(nullptr);
    result.failed = ran == HostOutcome::kFailed;
    ctx_.hostvars->PostOnce(&task, occurrence, std::move(result));
    return ran;
  }

  // What other hosts' delegated set_fact, include_vars and setup gave this one
  // (delegate_facts) since it last looked: its own from now on.
  void TakeGiven() {
    if (ctx_.hostvars == nullptr) return;
    const HostVarsBoard::Given given = ctx_.hostvars->TakeGiven(state_->name);
    for (auto it = given.registered.begin(); it != given.registered.end(); ++it)
      executor_.Remember(it.key(), it.value());
    for (auto it = given.included.begin(); it != given.included.end(); ++it)
      executor_.RememberIncluded(it.key(), it.value());
    if (!given.facts.empty()) AddFacts(given.facts);
  }

  // Another host's delegated task acted on this one since the host last
  // looked: what it read ahead no longer holds.
  void ForgetIfTouched() {
    if (ctx_.hostvars == nullptr) return;
    const size_t touches = ctx_.hostvars->Touches(state_->name);
    if (touches == touches_seen_) return;
    touches_seen_ = touches;
    io_.Invalidate();
  }

  // Plans `task` ahead into the waiting batch; false when it must run for
  // real: it cannot be planned ahead, needs state not read yet, would fail
  // as planned (it runs again after the batch, on the state it leaves), or
  // runs with another become or in another phase than the batch. Never in
  // lock-step: each task starts only when every host finished the one
  // before, so its actions cannot ride with those of the task before.
  bool Speculate(const TaskSpec& task, const IncludeFrame* frame) {
    if (linear_ || !executor_.CanSpeculate(task)) return false;
    HostPlan::Unit unit;
    unit.task = &task;
    unit.frame = frame;
    unit.position = plan_->position();
    unit.run = executor_.Start(task, frame);
    const Become become = executor_.BecomeFor(*unit.run);
    std::vector<HostPlan::Unit>& waiting = plan_->waiting();
    if (!waiting.empty() && (!SameBecome(become, batch_become_) ||
                             waiting.back().task->is_handler != task.is_handler)) {
      return false;
    }
    hostvars_.TakeBlocked();  // what earlier read-ahead saw does not count
    {
      TraceSpan span(ctx_.trace, state_->name, task.DisplayName(), "task");
      unit.step = executor_.Prepare(unit.run.get(), io_);
      span.args()["planned_ahead"] = true;
      span.args()["actions"] = unit.step.actions.size();
    }
    // Planned with another host's variables from before that host got
    // here (the board would have waited): planned again in turn instead.
    if (hostvars_.TakeBlocked()) return false;
    if (unit.step.kind == TaskStep::Kind::kRead || IsAwait(unit.step.actions)) return false;
    bool changes = unit.step.changes;
    if (unit.step.kind == TaskStep::Kind::kDone) {
      unit.outcome = executor_.Finish(std::move(unit.run));
      if (unit.outcome->failed || unit.outcome->unreachable) return false;
      changes = unit.outcome->changed;
    }
    batch_become_ = become;
    if (changes) plan_->NotifyPending(task);
    waiting.push_back(std::move(unit));
    return true;
  }

  // Sends the waiting batch in one round trip with the reads of the tasks
  // after it, and reports its tasks in order. A task whose guard failed is
  // planned again from where it stands, with the answers its guard read.
  HostOutcome Flush() {
    ReportDoneBeforeChanges();
    if (plan_->waiting().empty()) return HostOutcome::kOk;
    std::vector<BatchUnit> batch;
    for (const HostPlan::Unit& u : plan_->waiting())
      batch.push_back({u.step.guard, u.step.actions});
    BatchOutcome done = io_.Send(batch, batch_become_, ReadsOf(executor_, plan_->Remaining()));
    std::vector<HostPlan::Unit> units = plan_->TakeWaiting();
    for (size_t u = 0; u < units.size(); ++u) {
      HostPlan::Unit& unit = units[u];
      const UnitOutcome& result = done.units[u];
      if (result.guard_failed) {
        // An earlier unit changed what this one's plan read: plan it again.
        io_.KeepGuardAnswers(batch_become_, unit.step.guard, result.guard_after);
        plan_->Rewind(unit.position);
        return HostOutcome::kOk;
      }
      if (!unit.outcome) {
        ActionOutcome actions = result.actions;
        if (!done.status.ok()) actions.status = done.status;
        executor_.Complete(unit.run.get(), actions);
        // CanSpeculate: one attempt of one item, so nothing comes after its
        // actions but the outcome.
        const TaskStep last = executor_.Prepare(unit.run.get(), io_);
        if (last.kind != TaskStep::Kind::kDone) {
          std::fprintf(stderr, "internal error: task '%s' planned ahead wants more steps\n",
                       unit.task->DisplayName().c_str());
          std::abort();
        }
        unit.outcome = executor_.Finish(std::move(unit.run));
      }
      // A failure a block takes over: the units after it never ran.
      if (Report(*unit.task, *unit.outcome, unit.position)) return HostOutcome::kOk;
      if (done.status.unreachable()) return HostOutcome::kUnreachable;
      if (Stop(*unit.outcome) != HostOutcome::kOk) return Stop(*unit.outcome);
      if (!done.status.ok()) return HostOutcome::kFailed;
    }
    return HostOutcome::kOk;
  }

  // Until the first task of the batch that acts, the plans were made on the
  // state as it is: those tasks are done, and with no actions at all
  // nothing is sent.
  void ReportDoneBeforeChanges() {
    std::vector<HostPlan::Unit>& waiting = plan_->waiting();
    size_t first = 0;
    while (first < waiting.size() && waiting[first].outcome) {
      (void)Report(*waiting[first].task, *waiting[first].outcome, waiting[first].position);
      ++first;
    }
    waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(first));
  }

  // Posts the outcome of the task at `position` in the plan. True when a
  // block took its failure over: the plan has moved to the block's rescue
  // or always, and the host goes on.
  bool Report(const TaskSpec& task, TaskOutcome& outcome, size_t position) {
    std::optional<bool> rescued;
    if (outcome.failed && !outcome.unreachable) rescued = plan_->Fail(position);
    if (rescued.value_or(false)) Rescued(task, &outcome);
    const bool ran =
        std::any_of(outcome.events.begin(), outcome.events.end(), [](const TaskEvent& e) {
          return e.status != TaskStatus::kSkipped && e.status != TaskStatus::kUnreachable;
        });
    if (ran) plan_->RoleRan(task);
    for (TaskEvent& e : outcome.events) sink_->Post(std::move(e));
    if (!outcome.included.empty() && task.include != nullptr && task.include->public_role)
      ExposeRole(task.include->role_scope);
    if (!outcome.included.empty()) {
      plan_->Include(std::move(outcome.included),
                     [&](const TaskSpec& t) { return Selected(t, *ctx_.options); });
    }
    if (outcome.changed) plan_->Notify(task, position);
    if (outcome.failed && !rescued.has_value()) state_->failed = true;
    if (outcome.unreachable) state_->unreachable = true;
    if (outcome.lost) Reconnect(*outcome.lost);
    return rescued.has_value();
  }

  // ignore_unreachable took a lost connection over: the next task gets a
  // new one (when that cannot be made either, it is unreachable there, as
  // in Ansible); a delegated host's is made anew when next delegated to.
  void Reconnect(const std::string& delegate) {
    if (!delegate.empty()) {
      state_->delegates.erase(delegate);
      return;
    }
    (void)io_.Reconnect(ctx_.transports, state_->connection);
    io_.MarkStale();
  }

  // include_role with `public` ran: the role's variables are the play's on
  // this host from now on, and it is one of role_names.
  void ExposeRole(int index) {
    if (index < 0 || static_cast<size_t>(index) >= ctx_.play->roles.size()) return;
    const RoleScope& role = ctx_.play->roles[static_cast<size_t>(index)];
    roles_.Expose(role);
    const VarEntry* names = inventory_vars_.Find("role_names");
    Value list = names != nullptr && names->value.is_array() ? names->value : Value::array();
    list.push_back(role.name);
    inventory_vars_.Set("role_names", std::move(list), "hostprep");
  }

  // A failure a rescue takes over: counted as rescued, and the rescue's
  // tasks see the failed task and its result, as Ansible sets them.
  void Rescued(const TaskSpec& task, TaskOutcome* outcome) {
    Value result = Value::object();
    for (TaskEvent& e : outcome->events) {
      if (!e.counts_in_recap) continue;
      e.rescued = true;
      result = e.result.is_object() ? e.result : Value::object();
      result["failed"] = true;
      result["changed"] = e.changed;
      if (!e.message.empty()) result["msg"] = e.message;
    }
    state_->registered["ansible_failed_task"] = Value::object(
        {{"name", task.name}, {"action", task.module_key.empty() ? task.module : task.module_key}});
    state_->registered["ansible_failed_result"] = std::move(result);
  }

  const PlayContext& ctx_;
  HostState* state_;
  HostIo& io_;
  EventSink* sink_;
  Variables inventory_vars_;
  Variables facts_vars_;
  Variables play_vars_;
  RoleVariables roles_;
  Variables top_;
  TaskExecutor executor_;
  HostVarsBoard::View hostvars_;                 // what this host's templates read as `hostvars`
  const bool linear_;                            // strategy: linear (HostVarsBoard::AwaitTurn)
  size_t touches_seen_ = 0;                      // HostVarsBoard::Touches when last looked
  std::map<const TaskSpec*, size_t> once_seen_;  // run_once tasks reached, how often
  std::optional<TaskGraph> graph_;
  std::optional<HostPlan> plan_;
  Become batch_become_;  // the become of the waiting batch
};

}  // namespace

// Why here: at 10,000 hosts, what each finished host kept until the run
// ended (its facts parsed, and on the board; the answers of its last read
// ahead, the facts' own among them) was most of the controller's memory.
HostOutcome RunHostPlay(const PlayContext& ctx, HostState* state, EventSink* sink, bool last) {
  if (state->facts_parked && ctx.hostvars != nullptr) {
    state->facts = ctx.hostvars->Facts(state->name);
    state->facts_parked = false;
  }
  const HostOutcome outcome = HostPlay(ctx, state, sink).Run();
  state->io.EndPlay();
  if (ctx.hostvars != nullptr && state->facts && ctx.hostvars->HasFacts(state->name)) {
    state->facts.reset();
    state->facts_parked = true;
  }
  // A failed or unreachable host is in no later play either (Scheduler).
  if (last || state->failed || state->unreachable) {
    state->io.Close();
    for (auto& [name, delegate] : state->delegates) {
      delegate->io.Close();
      delegate->target.facts = Value();
      delegate->facts_known = false;
    }
  }
  return outcome;
}

}  // namespace hostprep
