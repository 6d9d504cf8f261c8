// End to end: the Kubespray pre-stage playbook (playbooks/kubespray-prestage.yml)
// against the Kubespray-shaped inventory (inventories/kubespray), with the
// real hostprep binary. validate and graph never contact a host.
#include <doctest/doctest.h>

#include <string>

#include "tests/shell_test_util.h"

namespace {

using hostprep::testing::Output;

// Runs `args` with the hostprep binary from the source directory.
Output Hostprep(const std::string& args) {
  return hostprep::testing::RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && " +
                                       HOSTPREP_BINARY + " " + args);
}

constexpr const char* kPlaybook = "playbooks/kubespray-prestage.yml";

// The graph of every host: tasks in run order, each with the edges that
// order it. The automatic (resource) edges are the point: bridge sysctls
// after br_netfilter, the containerd config after its package, the service
// after package and config, the module files after their directory.
constexpr const char* kGraph =
    "swap off  [swap-off]\n"
    "remove Kubespray's legacy sysctl files  [remove-kubespray-s-legacy-sysctl-files]\n"
    "IPv4 forwarding  [ipv4-forwarding]\n"
    "IPv6 forwarding  [ipv6-forwarding]\n"
    "kernel settings the kubelet protects  [kernel-settings-the-kubelet-protects]\n"
    "inotify instances  [inotify-instances]\n"
    "reserve the NodePort range  [reserve-the-nodeport-range]\n"
    "additional sysctl  [additional-sysctl]\n"
    "module directories  [module-directories]\n"
    "br_netfilter  [br_netfilter]\n"
    "    after module-directories  (resource dir:/etc/modules-load.d)\n"
    "bridge netfilter  [bridge-netfilter]\n"
    "    after br_netfilter  (resource kmod:br_netfilter)\n"
    "overlay  [overlay]\n"
    "    after module-directories  (resource dir:/etc/modules-load.d)\n"
    "kube-proxy ipvs modules  [kube-proxy-ipvs-modules]\n"
    "    after module-directories  (resource dir:/etc/modules-load.d)\n"
    "kube-proxy nftables module  [kube-proxy-nftables-module]\n"
    "    after module-directories  (resource dir:/etc/modules-load.d)\n"
    "dummy module for NodeLocal DNS  [dummy-module-for-nodelocal-dns]\n"
    "    after module-directories  (resource dir:/etc/modules-load.d)\n"
    "packages  [packages]\n"
    "containerd package  [containerd-package]\n"
    "containerd config  [containerd-config]\n"
    "    after containerd-package  (resource pkg:containerd)\n"
    "containerd config (pinned version)  [containerd-config-pinned-version]\n"
    "    after containerd-package  (resource pkg:containerd)\n"
    "containerd running  [containerd-running]\n"
    "    after containerd-package  (resource pkg:containerd)\n"
    "    after containerd-config  (resource config:containerd)\n"
    "    after containerd-config-pinned-version  (resource config:containerd)\n"
    "handler restart containerd  [restart-containerd]\n"
    "    after containerd-config  (notify)\n"
    "    after containerd-config-pinned-version  (notify)\n";

TEST_CASE("e2e: the Kubespray pre-stage validates against the Kubespray inventory") {
  Output out = Hostprep(std::string("validate ") + kPlaybook + " -i inventories/kubespray");
  CHECK(out.exit_code == 0);
  CHECK(out.text == "playbooks/kubespray-prestage.yml: ok (1 play, 20 tasks, 1 handler)\n");
}

TEST_CASE("e2e: the Kubespray pre-stage graph has the automatic edges on every kind of node") {
  for (const char* host : {"node1", "node4"}) {
    CAPTURE(host);
    Output out =
        Hostprep(std::string("graph ") + kPlaybook + " -i inventories/kubespray --host " + host);
    CHECK(out.exit_code == 0);
    CHECK(out.text == std::string("play 'prepare Kubernetes nodes (Kubespray pre-stage)' on ") +
                          host + ":\n" + kGraph);
  }
  Output bare = Hostprep(std::string("graph ") + kPlaybook);
  CHECK(bare.exit_code == 0);
  CHECK(bare.text ==
        std::string("play 'prepare Kubernetes nodes (Kubespray pre-stage)':\n") + kGraph);
}

TEST_CASE("e2e: the Kubespray pre-stage keeps its edges with every part's variables changed") {
  Output out = Hostprep(std::string("graph ") + kPlaybook +
                        " -i inventories/kubespray --host node2 -e prestage_runtime=false"
                        " -e kube_proxy_mode=nftables -e prestage_containerd_config_version=2"
                        " -e containerd_package=containerd");
  CHECK(out.exit_code == 0);
  for (const char* edge :
       {"bridge netfilter  [bridge-netfilter]\n"
        "    after br_netfilter  (resource kmod:br_netfilter)\n",
        "containerd config (pinned version)  [containerd-config-pinned-version]\n"
        "    after containerd-package  (resource pkg:containerd)\n",
        "    after containerd-config-pinned-version  (resource config:containerd)\n"}) {
    CAPTURE(edge);
    CHECK(out.text.find(edge) != std::string::npos);
  }
}

TEST_CASE("e2e: validate and graph take templated booleans in every module") {
  for (const char* command : {"validate", "graph"}) {
    CAPTURE(command);
    Output out = Hostprep(std::string(command) + " tests/e2e/testdata/templated-bools.yml");
    CHECK(out.exit_code == 0);
  }
  CHECK(Hostprep("validate tests/e2e/testdata/templated-bools.yml").text ==
        "tests/e2e/testdata/templated-bools.yml: ok (1 play, 7 tasks, 0 handlers)\n");
}

}  // namespace
