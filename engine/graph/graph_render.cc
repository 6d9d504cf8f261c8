// The renderings of a TaskGraph for `hostprep graph`: text, DOT, Mermaid.
#include <fmt/format.h>

#include "engine/graph/task_graph.h"

namespace hostprep {

namespace {

std::string NodeLabel(const TaskSpec& t) {
  std::string name = t.DisplayName();
  return t.is_handler ? "handler: " + name : name;
}

std::string EscapeQuoted(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string TaskGraph::ToText() const {
  std::string out;
  for (size_t n : Order()) {
    const TaskSpec& t = *nodes_[n];
    out += fmt::format("{}{}  [{}]\n", is_handler(n) ? "handler " : "", t.DisplayName(), t.id);
    for (const GraphEdge& e : edges_) {
      if (e.to != n) continue;
      std::string why = EdgeKindName(e.kind);
      if (e.kind == EdgeKind::kResource || e.kind == EdgeKind::kRegister) why += " " + e.detail;
      if (e.kind == EdgeKind::kRegister) why = e.detail;
      out += fmt::format("    after {}  ({})\n", nodes_[e.from]->id, why);
    }
  }
  return out;
}

std::string TaskGraph::ToDot(const std::string& title) const {
  std::string out =
      fmt::format("digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box];\n", EscapeQuoted(title));
  for (size_t n = 0; n < nodes_.size(); ++n) {
    out += fmt::format("  \"{}\" [label=\"{}\"{}];\n", EscapeQuoted(nodes_[n]->id),
                       EscapeQuoted(NodeLabel(*nodes_[n])), is_handler(n) ? ", style=dashed" : "");
  }
  for (const GraphEdge& e : edges_) {
    std::string label = EdgeKindName(e.kind);
    if (!e.detail.empty() && e.kind != EdgeKind::kAfter) label = e.detail;
    out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"{}];\n", EscapeQuoted(nodes_[e.from]->id),
                       EscapeQuoted(nodes_[e.to]->id), EscapeQuoted(label),
                       e.kind == EdgeKind::kResource ? ", style=dotted" : "");
  }
  out += "}\n";
  return out;
}

std::string TaskGraph::ToMermaid() const {
  std::string out = "flowchart LR\n";
  for (size_t n = 0; n < nodes_.size(); ++n) {
    std::string text = NodeLabel(*nodes_[n]);
    for (char& c : text) {
      if (c == '"') c = '\'';
    }
    out += fmt::format("  n{}[\"{}\"]\n", n, text);
  }
  for (const GraphEdge& e : edges_) {
    std::string label = EdgeKindName(e.kind);
    if (!e.detail.empty() && e.kind != EdgeKind::kAfter) label = e.detail;
    for (char& c : label) {
      if (c == '"' || c == '|') c = '\'';
    }
    out += fmt::format("  n{} {}|{}| n{}\n", e.from, e.kind == EdgeKind::kResource ? "-.->" : "-->",
                       label, e.to);
  }
  return out;
}

}  // namespace hostprep
