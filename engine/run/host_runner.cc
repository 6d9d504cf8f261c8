// RunHostPlay: one host's whole play, on its worker thread.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>
#include <set>

#include "engine/graph/task_graph.h"
#include "engine/run/action_executor.h"
#include "engine/run/facts.h"
#include "engine/run/facts_cache.h"
#include "engine/run/host_state.h"
#include "engine/run/probe_cache.h"
#include "engine/run/resources.h"
#include "engine/run/task_executor.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

bool HasAny(const std::vector<std::string>& tags, const std::vector<std::string>& wanted) {
  return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) {
    return std::find(wanted.begin(), wanted.end(), t) != wanted.end();
  });
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// --tags / --skip-tags with Ansible's special tags (its Taggable rules): a
// task without tags is tagged `untagged`; `always` runs unless skipped by
// name (or by `all` without `always`), `never` runs only when asked for by
// name, `all` selects every task not tagged never, `tagged` every task with
// a tag of its own.
bool Selected(const TaskSpec& task, const RunOptions& opts) {
  const std::vector<std::string> tags =
      task.tags.empty() ? std::vector<std::string>{"untagged"} : task.tags;
  const bool untagged = task.tags.empty();
  const bool never = Contains(tags, "never");
  bool run = true;
  if (!opts.tags.empty()) {
    run = Contains(tags, "always") || (Contains(opts.tags, "all") && !never) ||
          HasAny(tags, opts.tags) || (Contains(opts.tags, "tagged") && !untagged && !never);
  } else if (never) {
    run = false;
  }
  if (run && !opts.skip_tags.empty()) {
    if (Contains(opts.skip_tags, "all")) {
      run = Contains(tags, "always") && !Contains(opts.skip_tags, "always");
    } else if (HasAny(tags, opts.skip_tags) || (Contains(opts.skip_tags, "tagged") && !untagged)) {
      run = false;
    }
  }
  return run;
}

// The task ansible-playbook adds to a play that gathers facts, by its name:
// reported (ok) and counted in the recap as Ansible counts it, once per play,
// also when hostprep already has the facts from an earlier play.
constexpr char kGatheringFacts[] = "Gathering Facts";

std::string TransportKey(const ConnectionSettings& s) {
  return fmt::format("{}|{}|{}|{}|{}|{}", s.connection, s.address, s.port, s.user,
                     s.private_key_file, s.ssh_common_args);
}

TaskEvent HostEvent(const PlayContext& ctx, const HostState& state, const std::string& task,
                    TaskStatus status, const std::string& message) {
  TaskEvent e;
  e.host = state.name;
  e.play = ctx.play->DisplayName();
  e.task = task;
  e.task_id = task;
  e.status = status;
  e.recap_status = status;
  e.message = message;
  e.check_mode = ctx.options->check;
  return e;
}

// Connects, or reuses the connection of an earlier play.
HostOutcome Prepare(const PlayContext& ctx, HostState* state, const Variables& conn_vars,
                    EventSink* sink) {
  Result<ConnectionSettings> settings = ReadConnectionSettings(state->name, conn_vars);
  if (!settings.ok()) {
    sink->Post(HostEvent(ctx, *state, "connect", TaskStatus::kFailed, settings.message()));
    return HostOutcome::kFailed;
  }
  if (!ctx.play->connection.empty()) settings->connection = ctx.play->connection;
  if (!ctx.options->connection.empty()) settings->connection = ctx.options->connection;
  state->connection = *settings;
  const std::string key = TransportKey(*settings);
  if (!state->transport || state->transport_key != key) {
    state->transport.reset();
    Result<std::unique_ptr<Transport>> t = ctx.transports->Create(state->name, *settings);
    if (!t.ok()) {
      sink->Post(HostEvent(ctx, *state, "connect", TaskStatus::kUnreachable, t.message()));
      state->unreachable = true;
      return HostOutcome::kUnreachable;
    }
    state->transport = std::move(*t);
    state->transport_key = key;
  }
  Status connected;
  {
    TraceSpan span(ctx.trace, state->name, "connect", "connect", &state->cost.connect_seconds);
    connected = state->transport->Connect();
  }
  if (!connected.ok()) {
    sink->Post(HostEvent(ctx, *state, "connect", TaskStatus::kUnreachable, connected.message()));
    state->unreachable = true;
    return HostOutcome::kUnreachable;
  }
  return HostOutcome::kOk;
}

