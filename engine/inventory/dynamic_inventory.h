// Ansible's dynamic inventory protocol: an executable run with `--list`
// prints
//   {"_meta": {"hostvars": {"h": {...}}},
//    "group": {"hosts": [...], "vars": {...}, "children": [...]},
//    "other": ["h1", "h2"]}           (a bare list is the hosts shorthand)
// and, when `_meta` is missing, is run with `--host H` for each host to get
// that host's variables as a JSON object.
//
// The script runs locally, directly (fork/exec, no shell), with its stdout
// captured; its stderr is quoted in the error when it fails.
#ifndef HOSTPREP_ENGINE_INVENTORY_DYNAMIC_INVENTORY_H_
#define HOSTPREP_ENGINE_INVENTORY_DYNAMIC_INVENTORY_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "engine/base/source.h"
#include "engine/base/status.h"
#include "engine/inventory/inventory_builder.h"

namespace hostprep {

inline constexpr std::chrono::milliseconds kInventoryScriptTimeout{30000};
// What a script may print (stdout and stderr together) before it is killed.
inline constexpr size_t kInventoryScriptMaxOutput = size_t{64} << 20;

// Runs `path args...` and returns its stdout. Errors (script path and
// arguments named): cannot start, killed after `timeout` or after printing
// more than kInventoryScriptMaxOutput, a non-zero exit (with the script's
// stderr, trimmed).
Result<std::string> RunInventoryScript(const std::string& path,
                                       const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout);

// Runs the script and adds what it prints to `builder`. Problems go to
// `diags` (located at the script's path); returns false when there was any.
bool LoadDynamicInventory(const std::string& path, InventoryBuilder* builder, Diagnostics* diags,
                          std::chrono::milliseconds timeout = kInventoryScriptTimeout);

// Adds the `--list` output `json` of script `path` to `builder`. When `_meta`
// is missing, `host_vars(host)` must give the `--host` output for each host
// (LoadDynamicInventory runs the script). Exposed for tests.
using HostVarsFetcher = std::function<Result<std::string>(const std::string& host)>;
bool LoadInventoryJson(const std::string& path, const std::string& json, InventoryBuilder* builder,
                       Diagnostics* diags, const HostVarsFetcher& host_vars);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_DYNAMIC_INVENTORY_H_
