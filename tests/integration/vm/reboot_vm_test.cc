// ansible.builtin.reboot on a real kernel: the VM of tests/vm/vmhost
// (fixture `vm_host`), rebooted by `shutdown -r 0` in the guest (qemu keeps
// running; the guest really boots again: a new boot id). The playbook
// reboots under `when: reboot_required.stat.exists`, as roles do; the task
// after the reboot runs on the rebooted host, and the re-run (nothing
// required) changes nothing in one round trip. Ansible cannot run in the
// VM (no Python in the image): the unit tests hold the comparison with
// Ansible's action (tests/modules/reboot_test.cc).
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

Output Vm(const std::string& temp, const std::string& script) {
  return VmShell(temp, std::string(kBoxInventory) +
                           "RUN() { $HP run tests/integration/testdata/modules/reboot.yml -i "
                           "$T/box.ini -c ssh --known-hosts $D/known_hosts --ssh-config none "
                           "\"$@\"; echo \"exit $?\"; }\n" +
                           script);
}

TEST_CASE("vm: reboot waits for a new boot id and the tasks after it run on the rebooted host") {
  TempTree temp;
  const std::string t = temp.dir();
  Output setup = Vm(t,
                    "X 'rm -f /root/hp-after-reboot; touch /var/run/reboot-required; "
                    "echo \"before $(cat /proc/sys/kernel/random/boot_id)\"'\n");
  INFO(setup.text);
  const size_t at = setup.text.find("before ");
  REQUIRE(at != std::string::npos);
  const std::string before = setup.text.substr(at + 7, 36);

  Output run = Vm(t,
                  "RUN\n"
                  "X 'echo \"now $(cat /proc/sys/kernel/random/boot_id)\"; "
                  "echo \"after-task $(cat /root/hp-after-reboot)\"; "
                  "test -e /var/run/reboot-required || echo \"required gone\"'\n");
  INFO(run.text);
  CHECK(Has(run.text, "\nexit 0\n"));
  CHECK(Has(run.text, "changed: [box] reboot"));
  CHECK(Has(run.text, "rebooted=True elapsed="));
  CHECK(Has(run.text, "changed=True"));
  const size_t now_at = run.text.find("now ");
  REQUIRE(now_at != std::string::npos);
  const std::string now = run.text.substr(now_at + 4, 36);
  CHECK(now != before);
  // The task after the reboot ran on the rebooted host.
  CHECK(Has(run.text, "after-task " + now));
  CHECK(Has(run.text, "required gone"));  // /run is new with the boot
  const size_t elapsed_at = run.text.find("elapsed=");
  REQUIRE(elapsed_at != std::string::npos);
  const int elapsed = std::stoi(run.text.substr(elapsed_at + 8));
  MESSAGE("reboot elapsed ", elapsed, " s");
  CHECK(elapsed >= 5);
  CHECK(elapsed <= 300);

  Output again = Vm(t, "RUN --stats\n");
  INFO(again.text);
  CHECK(Has(again.text, "\nexit 0\n"));
  CHECK(Has(again.text, "skipped: [box] reboot => condition"));
  CHECK(Count(again.text, "changed=0 ") == 1);
  CHECK(OneRoundTrip(again.text));
  Vm(t, "X rm -f /root/hp-after-reboot\n");
}

}  // namespace