// The remote reads of `tasks` not yet in `cache`, each once.
std::vector<PendingRead> ReadsAhead(TaskExecutor* executor,
                                    const std::vector<const TaskSpec*>& tasks,
                                    const ProbeCache& cache) {
  std::vector<PendingRead> reads;
  for (const TaskSpec* task : tasks) {
    for (PendingRead& r : executor->PlannedReads(*task)) {
      const bool seen = cache.Contains(r.become, r.read) ||
                        std::any_of(reads.begin(), reads.end(), [&](const PendingRead& o) {
                          return o.read == r.read && SameBecome(o.become, r.become);
                        });
      if (!seen) reads.push_back(std::move(r));
    }
  }
  return reads;
}

// Probes ahead: the remote reads of `tasks` in one round trip per distinct
// become, answers kept in `cache`. Best effort: when the batch fails (sudo
// refused, host lost) nothing is cached and each task reads for itself, so
// the error is reported as that task's.
void ProbeAhead(const PlayContext& ctx, HostState* state, TaskExecutor* executor,
                const std::vector<const TaskSpec*>& tasks, ProbeCache* cache) {
  const std::vector<PendingRead> reads = ReadsAhead(executor, tasks, *cache);
  cache->mark_fresh();
  if (reads.empty()) return;
  Result<std::vector<ReadResult>> answers = ProbeHost(ctx, state, reads);
  if (!answers.ok()) return;
  for (size_t i = 0; i < reads.size(); ++i) {
    cache->Store(reads[i].become, reads[i].read, std::move((*answers)[i]));
  }
}

// The first round trip of a play: the facts together with the reads of
// every task. The facts run with the tasks' become so that one sudo serves
// both; if that batch fails they are asked again alone, without become, so
// that a refused sudo fails the tasks that need it, not the host. Returns
// kOk, or the outcome of a host whose facts could not be read (reported).
HostOutcome GatherFactsAndProbe(const PlayContext& ctx, HostState* state, TaskExecutor* executor,
                                const std::vector<const TaskSpec*>& tasks, ProbeCache* cache,
                                EventSink* sink) {
  std::vector<PendingRead> reads = ReadsAhead(executor, tasks, *cache);
  cache->mark_fresh();
  PendingRead facts;
  facts.become = reads.empty() ? Become{} : reads.front().become;
  facts.read.kind = RemoteRead::Kind::kExec;
  facts.read.argv = FactsRequest().argv;
  reads.insert(reads.begin(), facts);
  Result<std::vector<ReadResult>> answers = ProbeHost(ctx, state, reads);
  if (!answers.ok() && reads.size() > 1) {
    facts.become = Become{};
    reads = {facts};
    answers = ProbeHost(ctx, state, reads);
  }
  if (!answers.ok()) {
    sink->Post(
        HostEvent(ctx, *state, kGatheringFacts, TaskStatus::kUnreachable, answers.message()));
    state->unreachable = true;
    return HostOutcome::kUnreachable;
  }
  const ReadResult& answer = (*answers)[0];
  Result<Value> parsed =
      answer.status.ok() ? ParseFacts(answer.exec) : Result<Value>(answer.status);
  if (!parsed.ok()) {
    sink->Post(HostEvent(ctx, *state, kGatheringFacts, TaskStatus::kFailed, parsed.message()));
    return HostOutcome::kFailed;
  }
  state->facts = std::move(*parsed);
  for (size_t i = 1; i < reads.size(); ++i) {
    cache->Store(reads[i].become, reads[i].read, std::move((*answers)[i]));
  }
  return HostOutcome::kOk;
}

// One host's run of one play, phase by phase: variables, connection, the
// first probe (with the facts), the graph, tasks, handlers.
class HostPlay {
 public:
  HostPlay(const PlayContext& ctx, HostState* state, EventSink* sink)
      : ctx_(ctx),
        state_(state),
        sink_(sink),
        facts_vars_(&inventory_vars_),
        play_vars_(&facts_vars_),
        top_(&play_vars_),
        executor_(ctx, state, play_vars_, &cache_) {}

