// Ansible as the oracle for unarchive with zip archives (label `compat`):
// testdata/compat/unarchive_zip.yml runs with ansible-playbook on node1 and
// hostprep on node2 (compat_test_util.h): the check run, the real run (same
// results, registered values, files and their times), the re-run (nothing
// changed, one round trip), then a member changed in dest on both twins
// (extracted again). What the test writes is removed on both twins before
// and after, also when a check fails.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CheckSameOnBoth;
using hostprep::testing::compat::CleanPaths;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::NetnsNode;
using hostprep::testing::compat::NetnsTwins;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;

const std::vector<std::string> kZipDirs = {"/root/hpzip"};

// Makes /root/hpzip/rel/app.zip (the same bytes on both twins: fixed times,
// members in a fixed order, a private file, a 0750 directory, a symlink) and
// the directories the playbook extracts into.
constexpr const char* kMakeZip = R"SH(
set -e
out=/root/hpzip/rel
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$out" /root/hpzip/app /root/hpzip/nodocs /root/hpzip/guarded /root/hpzip/bin
mkdir -p "$w/app/bin" "$w/app/docs"
printf 'tool\n' >"$w/app/bin/tool"
printf 'helper\n' >"$w/app/bin/helper"
printf 'read me\n' >"$w/app/docs/README"
printf 'conf\n' >"$w/app/app.conf"
ln -s bin/tool "$w/app/tool-link"
chmod 755 "$w/app/bin/tool" "$w/app/bin/helper"
chmod 600 "$w/app/docs/README"
chmod 750 "$w/app/bin"
cd "$w"
touch -h -d @1700000000 app/bin/tool app/bin/helper app/docs/README app/app.conf app/tool-link
touch -d @1700000000 app/bin app/docs app
zip -q -y "$out/app.zip" app app/bin app/bin/tool app/bin/helper app/docs app/docs/README \
  app/app.conf app/tool-link
)SH";

// Each extracted file's modification time, sorted: unzip sets them from
// the archive (a directory's and a symlink's are the run's own).
constexpr const char* kTimes =
    "find /root/hpzip -path /root/hpzip/rel -prune -o -type f -exec stat -c '%n %Y' {} + | "
    "LC_ALL=C sort";

class ZipRelease {
 public:
  ZipRelease() {
    for (const char* node : {kAnsibleNode, kHostprepNode}) {
      const hostprep::testing::Output out = OnNode(NetnsNode(node), kMakeZip, {});
      REQUIRE_MESSAGE(out.exit_code == 0, out.text);
    }
  }

 private:
  CleanPaths clean_{kZipDirs};
};

TEST_CASE("compat: unarchive extracts zip archives on the target as Ansible's does") {
  const ZipRelease release;
  Both check = RunBoth("unarchive_zip.yml", {"--check"});
  CheckSame(check, 0);
  // Ansible's module checks a zip archive in check mode: all four would change.
  CHECK(check.ansible.recap[kHost]["changed"] == 4);

  Both run = RunBoth("unarchive_zip.yml");
  CheckSame(run, 0);
  CHECK(run.hostprep.recap[kHost]["changed"] == 3);
  CHECK(run.hostprep.recap[kHost]["skipped"] == 1);
  CheckSameFiles(kZipDirs);
  CHECK(CheckSameOnBoth(NetnsTwins(), kTimes).find("1700000000") != std::string::npos);

  Both again = RunBoth("unarchive_zip.yml");
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  // Unchanged, the play costs one round trip: each archive's listing, CRCs
  // and dest's stats ride in the probe.
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);

  // Same size and time, other bytes (only the CRC tells), and a mode that
  // is not the one asked for: extracted again, on both.
  const std::string tamper =
      "printf 'toox\\n' >/root/hpzip/app/app/bin/tool && "
      "touch -d @1700000000 /root/hpzip/app/app/bin/tool && "
      "chmod 600 /root/hpzip/nodocs/app/app.conf";
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    REQUIRE(OnNode(NetnsNode(node), tamper, {}).exit_code == 0);
  }
  Both tampered = RunBoth("unarchive_zip.yml");
  CheckSame(tampered, 0);
  CHECK(tampered.ansible.recap[kHost]["changed"] == 2);
  CheckSameFiles(kZipDirs);
  CheckSameOnBoth(NetnsTwins(), kTimes);
}

}  // namespace
