// --junit and --results over real SSH: the files a CI job reads after a run
// with ok, changed, skipped and failed results, checked as GitLab, Jenkins
// and GitHub read them (xmllint for well-formedness, XPath for the elements
// and attributes they use; jq for the results).
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::Section;
using hostprep::testing::Shell;

TEST_CASE("ssh: --junit and --results describe every host's task results") {
  Output out = Shell(R"SH(
T=$(mktemp -d)
for h in node1 node2; do $TH exec $D $h rm -f /etc/hostprep-ci.txt; done
$HP run tests/integration/testdata/ci.yml -i $D/inventory.ini --limit node1:node2 $SSH --junit $T/report.xml --results $T/results.json > $T/out.txt
rc=$?
echo "== exit"; echo $rc
echo "== xmllint"; xmllint --noout $T/report.xml && echo well-formed
x() { echo "$1 = $(xmllint --xpath "$1" $T/report.xml)"; }
echo "== xpath"
x 'string(/testsuites/@name)'
for a in tests failures errors skipped; do x "string(/testsuites/@$a)"; x "string(/testsuites/testsuite/@$a)"; done
x 'count(/testsuites/@time)'
x 'count(/testsuites/testsuite)'
x 'string(/testsuites/testsuite/@name)'
x 'count(/testsuites/testsuite/@time)'
x 'count(//testcase[@classname and @name and @time])'
x 'count(//testcase[@classname="node1"])'
x 'string(//testcase[@classname="node2" and @name="fail on node2"]/failure/@message)'
x 'string(//testcase[@classname="node2" and @name="fail on node2"]/failure)'
x 'string(//testcase[@classname="node1" and @name="fail on node2"]/skipped/@message)'
x 'count(//testcase[@classname="node1" and @name="write marker"]/*[self::failure or self::skipped])'
echo "== results"
jq -r '.hostprep_results, .exit_code, .failed, .plays[0], (.hosts[] | "\(.host) \(.state) ok=\(.ok) changed=\(.changed) failed=\(.failed) skipped=\(.skipped)")' $T/results.json
jq -r '.results[] | "\(.host) \(.task) \(.status) \(.message // "-")"' $T/results.json | sort
echo "== end"
rm -rf $T
)SH");
  INFO(out.text);
  CHECK(Section(out.text, "exit") == "2\n");
  CHECK(Section(out.text, "xmllint") == "well-formed\n");
  CHECK(Section(out.text, "xpath") ==
        "string(/testsuites/@name) = hostprep\n"
        "string(/testsuites/@tests) = 8\n"
        "string(/testsuites/testsuite/@tests) = 8\n"
        "string(/testsuites/@failures) = 1\n"
        "string(/testsuites/testsuite/@failures) = 1\n"
        "string(/testsuites/@errors) = 0\n"
        "string(/testsuites/testsuite/@errors) = 0\n"
        "string(/testsuites/@skipped) = 2\n"
        "string(/testsuites/testsuite/@skipped) = 2\n"
        "count(/testsuites/@time) = 1\n"
        "count(/testsuites/testsuite) = 1\n"
        "string(/testsuites/testsuite/@name) = ci checks\n"
        "count(/testsuites/testsuite/@time) = 1\n"
        "count(//testcase[@classname and @name and @time]) = 8\n"
        "count(//testcase[@classname=\"node1\"]) = 4\n"
        "string(//testcase[@classname=\"node2\" and @name=\"fail on node2\"]/failure/@message) = "
        "non-zero return code 3: bad <thing> & \"more\"\n"
        "string(//testcase[@classname=\"node2\" and @name=\"fail on node2\"]/failure) = stdout:\n"
        "to stdout\nstderr:\nbad <thing> & \"more\"\n"
        "string(//testcase[@classname=\"node1\" and @name=\"fail on node2\"]/skipped/@message) = "
        "condition 'inventory_hostname == 'node2'' was false\n"
        "count(//testcase[@classname=\"node1\" and @name=\"write marker\"]/*[self::failure or "
        "self::skipped]) = 0\n");
  CHECK(Section(out.text, "results") ==
        "1\n2\ntrue\nci checks\n"
        "node1 ok ok=3 changed=2 failed=0 skipped=1\n"
        "node2 failed ok=2 changed=1 failed=1 skipped=1\n"
        "node1 fail on node2 skipped condition 'inventory_hostname == 'node2'' was false\n"
        "node1 only node1 changed -\n"
        "node1 read hostname ok -\n"
        "node1 write marker changed -\n"
        "node2 fail on node2 failed non-zero return code 3: bad <thing> & \"more\"\n"
        "node2 only node1 skipped condition 'inventory_hostname == 'node1'' was false\n"
        "node2 read hostname ok -\n"
        "node2 write marker changed -\n");
}

