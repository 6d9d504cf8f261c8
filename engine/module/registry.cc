#include "engine/module/registry.h"

namespace hostprep {

void ModuleRegistry::Register(std::unique_ptr<Module> module) {
  for (const std::string& alias : module->spec().ansible_names)
    ansible_names_[alias] = module.get();
  std::string name = module->spec().name;
  modules_[name] = std::move(module);
}

const Module* ModuleRegistry::Find(const std::string& name) const {
  if (auto it = modules_.find(name); it != modules_.end()) return it->second.get();
  auto alias = ansible_names_.find(name);
  return alias == ansible_names_.end() ? nullptr : alias->second;
}

const Module* ModuleRegistry::FindFor(const std::string& name,
                                      const std::vector<std::string>& arg_names) const {
  const Module* own = Find(name);
  auto alias = ansible_names_.find(name);
  if (own == nullptr || alias == ansible_names_.end() || alias->second == own) return own;
  const Module* ansible = alias->second;
  for (const std::string& arg : arg_names) {
    if (ansible->spec().Find(arg) == nullptr && own->spec().Find(arg) != nullptr) return own;
  }
  return ansible;
}

std::vector<std::string> ModuleRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, module] : modules_) out.push_back(name);
  return out;
}

}  // namespace hostprep
