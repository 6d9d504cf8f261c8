#include "modules/builtin.h"

#include <memory>

#include "modules/command.h"
#include "modules/file.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry) {
  registry->Register(std::make_unique<CommandModule>());
  registry->Register(std::make_unique<FileModule>());
}

}  // namespace hostprep::modules
