// Ansible as the oracle for wait_for and unarchive (label `compat`): the
// playbooks run with ansible-playbook on node1 and hostprep on node2
// (compat_test_util.h). Each test checks the check run, the real run (same
// results, registered values and files) and the re-run (nothing changed,
// and its cost in round trips). What the tests start (a listener, a
// background writer) is stopped and what they write is removed on both
// twins before and after each test, also when a check fails.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::RunCommand;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CleanPaths;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::NetnsNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::TempDir;

// Stops the wait_for playbook's listener on both twins (by its pid file)
// and removes its directory, when made and when it goes out of scope.
class StopListeners {
 public:
  StopListeners() { Stop(); }
  ~StopListeners() { Stop(); }
  StopListeners(const StopListeners&) = delete;
  StopListeners& operator=(const StopListeners&) = delete;

  static void Stop() {
    for (const char* node : {kAnsibleNode, kHostprepNode}) {
      OnNode(node,
             "f=/tmp/hpcompat-wait/listener.pid; "
             "if [ -s \"$f\" ]; then kill \"$(cat \"$f\")\" 2>/dev/null; fi; "
             "sleep 0.2; rm -rf /tmp/hpcompat-wait");
    }
  }
};

TEST_CASE("compat: wait_for waits for ports, files and patterns as Ansible's does") {
  StopListeners stop;
  // Ansible 2.14 skips wait_for in check mode; the service starts anyway.
  Both check = RunBoth("wait_for.yml", {"--check"});
  CheckSame(check, 0);
  stop.Stop();  // the check run started the listener too (check_mode: false)
  Both run = RunBoth("wait_for.yml");
  CheckSame(run, 0);
  CHECK(check.hostprep.recap[kHost]["changed"] == run.hostprep.recap[kHost]["changed"]);
  CHECK(run.hostprep.recap[kHost]["ignored"] == 2);
}

TEST_CASE("compat: wait_for on what is already there costs no round trip of its own") {
  CheckSame(RunBoth("wait_for_ready.yml", {"--check"}), 0);
  Both run = RunBoth("wait_for_ready.yml");
  CheckSame(run, 0);
  CHECK(run.hostprep.recap[kHost]["changed"] == 0);
  CHECK(run.ansible.recap[kHost]["changed"] == 0);
  CHECK(run.hostprep.recap[kHost]["round_trips"] == 1);
}

// Makes the release archives in DIR ($1), the same bytes wherever it runs:
// fixed times, owner 1001, sorted names.
constexpr const char* kMakeArchives = R"SH(
set -e
out=$1
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$out" "$w/cni" "$w/containerd/bin" "$w/helm/linux-amd64" "$w/tools/bin" "$w/tools/docs"
printf 'bridge plugin\n' >"$w/cni/bridge"
printf 'host-local plugin\n' >"$w/cni/host-local"
printf 'containerd\n' >"$w/containerd/bin/containerd"
printf 'ctr\n' >"$w/containerd/bin/ctr"
printf 'helm\n' >"$w/helm/linux-amd64/helm"
printf 'license\n' >"$w/helm/linux-amd64/LICENSE"
printf 'tool\n' >"$w/tools/bin/tool"
printf 'read me\n' >"$w/tools/docs/README"
chmod 755 "$w/cni/bridge" "$w/cni/host-local" "$w/containerd/bin/containerd" \
  "$w/containerd/bin/ctr" "$w/helm/linux-amd64/helm" "$w/tools/bin/tool"
chmod 600 "$w/tools/docs/README"
chmod 750 "$w/containerd/bin"
set -- --sort=name --mtime=@1700000000 --owner=1001 --group=1001 --numeric-owner
(cd "$w/cni" && tar "$@" -czf "$out/cni-plugins.tgz" ./bridge ./host-local)
(cd "$w/containerd" && tar "$@" -czf "$out/containerd.tar.gz" bin)
(cd "$w/helm" && tar "$@" -cJf "$out/helm.tar.xz" linux-amd64)
(cd "$w/tools" && tar "$@" -cjf "$out/tools.tar.bz2" bin docs)
(cd "$w/tools" && tar "$@" -cf "$out/plain.tar" bin)
printf 'not an archive\n' >"$out/notes.txt"
)SH";

const std::vector<std::string> kUnarchiveDirs = {"/root/hpcompat"};

// The releases: on the controller in a temp dir (named by `vars`, -e
// hp_archives=DIR) and on both twins (as a download role leaves them), and
// the directories the playbooks extract into; all removed at the end.
class Releases {
 public:
  Releases() {
    const hostprep::testing::Output made = RunCommand(
        "sh -c " + hostprep::testing::SingleQuoted(kMakeArchives) + " sh " + dir_.path().string());
    REQUIRE_MESSAGE(made.exit_code == 0, made.text);
    const std::string script = std::string(kMakeArchives) +
                               "mkdir -p /root/hpcompat/cni/bin /root/hpcompat/containerd "
                               "/root/hpcompat/helm /root/hpcompat/tools /root/hpcompat/plain "
                               "/root/hpcompat/upload\n";
    for (const char* node : {kAnsibleNode, kHostprepNode}) {
      const hostprep::testing::Output out = OnNode(NetnsNode(node), script, {"/root/hpcompat/rel"});
      REQUIRE_MESSAGE(out.exit_code == 0, out.text);
    }
  }
  std::vector<std::string> vars(bool check = false) const {
    std::vector<std::string> v = {"-e", "hp_archives=" + dir_.path().string()};
    if (check) v.push_back("--check");
    return v;
  }

 private:
  CleanPaths clean_{kUnarchiveDirs};
  TempDir dir_;
};

TEST_CASE("compat: unarchive installs release tarballs as Ansible's does") {
  const Releases releases;
  const std::vector<std::string> vars = releases.vars();
  const std::vector<std::string> check_args = releases.vars(/*check=*/true);

  Both check = RunBoth("unarchive.yml", check_args);
  CheckSame(check, 0);
  Both run = RunBoth("unarchive.yml", vars);
  CheckSame(run, 0);
  CheckSameFiles(kUnarchiveDirs);
  CHECK(run.hostprep.recap[kHost]["changed"] == 5);
  CHECK(run.hostprep.recap[kHost]["ignored"] == 3);
  // As Ansible's with tar, check mode skips the extractions it cannot tell.
  CHECK(check.hostprep.recap[kHost]["changed"] == 0);

  Both again = RunBoth("unarchive.yml", vars);
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CheckSameFiles(kUnarchiveDirs);
  // Unchanged, the whole play costs one round trip: the remote archives'
  // tar --diff rides in it, and the controller archive's creates.
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
}

TEST_CASE("compat: unarchive compares an uploaded archive with dest as Ansible's does") {
  const Releases releases;
  const std::vector<std::string> vars = releases.vars();
  const std::vector<std::string> check_args = releases.vars(/*check=*/true);
  CheckSame(RunBoth("unarchive_upload.yml", check_args), 0);
  Both run = RunBoth("unarchive_upload.yml", vars);
  CheckSame(run, 0);
  CHECK(run.hostprep.recap[kHost]["changed"] == 1);
  CheckSameFiles(kUnarchiveDirs);
  Both again = RunBoth("unarchive_upload.yml", vars);
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CheckSameFiles(kUnarchiveDirs);
  // The archive is sent and compared on the target each run, as Ansible
  // uploads it each run: the probe, then that round trip.
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 2);
}

}  // namespace
