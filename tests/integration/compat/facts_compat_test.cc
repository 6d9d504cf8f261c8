// Ansible's facts as the oracle (label `compat`): Debian's ansible runs its
// setup module on node1 and `hostprep facts` reads the same host at the
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
//                  SSH_CLIENT and SSH_CONNECTION ports are each login's own
//   interfaces, all_ipv4_addresses, all_ipv6_addresses
//                  as sets: Ansible lists them in the kernel's directory
//                  order for /sys/class/net, a hash of the name salted
//                  with a kernel address
//   virtualization_tech_guest, virtualization_tech_host
//                  as sets: they are Python sets in Ansible
//   arch           hostprep's own name (Ansible has no such fact)
// And the facts Ansible gives that hostprep does not are exactly the ones
// README.md names as not gathered.
//
// node1 gets, for the test's length only, interfaces worth comparing: a
// veth pair v0/v1 inside its own network namespace with a secondary
// address, a labelled alias, IPv6 addresses and default routes to
// gateways that do not exist (no packet leaves the namespace), and a
// bridge; all removed again, also when a check fails.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::Output;
using hostprep::testing::RunCommand;
using hostprep::testing::SingleQuoted;
using hostprep::testing::compat::AnsiblePlaybook;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSameResults;
using hostprep::testing::compat::HostprepRun;
using hostprep::testing::compat::HostsDir;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::ReadFile;
using hostprep::testing::compat::ReadOutputs;
using hostprep::testing::compat::TempDir;
using json = nlohmann::json;

// What Ansible gives and hostprep does not, as README.md lists them; and
// is_chroot where PID 1's root cannot be seen (on these hosts, even as root).
const std::set<std::string> kNotGathered = {"devices",
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

class NodeNetwork {
 public:
  NodeNetwork() {
    Teardown();
    Output out = OnNode(kAnsibleNode, R"SH(
      ip link add v0 type veth peer name v1 &&
      ip link set v0 up && ip link set v1 up &&
      ip addr add 172.31.250.5/24 brd + dev v0 &&
      ip addr add 172.31.250.6/24 dev v0 &&
      ip addr add 172.31.251.7/24 brd + dev v0 label v0:al &&
      ip -6 addr add fd00:250::5/64 dev v0 nodad &&
      ip -6 addr add fd00:251::5 peer fd00:251::1/128 dev v0 nodad &&
      ip route add default via 172.31.250.1 dev v0 &&
      ip -6 route add default via fd00:250::1 dev v0 &&
      ip link add hpbr0 type bridge && ip link set v1 master hpbr0 && ip link set hpbr0 up &&
      for i in $(seq 50); do
        [ "$(cat /sys/class/net/hpbr0/operstate)" = up ] &&
          ip -6 addr show dev hpbr0 | grep -q fe80 && ip -6 addr show dev v0 | grep -q fe80 &&
          break
        sleep 0.1
      done
    )SH");
    REQUIRE_MESSAGE(out.exit_code == 0, out.text);
  }
  ~NodeNetwork() { Teardown(); }
  NodeNetwork(const NodeNetwork&) = delete;
  NodeNetwork& operator=(const NodeNetwork&) = delete;

 private:
  static void Teardown() {
    OnNode(kAnsibleNode, "ip link del v0 2>/dev/null; ip link del hpbr0 2>/dev/null; true");
  }
};

struct Gathered {
  json ansible;   // ansible_facts, the ansible_ prefix taken off
  json hostprep;  // the host's facts
  std::string raw;
};

// Both tools' facts for node1, at once, as `user`, of `subset` (a
// gather_subset as comma-separated words; "" for all).
Gathered Gather(const std::string& user, const std::string& subset = "") {
  TempDir tmp;
  const std::string t = tmp.path().string();
  {
    std::ofstream(tmp.path() / "setup.yml")
        << "- hosts: " << kAnsibleNode << "\n  gather_facts: false\n  tasks:\n    - setup:\n"
        << (subset.empty() ? "" : "        gather_subset: '" + subset + "'\n");
  }
  const std::string dir = HostsDir();
  const std::string ansible = AnsiblePlaybook(tmp.path()) + " -e ansible_user=" + user + " " +
                              SingleQuoted(t + "/setup.yml");
  const std::string hostprep = std::string("timeout -k 5 150 ") + HOSTPREP_BINARY + " facts -i " +
                               dir + "/inventory.ini -c ssh --known-hosts " + dir +
                               "/known_hosts --ssh-config none --limit " + kAnsibleNode +
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
  const json::json_pointer at("/plays/0/tasks/0/hosts/" + std::string(kAnsibleNode) +
                              "/ansible_facts");
  REQUIRE_MESSAGE(doc.contains(at), g.raw);
  const bool answered = h.is_object() && h.contains(kAnsibleNode);
  REQUIRE_MESSAGE(answered, g.raw);
  const json& facts = doc[at];
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    const std::string key = it.key().rfind("ansible_", 0) == 0 ? it.key().substr(8) : it.key();
    g.ansible[key] = it.value();
  }
  g.hostprep = h[kAnsibleNode];
  if (subset.empty()) {
    REQUIRE_MESSAGE(g.ansible.size() > 50, g.raw);
    REQUIRE_MESSAGE(g.hostprep.size() > 50, g.raw);
  }
  return g;
}

