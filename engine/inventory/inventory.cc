// Inventory queries: membership, merged variables, and the ansible-inventory
// style outputs. Loading is in inventory_loader.cc, patterns in
// host_pattern.cc.
#include "engine/inventory/inventory.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <functional>
#include <set>
#include <tuple>

#include "engine/inventory/inventory_walk.h"

namespace hostprep {

std::vector<std::string> GroupHostList(const Inventory& inv, const std::string& group) {
  if (group == "all") return inv.host_names();
  std::vector<std::string> out;
  std::set<std::string> seen_hosts, seen_groups{group};
  std::deque<std::string> queue{group};
  while (!queue.empty()) {
    const InventoryGroup* g = inv.FindGroup(queue.front());
    queue.pop_front();
    if (g == nullptr) continue;
    for (const std::string& h : g->hosts) {
      if (seen_hosts.insert(h).second) out.push_back(h);
    }
    for (const std::string& c : g->children) {
      if (seen_groups.insert(c).second) queue.push_back(c);
    }
  }
  return out;
}

std::map<std::string, int> GroupDepths(const Inventory& inv) {
  std::map<std::string, int> depth;
  // Loaded inventories have no cycles (the builder refuses them), so the
  // recursion ends.
  std::function<int(const std::string&)> of = [&](const std::string& name) {
    auto it = depth.find(name);
    if (it != depth.end()) return it->second;
    int d = 0;
    if (const InventoryGroup* g = inv.FindGroup(name); g != nullptr && name != "all") {
      for (const std::string& p : g->parents) d = std::max(d, of(p) + 1);
      d = std::max(d, 1);
    }
    depth[name] = d;
    return d;
  };
  for (const std::string& name : inv.group_names()) of(name);
  return depth;
}

const InventoryHost* Inventory::FindHost(const std::string& name) const {
  auto it = hosts_.find(name);
  return it == hosts_.end() ? nullptr : &it->second;
}

const InventoryGroup* Inventory::FindGroup(const std::string& name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

std::vector<std::string> Inventory::group_names() const {
  std::vector<std::string> out;
  for (const auto& [name, group] : groups_) out.push_back(name);
  return out;
}

std::vector<std::string> Inventory::GroupsOf(const std::string& host) const {
  const InventoryHost* h = FindHost(host);
  if (h == nullptr) return {};
  std::set<std::string> found;
  std::function<void(const std::string&)> climb = [&](const std::string& g) {
    if (!found.insert(g).second) return;
    if (const InventoryGroup* group = FindGroup(g)) {
      for (const std::string& p : group->parents) climb(p);
    }
  };
  for (const std::string& g : h->groups) climb(g);
  found.erase("all");
  return {found.begin(), found.end()};
}

namespace {

// ansible_group_priority as Ansible reads it (an integer, default 1).
int GroupPriority(const InventoryGroup& g) {
  auto it = g.vars.find("ansible_group_priority");
  if (it == g.vars.end()) return 1;
  const Value& v = it->second.value;
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_string()) {
    try {
      return std::stoi(v.get<std::string>());
    } catch (const std::exception&) {
      return 1;
    }
  }
  return 1;
}

}  // namespace

void Inventory::HostVariables(const std::string& host, Variables* into) const {
  const InventoryHost* h = FindHost(host);
  if (h == nullptr) return;
  std::vector<std::string> groups = GroupsOf(host);
  groups.push_back("all");
  std::map<std::string, int> depth = GroupDepths(*this);
  // Ansible's sort_groups: (depth, priority, name); later layers win.
  std::vector<std::tuple<int, int, std::string>> order;
  for (const std::string& g : groups) order.emplace_back(depth[g], GroupPriority(groups_.at(g)), g);
  std::sort(order.begin(), order.end());
  for (const auto& [d, priority, g] : order) {
    for (const auto& [name, entry] : groups_.at(g).vars) into->Set(name, entry.value, entry.origin);
  }
  for (const auto& [name, entry] : h->vars) into->Set(name, entry.value, entry.origin);
  // Ansible sets these from the source that first defined the host, as
  // absolute paths (Kubespray's group_vars use "{{ inventory_dir }}").
  if (h->defined_at.known()) {
    std::error_code ec;
    std::filesystem::path file = std::filesystem::absolute(h->defined_at.file, ec);
    if (!ec) {
      file = file.lexically_normal();
      into->Set("inventory_file", file.string(), "inventory");
      into->Set("inventory_dir", file.parent_path().string(), "inventory");
    }
  }
  into->Set("inventory_hostname", host, "inventory");
  into->Set("inventory_hostname_short", host.substr(0, host.find('.')), "inventory");
  Value names = Value::array();
  for (const std::string& g : GroupsOf(host)) names.push_back(g);
  into->Set("group_names", std::move(names), "inventory");
}

Value Inventory::GroupsValue() const {
  Value out = Value::object();
  for (const auto& [name, group] : groups_) {
    Value hosts = Value::array();
    for (const std::string& h : GroupHostList(*this, name)) hosts.push_back(h);
    out[name] = std::move(hosts);
  }
  return out;
}

namespace {

// Sorts mapping keys at every level, as ansible-inventory's
// json.dumps(sort_keys=True) prints them.
Value SortKeys(const Value& v) {
  if (v.is_array()) {
    Value out = Value::array();
    for (const Value& item : v) out.push_back(SortKeys(item));
    return out;
  }
  if (!v.is_object()) return v;
  std::vector<std::string> keys;
  for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  Value out = Value::object();
  for (const std::string& k : keys) out[k] = SortKeys(v.at(k));
  return out;
}

}  // namespace

Value Inventory::ToListJson() const {
  Value out = Value::object();
  Value hostvars = Value::object();
  for (const std::string& host : host_order_) {
    Variables vars;
    HostVariables(host, &vars);
    Value flat = vars.Flatten();
    // ansible-inventory leaves out its internal magic variables.
    for (const char* magic : {"inventory_hostname", "inventory_hostname_short", "group_names",
                              "inventory_file", "inventory_dir"}) {
      flat.erase(magic);
    }
    if (!flat.empty()) hostvars[host] = std::move(flat);
  }
  out["_meta"] = {{"hostvars", std::move(hostvars)}};
  std::set<std::string> seen;
  std::function<void(const InventoryGroup&)> add = [&](const InventoryGroup& g) {
    Value entry = Value::object();
    if (!g.children.empty()) entry["children"] = g.children;
    if (g.name != "all" && !g.hosts.empty()) entry["hosts"] = g.hosts;
    if (!entry.empty()) out[g.name] = std::move(entry);
    for (const std::string& c : g.children) {
      if (seen.insert(c).second) add(groups_.at(c));
    }
  };
  add(groups_.at("all"));
  return SortKeys(out);
}

std::string Inventory::ToGraph(const std::string& root) const {
  std::string out;
  std::function<void(const std::string&, int)> draw = [&](const std::string& name, int depth) {
    auto line = [&](const std::string& text, int d) {
      for (int i = 0; i < d; ++i) out += "  |";
      out += d > 0 ? "--" + text + "\n" : text + "\n";
    };
    const InventoryGroup& g = groups_.at(name);
    line("@" + name + ":", depth);
    std::vector<std::string> children = g.children;
    std::sort(children.begin(), children.end());
    for (const std::string& c : children) draw(c, depth + 1);
    if (name == "all") return;
    std::vector<std::string> hosts = g.hosts;
    std::sort(hosts.begin(), hosts.end());
    for (const std::string& h : hosts) line(h, depth + 1);
  };
  if (groups_.count(root) == 0) return "";
  draw(root, 0);
  return out;
}

}  // namespace hostprep
