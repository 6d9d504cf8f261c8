// Ansible's timezone module (community.general.timezone) on the nspawn
// twins (labels `nspawn` and `compat`), where systemd's timedatectl sets
// the zone: testdata/compat/nspawn/timezone.yml runs with ansible-playbook
// on node1 and with hostprep on node2, and the test asserts the same
// results, registered values, recap and exit code, and the same zone as
// systemd and /etc/localtime tell it afterwards.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/nspawn/compat/twins_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameOnBoth;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::NspawnTwins;
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::Twins;
using hostprep::testing::compat::TwinsReset;

constexpr const char* kPlaybook = "nspawn/timezone.yml";

constexpr const char* kUtc = R"SH(
timedatectl set-timezone Etc/UTC || { echo "timedatectl set-timezone failed"; exit 1; }
)SH";

std::string CheckSameZone(const Twins& twins) {
  return CheckSameOnBoth(twins,
                         "timedatectl show -p Timezone --value; readlink /etc/localtime; date +%Z");
}

TEST_CASE("nspawn compat: timezone sets the zone with timedatectl as Ansible's does") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kUtc);

  Both check = RunBoth(twins, kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 2);  // both timezone tasks, in check mode
  CHECK(Has(CheckSameZone(twins), "Etc/UTC\n"));

  Both first = RunBoth(twins, kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == 1);
  CHECK(first.ansible.recap[kHost]["ignored"] == 1);
  const std::string zone = CheckSameZone(twins);
  INFO(zone);
  CHECK(Has(zone, "Europe/Berlin\n"));
  CHECK(Has(zone, "/usr/share/zoneinfo/Europe/Berlin\n"));

  Both again = RunBoth(twins, kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
}

}  // namespace
