// RunHostPlay: one host's whole play, on its worker thread.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>
#include <filesystem>
#include <set>

#include "engine/graph/task_graph.h"
#include "engine/run/facts.h"
#include "engine/run/facts_cache.h"
#include "engine/run/host_state.h"
#include "engine/run/resources.h"
#include "engine/run/probe_cache.h"
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

// --tags / --skip-tags with Ansible's special tags: `always` runs unless
// skipped by name, `never` runs only when asked for by name, `all` selects
// every task not tagged never.
bool Selected(const TaskSpec& task, const RunOptions& opts) {
  const std::vector<std::string>& tags = task.tags;
  if (HasAny(tags, opts.skip_tags)) return false;
  if (Contains(tags, "never") && !HasAny(tags, opts.tags)) return false;
  if (opts.tags.empty() || Contains(opts.tags, "all")) return true;
  return Contains(tags, "always") || HasAny(tags, opts.tags);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

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
  const auto start = std::chrono::steady_clock::now();
  Status connected = state->transport->Connect();
  state->cost.connect_seconds += SecondsSince(start);
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
                          return o.read == r.read && o.become.enabled == r.become.enabled &&
                                 o.become.user == r.become.user;
                        });
      if (!seen) reads.push_back(std::move(r));
    }
  }
  return reads;
}

Result<std::vector<ReadResult>> TimedReadAll(const PlayContext& ctx, HostState* state,
                                             const std::vector<PendingRead>& reads) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<ReadResult>> answers =
      ReadAll(state->transport.get(), reads, ctx.options->task_timeout);
  state->cost.probe_seconds += SecondsSince(start);
  return answers;
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
  Result<std::vector<ReadResult>> answers = TimedReadAll(ctx, state, reads);
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
HostOutcome GatherFactsAndProbe(const PlayContext& ctx, HostState* state,
                                TaskExecutor* executor,
                                const std::vector<const TaskSpec*>& tasks, ProbeCache* cache,
                                EventSink* sink) {
  std::vector<PendingRead> reads = ReadsAhead(executor, tasks, *cache);
  cache->mark_fresh();
  PendingRead facts;
  facts.become = reads.empty() ? Become{} : reads.front().become;
  facts.read.kind = RemoteRead::Kind::kExec;
  facts.read.argv = FactsRequest().argv;
  reads.insert(reads.begin(), facts);
  Result<std::vector<ReadResult>> answers = TimedReadAll(ctx, state, reads);
  if (!answers.ok() && reads.size() > 1) {
    facts.become = Become{};
    reads = {facts};
    answers = TimedReadAll(ctx, state, reads);
  }
  if (!answers.ok()) {
    sink->Post(
        HostEvent(ctx, *state, "gather facts", TaskStatus::kUnreachable, answers.message()));
    state->unreachable = true;
    return HostOutcome::kUnreachable;
  }
  const ReadResult& answer = (*answers)[0];
  Result<Value> parsed = answer.status.ok() ? ParseFacts(answer.exec) : Result<Value>(answer.status);
  if (!parsed.ok()) {
    sink->Post(HostEvent(ctx, *state, "gather facts", TaskStatus::kFailed, parsed.message()));
    return HostOutcome::kFailed;
  }
  state->facts = std::move(*parsed);
  for (size_t i = 1; i < reads.size(); ++i) {
    cache->Store(reads[i].become, reads[i].read, std::move((*answers)[i]));
  }
  return HostOutcome::kOk;
}

}  // namespace

