#include "engine/facts/fact_subset.h"

#include <fnmatch.h>

#include <map>

#include "engine/base/text.h"

namespace hostprep {

namespace {

// Ansible 2.14's collectors on Linux: the name each answers to, the fact
// names that also select it, and the collectors it requires.
struct Collector {
  const char* name;
  std::vector<std::string> fact_ids;
  std::vector<std::string> requires_;
};

const std::vector<Collector>& Collectors() {
  static const std::vector<Collector> kCollectors = {
      {"apparmor", {}, {}},
      {"caps", {"system_capabilities", "system_capabilities_enforced"}, {}},
      {"chroot", {"is_chroot"}, {}},
      {"cmdline", {}, {}},
      {"date_time", {}, {}},
      {"distribution",
       {"distribution_major_version", "distribution_release", "distribution_version", "os_family"},
       {}},
      {"dns", {}, {}},
      {"env", {}, {}},
      {"facter", {"facter"}, {}},
      {"fibre_channel_wwn", {}, {}},
      {"fips", {}, {}},
      {"hardware",
       {"devices", "mounts", "processor", "processor_cores", "processor_count"},
       {"platform"}},
      {"iscsi", {}, {}},
      {"loadavg", {}, {}},
      {"local", {}, {}},
      {"lsb", {}, {}},
      {"network",
       {"all_ipv4_addresses", "all_ipv6_addresses", "default_ipv4", "default_ipv6", "interfaces"},
       {"distribution", "platform"}},
      {"nvme", {}, {}},
      {"ohai", {}, {}},
      {"pkg_mgr", {}, {"distribution"}},
      {"platform",
       {"architecture", "kernel", "kernel_version", "machine", "machine_id", "python_version",
        "system"},
       {}},
      {"python", {}, {}},
      {"selinux", {}, {}},
      {"service_mgr", {}, {"distribution", "platform"}},
      {"ssh_pub_keys",
       {"ssh_host_key_dsa_public", "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public",
        "ssh_host_key_rsa_public", "ssh_host_pub_keys"},
       {}},
      {"user",
       {"effective_group_ids", "effective_user_id", "real_user_id", "user_dir", "user_gecos",
        "user_gid", "user_id", "user_shell", "user_uid"},
       {}},
      {"virtual",
       {"virtualization_role", "virtualization_tech_guest", "virtualization_tech_host",
        "virtualization_type"},
       {}},
  };
  return kCollectors;
}

// The setup module's minimal_gather_subset.
const std::set<std::string>& Minimal() {
  static const std::set<std::string> kMinimal = {
      "apparmor", "caps",    "cmdline",     "date_time",    "distribution", "dns",
      "env",      "fips",    "local",       "lsb",          "pkg_mgr",      "platform",
      "python",   "selinux", "service_mgr", "ssh_pub_keys", "user"};
  return kMinimal;
}

// Every name gather_subset accepts (but 'all' and 'min'), and the
// collector each selects.
const std::map<std::string, std::string>& Names() {
  static const std::map<std::string, std::string> kNames = [] {
    std::map<std::string, std::string> names;
    for (const Collector& c : Collectors()) {
      names[c.name] = c.name;
      for (const std::string& id : c.fact_ids) names[id] = c.name;
    }
    return names;
  }();
  return kNames;
}

const Collector* Find(const std::string& name) {
  for (const Collector& c : Collectors()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::set<std::string> AllNames() {
  std::set<std::string> all;
  for (const auto& [name, collector] : Names()) all.insert(name);
  return all;
}

// The facts hostprep gathers that are not named by a collector's own
// fact ids, by collector.
std::string CollectorByName(const std::string& key) {
  static const std::map<std::string, std::string> kKeys = {
      {"arch", "platform"},
      {"fqdn", "platform"},
      {"hostname", "platform"},
      {"nodename", "platform"},
      {"domain", "platform"},
      {"userspace_bits", "platform"},
      {"userspace_architecture", "platform"},
      {"real_group_id", "user"},
      {"effective_group_id", "user"},
      {"lsb", "lsb"},
      {"pkg_mgr", "pkg_mgr"},
      {"service_mgr", "service_mgr"},
      {"env", "env"},
      {"date_time", "date_time"},
      {"dns", "dns"},
      {"apparmor", "apparmor"},
      {"fips", "fips"},
      {"cmdline", "cmdline"},
      {"proc_cmdline", "cmdline"},
      {"local", "local"},
      {"loadavg", "loadavg"},
      {"python", "python"},
      {"uptime_seconds", "hardware"},
      {"memory_mb", "hardware"},
      {"form_factor", "hardware"},
      {"system_vendor", "hardware"},
      {"device_links", "hardware"},
      {"lvm", "hardware"},
  };
  auto it = kKeys.find(key);
  if (it != kKeys.end()) return it->second;
  auto id = Names().find(key);
  if (id != Names().end()) return id->second;
  return "";
}

}  // namespace

FactSubset FactSubset::All() {
  FactSubset all;
  for (const Collector& c : Collectors()) all.collectors.insert(c.name);
  return all;
}

bool FactSubset::Covers(const FactSubset& other) const {
  for (const std::string& c : other.collectors) {
    if (!Has(c)) return false;
  }
  return true;
}

void FactSubset::Add(const FactSubset& other) {
  collectors.insert(other.collectors.begin(), other.collectors.end());
  spec = other.spec;
}

// collector.get_collector_names, then _solve_deps.
Result<FactSubset> ResolveFactSubset(const std::vector<std::string>& spec) {
  FactSubset out;
  out.spec.clear();
  for (const std::string& entry : spec) {
    for (const std::string& word : Split(entry, ',')) {
      const std::string w = Trim(word);
      if (!w.empty()) out.spec.push_back(w);
    }
  }
  if (out.spec.empty()) out.spec = {"all"};
  const std::set<std::string> valid = AllNames();
  std::set<std::string> added = Minimal(), excluded, explicit_;
  for (const std::string& word : out.spec) {
    if (word == "min") {
      added.insert(Minimal().begin(), Minimal().end());
    } else if (word == "all") {
      added.insert(valid.begin(), valid.end());
    } else if (word[0] == '!') {
      const std::string name = word.substr(1);
      if (name == "min") {
        excluded.insert(Minimal().begin(), Minimal().end());
      } else if (name == "all") {
        for (const std::string& v : valid) {
          if (!Minimal().count(v)) excluded.insert(v);
        }
      } else {
        excluded.insert(name);
        if (const Collector* c = Find(name))
          excluded.insert(c->fact_ids.begin(), c->fact_ids.end());
      }
    } else {
      if (!valid.count(word)) {
        std::vector<std::string> names = {"all", "min"};
        std::string allowed = "all";
        for (const std::string& v : valid) {
          names.push_back(v);
          allowed += ", " + v;
        }
        return Status::Error("Bad subset '" + word +
                             "' given to Ansible. gather_subset options allowed: " + allowed +
                             DidYouMeanSuffix(word, names));
      }
      explicit_.insert(word);
      added.insert(word);
    }
  }
  for (const std::string& e : excluded) {
    if (!explicit_.count(e)) added.erase(e);
  }
  std::vector<std::string> todo;
  for (const std::string& name : added) todo.push_back(Names().at(name));
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    if (!out.collectors.insert(name).second) continue;
    for (const std::string& r : Find(name)->requires_) todo.push_back(r);
  }
  return out;
}

std::string FactCollector(const std::string& key, const Value& facts) {
  std::string collector = CollectorByName(key);
  if (!collector.empty()) return collector;
  for (const char* prefix : {"distribution"}) {
    if (StartsWith(key, prefix)) return "distribution";
  }
  if (StartsWith(key, "ssh_host_key_")) return "ssh_pub_keys";
  if (StartsWith(key, "selinux")) return "selinux";
  if (StartsWith(key, "virtualization_")) return "virtual";
  for (const char* prefix : {"processor", "bios_", "board_", "chassis_", "product_"}) {
    if (StartsWith(key, prefix)) return "hardware";
  }
  if (EndsWith(key, "_mb")) return "hardware";  // memtotal_mb, swapfree_mb...
  // An interface's own fact: its name in `interfaces`, '-' as '_'.
  const Value* interfaces =
      facts.is_object() && facts.contains("interfaces") ? &facts["interfaces"] : nullptr;
  if (interfaces != nullptr && interfaces->is_array()) {
    for (const Value& name : *interfaces) {
      if (!name.is_string()) continue;
      std::string under = name.get<std::string>();
      for (char& c : under) {
        if (c == '-') c = '_';
      }
      if (under == key) return "network";
    }
  }
  return "";
}

Value SelectFacts(const Value& facts, const FactSubset& subset) {
  Value out = Value::object();
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    const std::string collector = FactCollector(it.key(), facts);
    // A fact no collector claims is kept: hostprep gives it whatever the
    // subset (none today; the tests hold every fact to a collector).
    if (collector.empty() || subset.Has(collector)) out[it.key()] = it.value();
  }
  Value spec = Value::array();
  for (const std::string& word : subset.spec) spec.push_back(word);
  out["gather_subset"] = spec;
  out["module_setup"] = true;
  return out;
}

bool FactFilterKeeps(const std::vector<std::string>& patterns, const std::string& prefixed) {
  if (patterns.empty()) return true;
  for (const std::string& p : patterns) {
    if (p == "*" || p.empty()) return true;
    // Python's fnmatch: no escapes, '/' and a leading '.' like any character.
    if (fnmatch(p.c_str(), prefixed.c_str(), FNM_NOESCAPE) == 0) return true;
    if (!StartsWith(p, "ansible_") && !StartsWith(p, "facter") && !StartsWith(p, "ohai") &&
        fnmatch(("ansible_" + p).c_str(), prefixed.c_str(), FNM_NOESCAPE) == 0)
      return true;
  }
  return false;
}

std::string FactVariableName(const std::string& key, const Value& facts) {
  if (key == "gather_subset" || key == "module_setup") return key;
  return FactCollector(key, facts).empty() ? key : "ansible_" + key;
}

}  // namespace hostprep
