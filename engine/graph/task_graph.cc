#include "engine/graph/task_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "engine/template/templar.h"

namespace hostprep {

const char* EdgeKindName(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kAfter:
      return "after";
    case EdgeKind::kRegister:
      return "register";
    case EdgeKind::kSequential:
      return "sequential";
    case EdgeKind::kNotify:
      return "notify";
    case EdgeKind::kResource:
      return "resource";
  }
  return "?";
}

void TaskGraph::AddEdge(size_t from, size_t to, EdgeKind kind, std::string detail) {
  if (from == to) return;
  if (std::find(deps_[to].begin(), deps_[to].end(), from) != deps_[to].end()) return;
  deps_[to].push_back(from);
  dependents_[from].push_back(to);
  edges_.push_back({from, to, kind, std::move(detail)});
}

bool TaskGraph::Reaches(size_t from, size_t to) const {
  std::vector<bool> seen(nodes_.size(), false);
  std::vector<size_t> stack{from};
  while (!stack.empty()) {
    size_t n = stack.back();
    stack.pop_back();
    if (n == to) return true;
    if (seen[n]) continue;
    seen[n] = true;
    for (size_t next : dependents_[n]) stack.push_back(next);
  }
  return false;
}

namespace {

// Every variable a task's templates and conditions read.
std::set<std::string> VariablesReadBy(const TaskSpec& task) {
  std::set<std::string> names = ReferencedVariables(task.args);
  auto add = [&](const std::set<std::string>& more) { names.insert(more.begin(), more.end()); };
  add(ReferencedVariables(Value(task.name)));
  for (const Expression& e : task.when) add(ReferencedVariablesInExpression(e.text));
  for (const Expression& e : task.changed_when) add(ReferencedVariablesInExpression(e.text));
  for (const Expression& e : task.failed_when) add(ReferencedVariablesInExpression(e.text));
  for (const Expression& e : task.arg_expressions) add(ReferencedVariablesInExpression(e.text));
  if (task.loop) add(ReferencedVariables(*task.loop));
  add(ReferencedVariables(task.vars));
  return names;
}

// Finds a cycle in the graph given by `deps` and returns it as a path of
// nodes (first == last), or an empty vector.
std::vector<size_t> CyclePath(const std::vector<std::vector<size_t>>& dependents) {
  const size_t n = dependents.size();
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> stack;
  std::vector<size_t> cycle;
  std::function<bool(size_t)> visit = [&](size_t v) {
    state[v] = 1;
    stack.push_back(v);
    for (size_t w : dependents[v]) {
      if (state[w] == 1) {
        auto it = std::find(stack.begin(), stack.end(), w);
        cycle.assign(it, stack.end());
        cycle.push_back(w);
        return true;
      }
      if (state[w] == 0 && visit(w)) return true;
    }
    stack.pop_back();
    state[v] = 2;
    return false;
  };
  for (size_t v = 0; v < n; ++v) {
    if (state[v] == 0 && visit(v)) return cycle;
  }
  return {};
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || path == "/") return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

// The nodes and the explicit edges (after, register, sequential, notify).
TaskGraph TaskGraph::Explicit(const Play& play) {
  TaskGraph g;
  for (const TaskSpec& t : play.tasks) g.nodes_.push_back(&t);
  g.task_count_ = play.tasks.size();
  for (const TaskSpec& h : play.handlers) g.nodes_.push_back(&h);
  g.deps_.resize(g.nodes_.size());
  g.dependents_.resize(g.nodes_.size());
  g.AddAfterEdges();
  if (play.order == PlayOrder::kSequential) {
    // File order already puts every task after those above it; a task that
    // reads a result registered below it reads it undefined, as in Ansible.
    for (size_t i = 1; i < g.task_count_; ++i) g.AddEdge(i - 1, i, EdgeKind::kSequential, "");
  } else {
    g.AddRegisterEdges();
    g.AddFlushEdges();
  }
  g.AddNotifyEdges();
  return g;
}

// Under `order: dag`, a flush of handlers (between pre_tasks, tasks and
// post_tasks, or `meta: flush_handlers`) stays between the tasks written
// before it and those after it.
void TaskGraph::AddFlushEdges() {
  for (size_t k = 0; k < task_count_; ++k) {
    if (nodes_[k]->kind != TaskKind::kFlushHandlers && nodes_[k]->kind != TaskKind::kRoleComplete)
      continue;
    for (size_t i = 0; i < k; ++i) AddEdge(i, k, EdgeKind::kSequential, "flush handlers");
    for (size_t j = k + 1; j < task_count_; ++j)
      AddEdge(k, j, EdgeKind::kSequential, "flush handlers");
  }
}

// Tasks and handlers share one id space (the parser checks `after` names).
void TaskGraph::AddAfterEdges() {
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < nodes_.size(); ++i) by_id.emplace(nodes_[i]->id, i);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (const std::string& id : nodes_[i]->after) {
      auto it = by_id.find(id);
      if (it != by_id.end()) AddEdge(it->second, i, EdgeKind::kAfter, "after " + id);
    }
  }
}

