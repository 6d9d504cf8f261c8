// The task graph of one play for one host: tasks and handlers as nodes, and
// the edges that order them. Immutable once built; thread-safe to read.
//
// Edges, in the order they are added:
//   - `after:` ids (explicit),
//   - in file order (PlayOrder::kSequential, the default): each task after
//     the one above it; nothing else orders tasks,
//   - under `order: dag`, register use: a task whose templates or
//     conditions read a registered name comes after the task that registers
//     it (the nearest one above it, else the first one below it),
//   - notify: a handler after every task that notifies it,
//   - under `order: dag`, resources (automatic): a path after the task that
//     creates its parent directory, a `net.bridge.*` sysctl after loading
//     br_netfilter, and so on (Module::Declare). An automatic edge that
//     would close a cycle with the edges above is dropped: what the user
//     wrote wins.
// A cycle among the explicit edges is an error that prints it as a path.
#ifndef HOSTPREP_ENGINE_GRAPH_TASK_GRAPH_H_
#define HOSTPREP_ENGINE_GRAPH_TASK_GRAPH_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/module.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

enum class EdgeKind { kAfter, kRegister, kSequential, kNotify, kResource };

struct GraphEdge {
  size_t from = 0;  // runs first
  size_t to = 0;
  EdgeKind kind = EdgeKind::kAfter;
  std::string detail;  // "after", "register r", "dir:/etc/foo", ...
};

class TaskGraph {
 public:
  // Builds the graph of `play`. `resources` is empty (no automatic edges) or
  // holds one entry per node: the play's tasks first, then its handlers. The
  // play must outlive the graph. Errors: a dependency cycle, printed as
  // "dependency cycle: 'a' -> 'b' -> 'a'" with the location of the first task.
  static Result<TaskGraph> Build(const Play& play, const std::vector<Resources>& resources);

  // The cycle among the explicit edges of `play` (they do not depend on the
  // host), as a diagnostic at its first task; nullopt when there is none.
  // For `hostprep validate`, before any host is known.
  static std::optional<Diagnostic> FindCycle(const Play& play);

  size_t size() const { return nodes_.size(); }
  size_t task_count() const { return task_count_; }  // nodes [0, task_count) are tasks
  const TaskSpec& node(size_t i) const { return *nodes_[i]; }
  bool is_handler(size_t i) const { return i >= task_count_; }

  const std::vector<size_t>& dependencies(size_t i) const { return deps_[i]; }
  const std::vector<size_t>& dependents(size_t i) const { return dependents_[i]; }
  const std::vector<GraphEdge>& edges() const { return edges_; }

  // A topological order that keeps file order wherever the edges allow.
  std::vector<size_t> Order() const;

  // Renderings for `hostprep graph`.
  std::string ToText() const;
  std::string ToDot(const std::string& title) const;
  std::string ToMermaid() const;

 private:
  static TaskGraph Explicit(const Play& play);
  void AddAfterEdges();
  void AddRegisterEdges();
  void AddNotifyEdges();
  void AddFlushEdges();
  std::optional<Diagnostic> Cycle() const;
  bool Reaches(size_t from, size_t to) const;
  void AddResourceEdges(const std::vector<Resources>& resources);
  void AddEdge(size_t from, size_t to, EdgeKind kind, std::string detail);

  std::vector<const TaskSpec*> nodes_;
  size_t task_count_ = 0;
  std::vector<std::vector<size_t>> deps_;
  std::vector<std::vector<size_t>> dependents_;
  std::vector<GraphEdge> edges_;
};

const char* EdgeKindName(EdgeKind kind);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_GRAPH_TASK_GRAPH_H_
