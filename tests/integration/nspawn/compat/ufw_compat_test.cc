// Ansible's ufw module (community.general.ufw) on the nspawn twins (labels
// `nspawn` and `compat`): each twin has its own network namespace, so ufw's
// iptables rules stay inside it and never touch the machine's firewall.
// ufw is not in the tree: the test installs it (with iptables and its
// libraries) from the twins' offline repository first and purges it at the
// end. testdata/compat/nspawn/ufw.yml runs with ansible-playbook on node1
// and with hostprep on node2: a check run first, then the real run, then a
// re-run; each time the same results, registered values and recap, and
// afterwards the same `ufw status verbose` and user rules files on both.
#include <doctest/doctest.h>

#include <string>
#include <vector>

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
using hostprep::testing::compat::ReplaceAll;
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::SideBySide;
using hostprep::testing::compat::Twins;
using hostprep::testing::compat::TwinsReset;

constexpr const char* kPlaybook = "nspawn/ufw.yml";

// ufw installed (once; its config files kept aside as the package left
// them), inactive, its config files as installed, and one legacy rule for
// the playbook to delete. `ufw disable` takes its chains out of iptables.
constexpr const char* kReset = R"SH(
export DEBIAN_FRONTEND=noninteractive
if ! dpkg-query -W -f='${Status}' ufw 2>/dev/null | grep -q 'ok installed'; then
  apt-get update -qq >/dev/null &&
    apt-get install -y -qq --no-install-recommends ufw >/dev/null 2>&1 ||
    { echo "apt-get install ufw failed"; exit 1; }
  tar -C / -cf /root/ufw-as-installed.tar etc/ufw etc/default/ufw || exit 1
fi
ufw --force disable >/dev/null || { echo "ufw disable failed"; exit 1; }
rm -rf /etc/ufw && tar -C / -xf /root/ufw-as-installed.tar || exit 1
ufw allow 8080/tcp >/dev/null || { echo "ufw allow 8080/tcp failed"; exit 1; }
)SH";

// What the test installed, gone again: the twins as the tree has them.
constexpr const char* kPurge = R"SH(
ufw --force disable >/dev/null 2>&1
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq ufw iptables libip6tc2 \
  libnetfilter-conntrack3 libnfnetlink0 libnftnl11 netbase >/dev/null 2>&1
rm -f /root/ufw-as-installed.tar
! dpkg-query -W -f='${Status}\n' ufw iptables 2>/dev/null | grep -q 'ok installed'
)SH";

// Purges ufw from both twins when it goes out of scope (after the reset:
// declared before it), also when a check failed.
class PurgeUfw {
 public:
  explicit PurgeUfw(Twins twins) : twins_(std::move(twins)) {}
  ~PurgeUfw() {
    for (const auto* node : {&twins_.ansible, &twins_.hostprep}) {
      const auto out = OnNode(*node, kPurge);
      CHECK_MESSAGE(out.exit_code == 0, node->name << ": purge ufw: " << out.text);
    }
  }
  PurgeUfw(const PurgeUfw&) = delete;
  PurgeUfw& operator=(const PurgeUfw&) = delete;

 private:
  Twins twins_;
};

void CheckSameFirewall(const Twins& twins) {
  CheckSameOnBoth(twins,
                  "ufw status verbose; iptables -S ufw-user-input; ip6tables -S "
                  "ufw6-user-input");
  CheckSameFiles(twins, {"/etc/ufw/user.rules", "/etc/ufw/user6.rules", "/etc/ufw/ufw.conf",
                         "/etc/default/ufw"});
}

TEST_CASE("nspawn compat: ufw sets up a firewall as Ansible's does") {
  const Twins twins = NspawnTwins();
  PurgeUfw purge(twins);
  TwinsReset reset(twins, kReset);

  // Ansible's check mode says changed for a default policy while ufw is
  // inactive (its status shows none), where its real run says ok;
  // hostprep's predicts the real run. Otherwise the same results and
  // registered values.
  Both check = RunBoth(twins, kPlaybook, {"--check"});
  CHECK(check.ansible.recap[kHost]["changed"] == 9);
  CHECK(check.hostprep.recap[kHost]["changed"] == 7);
  std::vector<std::string> expected = check.ansible.Lines();
  for (std::string& line : expected) {
    for (const std::string task : {"deny incoming by default", "allow outgoing by default"})
      if (line == "changed: [HOST] " + task) line = "ok: [HOST] " + task;
    line = ReplaceAll(line, " changed=9 ", " changed=7 ");
  }
  CHECK_MESSAGE(expected == check.hostprep.Lines(), SideBySide(expected, check.hostprep.Lines()));
  CHECK(Has(CheckSameOnBoth(twins, "ufw status"), "Status: inactive"));

  Both first = RunBoth(twins, kPlaybook);
  CheckSame(first, 0);
  CHECK(first.hostprep.recap[kHost]["changed"] == check.hostprep.recap[kHost]["changed"]);
  CHECK(first.ansible.recap[kHost]["ignored"] == 1);
  CheckSameFirewall(twins);
  const std::string status = CheckSameOnBoth(twins, "ufw status verbose");
  INFO(status);
  CHECK(Has(status, "Status: active"));
  CHECK(Has(status, "22/tcp (OpenSSH)"));
  CHECK(Has(status, "# ssh from the lab"));
  CHECK_FALSE(Has(status, "8080"));

  Both again = RunBoth(twins, kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSameFirewall(twins);
}

}  // namespace
