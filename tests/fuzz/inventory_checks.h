// What the inventory harnesses do with an inventory that loaded: the queries
// a run and `hostprep inventory` make (host variables with group precedence,
// group membership, --list and --graph, a few host patterns), so that a
// builder that let a bad shape through shows up there.
#ifndef HOSTPREP_TESTS_FUZZ_INVENTORY_CHECKS_H_
#define HOSTPREP_TESTS_FUZZ_INVENTORY_CHECKS_H_

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "engine/inventory/inventory.h"
#include "engine/inventory/inventory_builder.h"
#include "engine/template/variables.h"
#include "tests/fuzz/fuzz_util.h"

namespace hostprep::fuzz {

// Loads nothing more: `loaded` is what the format's loader returned and
// `diags` what it reported.
inline void CheckLoadedInventory(bool loaded, const Diagnostics& diags, InventoryBuilder* builder) {
  RequireDiagnostics(diags);
  Require(loaded == diags.empty(), "a loader fails exactly when it reports a problem");
  if (!loaded) return;
  std::unique_ptr<Inventory> inventory = builder->Finish();
  Require(inventory != nullptr, "Finish gives an inventory");
  Require(inventory->FindGroup("all") != nullptr, "every inventory has the group all");
  // --list, --graph and patterns walk every host: on the tens of thousands
  // a few ranges give, under the sanitizers that measures them, not the code
  // (0.6 s for 47,000 hosts in a release build).
  const std::vector<std::string>& hosts = inventory->host_names();
  if (hosts.size() > 5000) return;
  (void)inventory->ToListJson().dump();
  (void)inventory->ToGraph();
  // Enough hosts and groups to reach every code path, not every entry of a
  // ten-thousand-host range.
  for (size_t i = 0; i < std::min<size_t>(hosts.size(), 8); ++i) {
    Variables vars;
    inventory->HostVariables(hosts[i], &vars);
    Require(vars.Find("inventory_hostname") != nullptr, "a host knows its own name");
    (void)inventory->GroupsOf(hosts[i]);
    // A name may hold pattern syntax ("!x", "a:b"): an error is an answer.
    Result<std::vector<std::string>> matched = inventory->Match(hosts[i]);
    if (!matched.ok()) RequireMessage(matched.message());
  }
  std::vector<std::string> patterns = {"all", "*", "ungrouped", "all:!ungrouped", "~.*"};
  std::vector<std::string> groups = inventory->group_names();
  for (size_t i = 0; i < std::min<size_t>(groups.size(), 8); ++i) {
    patterns.push_back(groups[i]);
    patterns.push_back(groups[i] + "[0]");
    patterns.push_back("all:&" + groups[i]);
  }
  for (const std::string& pattern : patterns) {
    std::vector<std::string> unmatched;
    Result<std::vector<std::string>> matched = inventory->Match(pattern, &unmatched);
    if (!matched.ok()) RequireMessage(matched.message());
  }
  (void)inventory->GroupsValue().dump();
}

}  // namespace hostprep::fuzz

#endif  // HOSTPREP_TESTS_FUZZ_INVENTORY_CHECKS_H_
