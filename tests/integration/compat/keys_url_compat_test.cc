// Ansible's apt_key with `url` and get_url with credentials (label
// `compat`): testdata/compat/keys_url.yml runs with ansible-playbook on
// node1 and hostprep on node2, each against a web server in its own network
// namespace (Python on 127.0.0.1:18432, started by the test and stopped by
// PID) serving a directory made for the run under /var/tmp, which the test
// hosts share: a key made for the run with gpg, a file behind basic auth, a
// file behind a token header. The test checks the real run (same results
// and files), that the password is in no argument of any command hostprep
// ran on the host, and the re-run (nothing changed).
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::RunCommand;
using hostprep::testing::SingleQuoted;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CleanPaths;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;

// The served files in $1: the public key of a key made for the run (in a
// temp GNUPGHOME, removed), a file behind basic auth, one behind a header.
constexpr const char* kMakeWww = R"SH(
set -e
www=$1
export GNUPGHOME="$www.gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill all 2>/dev/null; rm -rf "$GNUPGHOME"' EXIT
mkdir -p "$www/private" "$www/token"
gpg --batch --quiet --passphrase '' --quick-gen-key \
  'hostprep key test <key-test@hostprep.invalid>' ed25519 sign never 2>/dev/null
gpg --batch --export >"$www/key.gpg"
printf 'tool binary stand-in\n' >"$www/private/tool.bin"
printf 'listen = 0.0.0.0\n' >"$www/token/settings.conf"
touch -d '2026-01-01 00:00:00' "$www/key.gpg" "$www/private/tool.bin" "$www/token/settings.conf"
chmod -R a+rX "$www"
)SH";

// Python's http.server for $1 on 127.0.0.1:18432, /private/ behind basic
// auth (alice:s3cret), /token/ behind X-Token: t0ken; prints its PID once
// it answers.
constexpr const char* kServe = R"SH(
cat >/tmp/hpk-server.py <<'PY'
import base64, http.server, os, sys

class Handler(http.server.SimpleHTTPRequestHandler):
    def allowed(self):
        if self.path.startswith('/private/'):
            want = 'Basic ' + base64.b64encode(b'alice:s3cret').decode()
            if self.headers.get('Authorization') != want:
                self.send_response(401)
                self.send_header('WWW-Authenticate', 'Basic realm="hostprep"')
                self.send_header('Content-Length', '0')
                self.end_headers()
                return False
        if self.path.startswith('/token/') and self.headers.get('X-Token') != 't0ken':
            self.send_error(403)
            return False
        return True

    def do_GET(self):
        if self.allowed():
            super().do_GET()

    def do_HEAD(self):
        if self.allowed():
            super().do_HEAD()

    def log_message(self, *args):
        pass

os.chdir(sys.argv[1])
http.server.HTTPServer(('127.0.0.1', 18432), Handler).serve_forever()
PY
setsid /usr/bin/python3 /tmp/hpk-server.py "$1" </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
  if curl -s -o /dev/null http://127.0.0.1:18432/; then echo "$pid"; exit 0; fi
  sleep 0.1
done
kill "$pid"
exit 1
)SH";

// The served directory and a web server in each twin's network namespace,
// for the test's lifetime.
class KeyServers {
 public:
  KeyServers() {
    const auto dir = RunCommand("mktemp -d /var/tmp/hostprep-keys.XXXXXX");
    REQUIRE(dir.exit_code == 0);
    dir_ = dir.text.substr(0, dir.text.find_last_not_of(" \n") + 1);
    const auto made = RunCommand("sh -c " + SingleQuoted(kMakeWww) + " sh " + SingleQuoted(www()));
    REQUIRE_MESSAGE(made.exit_code == 0, made.text);
    for (const char* node : {kAnsibleNode, kHostprepNode}) {
      const auto out = OnNode(hostprep::testing::compat::NetnsNode(node), kServe, {www()});
      REQUIRE_MESSAGE(out.exit_code == 0, "no web server on " << node << ": " << out.text);
      pids_.push_back(std::stoi(out.text));
    }
  }
  ~KeyServers() {
    for (int pid : pids_) ::kill(pid, SIGTERM);
    for (const char* node : {kAnsibleNode, kHostprepNode})
      OnNode(node, "rm -f /tmp/hpk-server.py; rm -rf /root/.gnupg");
    RunCommand("rm -rf " + SingleQuoted(dir_));
  }
  KeyServers(const KeyServers&) = delete;
  KeyServers& operator=(const KeyServers&) = delete;

  // Under /var/tmp, which the test hosts see.
  std::string www() const { return dir_ + "/www"; }

 private:
  std::string dir_;
  std::vector<int> pids_;
};

TEST_CASE("compat: apt_key from a URL and get_url with credentials as Ansible's do") {
  CleanPaths clean({"/root/hpkeys"});
  KeyServers servers;
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node, "mkdir -p /root/hpkeys && chmod 755 /root/hpkeys").exit_code == 0);
  Both run = RunBoth("keys_url.yml");
  CheckSame(run, 0);
  CHECK(run.ansible.recap[kHost]["changed"] == 3);
  CHECK(run.ansible.recap[kHost]["ignored"] == 1);
  CheckSameFiles({"/root/hpkeys"});
  // Nor in hostprep's output (modules/get_url_test.cc checks curl's argv).
  CHECK(run.hostprep.raw.find("s3cret") == std::string::npos);

  Both again = RunBoth("keys_url.yml");
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  // The probe (the key's URL downloaded to read its id, as Ansible's), then
  // one round trip for each of the three downloads that ask the server with
  // their secrets on stdin (a probe's read has no stdin to carry them).
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 4);
  CheckSameFiles({"/root/hpkeys"});
}

}  // namespace
