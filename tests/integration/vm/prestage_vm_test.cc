// The Kubespray pre-stage (playbooks/kubespray-prestage.yml) on a real kernel:
// a Debian 12 VM of tests/vm/vmhost (booted once per ctest run by the fixture
// `vm_host`, its run dir in $HOSTPREP_VM), driven over SSH by the hostprep
// binary through a Kubespray-shaped inventory, with prestage_runtime true:
// swap off, modules loaded, live sysctls, containerd from the offline
// repository restarted by its handler. Then a cold reboot shows what persists.
// The steps depend on each other (the VM's state carries over), so they are one
// test case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/vm/vm_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::TempTree;
using hostprep::testing::vm::OneRoundTrip;
using hostprep::testing::vm::VmShell;

// VmShell with RUN [ARGS...], which runs the pre-stage against the VM over
// SSH and then prints "exit N".
Output Vm(const std::string& temp, const std::string& script) {
  return VmShell(temp,
                 "RUN() { $HP run playbooks/kubespray-prestage.yml -i $T/inventory.ini -c ssh "
                 "--known-hosts $D/known_hosts --ssh-config none \"$@\"; echo \"exit $?\"; }\n" +
                     script);
}

// Kubespray's inventory shape (the VM is the control plane and etcd) with the
// VM's forwarded port, and a swap file active and in fstab on the guest.
constexpr const char* kSetup = R"SH(
. $D/run.env
cat >$T/inventory.ini <<EOF
[kube_control_plane]
box ansible_host=127.0.0.1 ansible_port=$PORT ip=10.0.2.15 access_ip=10.0.2.15 etcd_member_name=etcd1

[etcd:children]
kube_control_plane

[kube_node]

[calico_rr]

[k8s_cluster:children]
kube_control_plane
kube_node
calico_rr
EOF
mkdir -p $T/group_vars/all
printf 'ansible_user: root\nansible_ssh_private_key_file: %s/id_ed25519\n' $D \
  >$T/group_vars/all/connection.yml
X 'set -e
  if ! grep -q "^/swapfile " /etc/fstab; then
    dd if=/dev/zero of=/swapfile bs=1M count=64 status=none
    chmod 600 /swapfile
    mkswap -q /swapfile
    echo "/swapfile none swap sw 0 0" >>/etc/fstab
  fi
  swapon /swapfile
  echo "swap: $(swapon --show=NAME --noheadings)"'
)SH";

// What the pre-stage may change on the guest, in one text: compared before
// and after the check run.
constexpr const char* kSnapshot = R"SH(
X 'cat /proc/swaps; lsmod | sort; sysctl net.ipv4.ip_forward kernel.panic vm.overcommit_memory \
     fs.inotify.max_user_instances; ls /proc/sys/net/bridge 2>&1
   find /etc -xdev -type f -exec md5sum {} + | sort; find /etc -xdev -type l -printf "%p %l\n" | sort
   dpkg-query -W | md5sum; systemctl is-active containerd' >$T/snapshot.$1 2>&1
)SH";

// The keys the pre-stage sets and their values (playbooks/README.md).
const std::vector<std::pair<std::string, std::string>> kSysctls = {
    {"net.ipv4.ip_forward", "1"},
    {"kernel.keys.root_maxbytes", "25000000"},
    {"kernel.keys.root_maxkeys", "1000000"},
    {"kernel.panic", "10"},
    {"kernel.panic_on_oops", "1"},
    {"vm.overcommit_memory", "1"},
    {"vm.panic_on_oom", "0"},
    {"fs.inotify.max_user_instances", "8192"},
    {"net.bridge.bridge-nf-call-iptables", "1"},
    {"net.bridge.bridge-nf-call-arptables", "1"},
    {"net.bridge.bridge-nf-call-ip6tables", "1"},
};

const std::vector<std::string> kModules = {"br_netfilter", "overlay",  "ip_vs",     "ip_vs_rr",
                                           "ip_vs_wrr",    "ip_vs_sh", "ip_vs_wlc", "ip_vs_lc",
                                           "nf_conntrack", "dummy"};

