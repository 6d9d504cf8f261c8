#include "modules/builtin.h"

#include <memory>

#include "modules/command.h"
#include "modules/containerd_config.h"
#include "modules/file.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry) {
  registry->Register(std::make_unique<CommandModule>());
  registry->Register(std::make_unique<ContainerdConfigModule>());
  registry->Register(std::make_unique<FileModule>());
}

}  // namespace hostprep::modules
