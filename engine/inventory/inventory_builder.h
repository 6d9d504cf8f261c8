// InventoryBuilder: the one place that mutates an Inventory while sources are
// loaded. Every format parser (INI, YAML, dynamic JSON, host lists) and the
// group_vars/host_vars loader goes through it, so the rules that hold for all
// formats live here: groups `all` and `ungrouped` always exist, a child never
// becomes its own ancestor, and Finish() settles which hosts are ungrouped and
// which groups hang directly under `all`.
//
// Not thread-safe; one builder per Inventory::Load.
#ifndef HOSTPREP_ENGINE_INVENTORY_INVENTORY_BUILDER_H_
#define HOSTPREP_ENGINE_INVENTORY_INVENTORY_BUILDER_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/source.h"
#include "engine/base/value.h"
#include "engine/inventory/inventory.h"

namespace hostprep {

class InventoryBuilder {
 public:
  InventoryBuilder();

  bool HasGroup(const std::string& name) const;
  bool HasHost(const std::string& name) const;
  // Groups in the order first seen (starting with all, ungrouped).
  const std::vector<std::string>& group_order() const { return group_order_; }
  const std::vector<std::string>& host_order() const { return inv_->host_order_; }

  // Creates the group if it does not exist yet; `at` is kept only the first time.
  void AddGroup(const std::string& name, const SourceLocation& at);
  // Creates the host if needed and makes it a direct member of `group`
  // (created too). Adding the same pair twice is a no-op.
  void AddHost(const std::string& host, const std::string& group, const SourceLocation& at);
  // Makes `child` a direct child of `parent` (both created if needed). When the
  // edge would close a cycle (or names `all` as a child) adds a diagnostic at
  // `at` and returns false without adding it.
  bool AddChild(const std::string& parent, const std::string& child, const SourceLocation& at,
                Diagnostics* diags);

  // Sets a variable; a later Set of the same name replaces the earlier one.
  void SetGroupVar(const std::string& group, const std::string& name, Value value,
                   const std::string& origin);
  void SetHostVar(const std::string& host, const std::string& name, Value value,
                  const std::string& origin);

  // Settles the inventory (groups without parents become children of `all`;
  // hosts in no group but all/ungrouped go to `ungrouped`, others leave it)
  // and hands it over. The builder must not be used afterwards.
  std::unique_ptr<Inventory> Finish();

 private:
  InventoryGroup& Group(const std::string& name, const SourceLocation& at);
  // Path child -> ... -> target through children links, or empty if none.
  std::vector<std::string> PathDown(const std::string& from, const std::string& to) const;

  std::unique_ptr<Inventory> inv_;
  std::vector<std::string> group_order_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_INVENTORY_BUILDER_H_
