// The set of modules a run knows, by task key: each module's own name and
// its Ansible names (ArgSpec::ansible_names). Filled once at start-up
// (modules/builtin.h), then read-only and thread-safe.
#ifndef HOSTPREP_ENGINE_MODULE_REGISTRY_H_
#define HOSTPREP_ENGINE_MODULE_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep {

class ModuleRegistry {
 public:
  void Register(std::unique_ptr<Module> module);
  // By its name or one of its Ansible names; nullptr when unknown.
  const Module* Find(const std::string& name) const;
  // The module a task keyed `name` with arguments `arg_names` runs. A short
  // name that is both one of hostprep's modules and another module's Ansible
  // name (`sysctl`) runs the Ansible one, unless an argument is one only
  // hostprep's own module knows: a role written for Ansible gets Ansible's
  // outcome, a playbook using hostprep's own arguments keeps its module.
  const Module* FindFor(const std::string& name, const std::vector<std::string>& arg_names) const;
  std::vector<std::string> names() const;  // the modules' own names, sorted

 private:
  std::map<std::string, std::unique_ptr<Module>> modules_;
  std::map<std::string, const Module*> ansible_names_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_MODULE_REGISTRY_H_