  HostOutcome Run() {
    SetVariables();
    HostOutcome outcome = Prepare(ctx_, state_, top_, sink_);
    if (outcome == HostOutcome::kOk) outcome = FirstProbe();
    if (outcome != HostOutcome::kOk) return outcome;
    // A change reads the state of everything still to run (the remaining
    // tasks, or the notified handlers) in its own round trip, after the
    // actions. When that was not possible (another become), the first read
    // that misses probes it in one batch.
    executor_.set_prefetch([this]() { ProbeAhead(ctx_, state_, &executor_, remaining_, &cache_); });
    executor_.set_reads_ahead([this]() { return ReadsAhead(&executor_, remaining_, cache_); });
    outcome = RunList(tasks_, false);
    return outcome == HostOutcome::kOk ? RunList(handlers_, true) : outcome;
  }

 private:
  // Precedence, lowest first: inventory, facts, play vars; task scopes and
  // extra vars are stacked on top by the TaskExecutor.
  void SetVariables() {
    const RunOptions& opts = *ctx_.options;
    ctx_.inventory->HostVariables(state_->name, &inventory_vars_);
    inventory_vars_.Set("groups", *ctx_.groups, "inventory");
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(ctx_.playbook->dir, ec);
    inventory_vars_.Set("playbook_dir", dir.lexically_normal().string(), "hostprep");
    inventory_vars_.Set("ansible_check_mode", opts.check, "hostprep");
    inventory_vars_.Set("ansible_diff_mode", opts.diff, "hostprep");
    play_vars_.SetAll(ctx_.play->vars, ctx_.playbook->path + " (play vars)");
    top_.SetAll(opts.extra_vars, "extra vars (-e)");
  }

  void SetFacts(const Value& facts) {
    facts_vars_.Clear();
    facts_vars_.SetAll(FactsAsVariables(facts), "facts");
  }

  // The first round trip: facts (unless known from an earlier play) and the
  // reads of every task, planned with the facts of the host's last run when
  // the facts cache has them. The graph's resources are rendered with those
  // facts too, and rebuilt when the fresh ones differ.
  HostOutcome FirstProbe() {
    const bool gather = ctx_.play->gather_facts && !state_->facts;
    if (!gather) {
      if (state_->facts) SetFacts(*state_->facts);
      if (ctx_.play->gather_facts) ReportFactsGathered();
      if (!BuildGraph()) return HostOutcome::kFailed;
      ProbeAhead(ctx_, state_, &executor_, tasks_, &cache_);
      return HostOutcome::kOk;
    }
    const FactsCache facts_cache(ctx_.options->facts_cache_dir);
    const std::string key = TransportKey(state_->connection);
    const std::optional<Value> guessed = facts_cache.Load(state_->name, key);
    if (guessed) {
      state_->facts = guessed;
      SetFacts(*guessed);
    }
    if (!BuildGraph()) return HostOutcome::kFailed;
    HostOutcome probed = GatherFactsAndProbe(ctx_, state_, &executor_, tasks_, &cache_, sink_);
    if (probed != HostOutcome::kOk) {
      state_->facts.reset();
      return probed;
    }
    SetFacts(*state_->facts);
    ReportFactsGathered();
    if (state_->facts != guessed) {
      // Stored only when they changed: 200 hosts renaming files in one
      // directory on every run queue on its lock.
      facts_cache.Store(state_->name, key, *state_->facts);
      // Planned with no or other facts: probe again, with these, when a
      // read misses.
      cache_.mark_stale();
      if (!BuildGraph()) return HostOutcome::kFailed;
    }
    return HostOutcome::kOk;
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
    tasks_.clear();
    handlers_.clear();
    for (size_t n : graph_->Order()) {
      if (graph_->is_handler(n)) {
        handlers_.push_back(&graph_->node(n));
      } else if (Selected(graph_->node(n), *ctx_.options)) {
        tasks_.push_back(&graph_->node(n));
      }
    }
    return true;
  }

  HostOutcome RunOne(const TaskSpec& task) {
    TraceSpan span(ctx_.trace, state_->name, task.DisplayName(), "task");
    TaskOutcome outcome = executor_.Execute(task);
    span.args()["changed"] = outcome.changed;
    span.args()["failed"] = outcome.failed;
    Report(task, outcome);
    return Stop(outcome);
  }

