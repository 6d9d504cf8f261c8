// Ansible's hostname module on the nspawn twins (labels `nspawn` and
// `compat`), where systemd's hostnamectl keeps the name:
// testdata/compat/nspawn/hostname.yml runs with ansible-playbook on node1
// and with hostprep on node2, and the test asserts the same results,
// registered values and facts, recap and exit code, and the same names as
// systemd and /etc/hostname tell them afterwards.
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

constexpr const char* kPlaybook = "nspawn/hostname.yml";

// The twin's own names, kept in /run the first time and put back each
// time: the static, pretty and running names as the container had them.
constexpr const char* kOwnName = R"SH(
f=/run/hpcompat-hostname
if [ ! -e "$f" ]; then
  { hostnamectl --static status; hostnamectl --pretty status; hostnamectl --transient status; } >"$f"
fi
hostnamectl --static set-hostname "$(sed -n 1p "$f")" &&
  hostnamectl --pretty set-hostname "$(sed -n 2p "$f")" &&
  hostnamectl --transient set-hostname "$(sed -n 3p "$f")"
)SH";

TEST_CASE("nspawn compat: hostname sets the node's name with hostnamectl as Ansible's does") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kOwnName);
  const std::string names =
      "hostnamectl --static status; hostnamectl --pretty status; hostname; cat /etc/hostname";

  Both check = RunBoth(twins, kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 2);
  CHECK(!Has(CheckSameOnBoth(twins, "hostname"), "hpcompat"));

  Both first = RunBoth(twins, kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == 1);
  const std::string after = CheckSameOnBoth(twins, names);
  CHECK(Has(after,
            "hpcompat-web1.example.test\nhpcompat-web1.example.test\n"
            "hpcompat-web1.example.test\nhpcompat-web1.example.test\n"));

  Both again = RunBoth(twins, kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
}

}  // namespace
