// The subcommands. Each parses its own options (Boost.Program_options
// errors propagate to RunCli, which turns them into exit code 5) and returns
// an exit code.
#ifndef HOSTPREP_ENGINE_CLI_COMMANDS_H_
#define HOSTPREP_ENGINE_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "engine/module/registry.h"

namespace hostprep {

using CommandFn = int (*)(const std::vector<std::string>& args, const ModuleRegistry& modules);

int RunCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int ValidateCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int GraphCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int InventoryCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int FactsCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int ModulesCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int TemplateCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int DocCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);
int ReportCommand(const std::vector<std::string>& args, const ModuleRegistry& modules);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_COMMANDS_H_
