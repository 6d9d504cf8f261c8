// Ansible's package, package_facts and service_facts on the nspawn twins
// (labels `nspawn` and `compat`): testdata/compat/nspawn/package_facts.yml
// runs with ansible-playbook on node1 and with hostprep on node2, without
// gathered facts, and the test asserts the same results (the facts as the
// playbook shows them), recap and exit code, and the same packages after.
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

constexpr const char* kPlaybook = "nspawn/package_facts.yml";

// The repository's packages purged, the lists fresh.
constexpr const char* kPurge = R"SH(
apt-mark unhold jq >/dev/null 2>&1
dpkg --purge jq libjq1 libonig5 hello >/dev/null 2>&1
apt-get update -qq >/dev/null 2>&1 || { echo "apt-get update failed"; exit 1; }
)SH";

std::string CheckSamePackages(const Twins& twins) {
  return CheckSameOnBoth(
      twins,
      "for p in jq libjq1 hello hostprep-probe; do "
      "echo \"$p $(dpkg-query -W -f='${db:Status-Abbrev}${Version} ${Status}' \"$p\" "
      "2>/dev/null)\"; done");
}

TEST_CASE(
    "nspawn compat: package, package_facts and service_facts read and keep packages as "
    "Ansible's do") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kPurge);

  Both check = RunBoth(twins, kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 2);
  CHECK(!Has(CheckSamePackages(twins), " ii "));

  Both first = RunBoth(twins, kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == 2);
  // The facts were there to compare: dpkg's entry, jq's after the install,
  // sshd's unit and the service list.
  std::string shown;
  for (const auto& r : first.hostprep.results[kHost]) shown += r.task + " => " + r.shown + "\n";
  INFO(shown);
  CHECK(Has(shown, "\"source\":\"apt\""));
  CHECK(Has(shown, "\"name\":\"libjq1\""));
  CHECK(Has(shown, "\"name\":\"ssh.service\""));
  CHECK(Has(shown, "\"state\":\"running\""));
  CHECK(Has(shown, "systemd-journald.service"));
  CHECK(Has(shown, "absent"));  // firewalld
  const std::string after = CheckSamePackages(twins);
  CHECK(Has(after, "jq hi "));  // held
  CHECK(Has(after, "hello ii "));

  // Unchanged, the whole play is one round trip: the package manager, the
  // packages' state and both facts modules' reads together.
  Both again = RunBoth(twins, kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSamePackages(twins);
}

}  // namespace
