#include "modules/builtin.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry) { (void)registry; }

}  // namespace hostprep::modules
