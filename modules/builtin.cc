#include "modules/builtin.h"

#include <memory>

#include "modules/command.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry) {
  registry->Register(std::make_unique<CommandModule>());
}

}  // namespace hostprep::modules
