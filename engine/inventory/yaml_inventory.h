// Ansible's YAML inventory format:
//   all:
//     hosts: {web1: {ansible_host: 10.0.0.1}, web2: }
//     vars: {ntp: pool.ntp.org}
//     children:
//       db: {hosts: {db[1:2]: }, vars: {...}, children: {...}}
// Top-level keys other than `all` are groups too (children of all). Host
// names may carry ranges and a port as in INI. The shape is checked strictly:
// a group key other than hosts/children/vars, or a value of the wrong type, is
// an error at its file:line:col (Ansible only warns and skips such keys, which
// hides typos such as `host:`).
#ifndef HOSTPREP_ENGINE_INVENTORY_YAML_INVENTORY_H_
#define HOSTPREP_ENGINE_INVENTORY_YAML_INVENTORY_H_

#include "engine/base/source.h"
#include "engine/inventory/inventory_builder.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

// Adds the groups, hosts and variables of `doc` to `builder`. An empty
// document is an empty inventory. Every problem goes to `diags`; returns false
// when there was any.
bool LoadYamlInventory(const YamlDocument& doc, InventoryBuilder* builder, Diagnostics* diags);

// True when `root` has the shape of a YAML inventory: a mapping whose values
// are all mappings or null, each with only hosts/children/vars keys. Used to
// tell YAML from INI for files without a telling extension.
bool LooksLikeYamlInventory(const YAML::Node& root);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_YAML_INVENTORY_H_
