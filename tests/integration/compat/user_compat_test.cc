// Ansible as the oracle for the account modules (label `compat`): group.yml
// and user.yml run with ansible-playbook on node1 and hostprep on node2
// (compat_test_util.h); each test checks a check run changes nothing, the
// real run gives the same results and the same account databases and
// homes, and the re-run changes nothing in one round trip. The accounts
// are removed on both twins before and after each test.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameOnBoth;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::NetnsTwins;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;

// Removes the test accounts (users with their homes, then groups) on both
// twins when made and again when it goes out of scope.
class CleanAccounts {
 public:
  CleanAccounts() { Clean(); }
  ~CleanAccounts() { Clean(); }
  CleanAccounts(const CleanAccounts&) = delete;
  CleanAccounts& operator=(const CleanAccounts&) = delete;

 private:
  static void Clean() {
    constexpr const char* kScript = R"SH(
for u in $(getent passwd | cut -d: -f1 | grep '^hpc-'); do userdel -r -f "$u" >/dev/null 2>&1; done
for g in $(getent group | cut -d: -f1 | grep '^hpc-'); do groupdel "$g" >/dev/null 2>&1; done
rm -rf /home/hpc-*
! getent passwd | grep -q '^hpc-' && ! getent group | grep -q '^hpc-'
)SH";
    for (const char* node : {kAnsibleNode, kHostprepNode})
      CHECK_MESSAGE(OnNode(node, kScript).exit_code == 0, "could not remove the test accounts");
  }
};

// The test accounts' lines in the account databases (the key files' names,
// modes and owners and the public key's type and comment: the keys
// themselves are random), and the homes.
constexpr const char* kAccounts = R"SH(
for f in passwd shadow group gshadow; do
  echo "== $f"
  grep -E '^(hpc-[^:]*|sudo):' "/etc/$f"
done
echo "== homes"
for h in /home/hpc-*; do
  [ -e "$h" ] || continue
  find "$h" -exec stat -c '%n %F %a %U %G' {} + | LC_ALL=C sort
done
for k in /home/hpc-*/.ssh/*.pub; do
  [ -e "$k" ] && cut -d' ' -f1,3- "$k"
done
test -e /nonexistent && echo /nonexistent exists
true
)SH";

// Runs `playbook` on both twins: a check run that changes nothing, a run
// that leaves the same accounts on both, and a re-run that changes nothing
// on either in one round trip. Returns the accounts after the run (the
// Ansible twin's, its name as kHost).
std::string RunAccountsPlaybook(const std::string& playbook) {
  const std::string before = CheckSameOnBoth(NetnsTwins(), kAccounts);
  CheckSame(RunBoth(playbook, {"--check"}), 0);
  CHECK(CheckSameOnBoth(NetnsTwins(), kAccounts) == before);
  CheckSame(RunBoth(playbook), 0);
  const std::string after = CheckSameOnBoth(NetnsTwins(), kAccounts);
  Both again = RunBoth(playbook);
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(CheckSameOnBoth(NetnsTwins(), kAccounts) == after);
  // Unchanged, the whole play costs one round trip: the reads of every task.
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  return after;
}

TEST_CASE("compat: group keeps groups as Ansible's does") {
  CleanAccounts clean;
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node, "groupadd -g 4790 hpc-moved && groupadd hpc-old").exit_code == 0);
  const std::string after = RunAccountsPlaybook("group.yml");
  CHECK(after.find("hpc-ops:x:4711:\n") != std::string::npos);
  CHECK(after.find("hpc-moved:x:4712:\n") != std::string::npos);
  CHECK(after.find("hpc-old") == std::string::npos);
}

TEST_CASE("compat: user keeps accounts, homes and keys as Ansible's does") {
  CleanAccounts clean;
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node, "useradd -m -s /bin/sh hpc-old && touch /home/hpc-old/notes").exit_code ==
            0);
  const std::string after = RunAccountsPlaybook("user.yml");
  CHECK(after.find("hpc-deploy:x:4801:4801:Deploy user:/home/hpc-deploy:/bin/bash\n") !=
        std::string::npos);
  CHECK(after.find("/home/hpc-deploy/.ssh/id_ed25519 regular file 600 hpc-deploy hpc-deploy\n") !=
        std::string::npos);
  CHECK(after.find("ssh-ed25519 ansible-generated on HOST\n") != std::string::npos);
  CHECK(after.find("hpc-locked:!$6$hpcompatsalt$") != std::string::npos);
  CHECK(after.find("/home/hpc-old") == std::string::npos);
}

TEST_CASE("compat: user changes existing accounts as Ansible's does") {
  CleanAccounts clean;
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "groupadd -g 4810 hpc-a && groupadd -g 4811 hpc-b && "
                   "useradd -m -u 4812 -G hpc-a,sudo -s /bin/sh -c Old hpc-app && "
                   "touch /home/hpc-app/data && useradd -M -u 4813 hpc-nohome && "
                   "useradd -M -u 4814 -G hpc-a -p '!$6$x$y' hpc-unlock")
                .exit_code == 0);
  const std::string after = RunAccountsPlaybook("user_changes.yml");
  CHECK(after.find("hpc-app:x:4812:4812:App:/home/hpc-app2:/bin/bash\n") != std::string::npos);
  CHECK(after.find("/home/hpc-app2/data regular empty file 644 root root\n") != std::string::npos);
  CHECK(after.find("/home/hpc-nohome/.profile regular file 644 hpc-nohome hpc-nohome\n") !=
        std::string::npos);
  CHECK(after.find("hpc-unlock:$6$x$y:") != std::string::npos);
}

}  // namespace
