#include "engine/graph/task_graph.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TaskSpec Task(const std::string& id, std::vector<std::string> after = {}) {
  TaskSpec t;
  t.id = id;
  t.name = id;
  t.module = "command";
  t.after = std::move(after);
  t.location = SourceLocation{"site.yml", 3, 7};
  return t;
}

// hostprep's own order; the default is file order (see the tests at the end).
Play DagPlay() {
  Play play;
  play.order = PlayOrder::kDag;
  return play;
}

std::vector<std::string> OrderIds(const TaskGraph& g) {
  std::vector<std::string> ids;
  for (size_t n : g.Order()) ids.push_back(g.node(n).id);
  return ids;
}

TEST_CASE("graph keeps file order where no edge says otherwise") {
  Play play = DagPlay();
  play.tasks = {Task("a"), Task("b"), Task("c")};
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE(g.ok());
  CHECK(g->edges().empty());
  CHECK(OrderIds(*g) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("graph orders a task after the ids it names in after") {
  Play play = DagPlay();
  play.tasks = {Task("a", {"c"}), Task("b"), Task("c")};
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE(g.ok());
  CHECK(OrderIds(*g) == std::vector<std::string>{"b", "c", "a"});
  REQUIRE(g->edges().size() == 1);
  CHECK(g->edges()[0].kind == EdgeKind::kAfter);
}

TEST_CASE("graph reports a dependency cycle as a path with its location") {
  Play play = DagPlay();
  play.tasks = {Task("a", {"c"}), Task("b", {"a"}), Task("c", {"b"})};
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE_FALSE(g.ok());
  CHECK(g.message() == "site.yml:3:7: dependency cycle: 'a' -> 'b' -> 'c' -> 'a'");
}

TEST_CASE("graph chains every task under order sequential") {
  Play play = DagPlay();
  play.order = PlayOrder::kSequential;
  play.tasks = {Task("a"), Task("b"), Task("c")};
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE(g.ok());
  CHECK(g->dependencies(2) == std::vector<size_t>{1});
  CHECK(g->dependencies(1) == std::vector<size_t>{0});
}

TEST_CASE("graph puts a handler after every task that notifies it") {
  Play play = DagPlay();
  play.tasks = {Task("a"), Task("b"), Task("c")};
  play.tasks[0].notify = {"restart"};
  play.tasks[2].notify = {"restart"};
  TaskSpec h = Task("restart");
  h.is_handler = true;
  play.handlers = {h};
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE(g.ok());
  CHECK(g->is_handler(3));
  CHECK(g->dependencies(3) == std::vector<size_t>{0, 2});
}

TEST_CASE("graph adds an edge from a parent directory to the paths inside it") {
  Play play = DagPlay();
  play.tasks = {Task("config"), Task("unrelated"), Task("dir")};
  std::vector<Resources> r(3);
  r[0].needs = {"path:/etc/containerd/config.toml"};
  r[1].needs = {"path:/etc/hosts"};
  r[2].provides = {"dir:/etc/containerd"};
  r[2].needs = {"path:/etc/containerd"};
  Result<TaskGraph> g = TaskGraph::Build(play, r);
  REQUIRE(g.ok());
  CHECK(OrderIds(*g) == std::vector<std::string>{"unrelated", "dir", "config"});
  REQUIRE(g->edges().size() == 1);
  CHECK(g->edges()[0].kind == EdgeKind::kResource);
  CHECK(g->edges()[0].detail == "dir:/etc/containerd");
}

TEST_CASE("graph picks the nearest ancestor directory that a task provides") {
  Play play = DagPlay();
  play.tasks = {Task("etc"), Task("deep"), Task("file")};
  std::vector<Resources> r(3);
  r[0].provides = {"dir:/etc"};
  r[1].provides = {"dir:/etc/a/b"};
  r[2].needs = {"path:/etc/a/b/c/file"};
  Result<TaskGraph> g = TaskGraph::Build(play, r);
  REQUIRE(g.ok());
  CHECK(g->dependencies(2) == std::vector<size_t>{1});
}

TEST_CASE("graph drops an automatic edge that would contradict an explicit one") {
  Play play = DagPlay();
  play.tasks = {Task("dir", {"file"}), Task("file")};
  std::vector<Resources> r(2);
  r[0].provides = {"dir:/etc/x"};
  r[1].needs = {"path:/etc/x/y"};
  Result<TaskGraph> g = TaskGraph::Build(play, r);
  REQUIRE(g.ok());
  CHECK(OrderIds(*g) == std::vector<std::string>{"file", "dir"});
  CHECK(g->edges().size() == 1);
}

TEST_CASE("graph matches named resources exactly") {
  Play play = DagPlay();
  play.tasks = {Task("sysctl"), Task("modules")};
  std::vector<Resources> r(2);
  r[0].needs = {"kmod:br_netfilter"};
  r[1].provides = {"kmod:br_netfilter", "kmod:overlay"};
  Result<TaskGraph> g = TaskGraph::Build(play, r);
  REQUIRE(g.ok());
  CHECK(OrderIds(*g) == std::vector<std::string>{"modules", "sysctl"});
}

TEST_CASE("graph orders a task after the task whose registered result it reads") {
  Play play = DagPlay();
  play.tasks = {Task("use"), Task("probe")};
  play.tasks[0].when = {Expression{"probe_result.rc == 0", {}}};
  play.tasks[1].register_as = "probe_result";
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE(g.ok());
  CHECK(OrderIds(*g) == std::vector<std::string>{"probe", "use"});
  REQUIRE(g->edges().size() == 1);
  CHECK(g->edges()[0].detail == "register probe_result");
}

TEST_CASE("graph renders text, dot and mermaid") {
  Play play = DagPlay();
  play.tasks = {Task("dir"), Task("config", {"dir"})};
  play.tasks[1].notify = {"restart"};
  TaskSpec h = Task("restart");
  h.is_handler = true;
  play.handlers = {h};
  Result<TaskGraph> g = TaskGraph::Build(play, {});
  REQUIRE(g.ok());
  CHECK(g->ToText() ==
        "dir  [dir]\n"
        "config  [config]\n"
        "    after dir  (after)\n"
        "handler restart  [restart]\n"
        "    after config  (notify)\n");
  CHECK(g->ToDot("p") ==
        "digraph \"p\" {\n"
        "  rankdir=LR;\n"
        "  node [shape=box];\n"
        "  \"dir\" [label=\"dir\"];\n"
        "  \"config\" [label=\"config\"];\n"
        "  \"restart\" [label=\"handler: restart\", style=dashed];\n"
        "  \"dir\" -> \"config\" [label=\"after\"];\n"
        "  \"config\" -> \"restart\" [label=\"notify\"];\n"
        "}\n");
  CHECK(g->ToMermaid() ==
        "flowchart LR\n"
        "  n0[\"dir\"]\n"
        "  n1[\"config\"]\n"
        "  n2[\"handler: restart\"]\n"
        "  n0 -->|after| n1\n"
        "  n1 -->|notify| n2\n");
}

TEST_CASE("graph in file order, the default, runs tasks as written whatever they read or need") {
  Play play;  // order: file order
  TaskSpec use = Task("use");
  use.when = {Expression{"probe_result.rc == 0", {}}};
  TaskSpec config = Task("config");
  TaskSpec probe = Task("probe");
  probe.register_as = "probe_result";
  TaskSpec dir = Task("dir");
  play.tasks = {use, config, probe, dir};
  std::vector<Resources> resources(4);
  resources[1].needs = {"path:/etc/app/app.conf"};
  resources[3].provides = {"dir:/etc/app"};
  Result<TaskGraph> g = TaskGraph::Build(play, resources);
  REQUIRE(g.ok());
  // As ansible-playbook runs them: a result read above its task is read
  // undefined, a file above its directory fails; nothing is reordered.
  CHECK(OrderIds(*g) == std::vector<std::string>{"use", "config", "probe", "dir"});
  for (const GraphEdge& e : g->edges()) CHECK(e.kind == EdgeKind::kSequential);
}

}  // namespace
}  // namespace hostprep