// Drift alerts (examples/drift): the metrics file of a check run (drift)
// and of a real one (a failure), read by Prometheus' own promtool, holds
// what each run's recap says, host by host.
TEST_CASE("ssh: --metrics-file gives Prometheus each host's drift, failures and run") {
  Output out = Shell(R"SH(
T=$(mktemp -d)
for h in node1 node2; do $TH exec $D $h rm -f /etc/hostprep-ci.txt; done
compare() {
  promtool check metrics < $T/hostprep.prom && echo "promtool accepts it"
  sed 's/playbook="[^"]*",//' $T/hostprep.prom > $T/plain
  for h in node1 node2; do
    for c in ok changed failed skipped; do
      recap=$(grep -E "^$h +:" $T/out.txt | grep -oE "$c=[0-9]+" | cut -d= -f2)
      metric=$(grep -F "hostprep_host_$c{host=\"$h\",check=\"$1\"} " $T/plain | cut -d' ' -f2)
      echo "$h $c recap $recap metric $metric"
    done
  done
  grep -E "^hostprep_(host_unreachable|run_exit_code|run_hosts)" $T/plain
  grep -c 'playbook="tests/integration/testdata/ci.yml"' $T/hostprep.prom
}
$HP run tests/integration/testdata/ci.yml -i $D/inventory.ini --limit node1:node2 $SSH --check --detailed-exitcode --metrics-file $T/hostprep.prom > $T/out.txt
echo "== check $?"
compare true
now=$(date +%s)
stamp=$(grep -E "^hostprep_run_last_timestamp_seconds" $T/hostprep.prom | cut -d' ' -f2 | cut -d. -f1)
[ $((now - stamp)) -ge 0 ] && [ $((now - stamp)) -lt 300 ] && echo "ended just now"
$HP run tests/integration/testdata/ci.yml -i $D/inventory.ini --limit node1:node2 $SSH --metrics-file $T/hostprep.prom > $T/out.txt
echo "== run $?"
compare false
echo "== files"; ls $T
echo "== rules"; promtool check rules examples/drift/alerts.yml
rm -rf $T
)SH");
  INFO(out.text);
  // Check mode: the shell task is skipped, what would change is drift (6).
  CHECK(Section(out.text, "check 6") ==
        "promtool accepts it\n"
        "node1 ok recap 1 metric 1\nnode1 changed recap 1 metric 1\n"
        "node1 failed recap 0 metric 0\nnode1 skipped recap 3 metric 3\n"
        "node2 ok recap 1 metric 1\nnode2 changed recap 1 metric 1\n"
        "node2 failed recap 0 metric 0\nnode2 skipped recap 3 metric 3\n"
        "hostprep_host_unreachable{host=\"node1\",check=\"true\"} 0\n"
        "hostprep_host_unreachable{host=\"node2\",check=\"true\"} 0\n"
        "hostprep_run_exit_code{check=\"true\"} 6\n"
        "hostprep_run_hosts{check=\"true\"} 2\n"
        "20\n"
        "ended just now\n");
  CHECK(Section(out.text, "run 2") ==
        "promtool accepts it\n"
        "node1 ok recap 3 metric 3\nnode1 changed recap 2 metric 2\n"
        "node1 failed recap 0 metric 0\nnode1 skipped recap 1 metric 1\n"
        "node2 ok recap 2 metric 2\nnode2 changed recap 1 metric 1\n"
        "node2 failed recap 1 metric 1\nnode2 skipped recap 1 metric 1\n"
        "hostprep_host_unreachable{host=\"node1\",check=\"false\"} 0\n"
        "hostprep_host_unreachable{host=\"node2\",check=\"false\"} 0\n"
        "hostprep_run_exit_code{check=\"false\"} 2\n"
        "hostprep_run_hosts{check=\"false\"} 2\n"
        "20\n");
  CHECK(Section(out.text, "files") == "hostprep.prom\nout.txt\nplain\n");  // no temp file left
  CHECK(Has(out.text, "SUCCESS: 4 rules found"));
}

TEST_CASE("ssh: a report file in a directory that does not exist stops the run before any host") {
  Output out = Shell(R"SH(
$HP run tests/integration/testdata/ci.yml -i $D/inventory.ini --limit node1 $SSH --junit /nonexistent/ci/report.xml
echo "exit $?"
$HP run tests/integration/testdata/ci.yml -i $D/inventory.ini --limit node1 $SSH --results /nonexistent/ci/results.json
echo "exit $?"
)SH");
  INFO(out.text);
  CHECK(out.text ==
        "hostprep run: --junit /nonexistent/ci/report.xml: the directory /nonexistent/ci does not "
        "exist (create it first)\nexit 5\n"
        "hostprep run: --results /nonexistent/ci/results.json: the directory /nonexistent/ci "
        "does not exist (create it first)\nexit 5\n");
}

}  // namespace