// A node that reads a registered name waits for the task that registers it:
// the nearest one above it, else the first one below it.
void TaskGraph::AddRegisterEdges() {
  std::map<std::string, std::vector<size_t>> registrants;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->register_as.empty()) registrants[nodes_[i]->register_as].push_back(i);
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (const std::string& name : VariablesReadBy(*nodes_[i])) {
      auto it = registrants.find(name);
      if (it == registrants.end()) continue;
      size_t source = it->second.front();
      for (size_t r : it->second) {
        if (r < i) source = r;
      }
      if (source != i) AddEdge(source, i, EdgeKind::kRegister, "register " + name);
    }
  }
}

// `notify` names a handler by name or id.
void TaskGraph::AddNotifyEdges() {
  std::map<std::string, size_t> handler;
  for (size_t i = task_count_; i < nodes_.size(); ++i) {
    handler.emplace(nodes_[i]->name, i);
    handler.emplace(nodes_[i]->id, i);
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (const std::string& name : nodes_[i]->notify) {
      auto it = handler.find(name);
      if (it != handler.end()) AddEdge(i, it->second, EdgeKind::kNotify, "notify");
    }
  }
}

Result<TaskGraph> TaskGraph::Build(const Play& play, const std::vector<Resources>& resources) {
  TaskGraph g = Explicit(play);
  std::optional<Diagnostic> cycle = g.Cycle();
  if (cycle) {
    std::string where = cycle->location.ToString();
    return Status::Error(where.empty() ? cycle->message : where + ": " + cycle->message);
  }
  // In file order, no resource edge could change anything.
  if (!resources.empty() && play.order == PlayOrder::kDag) g.AddResourceEdges(resources);
  return g;
}

std::optional<Diagnostic> TaskGraph::Cycle() const {
  std::vector<size_t> cycle = CyclePath(dependents_);
  if (cycle.empty()) return std::nullopt;
  std::string path;
  for (size_t n : cycle) path += (path.empty() ? "'" : " -> '") + nodes_[n]->id + "'";
  return Diagnostic{nodes_[cycle.front()]->location, "dependency cycle: " + path};
}

std::optional<Diagnostic> TaskGraph::FindCycle(const Play& play) { return Explicit(play).Cycle(); }

// Automatic edges from what tasks declare. Handlers take no part: they run
// after every task anyway.
void TaskGraph::AddResourceEdges(const std::vector<Resources>& resources) {
  std::map<std::string, std::vector<size_t>> providers;
  for (size_t i = 0; i < task_count_ && i < resources.size(); ++i) {
    for (const std::string& r : resources[i].provides) providers[r].push_back(i);
  }
  auto link = [&](size_t from, size_t to, const std::string& detail) {
    if (from == to || Reaches(to, from)) return;  // never close a cycle
    AddEdge(from, to, EdgeKind::kResource, detail);
  };
  for (size_t i = 0; i < task_count_ && i < resources.size(); ++i) {
    for (const std::string& need : resources[i].needs) {
      if (need.rfind("path:", 0) == 0) {
        // The nearest ancestor directory that some task provides.
        for (std::string dir = ParentDir(need.substr(5)); !dir.empty(); dir = ParentDir(dir)) {
          auto it = providers.find("dir:" + dir);
          if (it == providers.end()) {
            if (dir == "/") break;
            continue;
          }
          for (size_t p : it->second) link(p, i, "dir:" + dir);
          break;
        }
        continue;
      }
      auto it = providers.find(need);
      if (it == providers.end()) continue;
      for (size_t p : it->second) link(p, i, need);
    }
  }
}

std::vector<size_t> TaskGraph::Order() const {
  std::vector<size_t> indegree(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) indegree[i] = deps_[i].size();
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (indegree[i] == 0) ready.push(i);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t n = ready.top();
    ready.pop();
    order.push_back(n);
    for (size_t d : dependents_[n]) {
      if (--indegree[d] == 0) ready.push(d);
    }
  }
  return order;
}

}  // namespace hostprep
