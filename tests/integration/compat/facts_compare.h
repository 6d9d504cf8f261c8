// How the compat tests hold facts to Ansible's: Debian's ansible runs its
// setup module on a host and `hostprep facts` reads the same host at the
// same moment (both only read it), and every fact hostprep gives must be
// Ansible's, key for key and value for value. Allowed to differ, each
// for its reason:
//   date_time      the clock moved between the two: the epochs within 10 s,
//                  the zone the same
//   uptime_seconds the same, within 10 s
//   loadavg        the load moves, and /proc/loadavg has two decimals where
//                  Ansible's getloadavg has the kernel's 1/2048ths: within 1
//   memfree_mb, memory_mb  free memory moves: within 10 % of the total
//   mounts         the free blocks and inodes move: within 1 %; as a set
//                  (Ansible lists them as its threads finish)
//   env            LC_CTYPE is Python's own (PEP 538 locale coercion), the
//                  SSH_CLIENT and SSH_CONNECTION ports and logind's
//                  XDG_SESSION_ID are each login's own
//   interfaces, all_ipv4_addresses, all_ipv6_addresses
//                  as sets: Ansible lists them in the kernel's directory
//                  order for /sys/class/net, a hash of the name salted
//                  with a kernel address
//   virtualization_tech_guest, virtualization_tech_host
//                  as sets: they are Python sets in Ansible
//   arch           hostprep's own name (Ansible has no such fact)
// And the facts Ansible gives that hostprep does not are exactly the ones
// README.md names as not gathered.
#ifndef HOSTPREP_TESTS_INTEGRATION_COMPAT_FACTS_COMPARE_H_
#define HOSTPREP_TESTS_INTEGRATION_COMPAT_FACTS_COMPARE_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace hostprep::testing::compat {

using json = nlohmann::json;

// What Ansible gives and hostprep does not, as README.md lists them; and
// is_chroot where PID 1's root cannot be seen (on these hosts, even as root).
inline const std::set<std::string> kNotGathered = {"devices",
                                                   "device_links",
                                                   "lvm",
                                                   "python",
                                                   "python_version",
                                                   "selinux_python_present",
                                                   "system_capabilities",
                                                   "system_capabilities_enforced",
                                                   "fibre_channel_wwn",
                                                   "hostnqn",
                                                   "iscsi_iqn"};

struct Gathered {
  json ansible;   // ansible_facts, the ansible_ prefix taken off
  json hostprep;  // the host's facts
  std::string raw;
};

// Both tools' facts for `node`, at once, as `user`, of `subset` (a
// gather_subset as comma-separated words; "" for all).
inline Gathered Gather(const Node& node, const std::string& user, const std::string& subset = "") {
  TempDir tmp;
  const std::string t = tmp.path().string();
  {
    std::ofstream(tmp.path() / "setup.yml")
        << "- hosts: " << node.name << "\n  gather_facts: false\n  tasks:\n    - setup:\n"
        << (subset.empty() ? "" : "        gather_subset: '" + subset + "'\n");
  }
  const std::string ansible = AnsiblePlaybook(node, tmp.path()) + " -e ansible_user=" + user + " " +
                              SingleQuoted(t + "/setup.yml");
  const std::string hostprep = std::string("timeout -k 5 150 ") + HOSTPREP_BINARY + " facts -i " +
                               node.inventory + " -c ssh --known-hosts " + node.known_hosts +
                               " --ssh-config none --limit " + node.name +
                               " -e ansible_user=" + user +
                               (subset.empty() ? "" : " --gather-subset " + SingleQuoted(subset));
  RunCommand("cd " + t + " && { " + ansible + " >a.out 2>a.err & " + hostprep +
             " >h.out 2>h.err; wait; }");
  Gathered g;
  g.raw = "--- ansible:\n" + ReadFile(tmp.path() / "a.out") + ReadFile(tmp.path() / "a.err") +
          "\n--- hostprep:\n" + ReadFile(tmp.path() / "h.out") + ReadFile(tmp.path() / "h.err");
  const std::string a = ReadFile(tmp.path() / "a.out");
  const size_t start = a.find('{');
  const json doc = json::parse(start == std::string::npos ? "" : a.substr(start), nullptr, false);
  const json h = json::parse(ReadFile(tmp.path() / "h.out"), nullptr, false);
  REQUIRE_MESSAGE(!doc.is_discarded(), g.raw);
  REQUIRE_MESSAGE(!h.is_discarded(), g.raw);
  const json::json_pointer at("/plays/0/tasks/0/hosts/" + node.name + "/ansible_facts");
  REQUIRE_MESSAGE(doc.contains(at), g.raw);
  const bool answered = h.is_object() && h.contains(node.name);
  REQUIRE_MESSAGE(answered, g.raw);
  const json& facts = doc[at];
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    const std::string key = it.key().rfind("ansible_", 0) == 0 ? it.key().substr(8) : it.key();
    g.ansible[key] = it.value();
  }
  g.hostprep = h[node.name];
  if (subset.empty()) {
    REQUIRE_MESSAGE(g.ansible.size() > 50, g.raw);
    REQUIRE_MESSAGE(g.hostprep.size() > 50, g.raw);
  }
  return g;
}

