#include "engine/inventory/inventory_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

namespace hostprep {

namespace {

// Appends `item` unless `list` holds it; true when appended.
bool AppendUnique(std::vector<std::string>* list, const std::string& item) {
  if (std::find(list->begin(), list->end(), item) != list->end()) return false;
  list->push_back(item);
  return true;
}

void Erase(std::vector<std::string>* list, const std::string& item) {
  list->erase(std::remove(list->begin(), list->end(), item), list->end());
}

}  // namespace

InventoryBuilder::InventoryBuilder() : inv_(new Inventory()) {
  Group("all", {});
  Group("ungrouped", {});
  Diagnostics unused;
  (void)AddChild("all", "ungrouped", {}, &unused);
}

bool InventoryBuilder::HasGroup(const std::string& name) const {
  return inv_->groups_.count(name) > 0;
}

bool InventoryBuilder::HasHost(const std::string& name) const {
  return inv_->hosts_.count(name) > 0;
}

InventoryGroup& InventoryBuilder::Group(const std::string& name, const SourceLocation& at) {
  auto [it, inserted] = inv_->groups_.try_emplace(name);
  if (inserted) {
    it->second.name = name;
    it->second.defined_at = at;
    group_order_.push_back(name);
  } else if (!it->second.defined_at.known()) {
    it->second.defined_at = at;
  }
  return it->second;
}

void InventoryBuilder::AddGroup(const std::string& name, const SourceLocation& at) {
  Group(name, at);
}

void InventoryBuilder::AddHost(const std::string& host, const std::string& group,
                               const SourceLocation& at) {
  auto [it, inserted] = inv_->hosts_.try_emplace(host);
  if (inserted) {
    it->second.name = host;
    it->second.defined_at = at;
    inv_->host_order_.push_back(host);
  }
  // A host's groups and a group's hosts are kept in step: the host's own
  // (short) list says whether the group has it, so a range of 100,000 hosts
  // is not a quadratic search of the group's list.
  if (AppendUnique(&it->second.groups, group)) {
    Group(group, at).hosts.push_back(host);
  } else {
    Group(group, at);
  }
}

std::vector<std::string> InventoryBuilder::PathDown(const std::string& from,
                                                    const std::string& to) const {
  std::vector<std::string> path;
  std::set<std::string> seen;
  std::function<bool(const std::string&)> walk = [&](const std::string& g) {
    if (!seen.insert(g).second) return false;
    path.push_back(g);
    if (g == to) return true;
    auto it = inv_->groups_.find(g);
    if (it != inv_->groups_.end()) {
      for (const std::string& c : it->second.children) {
        if (walk(c)) return true;
      }
    }
    path.pop_back();
    return false;
  };
  walk(from);
  return path;
}

bool InventoryBuilder::AddChild(const std::string& parent, const std::string& child,
                                const SourceLocation& at, Diagnostics* diags) {
  if (child == "all") {
    diags->Add(at, fmt::format("group 'all' cannot be a child of '{}': every group is already "
                               "under 'all'",
                               parent));
    return false;
  }
  Group(parent, at);
  Group(child, at);
  // The edge parent -> child closes a cycle exactly when parent is already
  // reachable from child (or is child itself).
  std::vector<std::string> back = PathDown(child, parent);
  if (!back.empty()) {
    std::string cycle = parent;
    for (const std::string& g : back) cycle += " -> " + g;
    diags->Add(at, fmt::format("group '{}' cannot be a child of '{}': that makes a cycle {}", child,
                               parent, cycle));
    return false;
  }
  AppendUnique(&inv_->groups_[parent].children, child);
  AppendUnique(&inv_->groups_[child].parents, parent);
  return true;
}

void InventoryBuilder::SetGroupVar(const std::string& group, const std::string& name, Value value,
                                   const std::string& origin) {
  Group(group, {}).vars[name] = VarEntry{std::move(value), origin};
}

void InventoryBuilder::SetHostVar(const std::string& host, const std::string& name, Value value,
                                  const std::string& origin) {
  auto it = inv_->hosts_.find(host);
  if (it == inv_->hosts_.end()) return;  // callers add the host first
  it->second.vars[name] = VarEntry{std::move(value), origin};
}

std::unique_ptr<Inventory> InventoryBuilder::Finish() {
  auto& groups = inv_->groups_;
  // Ansible's reconcile_inventory: groups with no parent hang under all, in
  // the order they were first seen so that `all.children` follows the files.
  for (const std::string& name : group_order_) {
    InventoryGroup& g = groups[name];
    if (name == "all" || !g.parents.empty()) continue;
    g.parents.push_back("all");
    AppendUnique(&groups["all"].children, name);
  }
  // A host is in ungrouped's list exactly when ungrouped is in its own
  // short list of groups: that answers membership without searching the
  // (possibly very long) host list for every host.
  InventoryGroup& ungrouped = groups["ungrouped"];
  std::set<std::string> leaving;
  for (const std::string& name : inv_->host_order_) {
    InventoryHost& h = inv_->hosts_[name];
    bool grouped = std::any_of(h.groups.begin(), h.groups.end(),
                               [](const std::string& g) { return g != "all" && g != "ungrouped"; });
    const bool listed = std::find(h.groups.begin(), h.groups.end(), "ungrouped") != h.groups.end();
    if (grouped && listed) {
      Erase(&h.groups, "ungrouped");
      leaving.insert(name);
    } else if (!grouped && !listed) {
      h.groups.push_back("ungrouped");
      ungrouped.hosts.push_back(name);
    }
  }
  if (!leaving.empty()) {
    std::vector<std::string>& hosts = ungrouped.hosts;
    hosts.erase(std::remove_if(hosts.begin(), hosts.end(),
                               [&](const std::string& n) { return leaving.count(n) > 0; }),
                hosts.end());
  }
  return std::move(inv_);
}

}  // namespace hostprep
