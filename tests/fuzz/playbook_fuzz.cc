// The playbook parser on arbitrary text: YAML syntax, the schema of plays and
// tasks, module arguments (the built-in modules' Validate), template syntax,
// then what `hostprep graph` does with a playbook that parsed: the explicit
// cycle check and the graph with the modules' automatic edges.
//
// The playbook is named as if it lived in a directory that does not exist,
// so relative vars_files find nothing on this machine.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/base/source.h"
#include "engine/graph/task_graph.h"
#include "engine/module/registry.h"
#include "engine/playbook/playbook.h"
#include "engine/run/resources.h"
#include "engine/template/variables.h"
#include "modules/builtin.h"
#include "tests/fuzz/fuzz_util.h"

namespace hostprep {
namespace {

const ModuleRegistry& Modules() {
  static const ModuleRegistry* modules = [] {
    auto* registry = new ModuleRegistry;
    modules::RegisterBuiltinModules(registry);
    return registry;
  }();
  return *modules;
}

void FuzzPlaybook(const std::string& text) {
  Diagnostics diags;
  std::unique_ptr<Playbook> playbook =
      ParsePlaybookString(text, "/nonexistent-hostprep-fuzz/site.yml", Modules(), &diags);
  fuzz::RequireDiagnostics(diags);
  fuzz::Require((playbook == nullptr) == !diags.empty(),
                "a playbook comes back exactly when there is no diagnostic");
  if (!playbook) return;
  for (const Play& play : playbook->plays) {
    std::optional<Diagnostic> cycle = TaskGraph::FindCycle(play);
    if (cycle) fuzz::RequireMessage(cycle->message);
    Variables vars;
    vars.SetAll(play.vars, "play vars");
    Result<TaskGraph> graph = TaskGraph::Build(play, PlayResources(play, Modules(), vars));
    if (!graph.ok()) {
      fuzz::RequireMessage(graph.message());
      continue;
    }
    fuzz::Require(graph->size() == play.tasks.size() + play.handlers.size(),
                  "one graph node per task and handler");
  }
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzPlaybook(hostprep::fuzz::Text(data, size));
  return 0;
}
