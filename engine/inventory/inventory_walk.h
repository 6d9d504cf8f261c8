// Read-only walks over a loaded Inventory shared by its query functions
// (variables, patterns, output). Internal to engine/inventory.
#ifndef HOSTPREP_ENGINE_INVENTORY_INVENTORY_WALK_H_
#define HOSTPREP_ENGINE_INVENTORY_INVENTORY_WALK_H_

#include <map>
#include <string>
#include <vector>

#include "engine/inventory/inventory.h"

namespace hostprep {

// Every host of `group`, its own first and then its descendants' level by
// level (Ansible's Group.get_hosts order, which `groups['g'][0]` and pattern
// subscripts index). `all` gives every host in inventory order. Unknown
// groups give nothing.
std::vector<std::string> GroupHostList(const Inventory& inv, const std::string& group);

// Each group's depth: the longest path from `all` (all = 0, top level = 1).
std::map<std::string, int> GroupDepths(const Inventory& inv);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_INVENTORY_WALK_H_
