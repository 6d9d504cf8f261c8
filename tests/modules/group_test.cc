// group against Ansible's module: the argv each case runs, the changed
// flag and what is registered, as ansible.builtin.group (2.14) decides them
// on Linux, and the arguments refused before any host is contacted.
#include "modules/group.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using hostprep::testing::ArgErrors;
using hostprep::testing::NormalizedArgs;

ReadResult Getent(int exit_code, std::string out) {
  ReadResult r;
  r.exec.exit_code = exit_code;
  r.exec.stdout_data = std::move(out);
  return r;
}

struct Case {
  const char* name;
  const char* args;  // JSON
  int getent_rc;     // 0 found, 2 missing
  const char* getent;
  bool changed;
  std::vector<std::string> argv;  // empty: no action
  const char* result;             // JSON
};

TEST_CASE("group plans Ansible's groupadd, groupmod and groupdel") {
  const std::vector<Case> cases = {
      {"new group",
       R"({"name": "ops"})",
       2,
       "",
       true,
       {"groupadd", "ops"},
       R"({"name": "ops", "state": "present", "system": false})"},
      {"new group with gid, non_unique and system",
       R"({"name": "ops", "gid": 4711, "non_unique": true, "system": true})",
       2,
       "",
       true,
       {"groupadd", "-g", "4711", "-o", "-r", "ops"},
       R"({"name": "ops", "state": "present", "system": true, "gid": 4711})"},
      {"existing group, no gid asked",
       R"({"name": "ops"})",
       0,
       "ops:x:1001:alice\n",
       false,
       {},
       R"({"name": "ops", "state": "present", "system": false, "gid": 1001})"},
      {"existing group, same gid",
       R"({"name": "ops", "gid": 1001})",
       0,
       "ops:x:1001:\n",
       false,
       {},
       R"({"name": "ops", "state": "present", "system": false, "gid": 1001})"},
      {"existing group, other gid",
       R"({"name": "ops", "gid": 4711})",
       0,
       "ops:x:1001:\n",
       true,
       {"groupmod", "-g", "4711", "ops"},
       R"({"name": "ops", "state": "present", "system": false, "gid": 4711})"},
      {"system does not move an existing group",
       R"({"name": "ops", "system": true})",
       0,
       "ops:x:1001:\n",
       false,
       {},
       R"({"name": "ops", "state": "present", "system": true, "gid": 1001})"},
      {"removed",
       R"({"name": "ops", "state": "absent"})",
       0,
       "ops:x:1001:\n",
       true,
       {"groupdel", "ops"},
       R"({"name": "ops", "state": "absent"})"},
      {"already gone",
       R"({"name": "ops", "state": "absent"})",
       2,
       "",
       false,
       {},
       R"({"name": "ops", "state": "absent"})"},
      {"a numeric name getent answers by gid is not that group",
       R"({"name": "1001"})",
       0,
       "ops:x:1001:\n",
       true,
       {"groupadd", "1001"},
       R"({"name": "1001", "state": "present", "system": false})"},
  };
  GroupModule module;
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const Value args = NormalizedArgs(module, Value::parse(c.args));
    REQUIRE(module.Probe(args, Value::object()).size() == 1);
    CHECK(module.Probe(args, Value::object())[0].argv ==
          std::vector<std::string>{"getent", "group", args["name"].get<std::string>()});
    Result<Change> change = module.Plan(args, {Getent(c.getent_rc, c.getent)}, Value::object());
    REQUIRE_MESSAGE(change.ok(), change.message());
    CHECK(change->changed == c.changed);
    if (c.argv.empty()) {
      CHECK(change->actions.empty());
    } else {
      REQUIRE(change->actions.size() == 1);
      CHECK(change->actions[0].argv == c.argv);
    }
    CHECK(nlohmann::json::parse(change->result.dump()) == nlohmann::json::parse(c.result));
  }
}

TEST_CASE("group refuses what would corrupt /etc/group, local and non_unique without gid") {
  GroupModule module;
  CHECK(ArgErrors(module, Value::parse(R"({"name": "a:b"})")) ==
        std::vector<std::string>{"name: name is 'a:b': it holds ':', the field separator of "
                                 "/etc/passwd and /etc/group: give it without one"});
  CHECK(ArgErrors(module, Value::parse(R"({"name": "a\nb"})")).size() == 1);
  CHECK(ArgErrors(module, Value::parse(R"({"name": "ops", "local": true})")) ==
        std::vector<std::string>{
            "local: local: true runs libuser's lgroupadd/lgroupmod/lgroupdel, which Debian "
            "does not ship and hostprep does not emulate: leave local out"});
  CHECK(ArgErrors(module, Value::parse(R"({"name": "ops", "non_unique": true})")) ==
        std::vector<std::string>{
            "non_unique: non_unique is True but all of the following are missing: gid"});
  CHECK(ArgErrors(module, Value::parse(R"({"name": "ops", "members": ["a"]})")).size() == 1);
}

TEST_CASE("group refuses hosts other than Linux and reports a failed getent") {
  GroupModule module;
  const Value args = NormalizedArgs(module, Value::parse(R"({"name": "ops"})"));
  const Value bsd = Value::parse(R"({"system": "FreeBSD"})");
  CHECK(module.Probe(args, bsd).empty());
  Result<Change> change = module.Plan(args, {}, bsd);
  REQUIRE(!change.ok());
  CHECK(change.message() ==
        "group runs the Linux account commands (useradd, groupadd...); this host is FreeBSD, "
        "which hostprep's group does not support");
  ReadResult broken = Getent(1, "");
  broken.exec.stderr_data = "getent: oops\n";
  CHECK(module.Plan(args, {broken}, Value::object()).message() ==
        "getent group 'ops' failed: getent: oops");
  CHECK(module.Plan(args, {Getent(0, "ops:x\n")}, Value::object()).message() ==
        "getent printed a group entry that is not one: 'ops:x'");
}

TEST_CASE("group parses getent's entries with their members") {
  Result<std::vector<GroupEntry>> e = ParseGroupEntries("sudo:x:27:alice,bob\nops:x:1001:\n");
  REQUIRE(e.ok());
  REQUIRE(e->size() == 2);
  CHECK((*e)[0].name == "sudo");
  CHECK((*e)[0].gid == 27);
  CHECK((*e)[0].members == std::vector<std::string>{"alice", "bob"});
  CHECK((*e)[1].members.empty());
}

}  // namespace
}  // namespace hostprep::modules