inline bool Near(const json& a, const json& b, double tolerance) {
  if (!a.is_number() || !b.is_number()) return a == b;
  return std::fabs(a.get<double>() - b.get<double>()) <= tolerance;
}

inline json Sorted(json list) {
  if (list.is_array()) std::sort(list.begin(), list.end());
  return list;
}

// Whether hostprep's value of `key` is Ansible's, with the allowances above.
inline bool Same(const std::string& key, const json& a, const json& h, const json& facts) {
  if (key == "date_time") {
    if (!a.is_object() || !h.is_object() || a.size() != h.size()) return false;
    for (const char* k : {"tz", "tz_dst", "tz_offset"})
      if (a.value(k, "") != h.value(k, "")) return false;
    return std::fabs(std::stod(a.value("epoch", "0")) - std::stod(h.value("epoch", "0"))) <= 10;
  }
  if (key == "uptime_seconds") return Near(a, h, 10);
  if (key == "loadavg") {
    if (!a.is_object() || !h.is_object() || a.size() != h.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!Near(it.value(), h.value(it.key(), json()), 1.0)) return false;
    return true;
  }
  const double total = facts.value("memtotal_mb", 0.0);
  if (key == "memfree_mb") return Near(a, h, total / 10);
  if (key == "memory_mb") {
    for (const char* part : {"real", "nocache", "swap"}) {
      if (!a.contains(part) || !h.contains(part) || a[part].size() != h[part].size()) return false;
      for (auto it = a[part].begin(); it != a[part].end(); ++it)
        if (!Near(it.value(), h[part].value(it.key(), json()), total / 10)) return false;
    }
    return true;
  }
  if (key == "mounts") {
    if (!a.is_array() || !h.is_array() || a.size() != h.size()) return false;
    for (const json& hm : h) {
      bool found = false;
      for (const json& am : a) {
        if (am.value("mount", "") != hm.value("mount", "")) continue;
        json am_less = am;
        am_less.erase("uuid");  // not gathered
        if (am_less.size() != hm.size()) return false;
        for (auto it = hm.begin(); it != hm.end(); ++it) {
          const json& v = am_less.value(it.key(), json());
          if (!Near(v, it.value(), v.is_number() ? std::fabs(v.get<double>()) / 100 : 0))
            return false;
        }
        found = true;
      }
      if (!found) return false;
    }
    return true;
  }
  if (key == "env") {
    json a_env = a;
    a_env.erase("LC_CTYPE");
    if (a_env.size() != h.size()) return false;
    for (auto it = a_env.begin(); it != a_env.end(); ++it) {
      if (!h.contains(it.key())) return false;
      const bool per_login =
          it.key() == "SSH_CLIENT" || it.key() == "SSH_CONNECTION" || it.key() == "XDG_SESSION_ID";
      if (!per_login && h[it.key()] != it.value()) return false;
    }
    return true;
  }
  if (key == "interfaces" || key == "all_ipv4_addresses" || key == "all_ipv6_addresses" ||
      key == "virtualization_tech_guest" || key == "virtualization_tech_host")
    return Sorted(a) == Sorted(h);
  return a == h;
}

// Every fact hostprep gave is Ansible's, and every fact Ansible gave is
// hostprep's but those kNotGathered names; `required` must be among them
// (the facts that matter most to roles, when every subset was gathered).
inline void CheckSameFacts(const Gathered& g, const std::vector<std::string>& required = {}) {
  std::vector<std::string> differ, missing;
  for (auto it = g.hostprep.begin(); it != g.hostprep.end(); ++it) {
    if (it.key() == "arch") continue;  // hostprep's own
    if (!g.ansible.contains(it.key())) {
      differ.push_back(it.key() + ": not Ansible's (" + it.value().dump() + ")");
    } else if (!Same(it.key(), g.ansible[it.key()], it.value(), g.hostprep)) {
      differ.push_back(it.key() + ":\n    ansible  " + g.ansible[it.key()].dump() +
                       "\n    hostprep " + it.value().dump());
    }
  }
  for (auto it = g.ansible.begin(); it != g.ansible.end(); ++it) {
    if (!g.hostprep.contains(it.key()) && !kNotGathered.count(it.key()) && it.key() != "is_chroot")
      missing.push_back(it.key());
  }
  std::string report;
  for (const std::string& d : differ) report += "differs " + d + "\n";
  for (const std::string& m : missing) report += "missing " + m + "\n";
  CHECK_MESSAGE(report.empty(), report);
  for (const std::string& key : required) CHECK_MESSAGE(g.hostprep.contains(key), key);
}

}  // namespace hostprep::testing::compat

#endif  // HOSTPREP_TESTS_INTEGRATION_COMPAT_FACTS_COMPARE_H_
