// The command line: `hostprep run|validate|graph|inventory|facts|modules|doc`.
// Exit codes follow ansible-playbook: 0 ok, 1 internal error, 2 a host failed,
// 3 a host unreachable, 4 bad playbook or inventory, 5 bad option, plus
// kExitDrift for `run --check --detailed-exitcode` when changes are pending.
#ifndef HOSTPREP_ENGINE_CLI_CLI_H_
#define HOSTPREP_ENGINE_CLI_CLI_H_

#include "engine/module/registry.h"

namespace hostprep {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitHostFailed = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitBadInput = 4;
constexpr int kExitBadOption = 5;
constexpr int kExitDrift = 6;

// Runs the command line. Writes to stdout/stderr; returns the exit code.
int RunCli(int argc, char** argv, const ModuleRegistry& modules);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_CLI_H_
