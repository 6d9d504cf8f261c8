// group_vars/ and host_vars/ directories, as Ansible's host_group_vars
// plugin reads them, relative to an inventory file's directory or to an
// inventory directory. For each group or host NAME that the inventory has,
// the variables come from, in this order (later files win per key):
//   NAME (a file), NAME.yml, NAME.yaml, NAME.json, and a directory NAME/
//   whose files (recursively, sorted; hidden files, *~ and files with other
//   extensions skipped) are merged in order.
// Files named after groups or hosts the inventory does not have are ignored,
// as Ansible ignores them. Each file must hold a mapping (or nothing).
#ifndef HOSTPREP_ENGINE_INVENTORY_INVENTORY_VARS_H_
#define HOSTPREP_ENGINE_INVENTORY_INVENTORY_VARS_H_

#include <string>
#include <vector>

#include "engine/base/source.h"
#include "engine/inventory/inventory_builder.h"

namespace hostprep {

// The files that hold NAME's variables under `dir` (e.g. "inv/group_vars"),
// in merge order. Empty when there are none.
std::vector<std::string> VarsFilesFor(const std::string& dir, const std::string& name);

// Loads `base`/group_vars and `base`/host_vars (either may be missing) into
// `builder`. The origin of each variable is its file's path. Problems go to
// `diags` with file:line:col; returns false when there was any.
bool LoadInventoryVars(const std::string& base, InventoryBuilder* builder, Diagnostics* diags);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_INVENTORY_VARS_H_
