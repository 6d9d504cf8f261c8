#include "engine/module/registry.h"

namespace hostprep {

void ModuleRegistry::Register(std::unique_ptr<Module> module) {
  std::string name = module->spec().name;
  modules_[name] = std::move(module);
}

const Module* ModuleRegistry::Find(const std::string& name) const {
  auto it = modules_.find(name);
  return it == modules_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ModuleRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, module] : modules_) out.push_back(name);
  return out;
}

}  // namespace hostprep
