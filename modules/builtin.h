// Registers every built-in module.
#ifndef HOSTPREP_MODULES_BUILTIN_H_
#define HOSTPREP_MODULES_BUILTIN_H_

#include "engine/module/registry.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_BUILTIN_H_
