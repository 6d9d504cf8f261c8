// Ansible as the oracle for wait_for_connection (label `compat`): the
// playbook runs with ansible-playbook on node1 and hostprep on node2
// (compat_test_util.h); and hostprep alone on node2 while its sshd is
// stopped and started again during the wait.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::Output;
using hostprep::testing::RunCommand;
using hostprep::testing::SingleQuoted;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::HostprepRun;
using hostprep::testing::compat::HostsDir;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::NetnsNode;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;

TEST_CASE("compat: wait_for_connection on a reachable host registers what Ansible's does") {
  CheckSame(RunBoth("wait_for_connection.yml", {"--check"}), 0);
  Both run = RunBoth("wait_for_connection.yml");
  CheckSame(run, 0);
  CHECK(run.hostprep.recap[kHost]["changed"] == 0);
  // One round trip for each wait, on the connection the run has: where
  // Ansible runs its ping module.
  CHECK(run.hostprep.recap[kHost]["round_trips"] == 2);
}

// Every sshd process of node2 (its listener and the sessions it forked) is
// ended while hostprep waits, and the listener started again 5 s later:
// the wait drops the dead session, is refused, and gets in once sshd is
// back. The processes are the test hosts' own (testhosts started sshd).
constexpr const char* kOutage = R"SH(
set -u
rm -f $T/h.out
OnNode() { tests/hosts/testhosts exec $D node2 "$@"; }
OnNode rm -f /tmp/hp-wfc-connected
$HP_RUN --limit node2 -o json $T/wfc.yml >$T/h.out 2>&1 &
hp=$!
for i in $(seq 1 100); do OnNode test -e /tmp/hp-wfc-connected && break; sleep 0.1; done
ns=$(jq -r '.[] | select(.name == "node2") | .netns' $D/hosts.json)
for p in $(ip netns pids "$ns"); do
  [ "$(cat /proc/$p/comm 2>/dev/null)" = sshd ] && kill "$p"
done
tests/hosts/testhosts stop-sshd $D node2
sleep 5
tests/hosts/testhosts start-sshd $D node2
wait $hp
echo "exit $?"
OnNode rm -f /tmp/hp-wfc-connected
)SH";

constexpr const char* kOutagePlaybook = R"YML(
- hosts: node2
  gather_facts: false
  tasks:
    - name: connected
      command: touch /tmp/hp-wfc-connected
    - name: wait
      wait_for_connection: {delay: 2, sleep: 1, timeout: 60, connect_timeout: 3}
      register: waited
    - name: back
      debug:
        msg: "waited {{ waited.elapsed }}"
    - name: runs again
      command: cat /etc/hostname
)YML";

TEST_CASE("wait_for_connection waits through an sshd that is stopped and started again") {
  hostprep::testing::compat::TempDir tmp;
  const std::string t = tmp.path().string();
  {
    std::ofstream pb(tmp.path() / "wfc.yml");
    pb << kOutagePlaybook;
  }
  const Output out =
      RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && D=" + HostsDir() + " T=" + t +
                 " HP_RUN=" + SingleQuoted(HostprepRun(NetnsNode(kHostprepNode))) + " bash -c " +
                 SingleQuoted(kOutage));
  // sshd is back whatever happened above.
  RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && tests/hosts/testhosts start-sshd " +
             HostsDir() + " node2");
  const std::string h = hostprep::testing::compat::ReadFile(tmp.path() / "h.out");
  INFO(out.text);
  INFO(h);
  CHECK(out.text.find("exit 0") != std::string::npos);
  const Output runs = OnNode(NetnsNode(kHostprepNode), "true");
  CHECK(runs.exit_code == 0);
  // The wait took the outage: at least the 5 s sshd was away, less the 2 s
  // delay and what connecting took.
  const size_t at = h.find("waited ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoi(h.substr(at + 7)) >= 3);
  CHECK(h.find("\"task\":\"runs again\",\"task_id\":\"runs-again\",\"handler\":false,"
               "\"status\":\"changed\"") != std::string::npos);
  CHECK(h.find("\"status\":\"unreachable\"") == std::string::npos);
}

}  // namespace
