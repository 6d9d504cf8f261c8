// Ansible's apt module on the nspawn twins (labels `nspawn` and `compat`):
// testdata/compat/nspawn/apt.yml runs with ansible-playbook on node1 and
// with hostprep on node2, both against the offline repository each twin
// has, and the test asserts the same results, registered values, recap and
// exit code, and the same packages, versions and manual marks afterwards.
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

constexpr const char* kPlaybook = "nspawn/apt.yml";

// The repository's packages purged, the lists fresh.
constexpr const char* kPurge = R"SH(
dpkg --purge jq libjq1 libonig5 hello hostprep-probe >/dev/null 2>&1
apt-get update -qq >/dev/null 2>&1 || { echo "apt-get update failed"; exit 1; }
)SH";

// The repository's packages as dpkg and apt-mark see them, and no
// policy-rc.d left behind, the same on both twins. Returns them.
std::string CheckSamePackages(const Twins& twins) {
  return CheckSameOnBoth(
      twins,
      "for p in jq libjq1 libonig5 hello hostprep-probe; do "
      "s=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' \"$p\" 2>/dev/null); "
      "echo \"$p ${s:-none} manual=$(apt-mark showmanual \"$p\")\"; done; "
      "test -e /usr/sbin/policy-rc.d && echo 'policy-rc.d left behind'");
}

TEST_CASE("nspawn compat: apt installs, upgrades, marks and purges packages as Ansible's does") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kPurge);

  Both check = RunBoth(twins, kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 5);
  CHECK(!Has(CheckSamePackages(twins), " ii "));

  Both first = RunBoth(twins, kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] > 0);
  const std::string after = CheckSamePackages(twins);
  // libjq1 came as jq's dependency, and is marked manual as it was named.
  CHECK(Has(after, "libjq1 ii "));
  CHECK(Has(after, " manual=libjq1\n"));
  CHECK(Has(after, "hostprep-probe ii 1.0 manual=hostprep-probe\n"));
  CHECK(!Has(after, "left behind"));

  Both again = RunBoth(twins, kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSamePackages(twins);

  Both removed = RunBoth(twins, "nspawn/apt_remove.yml");
  CheckSame(removed, 0);
  CHECK(removed.ansible.recap[kHost]["changed"] == 2);
  CHECK(removed.ansible.recap[kHost]["ignored"] == 1);
  const std::string removed_state = CheckSamePackages(twins);
  CHECK(!Has(removed_state, "hello ii "));
  CHECK(!Has(removed_state, "hostprep-probe ii "));
  Both removed_again = RunBoth(twins, "nspawn/apt_remove.yml");
  CheckSame(removed_again, 0);
  CHECK(removed_again.hostprep.recap[kHost]["changed"] == 1);  // the refresh
}

}  // namespace
