#include "engine/run/resources.h"

#include "engine/run/loop_items.h"
#include "engine/template/templar.h"

namespace hostprep {

Resources DeclaredResources(const TaskSpec& task, const Module& module, const Variables& vars) {
  Resources out;
  std::vector<Value> items;
  if (task.loop) {
    Result<Value> loop = RenderLoop(task, vars);
    if (!loop.ok()) return out;
    items.assign(loop->begin(), loop->end());
  } else {
    items.emplace_back(nullptr);
  }
  for (const Value& item : items) {
    Variables scope(&vars);
    if (task.loop) scope.Set(task.loop_var, item, "loop item", Trust::kData);
    Result<Value> args = Templar(scope).Render(task.args);
    if (!args.ok()) continue;
    std::vector<ArgError> errors;
    Value normalized = NormalizeArgs(module.spec(), *args, false, &errors);
    if (!errors.empty()) continue;
    Resources r = module.Declare(normalized);
    out.provides.insert(out.provides.end(), r.provides.begin(), r.provides.end());
    out.needs.insert(out.needs.end(), r.needs.begin(), r.needs.end());
  }
  return out;
}

std::vector<Resources> PlayResources(const Play& play, const ModuleRegistry& modules,
                                     const Variables& vars) {
  std::vector<Resources> out;
  for (const TaskSpec& t : play.tasks) {
    const Module* module = modules.Find(t.module);
    out.push_back(module ? DeclaredResources(t, *module, vars) : Resources{});
  }
  return out;
}

}  // namespace hostprep
