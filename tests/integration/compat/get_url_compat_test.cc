// Ansible's get_url (label `compat`): testdata/compat/get_url.yml runs with
// ansible-playbook on node1 and with hostprep on node2, each downloading
// from a web server in its own network namespace (Python's http.server on
// 127.0.0.1:18431, serving the same files on both twins, started by the
// test and stopped by PID). The test checks a check run predicts the real
// run's changes, the real run gives the same results and files, and the
// re-run changes nothing, in one round trip for hostprep: the checksum
// already there asks no server, and the file without one is answered 304.
#include <doctest/doctest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CleanPaths;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;

constexpr const char* kPlaybook = "get_url.yml";

// The files served, made the same on both twins, then the server started
// in the background; prints its PID once it answers.
constexpr const char* kServe = R"SH(
set -e
www=/tmp/hpc-www
rm -rf "$www"
mkdir -p "$www/releases" "$www/bin" "$www/conf" "$www/docs"
printf 'tool tarball stand-in\n' >"$www/releases/tool-1.2.3-linux-amd64.tar.gz"
printf 'arm tarball stand-in\n' >"$www/releases/tool-1.2.3-linux-arm64.tar.gz"
(cd "$www/releases" && sha256sum tool-1.2.3-linux-arm64.tar.gz tool-1.2.3-linux-amd64.tar.gz >SHA256SUMS)
printf 'kubectl stand-in\n' >"$www/bin/kubectl"
printf 'listen = 0.0.0.0\n' >"$www/conf/settings.conf"
printf 'read me\n' >"$www/docs/README.txt"
touch -d '2026-01-01 00:00:00' "$www"/*/*
cd "$www"
setsid /usr/bin/python3 -m http.server 18431 --bind 127.0.0.1 </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
  if curl -s -o /dev/null http://127.0.0.1:18431/; then echo "$pid"; exit 0; fi
  sleep 0.1
done
kill "$pid"
exit 1
)SH";

// A web server in each twin's network namespace, for the test's lifetime.
class Servers {
 public:
  Servers() {
    for (const char* node : {kAnsibleNode, kHostprepNode}) {
      const auto out = OnNode(node, kServe);
      REQUIRE_MESSAGE(out.exit_code == 0, "no web server on " << node << ": " << out.text);
      pids_.push_back(std::stoi(out.text));
    }
  }
  ~Servers() {
    for (int pid : pids_) ::kill(pid, SIGTERM);
    for (const char* node : {kAnsibleNode, kHostprepNode}) OnNode(node, "rm -rf /tmp/hpc-www");
  }
  Servers(const Servers&) = delete;
  Servers& operator=(const Servers&) = delete;

 private:
  std::vector<int> pids_;
};

TEST_CASE("compat: get_url downloads, checks and re-checks as Ansible's does") {
  CleanPaths clean({"/etc/hpc-get"});
  Servers servers;
  // There before the check run: Ansible's check mode fails a download into
  // a directory that an earlier task only would have made.
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    REQUIRE(OnNode(node, "mkdir -p /etc/hpc-get/bin && chmod 755 /etc/hpc-get /etc/hpc-get/bin")
                .exit_code == 0);
  }

  Both check = RunBoth(kPlaybook, {"--check"});
  CheckSame(check, 0);
  // The four downloads; the missing file fails, ignored.
  CHECK(check.ansible.recap[kHost]["changed"] == 4);
  CHECK(check.ansible.recap[kHost]["ignored"] == 1);

  Both first = RunBoth(kPlaybook);
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == 4);
  CHECK(first.ansible.recap[kHost]["ignored"] == 1);
  CheckSameFiles({"/etc/hpc-get"});

  Both again = RunBoth(kPlaybook);
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSameFiles({"/etc/hpc-get"});

  // The file changed on the host: the checksum brings the published one back.
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    OnNode(node, "printf 'tampered\\n' >/etc/hpc-get/bin/kubectl");
  }
  Both mend = RunBoth(kPlaybook);
  CheckSame(mend, 0);
  CHECK(mend.ansible.recap[kHost]["changed"] == 1);
  CheckSameFiles({"/etc/hpc-get"});
}

}  // namespace
