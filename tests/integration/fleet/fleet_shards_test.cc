// A fleet run as CI runs it: 30 netns hosts (the fixture `fleet_hosts`),
// the playbook run once over all of them and as 3 shards in 3 parallel
// processes (--shard I/3), whose --results files `report merge` turns into
// one recap, one JUnit report and one exit code; then --retry-failed. One
// host fails (node9, shard 1) and one is unreachable (node20, shard 2), so
// the shards exit 2, 3 and 0 and the merge must pick 2 as one run does.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/ssh_test_util.h"
#include "tests/junit_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::HostsDir;
using hostprep::testing::NormalJunit;
using hostprep::testing::Output;
using hostprep::testing::Section;
using hostprep::testing::Shell;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The state every run starts from: no marker, node9 broken, node20's sshd down.
constexpr const char* kSetUp = R"SH(
reset() {
  for i in $(seq 1 30); do $TH exec $D node$i rm -f /etc/hostprep-fleet.txt /etc/hostprep-fleet-broken; done
  $TH exec $D node9 touch /etc/hostprep-fleet-broken
}
RUN="$HP run tests/integration/testdata/fleet.yml -i $D/inventory.ini $SSH --color never"
recap() { sed -n '/^PLAY RECAP/,/^$/p' "$1"; }
$TH stop-sshd $D node20 >/dev/null
)SH";

TEST_CASE("fleet: three shards merged equal one run over 30 hosts") {
  // In the hosts' run dir, which the fixture removes whatever happens.
  const std::string dir = HostsDir() + "/fleet-test";
  Output out = Shell(std::string(kSetUp) + "T=" + dir + R"SH(
rm -rf $T; mkdir -p $T
reset
$RUN --junit $T/one.xml --results $T/one.json > $T/one.txt 2>&1
rc=$?; echo "== one exit"; echo $rc
reset
start=$(date +%s.%N)
for i in 1 2 3; do
  ( $RUN --shard $i/3 --junit $T/j$i.xml --results $T/r$i.json > $T/s$i.txt 2>&1; echo $? > $T/rc$i ) &
done
wait
echo "== shard exits"; cat $T/rc1 $T/rc2 $T/rc3
echo "== shard hosts"; for i in 1 2 3; do recap $T/s$i.txt | grep -o '^node[0-9]*'; done | sort -V | uniq -c | awk '{print $1}' | sort | uniq -c
echo "== shard 1 hosts"; recap $T/s1.txt | grep -o '^node[0-9]*' | sort -V | tr '\n' ' '; echo
$HP report merge $T/r1.json $T/r2.json $T/r3.json --junit $T/merged.xml --results $T/merged.json --color never > $T/merged.txt 2>&1
rc=$?; echo "== merge exit"; echo $rc
echo "== recaps equal"; recap $T/one.txt > $T/one.recap; recap $T/merged.txt > $T/merged.recap
cmp $T/one.recap $T/merged.recap && echo same
echo "== one recap"; cat $T/one.recap
echo "== xmllint"; xmllint --noout $T/one.xml $T/merged.xml && echo well-formed
echo "== retry list"; $RUN --retry-failed $T/merged.json --list-hosts | grep '^      node'
echo "== retry"
$TH exec $D node9 rm -f /etc/hostprep-fleet-broken
$TH start-sshd $D node20 >/dev/null
$RUN --retry-failed $T/merged.json --limit 'node1*:node20' > $T/retry.txt 2>&1
echo "exit $?"; recap $T/retry.txt
echo "== end"
)SH");
  INFO(out.text);
  CHECK(Section(out.text, "one exit") == "2\n");
  CHECK(Section(out.text, "shard exits") == "2\n3\n0\n");
  // 30 hosts, each in the recap of exactly one shard.
  CHECK(Section(out.text, "shard hosts") == "     30 1\n");
  CHECK(Section(out.text, "shard 1 hosts") ==
        "node7 node9 node10 node13 node15 node19 node21 node22 node24 \n");
  CHECK(Section(out.text, "merge exit") == "2\n");
  CHECK(Section(out.text, "recaps equal") == "same\n");
  const std::string recap = Section(out.text, "one recap");
  CHECK(Count(recap, "\nnode") == 30);
  CHECK(Has(recap, "node9                      : ok=2    changed=1    unreachable=0    failed=1"));
  CHECK(Has(recap, "node20                     : ok=0    changed=0    unreachable=1    failed=0"));
  CHECK(Count(recap, "ok=5    changed=1    unreachable=0    failed=0") == 14);  // odd nodes
  CHECK(Section(out.text, "xmllint") == "well-formed\n");
  CHECK(NormalJunit(ReadFile(dir + "/merged.xml")) == NormalJunit(ReadFile(dir + "/one.xml")));
  CHECK(Has(ReadFile(dir + "/merged.xml"), "failures=\"2\""));
  // Each of the two plays lists them.
  CHECK(Section(out.text, "retry list") ==
        "      node9\n      node20\n      node9\n      node20\n");
  // --retry-failed within --limit: node9 is not in 'node1*:node20'.
  CHECK(Has(Section(out.text, "retry"), "exit 0\n"));
  CHECK(Count(Section(out.text, "retry"), "\nnode") == 1);
  CHECK(Has(
      Section(out.text, "retry"),
      "node20                     : ok=4    changed=1    unreachable=0    failed=0    skipped=1"));
  Shell("$TH start-sshd $D node20 >/dev/null 2>&1; rm -rf " + dir);
}

}  // namespace
