// Ansible's facts as the oracle on a systemd host (labels `nspawn` and
// `compat`): Debian's ansible and `hostprep facts` read the nspawn twin
// node1 at the same moment, under facts_compare.h's rule and allowances.
// Where the netns hosts cannot say it, this host has systemd as PID 1, its
// own dpkg, its own root and a container's view of the machine: the facts
// roles branch on there (service_mgr, pkg_mgr, virtualization_*, is_chroot,
// selinux, apparmor) must be Ansible's too.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/compat/facts_compare.h"
#include "tests/integration/nspawn/compat/twins_test_util.h"

namespace {

using hostprep::testing::compat::CheckSameFacts;
using hostprep::testing::compat::Gather;
using hostprep::testing::compat::Gathered;
using hostprep::testing::compat::NspawnTwins;

const std::vector<std::string> kSystemdFacts = {"service_mgr",
                                                "pkg_mgr",
                                                "virtualization_type",
                                                "virtualization_role",
                                                "os_family",
                                                "distribution",
                                                "lsb",
                                                "selinux",
                                                "apparmor",
                                                "mounts",
                                                "default_ipv4",
                                                "hostname",
                                                "fqdn",
                                                "user_id",
                                                "env"};

TEST_CASE("nspawn compat: a systemd container's facts are Ansible's setup facts") {
  const Gathered root = Gather(NspawnTwins().ansible, "root");
  CheckSameFacts(root, kSystemdFacts);
  CHECK(root.hostprep.value("service_mgr", "") == "systemd");
  CHECK(root.hostprep.value("pkg_mgr", "") == "apt");
  for (const char* subset : {"min", "!all,!min,virtual,pkg_mgr,service_mgr"}) {
    CAPTURE(subset);
    CheckSameFacts(Gather(NspawnTwins().ansible, "root", subset));
  }
}

}  // namespace
