// Pieces the subcommands share: loading inputs with diagnostics, -e parsing,
// the real transport factory.
#ifndef HOSTPREP_ENGINE_CLI_COMMON_H_
#define HOSTPREP_ENGINE_CLI_COMMON_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/inventory/inventory.h"
#include "engine/playbook/playbook.h"
#include "engine/run/host_state.h"

namespace hostprep {

// Loads the inventory sources (or the implicit localhost inventory when
// there are none); prints diagnostics to stderr and returns nullptr on error.
std::unique_ptr<Inventory> LoadInventoryOrReport(const std::vector<std::string>& sources);

// Parses and validates the playbook, then checks every play's graph for
// cycles; prints diagnostics to stderr and returns nullptr on error.
std::unique_ptr<Playbook> LoadPlaybookOrReport(const std::string& path,
                                               const ModuleRegistry& modules);

// -e values, merged left to right: "k=v k2=v2", "@file.yml", or a YAML/JSON
// mapping "{a: 1}". Errors name the argument.
Result<Value> ParseExtraVars(const std::vector<std::string>& args);

// Splits "a,b" and repeated options into one list.
std::vector<std::string> SplitList(const std::vector<std::string>& values);

// local -> LocalTransport; ssh -> SshTransport when built in.
std::unique_ptr<TransportFactory> MakeTransportFactory();

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_COMMON_H_
