// The Kubespray pre-stage playbook (playbooks/kubespray-prestage.yml) over
// real SSH against the netns test hosts of the ssh_hosts fixture, through a
// Kubespray-shaped inventory. The hosts share this machine's kernel, /usr and
// dpkg database, so the run uses testdata/prestage/netns-safe.yml: files only
// (no module loading, no live sysctl, no service restart), no packages. Only
// the hosts' own /etc changes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Output;
using hostprep::testing::Shell;

const std::vector<std::string> kNodes = {"node1", "node2", "node3"};

// A Kubespray inventory for node1-3 in a temp dir ($t, removed on exit), and
// a clean slate on those hosts: none of the files the playbook writes, a
// legacy Kubespray sysctl file to remove, and an fstab with an active swap line.
// 99-sysctl.conf is Debian's symlink to ../sysctl.conf: the keys must land in
// /etc/sysctl.conf and the link stay, as with Kubespray.
constexpr const char* kSetup = R"SH(
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export HOSTPREP_FACTS_CACHE=$t/facts
tests/integration/testdata/prestage/make-inventory.sh $D $t
for h in node1 node2 node3; do
  $TH exec $D $h sh -c 'rm -rf /etc/containerd /etc/systemd/system/swap.target \
      /etc/modules-load.d/kubespray-br_netfilter.conf /etc/modules-load.d/overlay.conf \
      /etc/modules-load.d/ip_vs*.conf /etc/modules-load.d/nf_conntrack.conf \
      /etc/sysctl.d/bridge-nf-call.conf
    ln -sfn ../sysctl.conf /etc/sysctl.d/99-sysctl.conf
    printf "# kept as it is\n" > /etc/sysctl.conf
    echo net.ipv4.ip_forward=1 > /etc/sysctl.d/ipv4-ip_forward.conf
    printf "UUID=0a1b / ext4 errors=remount-ro 0 1\n/swapfile none swap sw 0 0\n" > /etc/fstab'
done
PB="$HP run playbooks/kubespray-prestage.yml -i $t/inventory.ini $SSH -e @tests/integration/testdata/prestage/netns-safe.yml"
)SH";

// Prints the state of the files the playbook manages on every host.
constexpr const char* kShowFiles = R"SH(
for h in node1 node2 node3; do
  echo "== $h"
  $TH exec $D $h sh -c 'readlink /etc/sysctl.d/99-sysctl.conf; cat /etc/sysctl.conf
    ls /etc/sysctl.d/ipv4-ip_forward.conf
    cat /etc/fstab; readlink /etc/systemd/system/swap.target
    for f in kubespray-br_netfilter overlay ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh ip_vs_wlc ip_vs_lc nf_conntrack; do
      printf "%s: " $f; cat /etc/modules-load.d/$f.conf
    done
    cat /etc/containerd/config.toml /etc/containerd/certs.d/docker.io/hosts.toml
    stat -c "%a %n" /etc/containerd/config.toml' 2>&1
done
echo "== end"
)SH";

