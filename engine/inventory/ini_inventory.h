// Ansible's INI inventory format, read the way Ansible's ini plugin reads it:
//   host lines before any section belong to `ungrouped`;
//   [group] holds host lines "name[:port] key=value ..." (ranges allowed);
//   [group:children] holds one group name per line;
//   [group:vars] holds "key=value" lines;
//   lines starting with '#' or ';' are comments.
// Values on host lines and in [group:vars] alike go through Python literal
// typing (ParsePythonLiteral): Ansible's documentation says [group:vars]
// values are strings, but its ini plugin literal-evaluates both, and an
// existing inventory behaves as the plugin does. A [group:children] entry
// must name a group declared in this file (or an earlier source), and a
// [group:vars] section needs the group declared somewhere in the file, as
// Ansible requires.
#ifndef HOSTPREP_ENGINE_INVENTORY_INI_INVENTORY_H_
#define HOSTPREP_ENGINE_INVENTORY_INI_INVENTORY_H_

#include <string>

#include "engine/base/source.h"
#include "engine/inventory/inventory_builder.h"

namespace hostprep {

// Parses `text`, the contents of `path` (used in locations and as the origin
// of variables), into `builder`. Every problem is added to `diags` with
// path:line:col; returns false when there was any.
bool LoadIniInventory(const std::string& path, const std::string& text, InventoryBuilder* builder,
                      Diagnostics* diags);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_INI_INVENTORY_H_