HostOutcome RunHostPlay(const PlayContext& ctx, HostState* state, EventSink* sink) {
  const Play& play = *ctx.play;
  const RunOptions& opts = *ctx.options;

  // Precedence, lowest first: inventory, facts, play vars; task scopes and
  // extra vars are stacked on top by the TaskExecutor.
  Variables inventory_vars;
  ctx.inventory->HostVariables(state->name, &inventory_vars);
  inventory_vars.Set("groups", *ctx.groups, "inventory");
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(ctx.playbook->dir, ec);
  inventory_vars.Set("playbook_dir", dir.lexically_normal().string(), "hostprep");
  inventory_vars.Set("ansible_check_mode", opts.check, "hostprep");
  inventory_vars.Set("ansible_diff_mode", opts.diff, "hostprep");
  Variables facts_vars(&inventory_vars);
  Variables play_vars(&facts_vars);
  play_vars.SetAll(play.vars, ctx.playbook->path + " (play vars)");
  Variables top(&play_vars);
  top.SetAll(opts.extra_vars, "extra vars (-e)");

  HostOutcome ready = Prepare(ctx, state, top, sink);
  if (ready != HostOutcome::kOk) return ready;

  // The first round trip: facts (unless known from an earlier play) and the
  // reads of every task, planned with the facts of the host's last run
  // when the facts cache has them.
  const bool gather = play.gather_facts && !state->facts;
  const FactsCache facts_cache(opts.facts_cache_dir);
  const std::string connection_key = TransportKey(state->connection);
  std::optional<Value> guessed;
  if (gather) guessed = facts_cache.Load(state->name, connection_key);
  if (state->facts) {
    facts_vars.SetAll(FactsAsVariables(*state->facts), "facts");
  } else if (guessed) {
    state->facts = guessed;
    facts_vars.SetAll(FactsAsVariables(*guessed), "facts");
  }
  // The graph's resources are rendered with the facts (guessed until the
  // fresh ones arrive; rebuilt if those differ).
  std::optional<TaskGraph> graph;
  std::vector<const TaskSpec*> tasks, handlers;
  auto build = [&]() {
    Result<TaskGraph> built = TaskGraph::Build(play, PlayResources(play, *ctx.modules, top));
    if (!built.ok()) {
      sink->Post(HostEvent(ctx, *state, "graph", TaskStatus::kFailed, built.message()));
      state->failed = true;
      return false;
    }
    graph.emplace(std::move(*built));
    tasks.clear();
    handlers.clear();
    for (size_t n : graph->Order()) {
      if (graph->is_handler(n)) {
        handlers.push_back(&graph->node(n));
      } else if (Selected(graph->node(n), opts)) {
        tasks.push_back(&graph->node(n));
      }
    }
    return true;
  };
  if (!build()) return HostOutcome::kFailed;

  ProbeCache cache;
  TaskExecutor executor(ctx, state, play_vars, &cache);
  if (gather) {
    HostOutcome probed = GatherFactsAndProbe(ctx, state, &executor, tasks, &cache, sink);
    if (probed != HostOutcome::kOk) {
      state->facts.reset();
      return probed;
    }
  } else {
    ProbeAhead(ctx, state, &executor, tasks, &cache);
  }
  if (gather) {
    facts_vars.Clear();
    facts_vars.SetAll(FactsAsVariables(*state->facts), "facts");
    facts_cache.Store(state->name, connection_key, *state->facts);
    if (state->facts != guessed) {
      // Planned with no or other facts: probe again, with these, when a
      // read misses; the graph may depend on them too.
      cache.mark_stale();
      if (!build()) return HostOutcome::kFailed;
    }
  }

  // After a change dropped answers from the cache, the first read that
  // misses probes everything still to run: the remaining tasks, or the
  // notified handlers.
  std::vector<const TaskSpec*> remaining;
  executor.set_prefetch([&]() {
    ProbeAhead(ctx, state, &executor, remaining, &cache);
  });
  std::set<std::string> notified;
  auto run = [&](const TaskSpec& task) {
    TaskOutcome outcome = executor.Execute(task);
    for (TaskEvent& e : outcome.events) sink->Post(std::move(e));
    if (outcome.changed) notified.insert(task.notify.begin(), task.notify.end());
    return !outcome.failed;
  };
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (ctx.abort->load()) return HostOutcome::kAborted;
    remaining.assign(tasks.begin() + i, tasks.end());
    if (!run(*tasks[i])) {
      state->failed = true;
      return HostOutcome::kFailed;
    }
  }
  // Handlers: once each, after every task, in graph order (so a handler
  // notified by another handler runs after it).
  auto is_notified = [&](const TaskSpec* h) { return notified.count(h->name) || notified.count(h->id); };
  for (size_t i = 0; i < handlers.size(); ++i) {
    if (!is_notified(handlers[i])) continue;
    if (ctx.abort->load()) return HostOutcome::kAborted;
    remaining.clear();
    std::copy_if(handlers.begin() + i, handlers.end(), std::back_inserter(remaining), is_notified);
    if (!run(*handlers[i])) {
      state->failed = true;
      return HostOutcome::kFailed;
    }
  }
  return HostOutcome::kOk;
}

}  // namespace hostprep