// The text between `from` and the next "== " line after it.
std::string Section(const std::string& text, const std::string& from) {
  size_t at = text.find(from);
  if (at == std::string::npos) return "";
  size_t end = text.find("\n== ", at + from.size());
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST_CASE("ssh: the Kubespray pre-stage checks, applies and re-applies on three hosts") {
  Output out = Shell(std::string(kSetup) + "$PB --check --diff; echo \"== check exit $?\"\n" +
                     kShowFiles + "$PB; echo \"== apply exit $?\"\n" + kShowFiles +
                     "$PB --diff --stats; echo \"== reapply exit $?\"\n");
  INFO(out.text);
  const std::string check = Section(out.text, "PLAY [");

  // Check mode: the diffs of every file on every host, nothing written.
  CHECK(out.text.find("== check exit 0") != std::string::npos);
  for (const char* diff :
       {"+++ after: /etc/modules-load.d/kubespray-br_netfilter.conf\n",
        "+++ after: /etc/modules-load.d/ip_vs_rr.conf\n",
        "+++ after: /etc/containerd/config.toml\n",
        "+++ after: /etc/containerd/certs.d/docker.io/hosts.toml\n",
        "+# /swapfile none swap sw 0 0\n", "would remove /etc/sysctl.d/ipv4-ip_forward.conf\n",
        "+net.bridge.bridge-nf-call-iptables = 1\n"}) {
    CAPTURE(diff);
    CHECK(Count(check, diff) == 3);
  }
  for (const std::string& h : kNodes) {
    const std::string before = Section(out.text.substr(out.text.find("== check exit")), "== " + h);
    CAPTURE(h);
    CHECK(before.find("../sysctl.conf\n# kept as it is\n/etc/sysctl.d/ipv4-ip_forward.conf\n") !=
          std::string::npos);
    CHECK(before.find("\n/swapfile none swap sw 0 0\n") != std::string::npos);
    CHECK(before.find("kubespray-br_netfilter: cat: ") != std::string::npos);
    CHECK(before.find("cat: /etc/containerd/config.toml: No such file") != std::string::npos);
  }

  // Apply: every file as Kubespray writes it, on every host.
  REQUIRE(out.text.find("== apply exit 0") != std::string::npos);
  const std::string after_apply = out.text.substr(out.text.find("== apply exit 0"));
  for (const std::string& h : kNodes) {
    const std::string files = Section(after_apply, "== " + h);
    CAPTURE(h);
    CHECK(files.find("../sysctl.conf\n"
                     "# kept as it is\n"
                     "net.ipv4.ip_forward = 1\n"
                     "kernel.keys.root_maxbytes = 25000000\n"
                     "kernel.keys.root_maxkeys = 1000000\n"
                     "kernel.panic = 10\n"
                     "kernel.panic_on_oops = 1\n"
                     "vm.overcommit_memory = 1\n"
                     "vm.panic_on_oom = 0\n") != std::string::npos);
    CHECK(files.find("net.ipv4.ip_local_reserved_ports = 30000-32767\n"
                     "net.ipv4.tcp_keepalive_time = 600\n"
                     "net.bridge.bridge-nf-call-iptables = 1\n"
                     "net.bridge.bridge-nf-call-arptables = 1\n"
                     "net.bridge.bridge-nf-call-ip6tables = 1\n") != std::string::npos);
    CHECK(files.find("ls: cannot access '/etc/sysctl.d/ipv4-ip_forward.conf'") !=
          std::string::npos);
    CHECK(files.find("UUID=0a1b / ext4 errors=remount-ro 0 1\n# /swapfile none swap sw 0 0\n") !=
          std::string::npos);
    CHECK(files.find("\n/dev/null\n") != std::string::npos);  // swap.target masked
    CHECK(files.find("kubespray-br_netfilter: br_netfilter\noverlay: overlay\nip_vs: ip_vs\n"
                     "ip_vs_rr: ip_vs_rr\nip_vs_wrr: ip_vs_wrr\nip_vs_sh: ip_vs_sh\n"
                     "ip_vs_wlc: ip_vs_wlc\nip_vs_lc: ip_vs_lc\nnf_conntrack: nf_conntrack\n") !=
          std::string::npos);
    CHECK(files.find("SystemdCgroup = true") != std::string::npos);
    CHECK(files.find("sandbox_image = \"harbor.example.internal/registry.k8s.io/pause:3.10\"") !=
          std::string::npos);
    CHECK(files.find("config_path = \"/etc/containerd/certs.d\"") != std::string::npos);
    CHECK(files.find("server = \"https://registry-1.docker.io\"\n\n"
                     "[host.\"https://harbor.example.internal/v2/dockerhub\"]\n"
                     "  capabilities = [\"pull\", \"resolve\"]\n"
                     "  skip_verify = false\n"
                     "  override_path = true\n\n"
                     "[host.\"https://registry-1.docker.io\"]\n") != std::string::npos);
    CHECK(files.find("640 /etc/containerd/config.toml") != std::string::npos);
  }
  // Three runs of three hosts: none fails.
  CHECK(Count(out.text, "failed=0 ") == 9);

  // Re-apply: nothing left to do anywhere.
  CHECK(out.text.find("== reapply exit 0") != std::string::npos);
  const std::string reapply = out.text.substr(out.text.rfind("PLAY RECAP"));
  CHECK(Count(reapply, "changed=0 ") == 3);
  CHECK(Count(reapply, "failed=0 ") == 3);
  // ... and it cost one round trip per host after connecting: facts and the
  // state of all 20 tasks read by one remote script (--stats).
  for (const std::string& h : kNodes) {
    CAPTURE(h);
    const std::string row = h + std::string(26 - h.size(), ' ') + std::string(11, ' ') + "1 ";
    CHECK(reapply.find("\n" + row) != std::string::npos);
  }
}

TEST_CASE("ssh: containerd's own parser accepts the pre-stage config") {
  Output out = Shell(std::string(kSetup) + "$PB --limit node2 >/dev/null; echo \"apply $?\"\n" +
                     "$TH exec $D node2 containerd --config /etc/containerd/config.toml config "
                     "dump; echo \"dump exit $?\"\n");
  INFO(out.text);
  CHECK(out.text.find("apply 0") != std::string::npos);
  CHECK(out.text.find("dump exit 0") != std::string::npos);
  CHECK(out.text.find("SystemdCgroup = true") != std::string::npos);
  CHECK(out.text.find("sandbox_image = \"harbor.example.internal/registry.k8s.io/pause:3.10\"") !=
        std::string::npos);
  CHECK(out.text.find("config_path = \"/etc/containerd/certs.d\"") != std::string::npos);
}

TEST_CASE("ssh: kernel_module with runtime false writes one boot file, then reports ok") {
  Output out = Shell(R"SH(
$TH exec $D node4 rm -f /etc/modules-load.d/hostprep-test-ipvs.conf
run="$HP run tests/integration/testdata/prestage/kmod.yml -i $D/inventory.ini --limit node4 $SSH --diff"
$run; echo "first exit $?"
$TH exec $D node4 cat /etc/modules-load.d/hostprep-test-ipvs.conf
$run; echo "second exit $?"
$TH exec $D node4 rm -f /etc/modules-load.d/hostprep-test-ipvs.conf
)SH");
  INFO(out.text);
  const size_t second = out.text.find("first exit 0\nip_vs\nip_vs_rr\n");
  REQUIRE(second != std::string::npos);
  const std::string first_run = out.text.substr(0, second);
  CHECK(first_run.find("+++ after: /etc/modules-load.d/hostprep-test-ipvs.conf\n") !=
        std::string::npos);
  CHECK(Count(first_run, "changed=1 ") == 1);
  const std::string second_run = out.text.substr(second);
  CHECK(second_run.find("second exit 0") != std::string::npos);
  CHECK(Count(second_run, "changed=0 ") == 1);
  CHECK(second_run.find("+++ after:") == std::string::npos);
}

}  // namespace