  // How the host goes on after a task: a lost connection makes it
  // unreachable, a failure failed.
  static HostOutcome Stop(const TaskOutcome& outcome) {
    if (outcome.unreachable) return HostOutcome::kUnreachable;
    return outcome.failed ? HostOutcome::kFailed : HostOutcome::kOk;
  }

  // Runs `list`: the tasks, then the handlers (only the notified ones, once
  // each, in graph order, so that a handler notified by another runs after
  // it). Tasks that can be planned from the probe cache are planned ahead of
  // the actions of the tasks before them, and their actions wait (units_);
  // the waiting actions go to the host in one round trip (Flush) when a task
  // cannot be planned that way, and at the end. Each unit is guarded by the
  // reads its plan used, so what the host sees is what running the tasks one
  // by one would do.
  HostOutcome RunList(const std::vector<const TaskSpec*>& list, bool handlers) {
    list_ = &list;
    size_t i = 0;
    while (true) {
      if (ctx_.abort->load()) return HostOutcome::kAborted;
      if (handlers) i = NextNotified(i);
      if (i == list.size() && units_.empty()) return HostOutcome::kOk;
      // What is still to run: its state is read after the next change.
      const std::set<const TaskSpec*> reachable = ReachableHandlers();
      remaining_.clear();
      for (size_t k = i; k < list.size(); ++k) {
        if (!handlers || reachable.count(list[k]) > 0) remaining_.push_back(list[k]);
      }
      if (!handlers) {
        for (const TaskSpec* h : handlers_) {
          if (reachable.count(h) > 0) remaining_.push_back(h);
        }
      }
      if (i < list.size() && Speculate(i)) {
        ++i;
        continue;
      }
      if (!units_.empty()) {
        const HostOutcome flushed = Flush(&i);
        if (flushed != HostOutcome::kOk) return flushed;
        continue;  // task i (or the first task whose guard failed) again
      }
      const HostOutcome ran = RunOne(*list[i]);
      if (ran != HostOutcome::kOk) return ran;
      ++i;
    }
  }

  // Notified by a task or handler that ran, or by a unit whose plan changes
  // something (its actions wait in units_).
  bool Notified(const TaskSpec& h) const {
    return Named(notified_, h) || Named(pending_notified_, h);
  }

  // Whether `names` (what `notify` lists) names the handler `h`.
  static bool Named(const std::set<std::string>& names, const TaskSpec& h) {
    return names.count(h.name) > 0 || names.count(h.id) > 0;
  }

  // The handlers that the notifications so far can lead to, handlers
  // notifying handlers included.
  std::set<const TaskSpec*> ReachableHandlers() const {
    std::set<std::string> names = notified_;
    names.insert(pending_notified_.begin(), pending_notified_.end());
    std::set<const TaskSpec*> out;
    for (bool grew = true; grew;) {
      grew = false;
      for (const TaskSpec* h : handlers_) {
        if (out.count(h) > 0 || !Named(names, *h)) continue;
        out.insert(h);
        names.insert(h->notify.begin(), h->notify.end());
        grew = true;
      }
    }
    return out;
  }

  size_t NextNotified(size_t i) const {
    while (i < list_->size() && !Notified(*(*list_)[i])) ++i;
    return i;
  }

  // Plans task i ahead and keeps it as a unit; false when it must run for
  // real (it cannot be planned ahead, or needs state not read yet).
  bool Speculate(size_t i) {
    const TaskSpec& task = *(*list_)[i];
    if (!executor_.CanSpeculate(task)) return false;
    const Become become = executor_.BecomeFor(task);
    if (!units_.empty() && !SameBecome(become, units_become_)) return false;
    Unit unit;
    unit.index = i;
    {
      TraceSpan span(ctx_.trace, state_->name, task.DisplayName(), "task");
      unit.outcome = executor_.Execute(task, &unit.speculation);
      span.args()["planned_ahead"] = true;
      span.args()["actions"] = unit.speculation.actions.size();
    }
    if (unit.speculation.needs_state) return false;
    units_become_ = become;
    if (unit.outcome.changed) pending_notified_.insert(task.notify.begin(), task.notify.end());
    units_.push_back(std::move(unit));
    return true;
  }

