// Ansible's mount (label `compat`): testdata/compat/mount.yml runs with
// ansible-playbook on node1 and with hostprep on node2. Each netns test host
// has a private mount namespace and its own /etc, so the tmpfs and bind
// mounts made here and the fstab edited are the host's alone, never the
// machine's; everything lives under /root/hpc-mount. The test compares
// results, registered values, the fstab, what findmnt shows and the
// directories, and unmounts everything and puts the fstab back on both
// twins before and after, also when a check fails.
#include <doctest/doctest.h>

#include <string>

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

constexpr const char* kPlaybook = "mount.yml";

// Unmounts everything below /root/hpc-mount (deepest first), removes it,
// puts back the fstab the host had and removes fstab backups.
constexpr const char* kClean = R"SH(
awk '$5 ~ "^/root/hpc-mount" { print $5 }' /proc/self/mountinfo | LC_ALL=C sort -r |
  while read -r m; do
    umount "$(printf '%b' "$m")" || umount -l "$(printf '%b' "$m")"
  done
! grep -q ' /root/hpc-mount' /proc/self/mountinfo || exit 1
rm -rf /root/hpc-mount
if [ -e /root/.hpc-fstab ]; then cat /root/.hpc-fstab >/etc/fstab && rm -f /root/.hpc-fstab; fi
rm -f /etc/fstab.*~
)SH";

// The state both twins start from: an fstab with comments, a root line, swap
// lines, a line whose directory exists, and a mounted tmpfs in it; a tmpfs
// mounted without a line; the bind mount's source.
constexpr const char* kSetup = R"SH(
set -e
cp /etc/fstab /root/.hpc-fstab
mkdir -p /root/hpc-mount/src /root/hpc-mount/old /root/hpc-mount/scratch /root/hpc-mount/gone
echo data >/root/hpc-mount/src/file
cat >/etc/fstab <<'EOF'
# /etc/fstab of the mount compat test
UUID=hpc-root /               ext4    errors=remount-ro 0       1
  # an indented comment

/dev/hpc-swap none swap sw 0 0
/hpc/swapfile swap swap defaults 0 0
/dev/hpc-old /root/hpc-mount/old ext4 defaults 0 2
tmpfs /root/hpc-mount/gone tmpfs defaults 0 0
odd line
EOF
mount -t tmpfs -o size=1m tmpfs /root/hpc-mount/scratch
mount -t tmpfs -o size=1m tmpfs /root/hpc-mount/gone
)SH";

// What the twins' mounts are: the fstab, findmnt below /root and the
// directories (findmnt's source of /root and of a bind mount names the
// host's state dir: HOST there).
constexpr const char* kState = R"SH(
echo "== fstab"; cat /etc/fstab
echo "== findmnt"; findmnt -rn -R -o TARGET,SOURCE,FSTYPE,OPTIONS /root | LC_ALL=C sort
echo "== dirs"; find /root/hpc-mount -exec stat -c '%n %F %a' {} + | LC_ALL=C sort
)SH";

class CleanMounts {
 public:
  CleanMounts() { Clean(); }
  ~CleanMounts() { Clean(); }
  CleanMounts(const CleanMounts&) = delete;
  CleanMounts& operator=(const CleanMounts&) = delete;

 private:
  static void Clean() {
    for (const char* node : {kAnsibleNode, kHostprepNode})
      CHECK_MESSAGE(OnNode(node, kClean).exit_code == 0, "could not unmount /root/hpc-mount");
  }
};

TEST_CASE("compat: mount keeps mounts and the fstab as Ansible's does") {
  CleanMounts clean;
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    const auto out = OnNode(node, kSetup);
    REQUIRE_MESSAGE(out.exit_code == 0, out.text);
  }
  const std::string before = CheckSameOnBoth(NetnsTwins(), kState);

  Both check = RunBoth(kPlaybook, {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 7);
  CHECK(check.hostprep.recap[kHost]["changed"] == 7);
  CHECK(CheckSameOnBoth(NetnsTwins(), kState) == before);

  Both first = RunBoth(kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == 7);
  const std::string after = CheckSameOnBoth(NetnsTwins(), kState);
  CHECK(after.find("tmpfs /root/hpc-mount/tmp/da\\040ta tmpfs size=1m,mode=0750 0 0\n") !=
        std::string::npos);
  CHECK(after.find("/root/hpc-mount/src /root/hpc-mount/bind none bind 0 0\n") !=
        std::string::npos);
  CHECK(after.find("/dev/hpc-later /root/hpc-mount/later ext4 noatime,noauto 1 2\n") !=
        std::string::npos);
  CHECK(after.find("swap") == std::string::npos);
  CHECK(after.find("/root/hpc-mount/gone") == std::string::npos);
  CHECK(after.find("/root/hpc-mount/scratch tmpfs") == std::string::npos);
  CHECK(after.find("/root/hpc-mount/tmp/da\\x20ta tmpfs tmpfs rw,relatime,size=1024k,mode=750") !=
        std::string::npos);

  Both again = RunBoth(kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CHECK(CheckSameOnBoth(NetnsTwins(), kState) == after);

  // New options: the fstab line changes and the tmpfs is remounted.
  Both resized = RunBoth(kPlaybook, {"-e", "tmpfs_size=2m"});
  CheckSame(resized, 0);
  CHECK(resized.ansible.recap[kHost]["changed"] == 1);
  const std::string remounted = CheckSameOnBoth(NetnsTwins(), kState);
  CHECK(
      remounted.find("/root/hpc-mount/tmp/da\\x20ta tmpfs tmpfs rw,relatime,size=2048k,mode=750") !=
      std::string::npos);
}

TEST_CASE("compat: mount ephemeral, remounted and failed mounts as Ansible's") {
  CleanMounts clean;
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    const auto out = OnNode(node,
                            "cp /etc/fstab /root/.hpc-fstab && mkdir -p /root/hpc-mount/other && "
                            "mount -t tmpfs -o size=1m tmpfs /root/hpc-mount/other");
    REQUIRE_MESSAGE(out.exit_code == 0, out.text);
  }
  const std::string before = CheckSameOnBoth(NetnsTwins(), kState);
  Both check = RunBoth("mount_states.yml", {"--check"});
  CheckSame(check, 0);
  CHECK(CheckSameOnBoth(NetnsTwins(), kState) == before);

  Both run = RunBoth("mount_states.yml");
  CheckSame(run, 0);
  CHECK(run.ansible.recap[kHost]["changed"] == 4);
  CHECK(run.ansible.recap[kHost]["ignored"] == 2);
  const std::string after = CheckSameOnBoth(NetnsTwins(), kState);
  // The failed mount left the fstab as it was and no directory behind;
  // the ephemeral mount's directories stay.
  CHECK(after.substr(0, after.find("== dirs")) == before.substr(0, before.find("== dirs")));
  CHECK(after.find("/root/hpc-mount/bad") == std::string::npos);
  CHECK(after.find("/root/hpc-mount/eph/data directory 755\n") != std::string::npos);
}

}  // namespace
