#include "modules/builtin.h"

#include <memory>

#include "modules/command.h"
#include "modules/file.h"
#include "modules/package.h"
#include "modules/service.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry) {
  registry->Register(std::make_unique<CommandModule>());
  registry->Register(std::make_unique<FileModule>());
  registry->Register(std::make_unique<PackageModule>());
  registry->Register(std::make_unique<ServiceModule>());
}

}  // namespace hostprep::modules
