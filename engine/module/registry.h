// The set of modules a run knows, by task key. Filled once at start-up
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
  const Module* Find(const std::string& name) const;  // nullptr when unknown
  std::vector<std::string> names() const;             // sorted

 private:
  std::map<std::string, std::unique_ptr<Module>> modules_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_MODULE_REGISTRY_H_
