// Ansible's modprobe module (community.general.modprobe) on a real kernel:
// the VM of tests/vm/vmhost (fixture `vm_host`). A module is loaded with
// params and kept at boot, an old options line for it commented out as
// Ansible's module does; the re-run changes nothing in one round trip; check
// mode fails for a module the kernel does not have, as a run would; then the
// module is unloaded and its boot lines commented out. The steps depend on
// each other (the guest's state carries over), so they are one test case.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/vm/vm_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::TempTree;
using hostprep::testing::vm::kBoxInventory;
using hostprep::testing::vm::OneRoundTrip;
using hostprep::testing::vm::VmShell;

// VmShell with the box inventory and RUN [ARGS...], which runs modprobe.yml
// against the VM and prints "exit N".
Output Vm(const std::string& temp, const std::string& script) {
  return VmShell(temp, std::string(kBoxInventory) +
                           "RUN() { $HP run tests/integration/testdata/modules/modprobe.yml -i "
                           "$T/box.ini -c ssh --known-hosts $D/known_hosts --ssh-config none "
                           "\"$@\"; echo \"exit $?\"; }\n" +
                           script);
}

// The guest's module state and boot files, one fact per line.
constexpr const char* kState =
    "X 'grep -q \"^bonding \" /proc/modules && echo \"loaded bonding\"\n"
    "  echo \"bonds $(cat /sys/class/net/bonding_masters 2>/dev/null)\"\n"
    "  for f in /etc/modules-load.d/bonding.conf /etc/modprobe.d/bonding.conf "
    "/etc/modprobe.d/legacy-bonding.conf; do echo \"== $f\"; cat $f 2>/dev/null; done'\n";

TEST_CASE("vm: modprobe loads with params, keeps at boot and unloads as Ansible's module does") {
  TempTree temp;
  const std::string t = temp.dir();
  Output setup = Vm(t,
                    "X 'modprobe -r bonding 2>/dev/null; rm -f /etc/modules-load.d/bonding.conf "
                    "/etc/modprobe.d/bonding.conf; printf \"options bonding max_bonds=5\\n\" "
                    ">/etc/modprobe.d/legacy-bonding.conf; echo ready'\n");
  INFO(setup.text);
  REQUIRE(Has(setup.text, "ready\n"));

  Output check = Vm(t, std::string("RUN --check\n") + kState);
  INFO(check.text);
  CHECK(Has(check.text, "\nexit 0\n"));
  CHECK(Has(check.text, "changed: [box] the module, loaded now and at boot"));
  CHECK_FALSE(Has(check.text, "loaded bonding"));  // nothing done in check mode

  Output apply = Vm(t, std::string("RUN\n") + kState);
  INFO(apply.text);
  CHECK(Has(apply.text, "\nexit 0\n"));
  CHECK(Has(apply.text, "\"bonding\",\n        \"max_bonds=2\",\n        \"present\",\n"));
  CHECK(Has(apply.text, "loaded bonding\nbonds bond0 bond1\n"));  // max_bonds=2 applied
  CHECK(Has(apply.text,
            "== /etc/modules-load.d/bonding.conf\nbonding\n"
            "== /etc/modprobe.d/bonding.conf\noptions bonding max_bonds=2\n"
            "== /etc/modprobe.d/legacy-bonding.conf\n#options bonding max_bonds=5\n"));

  Output again = Vm(t, "RUN --stats\n");
  INFO(again.text);
  CHECK(Has(again.text, "\nexit 0\n"));
  CHECK(Count(again.text, "changed=0 ") == 1);
  CHECK(OneRoundTrip(again.text));

  // Check mode asks modprobe -n, as Ansible's does: a missing module fails.
  Output missing = Vm(t, "RUN --check -e mod_name=hp_no_such_module -e mod_persistent=disabled\n");
  INFO(missing.text);
  CHECK(Has(missing.text, "\nexit 2\n"));
  CHECK(Has(missing.text, "Module hp_no_such_module not found"));

  Output remove = Vm(t, std::string("RUN -e mod_state=absent -e mod_persistent=absent -e "
                                    "mod_params=''\n") +
                            kState);
  INFO(remove.text);
  CHECK(Has(remove.text, "\nexit 0\n"));
  CHECK_FALSE(Has(remove.text, "loaded bonding"));
  CHECK(Has(remove.text,
            "== /etc/modules-load.d/bonding.conf\n#bonding\n"
            "== /etc/modprobe.d/bonding.conf\n#options bonding max_bonds=2\n"));
  Vm(t,
     "X 'rm -f /etc/modules-load.d/bonding.conf /etc/modprobe.d/bonding.conf "
     "/etc/modprobe.d/legacy-bonding.conf'\n");
}

}  // namespace
