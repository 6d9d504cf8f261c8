// Ansible as the oracle on the nspawn twins (labels `nspawn` and `compat`):
// a playbook of testdata/compat/nspawn runs with ansible-playbook on node1
// and with hostprep on node2 (twins_test_util.h), and the test asserts the
// same task results, recap and exit code, and the same systemd and dpkg
// state on both containers afterwards.
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
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::Twins;
using hostprep::testing::compat::TwinsReset;

constexpr const char* kUnitPlaybook = "nspawn/unit.yml";
constexpr const char* kUnit = "hpcompat-demo.service";

// Takes unit.yml's unit off a twin: stopped, disabled, its file removed and
// systemd reloaded; the unit directory too when the tree lacks it (it has
// /usr/local/lib but no systemd dir under it).
constexpr const char* kRemoveUnit = R"SH(
systemctl disable --now "$1" >/dev/null 2>&1
rm -f "/usr/local/lib/systemd/system/$1"
rmdir /usr/local/lib/systemd/system /usr/local/lib/systemd 2>/dev/null
systemctl daemon-reload
)SH";

// The state unit.yml leaves, the same on both twins: the unit as systemd
// sees it, every package dpkg knows, and the files of the unit and its
// wants link. Returns the unit's line, for the test to check.
std::string CheckSameState(const Twins& twins) {
  const std::string unit =
      CheckSameOnBoth(twins, std::string("echo \"enabled=$(systemctl is-enabled ") + kUnit +
                                 " 2>&1) active=$(systemctl is-active " + kUnit + ")\"");
  CheckSameOnBoth(twins, "dpkg-query -W");
  CheckSameFiles(twins, {"/usr/local/lib/systemd", "/etc/systemd/system/multi-user.target.wants"});
  return unit;
}

TEST_CASE("nspawn compat: a role's systemd unit is copied, enabled and started as by Ansible") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kRemoveUnit, {kUnit});

  Both check = RunBoth(twins, kUnitPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(Has(CheckSameState(twins), " active=inactive\n"));

  Both first = RunBoth(twins, kUnitPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] > 0);
  CHECK(Has(CheckSameState(twins), "enabled=enabled active=active\n"));

  Both again = RunBoth(twins, kUnitPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(Has(CheckSameState(twins), "enabled=enabled active=active\n"));
}

}  // namespace
