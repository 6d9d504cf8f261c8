// Ansible's systemd, systemd_service and service modules on the nspawn
// twins (labels `nspawn` and `compat`): testdata/compat/nspawn/systemd.yml
// runs with ansible-playbook on node1 and with hostprep on node2, and the
// test asserts the same results, registered values, recap and exit code,
// and the same units as systemd sees them on both containers afterwards.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/nspawn/compat/twins_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CheckSameOnBoth;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::NspawnTwins;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::Twins;
using hostprep::testing::compat::TwinsReset;

constexpr const char* kPlaybook = "nspawn/systemd.yml";

// Takes systemd.yml's units off a twin: stopped, disabled, unmasked, their
// files removed and systemd reloaded.
constexpr const char* kRemoveUnits = R"SH(
for unit in hpcompat-daemon.service hpcompat-helper.service; do
  systemctl unmask "$unit" >/dev/null 2>&1
  systemctl disable --now "$unit" >/dev/null 2>&1
  rm -f "/usr/local/lib/systemd/system/$unit"
done
rmdir /usr/local/lib/systemd/system /usr/local/lib/systemd 2>/dev/null
systemctl daemon-reload
)SH";

// The units as systemd sees them, the same on both twins, and the files
// of the units, their wants link and the mask. Returns the units' line.
std::string CheckSameUnits(const Twins& twins) {
  const std::string units = CheckSameOnBoth(
      twins,
      "for u in hpcompat-daemon hpcompat-helper; do echo \"$u enabled=$(systemctl is-enabled $u "
      "2>&1) active=$(systemctl is-active $u)\"; done");
  CheckSameFiles(twins, {"/usr/local/lib/systemd", "/etc/systemd/system/multi-user.target.wants",
                         "/etc/systemd/system/hpcompat-helper.service"});
  return units;
}

TEST_CASE("nspawn compat: systemd, systemd_service and service keep a daemon as Ansible's do") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kRemoveUnits);

  // No check run first: on a fresh host the unit file is not there yet and
  // Ansible's check mode, which skips the daemon-reload, fails the systemd
  // task with "Could not find the requested service"; hostprep plans it
  // (README, service). The check run below is of a host that drifted.
  Both first = RunBoth(twins, kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] > 0);
  CHECK(first.ansible.recap[kHost]["ignored"] == 1);
  CHECK(Has(CheckSameUnits(twins),
            "hpcompat-daemon enabled=enabled active=active\n"
            "hpcompat-helper enabled=masked active=inactive\n"));

  Both again = RunBoth(twins, kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSameUnits(twins);

  // Drift: the daemon stopped and disabled, the helper unmasked, by hand.
  const std::string drift =
      "systemctl disable --now hpcompat-daemon && systemctl unmask hpcompat-helper";
  for (const auto* node : {&twins.ansible, &twins.hostprep})
    REQUIRE(OnNode(*node, drift).exit_code == 0);
  Both check = RunBoth(twins, kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 3);  // enabled twice: nothing acted
  CHECK(Has(CheckSameUnits(twins),
            "hpcompat-daemon enabled=disabled active=inactive\n"
            "hpcompat-helper enabled=static active=inactive\n"));

  Both mend = RunBoth(twins, kPlaybook);
  CheckSame(mend, 0);
  CHECK(mend.hostprep.recap[kHost]["changed"] == 2);
  CHECK(Has(CheckSameUnits(twins),
            "hpcompat-daemon enabled=enabled active=active\n"
            "hpcompat-helper enabled=masked active=inactive\n"));
}

}  // namespace
