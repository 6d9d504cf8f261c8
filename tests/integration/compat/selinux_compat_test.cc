// Ansible's selinux (label `compat`): testdata/compat/selinux.yml runs with
// ansible-playbook on node1 and with hostprep on node2. This kernel has no
// SELinux, so both take the path of a host without it (Ansible's module
// through Debian's python3-selinux, installed by tests/setup.sh): the
// config files edited, reboot_required, the same msg. The files are under
// /etc/hpc-selinux in each twin's own /etc, never the machine's.
#include <doctest/doctest.h>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CleanPaths;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;

constexpr const char* kPlaybook = "selinux.yml";

TEST_CASE("compat: selinux edits SELinux's config and asks for a reboot as Ansible's does") {
  CleanPaths clean({"/etc/hpc-selinux"});
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpc-selinux && printf '%s\\n' '# SELinux config' "
                   "'SELINUX=enforcing' '# SELINUXTYPE= targeted or mls' 'SELINUXTYPE=targeted' "
                   ">/etc/hpc-selinux/config && printf 'SELINUXTYPE=targeted\\r\\nSELINUX=x\\r\\n"
                   "# end' >/etc/hpc-selinux/crlf")
                .exit_code == 0);
  }
  Both check = RunBoth(kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 2);
  CHECK(check.ansible.recap[kHost]["ignored"] == 1);
  CheckSameFiles({"/etc/hpc-selinux"});

  Both first = RunBoth(kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == 2);
  CheckSameFiles({"/etc/hpc-selinux"});
  CHECK(OnNode(kHostprepNode, "cat /etc/hpc-selinux/crlf").text ==
        "SELINUXTYPE=targeted\nSELINUX=disabled\n# end\n");

  Both again = RunBoth(kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSameFiles({"/etc/hpc-selinux"});
}

}  // namespace
