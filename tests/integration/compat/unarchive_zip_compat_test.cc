// Ansible as the oracle for unarchive with zip archives (label `compat`):
// testdata/compat/unarchive_zip.yml runs with ansible-playbook on node1 and
// hostprep on node2 (compat_test_util.h): the check run, the real run (same
// results, registered values, files and their times), the re-run (nothing
// changed), then a member changed in dest on both twins (extracted again). What the test writes is
// removed on both twins before and after, also when a check fails.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::RunCommand;
using hostprep::testing::SingleQuoted;
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
using hostprep::testing::compat::TempDir;

const std::vector<std::string> kZipDirs = {"/root/hpzip"};

// Makes $1/app.zip (the same bytes wherever it runs: fixed times, members
// in a fixed order, a private file, a 0750 directory, a symlink).
constexpr const char* kMakeZip = R"SH(
set -e
out=$1
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$out" "$w/app/bin" "$w/app/docs"
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

// The release in /root/hpzip/rel on both twins (as a download role leaves
// it) and on the controller (-e hp_zip=PATH), and the directories the
// playbook extracts into; all removed at the end.
class ZipRelease {
 public:
  ZipRelease() {
    const hostprep::testing::Output made =
        RunCommand("sh -c " + SingleQuoted(kMakeZip) + " sh " + SingleQuoted(dir_.path().string()));
    REQUIRE_MESSAGE(made.exit_code == 0, made.text);
    for (const char* node : {kAnsibleNode, kHostprepNode}) {
      const hostprep::testing::Output out =
          OnNode(NetnsNode(node),
                 std::string(kMakeZip) +
                     "mkdir -p /root/hpzip/app /root/hpzip/nodocs /root/hpzip/guarded "
                     "/root/hpzip/bin /root/hpzip/upload\n",
                 {"/root/hpzip/rel"});
      REQUIRE_MESSAGE(out.exit_code == 0, out.text);
    }
  }
  std::vector<std::string> vars(bool check = false) const {
    std::vector<std::string> v = {"-e", "hp_zip=" + dir_.path().string() + "/app.zip"};
    if (check) v.push_back("--check");
    return v;
  }

 private:
  CleanPaths clean_{kZipDirs};
  TempDir dir_;
};

TEST_CASE(
    "compat: unarchive extracts zip archives from the host and the controller as Ansible's does") {
  const ZipRelease release;
  Both check = RunBoth("unarchive_zip.yml", release.vars(/*check=*/true));
  CheckSame(check, 0);
  // Ansible's module checks a zip archive in check mode: all five would change.
  CHECK(check.ansible.recap[kHost]["changed"] == 5);

  Both run = RunBoth("unarchive_zip.yml", release.vars());
  CheckSame(run, 0);
  CHECK(run.hostprep.recap[kHost]["changed"] == 4);
  CHECK(run.hostprep.recap[kHost]["skipped"] == 1);
  CheckSameFiles(kZipDirs);
  CHECK(CheckSameOnBoth(NetnsTwins(), kTimes).find("1700000000") != std::string::npos);

  Both again = RunBoth("unarchive_zip.yml", release.vars());
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  // Unchanged: the host's archives' listings, CRCs and dest's stats ride in
  // the probe; the controller's archive, read there, needs dest's side read
  // in one more round trip (Ansible uploads it each run).
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 2);

  // Same size and time, other bytes (only the CRC tells), and a mode that
  // is not the one asked for: extracted again, on both.
  const std::string tamper =
      "printf 'toox\\n' >/root/hpzip/app/app/bin/tool && "
      "touch -d @1700000000 /root/hpzip/app/app/bin/tool && "
      "chmod 600 /root/hpzip/nodocs/app/app.conf";
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    REQUIRE(OnNode(NetnsNode(node), tamper, {}).exit_code == 0);
  }
  Both tampered = RunBoth("unarchive_zip.yml", release.vars());
  CheckSame(tampered, 0);
  CHECK(tampered.ansible.recap[kHost]["changed"] == 2);
  CheckSameFiles(kZipDirs);
  CheckSameOnBoth(NetnsTwins(), kTimes);
}

}  // namespace