  // Sends the waiting units in one batch with the reads of the tasks after
  // them, and reports them in order. A unit whose guard failed is planned
  // again from where it stands (*next), with the answers its guard read.
  HostOutcome Flush(size_t* next) {
    ReportUnitsBeforeChanges();
    if (units_.empty()) return HostOutcome::kOk;
    ReadsAfter after;
    BatchOutcome done = SendUnits(&after);
    std::vector<Unit> units = std::move(units_);
    units_.clear();
    pending_notified_.clear();  // each unit is now reported, or planned again
    for (size_t u = 0; u < units.size(); ++u) {
      Unit& unit = units[u];
      const UnitOutcome& result = done.units[u];
      if (result.guard_failed) {
        // An earlier unit changed what this one's plan read: plan it again.
        for (size_t k = 0; k < result.guard_after.size(); ++k) {
          cache_.Store(units_become_, unit.speculation.reads[k], result.guard_after[k]);
        }
        *next = unit.index;  // the cache stays stale (SendUnits)
        return HostOutcome::kOk;
      }
      if (!unit.speculation.actions.empty()) {
        ActionOutcome actions = result.actions;
        if (!done.status.ok()) actions.status = done.status;
        unit.outcome = unit.speculation.finish(actions);
      }
      Report(*(*list_)[unit.index], unit.outcome);
      if (done.status.unreachable()) return HostOutcome::kUnreachable;
      if (Stop(unit.outcome) != HostOutcome::kOk) return Stop(unit.outcome);
      if (!done.status.ok()) return HostOutcome::kFailed;
    }
    if (done.reads_after) {
      cache_.StoreAfterChange(units_become_, after, std::move(*done.reads_after));
    }
    return HostOutcome::kOk;
  }

  // Until the first unit that acts, the plans were made on the state as it
  // is: those units are done, and with no actions at all nothing is sent.
  void ReportUnitsBeforeChanges() {
    size_t first = 0;
    while (first < units_.size() && units_[first].speculation.actions.empty()) {
      Report(*(*list_)[units_[first].index], units_[first].outcome);
      ++first;
    }
    units_.erase(units_.begin(), units_.begin() + static_cast<std::ptrdiff_t>(first));
  }

  // One round trip: the units' guarded actions, then the reads of the tasks
  // still to run (`after`, those with the units' become).
  BatchOutcome SendUnits(ReadsAfter* after) {
    std::vector<BatchUnit> batch;
    for (const Unit& u : units_) batch.push_back({u.speculation.reads, u.speculation.actions});
    cache_.Clear();
    *after = ReadsWith(units_become_, ReadsAhead(&executor_, remaining_, cache_));
    TraceSpan span(ctx_.trace, state_->name, "apply", "apply", &state_->cost.apply_seconds);
    span.args()["tasks"] = units_.size();
    span.args()["reads"] = after->reads.size();
    return ExecuteBatch(batch, after->reads, units_become_, ctx_.options->task_timeout,
                        state_->transport.get());
  }

  void Report(const TaskSpec& task, TaskOutcome& outcome) {
    for (TaskEvent& e : outcome.events) sink_->Post(std::move(e));
    if (outcome.changed) notified_.insert(task.notify.begin(), task.notify.end());
    if (outcome.failed) state_->failed = true;
    if (outcome.unreachable) state_->unreachable = true;
  }

  const PlayContext& ctx_;
  HostState* state_;
  EventSink* sink_;
  Variables inventory_vars_;
  Variables facts_vars_;
  Variables play_vars_;
  Variables top_;
  ProbeCache cache_;
  TaskExecutor executor_;
  std::optional<TaskGraph> graph_;
  std::vector<const TaskSpec*> tasks_, handlers_, remaining_;
  const std::vector<const TaskSpec*>* list_ = &tasks_;  // what RunList runs
  std::set<std::string> notified_;
  std::set<std::string> pending_notified_;  // by units not sent yet
  struct Unit {
    size_t index = 0;  // in *list_
    Speculation speculation;
    TaskOutcome outcome;  // as planned; the real one comes from speculation.finish
  };
  std::vector<Unit> units_;
  Become units_become_;
};

}  // namespace

HostOutcome RunHostPlay(const PlayContext& ctx, HostState* state, EventSink* sink) {
  return HostPlay(ctx, state, sink).Run();
}

}  // namespace hostprep