// Prints, per line, what the guest's kernel and files say: "live KEY VALUE",
// "kept KEY = VALUE" (the persisted file's line), "loaded MOD", "boot MOD" (a
// modules-load.d line), swap state and containerd's.
std::string StateScript() {
  std::string keys, mods;
  for (const auto& [key, value] : kSysctls) keys += key + " ";
  for (const std::string& m : kModules) mods += m + " ";
  return "X 'for k in " + keys +
         "; do echo \"live $k $(sysctl -n $k)\"; done\n"
         "  f=$(readlink -f /etc/sysctl.d/99-sysctl.conf); grep -h \"=\" $f | sed \"s/^/kept /\"\n"
         "  for m in " +
         mods +
         "; do grep -qw \"^$m\" /proc/modules && echo \"loaded $m\"; done\n"
         "  cat /etc/modules-load.d/*.conf | sed \"s/^/boot /\"\n"
         "  echo \"swaps: $(tail -n +2 /proc/swaps | wc -l)\"; grep swapfile /etc/fstab\n"
         "  echo \"swap.target: $(readlink /etc/systemd/system/swap.target)\"\n"
         "  echo \"containerd: $(systemctl is-active containerd) $(systemctl is-enabled "
         "containerd)\"'\n";
}

void CheckState(const std::string& text) {
  for (const auto& [key, value] : kSysctls) {
    CAPTURE(key);
    CHECK(Has(text, "\nlive " + key + " " + value + "\n"));
    CHECK(Has(text, "\nkept " + key + " = " + value + "\n"));
  }
  for (const std::string& m : kModules) {
    CAPTURE(m);
    CHECK(Has(text, "\nloaded " + m + "\n"));
    CHECK(Has(text, "\nboot " + m + "\n"));
  }
  CHECK(Has(text, "\nswaps: 0\n# /swapfile none swap sw 0 0\n"));
  CHECK(Has(text, "\nswap.target: /dev/null\n"));
  CHECK(Has(text, "\ncontainerd: active enabled\n"));
}

TEST_CASE("vm: the Kubespray pre-stage checks, applies, re-applies and survives a cold reboot") {
  TempTree temp;
  const std::string t = temp.dir();

  Output setup = Vm(t, kSetup);
  INFO(setup.text);
  REQUIRE(Has(setup.text, "swap: /swapfile\n"));

  // Check mode: the whole plan, and nothing on the guest changes.
  Output check = Vm(t, std::string("S() {\n") + kSnapshot + "}\nS before\nRUN --check --diff\n" +
                           "S after\ncmp $T/snapshot.before $T/snapshot.after && echo same\n"
                           "cat $T/snapshot.after\n");
  INFO(check.text);
  REQUIRE(Has(check.text, "\nexit 0\n"));
  CHECK(Has(check.text, "would turn off swap on /swapfile"));
  CHECK(Has(check.text, "would refresh the package lists, then install containerd\n"));
  CHECK(Count(check.text, "failed=0 ") == 1);
  CHECK(Has(check.text, "\nsame\n"));
  CHECK(Has(check.text, "/swapfile "));  // still active after the check run

  // Apply: the handler restarts containerd after its config is written.
  Output apply =
      Vm(t, "RUN\n" + StateScript() +
                "X 'containerd config dump | grep SystemdCgroup; echo \"dump $?\"\n"
                "  apt-cache policy containerd | grep -c hostprep-seed/repo\n"
                "  start=$(systemctl show -P ExecMainStartTimestamp --timestamp=unix "
                "containerd)\n"
                "  conf=$(stat -c %Y /etc/containerd/config.toml)\n"
                "  [ \"${start#@}\" -ge \"$conf\" ] && echo \"started after config\"'\n");
  INFO(apply.text);
  REQUIRE(Has(apply.text, "\nexit 0\n"));
  CHECK(Has(apply.text, "changed: [box] handler: restart containerd"));
  CheckState(apply.text);
  CHECK(Has(apply.text, "SystemdCgroup = true\ndump 0\n1\nstarted after config\n"));

  // Re-apply: nothing left to do, in one round trip after connecting.
  Output reapply = Vm(t, "RUN --stats\n");
  INFO(reapply.text);
  CHECK(Has(reapply.text, "\nexit 0\n"));
  CHECK(Count(reapply.text, "changed=0 ") == 1);
  CHECK(OneRoundTrip(reapply.text));

  // Cold reboot: what the files say comes back; then still nothing to do.
  Output reboot =
      Vm(t, "tests/vm/vmhost reboot $D; echo \"reboot $?\"\n" + StateScript() + "RUN --stats\n");
  INFO(reboot.text);
  REQUIRE(Has(reboot.text, "\nreboot 0\n"));
  CheckState(reboot.text);
  CHECK(Has(reboot.text, "\nexit 0\n"));
  CHECK(Count(reboot.text, "changed=0 ") == 1);
  CHECK(OneRoundTrip(reboot.text));
}

}  // namespace