bool Near(const json& a, const json& b, double tolerance) {
  if (!a.is_number() || !b.is_number()) return a == b;
  return std::fabs(a.get<double>() - b.get<double>()) <= tolerance;
}

json Sorted(json list) {
  if (list.is_array()) std::sort(list.begin(), list.end());
  return list;
}

// Whether hostprep's value of `key` is Ansible's, with the allowances above.
bool Same(const std::string& key, const json& a, const json& h, const json& facts) {
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
      if (it.key() != "SSH_CLIENT" && it.key() != "SSH_CONNECTION" && h[it.key()] != it.value())
        return false;
    }
    return true;
  }
  if (key == "interfaces" || key == "all_ipv4_addresses" || key == "all_ipv6_addresses" ||
      key == "virtualization_tech_guest" || key == "virtualization_tech_host")
    return Sorted(a) == Sorted(h);
  return a == h;
}

// `all`: the gathering was of every subset, so the facts roles use most
// must be among them.
void CheckSameFacts(const Gathered& g, bool all = true) {
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
  if (!all) return;
  // The comparison covered the facts that matter most to roles.
  for (const char* key : {"os_family", "distribution_version", "default_ipv4", "default_ipv6", "v0",
                          "hpbr0", "user_id", "env", "mounts", "lsb", "dns"}) {
    CHECK_MESSAGE(g.hostprep.contains(key), key);
  }
}

TEST_CASE("compat: hostprep's facts are Ansible's setup facts, name for name, value for value") {
  NodeNetwork network;
  const Gathered root = Gather("root");
  CheckSameFacts(root);
  CHECK(root.hostprep["default_ipv4"]["gateway"] == "172.31.250.1");
  CHECK(root.hostprep["v0"]["ipv4_secondaries"].size() == 1);
  CHECK(root.hostprep["v0_al"]["ipv4"]["address"] == "172.31.251.7");
  CHECK(root.hostprep["hpbr0"]["interfaces"] == json::array({"v1"}));
  const Gathered user = Gather("hpuser");
  CheckSameFacts(user);
  CHECK(user.hostprep["user_id"] == "hpuser");
  CHECK(user.hostprep["user_dir"] == "/home/hpuser");
}

// Ansible gathers in each play, with the play's become and not a task's:
// a login user's facts are the user's own even where every task becomes
// root, and root's in a play that becomes root.
constexpr char kBecomePlaybook[] = R"YML(
- name: tasks become root, the play does not
  hosts: node1
  tasks:
    - name: the login user's facts
      become: true
      debug:
        msg: "{{ ansible_user_id }} {{ ansible_user_uid }} {{ ansible_user_dir }} {{ ansible_env.HOME }} {{ ansible_env.USER }} {{ ansible_env.SUDO_USER | default('-') }} {{ ansible_real_user_id }}"
- name: the play becomes root
  hosts: node1
  become: true
  tasks:
    - name: root's facts
      debug:
        msg: "{{ ansible_user_id }} {{ ansible_user_uid }} {{ ansible_user_dir }} {{ ansible_env.HOME }} {{ ansible_env.USER }} {{ ansible_env.SUDO_USER | default('-') }} {{ ansible_real_user_id }}"
)YML";

TEST_CASE("compat: a gather_subset gives exactly the facts Ansible's setup gives with it") {
  NodeNetwork network;
  for (const char* subset :
       {"min", "!all,!min,network", "!all,hardware", "!all,!min,virtual,pkg_mgr", "!all,!min"}) {
    CAPTURE(subset);
    const Gathered g = Gather("root", subset);
    CheckSameFacts(g, false);
    CHECK(g.hostprep.value("gather_subset", json()) == g.ansible.value("gather_subset", json()));
  }
}

TEST_CASE("compat: facts are gathered with the play's become, in each play, as Ansible's") {
  TempDir tmp;
  const std::string t = tmp.path().string();
  { std::ofstream(tmp.path() / "become.yml") << kBecomePlaybook; }
  const std::string args = " -e ansible_user=hpuser " + SingleQuoted(t + "/become.yml");
  RunCommand("cd " + t + " && { " + AnsiblePlaybook(tmp.path()) + args +
             " >a.out 2>a.err; echo $? >a.rc; }; " + HostprepRun() + " -o json" + args +
             " >h.out 2>h.err; echo $? >h.rc");
  const Both both = ReadOutputs(tmp.path(), kAnsibleNode, kAnsibleNode);
  CheckSameResults(both);
  CHECK_MESSAGE(both.ansible.exit_code == 0, both.ansible.raw);
  CHECK_MESSAGE(both.ansible.raw.find("hpuser 4321 /home/hpuser /home/hpuser hpuser - 4321") !=
                    std::string::npos,
                both.ansible.raw);
}

}  // namespace
