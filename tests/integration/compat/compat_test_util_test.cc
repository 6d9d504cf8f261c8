// The compat harness itself, on canned output of both tools: what it reads
// from each, and that a difference is shown. No host is contacted.
#include "tests/integration/compat/compat_test_util.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using hostprep::testing::compat::ReadAnsible;
using hostprep::testing::compat::ReadHostprep;
using hostprep::testing::compat::Run;
using hostprep::testing::compat::SideBySide;

// ansible.posix.json's document for a play on node1: an ignored failure, a
// loop with a skipped item, a loop whose failed item was ignored, then a
// failure that stops the host.
constexpr const char* kAnsible = R"JSON({"custom_stats": {}, "global_custom_stats": {},
 "plays": [{"play": {"name": "p on node1"}, "tasks": [
  {"task": {"name": "probe"}, "hosts": {"node1": {"changed": true, "failed": true, "rc": 1}}},
  {"task": {"name": "dirs"}, "hosts": {"node1": {"changed": true, "results": [
    {"ansible_loop_var": "item", "item": "a", "changed": true},
    {"ansible_loop_var": "item", "item": "b", "skipped": true, "changed": false}]}}},
  {"task": {"name": "checks"}, "hosts": {"node1": {"changed": false, "failed": true, "results": [
    {"ansible_loop_var": "dir", "dir": {"k": 1}, "changed": false, "failed": true},
    {"ansible_loop_var": "dir", "dir": {"k": 2}, "changed": false}]}}},
  {"task": {"name": "packages"}, "hosts": {"node1": {"changed": false, "results": ["Installed x"]}}},
  {"task": {"name": "empty loop"}, "hosts": {"node1": {"changed": false, "skipped": true,
    "results": []}}},
  {"task": {"name": "stop"}, "hosts": {"node1": {"changed": false, "failed": true}}}]}],
 "stats": {"node1": {"changed": 2, "failures": 1, "ignored": 2, "ok": 4, "rescued": 0,
   "skipped": 1, "unreachable": 0}}})JSON";

// hostprep's events for the same run on node2.
constexpr const char* kHostprep =
    R"JSON({"event":"play_start","play":"p on node2","hosts":["node2"]}
{"event":"task","host":"node2","task":"probe","status":"ignored"}
{"event":"task","host":"node2","task":"dirs","item":"a","status":"changed"}
{"event":"task","host":"node2","task":"dirs","item":"b","status":"skipped"}
{"event":"task","host":"node2","task":"checks","item":{"k":1},"status":"ignored"}
{"event":"task","host":"node2","task":"checks","item":{"k":2},"status":"ok"}
{"event":"task","host":"node2","task":"packages","status":"ok"}
{"event":"task","host":"node2","task":"empty loop","status":"skipped"}
{"event":"task","host":"node2","task":"stop","status":"failed"}
{"event":"recap","hosts":{"node2":{"ok":4,"changed":2,"unreachable":0,"failed":1,"skipped":1,"rescued":0,"ignored":2,"cost":{}}}}
{"event":"run_end","exit_code":2}
)JSON";

const std::vector<std::string> kExpected = {
    "PLAY [p on HOST]",
    "ignored: [HOST] probe",
    "changed: [HOST] dirs (item=\"a\")",
    "skipped: [HOST] dirs (item=\"b\")",
    "ignored: [HOST] checks (item={\"k\":1})",
    "ok: [HOST] checks (item={\"k\":2})",
    "ok: [HOST] packages",
    "skipped: [HOST] empty loop",
    "failed: [HOST] stop",
    "RECAP HOST: ok=4 changed=2 unreachable=0 failed=1 skipped=1 rescued=0 ignored=2",
    "EXIT 2",
};

TEST_CASE("compat harness: reads Ansible's JSON, telling ignored failures from the last one") {
  Run run = ReadAnsible(kAnsible, "", 2, "node1");
  CHECK(run.error.empty());
  CHECK(run.Lines() == kExpected);
}

TEST_CASE("compat harness: reads hostprep's JSON events into the same lines") {
  Run run = ReadHostprep(kHostprep, "", 2, "node2");
  CHECK(run.error.empty());
  CHECK(run.Lines() == kExpected);
}

TEST_CASE("compat harness: compares what debug and assert show, not each tool's own keys") {
  Run ansible = ReadAnsible(R"JSON({"plays": [{"play": {"name": "p"}, "tasks": [
  {"task": {"name": "say"}, "hosts": {"node1": {"_ansible_verbose_always": true,
    "_ansible_no_log": false, "action": "debug", "changed": false, "msg": "on node1"}}},
  {"task": {"name": "cmd"}, "hosts": {"node1": {"action": "command", "changed": true,
    "stdout": "x"}}},
  {"task": {"name": "check"}, "hosts": {"node1": {"action": "assert", "changed": false,
    "failed": true, "assertion": "a", "evaluated_to": false, "msg": "no"}}}]}],
 "stats": {"node1": {"changed": 1, "failures": 1, "ignored": 0, "ok": 1, "rescued": 0,
   "skipped": 0, "unreachable": 0}}})JSON",
                            "", 2, "node1");
  Run hostprep = ReadHostprep(
      R"JSON({"event":"play_start","play":"p","hosts":["node2"]}
{"event":"task","host":"node2","task":"say","status":"ok","display":{"msg":"on node2"}}
{"event":"task","host":"node2","task":"cmd","status":"changed","result":{"stdout":"x"}}
{"event":"task","host":"node2","task":"check","status":"failed","display":{"assertion":"a","changed":false,"evaluated_to":false,"msg":"no"}}
{"event":"recap","hosts":{"node2":{"ok":1,"changed":1,"unreachable":0,"failed":1,"skipped":0,"rescued":0,"ignored":0}}}
)JSON",
      "", 2, "node2");
  const std::vector<std::string> expected = {
      "PLAY [p]",
      "ok: [HOST] say => {\"msg\":\"on HOST\"}",
      "changed: [HOST] cmd",
      "failed: [HOST] check => {\"assertion\":\"a\",\"evaluated_to\":false,\"msg\":\"no\"}",
      "RECAP HOST: ok=1 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0",
      "EXIT 2",
  };
  CHECK(ansible.Lines() == expected);
  CHECK(hostprep.Lines() == expected);
}

TEST_CASE("compat harness: output that is not JSON is an error, not an empty run") {
  CHECK(ReadAnsible("ERROR! the playbook could not be found", "", 1, "node1").error ==
        "ansible-playbook printed no JSON document");
  CHECK(ReadHostprep("", "site.yml:3:5: unknown key", 4, "node2").error ==
        "hostprep printed no play");
}

TEST_CASE("compat harness: shows both runs side by side and marks the lines that differ") {
  CHECK(SideBySide({"PLAY [p]", "ok: [HOST] a", "EXIT 0"}, {"PLAY [p]", "skipped: [HOST] a"}) ==
        "ansible-playbook (node1)   hostprep (node2)\n"
        "PLAY [p]                   PLAY [p]\n"
        "ok: [HOST] a             | skipped: [HOST] a\n"
        "EXIT 0                   | \n");
}

}  // namespace
