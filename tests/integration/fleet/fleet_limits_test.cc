// Many hosts from one controller within the shell's file limit: every host
// keeps its SSH session for the run (through the bastion, three descriptors
// each), so 30 hosts need more than the 40 open files this test allows;
// hostprep raises its soft limit towards the hard one before it connects.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::HostsDir;
using hostprep::testing::Output;
using hostprep::testing::Shell;

TEST_CASE(
    "fleet: 30 hosts through the bastion are all reached under a soft limit of 40 open files") {
  const std::string dir = HostsDir() + "/limits-test";
  Output out = Shell("T=" + dir + R"SH(
rm -rf $T; mkdir -p $T
$TH start-sshd $D node20 >/dev/null 2>&1
printf '%s\n' '- hosts: nodes' '  gather_facts: false' '  tasks:' '    - name: reach the host' \
  '      command: "true"' '      changed_when: false' > $T/p.yml
sh -c "ulimit -Sn 40 && $HP run $T/p.yml -i $D/inventory.ini $SSH --color never" > $T/out.txt 2>&1
echo "exit $?"
sed -n '/^PLAY RECAP/,$p' $T/out.txt
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "exit 0\n"));
  CHECK(Count(out.text, "ok=1    changed=0    unreachable=0    failed=0") == 30);
  Shell("rm -rf " + dir);
}

}  // namespace
