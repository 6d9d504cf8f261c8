// Ansible's facts as the oracle (label `compat`) on the netns test host
// node1, under facts_compare.h's rule and allowances.
//
// node1 gets, for the test's length only, interfaces worth comparing: a
// veth pair v0/v1 inside its own network namespace with a secondary
// address, a labelled alias, IPv6 addresses and default routes to
// gateways that do not exist (no packet leaves the namespace), and a
// bridge; all removed again, also when a check fails.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"
#include "tests/integration/compat/facts_compare.h"

namespace {

using hostprep::testing::Output;
using hostprep::testing::RunCommand;
using hostprep::testing::SingleQuoted;
using hostprep::testing::compat::AnsiblePlaybook;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSameFacts;
using hostprep::testing::compat::CheckSameResults;
using hostprep::testing::compat::Gather;
using hostprep::testing::compat::Gathered;
using hostprep::testing::compat::HostprepRun;
using hostprep::testing::compat::json;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::NetnsNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::ReadOutputs;
using hostprep::testing::compat::TempDir;

// The facts that matter most to roles: a gathering of every subset, with
// node1's test network up, must have compared them.
const std::vector<std::string> kRoleFacts = {"os_family",    "distribution_version",
                                             "default_ipv4", "default_ipv6",
                                             "v0",           "hpbr0",
                                             "user_id",      "env",
                                             "mounts",       "lsb",
                                             "dns"};

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

TEST_CASE("compat: hostprep's facts are Ansible's setup facts, name for name, value for value") {
  NodeNetwork network;
  const Gathered root = Gather(NetnsNode(kAnsibleNode), "root");
  CheckSameFacts(root, kRoleFacts);
  CHECK(root.hostprep["default_ipv4"]["gateway"] == "172.31.250.1");
  CHECK(root.hostprep["v0"]["ipv4_secondaries"].size() == 1);
  CHECK(root.hostprep["v0_al"]["ipv4"]["address"] == "172.31.251.7");
  CHECK(root.hostprep["hpbr0"]["interfaces"] == json::array({"v1"}));
  const Gathered user = Gather(NetnsNode(kAnsibleNode), "hpuser");
  CheckSameFacts(user, kRoleFacts);
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
    const Gathered g = Gather(NetnsNode(kAnsibleNode), "root", subset);
    CheckSameFacts(g);
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
