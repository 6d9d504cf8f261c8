// RunHostPlay: one host's whole play, on its worker thread.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/graph/task_graph.h"
#include "engine/run/facts.h"
#include "engine/run/host_state.h"
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

// Connects (or reuses the connection of an earlier play) and gathers facts.
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
  Status connected = state->transport->Connect();
  if (!connected.ok()) {
    sink->Post(HostEvent(ctx, *state, "connect", TaskStatus::kUnreachable, connected.message()));
    state->unreachable = true;
    return HostOutcome::kUnreachable;
  }
  if (ctx.play->gather_facts && !state->facts) {
    Result<ExecResult> out = state->transport->Exec(FactsRequest());
    Result<Value> facts = out.ok() ? ParseFacts(*out) : Result<Value>(out.status());
    if (!facts.ok()) {
      bool lost = !out.ok();
      sink->Post(HostEvent(ctx, *state, "gather facts",
                           lost ? TaskStatus::kUnreachable : TaskStatus::kFailed, facts.message()));
      if (lost) state->unreachable = true;
      return lost ? HostOutcome::kUnreachable : HostOutcome::kFailed;
    }
    state->facts = std::move(*facts);
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
  if (state->facts) facts_vars.SetAll(FactsAsVariables(*state->facts), "facts");

  Result<TaskGraph> graph = TaskGraph::Build(play, PlayResources(play, *ctx.modules, top));
  if (!graph.ok()) {
    sink->Post(HostEvent(ctx, *state, "graph", TaskStatus::kFailed, graph.message()));
    state->failed = true;
    return HostOutcome::kFailed;
  }

  TaskExecutor executor(ctx, state, play_vars);
  std::set<std::string> notified;
  auto run = [&](const TaskSpec& task) {
    TaskOutcome outcome = executor.Execute(task);
    for (TaskEvent& e : outcome.events) sink->Post(std::move(e));
    if (outcome.changed) notified.insert(task.notify.begin(), task.notify.end());
    return !outcome.failed;
  };
  const std::vector<size_t> order = graph->Order();
  for (size_t n : order) {
    if (graph->is_handler(n)) continue;
    if (ctx.abort->load()) return HostOutcome::kAborted;
    const TaskSpec& task = graph->node(n);
    if (!Selected(task, opts)) continue;
    if (!run(task)) {
      state->failed = true;
      return HostOutcome::kFailed;
    }
  }
  // Handlers: once each, after every task, in graph order (so a handler
  // notified by another handler runs after it).
  for (size_t n : order) {
    if (!graph->is_handler(n)) continue;
    const TaskSpec& handler = graph->node(n);
    if (!notified.count(handler.name) && !notified.count(handler.id)) continue;
    if (ctx.abort->load()) return HostOutcome::kAborted;
    if (!run(handler)) {
      state->failed = true;
      return HostOutcome::kFailed;
    }
  }
  return HostOutcome::kOk;
}

}  // namespace hostprep
