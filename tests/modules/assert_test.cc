#include "modules/assert.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "engine/playbook/playbook.h"
#include "modules/builtin.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;
using testing::ArgErrors;
using testing::NormalizedArgs;

ReadResult Held(bool held) {
  ReadResult r;
  r.value = held;
  return r;
}

TEST_CASE("assert asks the controller for each condition, in order") {
  AssertModule module;
  Value args = NormalizedArgs(
      module, Value::object({{"that", Value::array({"ansible_memtotal_mb >= 1700", "x"})}}));
  std::vector<Read> reads = module.Probe(args, Value::object());
  REQUIRE(reads.size() == 2);
  CHECK(reads[0].kind == Read::Kind::kCondition);
  CHECK(reads[0].path == "ansible_memtotal_mb >= 1700");
  CHECK(reads[1].path == "x");
  CHECK(reads[1].on_controller());

  Value single = NormalizedArgs(module, Value::object({{"that", "x == 1"}}));
  REQUIRE(module.Probe(single, Value::object()).size() == 1);
}

TEST_CASE("assert passes with success_msg shown unless quiet") {
  AssertModule module;
  Value args = NormalizedArgs(module, Value::object({{"that", Value::array({"a", "b"})}}));
  Result<Change> change = module.Plan(args, {Held(true), Held(true)}, Value::object());
  REQUIRE(change.ok());
  CHECK_FALSE(change->failed);
  CHECK_FALSE(change->changed);
  CHECK(change->result["msg"] == "All assertions passed");
  CHECK(change->display == Value::object({{"changed", false}, {"msg", "All assertions passed"}}));

  Value quiet = NormalizedArgs(
      module, Value::object({{"that", "a"}, {"quiet", true}, {"success_msg", "fine"}}));
  Result<Change> silent = module.Plan(quiet, {Held(true)}, Value::object());
  REQUIRE(silent.ok());
  CHECK(silent->result["msg"] == "fine");
  CHECK(silent->display.is_null());
}

TEST_CASE("assert fails on the first false condition and names it") {
  AssertModule module;
  Value args = NormalizedArgs(
      module, Value::object({{"that", Value::array({"a", "b", "c"})}, {"msg", "too small"}}));
  Result<Change> change =
      module.Plan(args, {Held(true), Held(false), Held(false)}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "too small");
  CHECK(change->result ==
        Value::object({{"assertion", "b"}, {"evaluated_to", false}, {"msg", "too small"}}));
  Value shown = change->result;
  shown["changed"] = false;  // Ansible shows it
  CHECK(change->display == shown);

  Value plain = NormalizedArgs(module, Value::object({{"that", "a"}}));
  Result<Change> failed = module.Plan(plain, {Held(false)}, Value::object());
  REQUIRE(failed.ok());
  CHECK(failed->message == "Assertion failed");
}

TEST_CASE("assert fails the task when a condition cannot be evaluated") {
  AssertModule module;
  Value args = NormalizedArgs(module, Value::object({{"that", "size > 1"}}));
  ReadResult broken;
  broken.status = Status::Error("'size' is undefined");
  Result<Change> change = module.Plan(args, {broken}, Value::object());
  REQUIRE_FALSE(change.ok());
  CHECK(change.message().find("'size' is undefined") != std::string::npos);
}

TEST_CASE("assert arguments are checked before any host is contacted") {
  AssertModule module;
  CHECK(ArgErrors(module, Value::object({{"that", Value::array()}})) ==
        Words{"that: 'that' must be a condition or a non-empty list of conditions"});
  CHECK(ArgErrors(module, Value::object({{"that", "a"}, {"fail_msg", Value::object()}})) ==
        Words{"fail_msg: 'fail_msg' must be a string or a list of strings, got a mapping"});
  CHECK_FALSE(ArgErrors(module, Value::object()).empty());
}

TEST_CASE("a syntax error in assert's that or debug's var is found when the playbook is read") {
  ModuleRegistry registry;
  RegisterBuiltinModules(&registry);
  Diagnostics diags;
  std::unique_ptr<Playbook> playbook = ParsePlaybookString(
      "- hosts: all\n"
      "  tasks:\n"
      "    - assert:\n"
      "        that:\n"
      "          - ok\n"
      "          - \"(cpus\"\n"
      "    - debug: var=\"a +\"\n"
      "    - ansible.builtin.assert: {that: ansible_memtotal_mb >= 1700}\n",
      "/srv/site.yml", registry, &diags);
  CHECK(playbook == nullptr);
  REQUIRE(diags.size() == 2);
  CHECK(diags.items()[0].location.ToString() == "/srv/site.yml:6:13");
  CHECK(diags.items()[0].message.find("syntax error") != std::string::npos);
  CHECK(diags.items()[1].location.ToString() == "/srv/site.yml:7:14");
}

TEST_CASE("assert and debug expressions are known to read their variables") {
  ModuleRegistry registry;
  RegisterBuiltinModules(&registry);
  Diagnostics diags;
  std::unique_ptr<Playbook> playbook = ParsePlaybookString(
      "- hosts: all\n"
      "  tasks:\n"
      "    - assert: {that: [cpus >= 2, mem > 1]}\n",
      "/srv/site.yml", registry, &diags);
  REQUIRE_MESSAGE(playbook != nullptr, diags.Format());
  const TaskSpec& task = playbook->plays[0].tasks[0];
  REQUIRE(task.arg_expressions.size() == 2);
  CHECK(task.arg_expressions[1].text == "mem > 1");
}

}  // namespace
}  // namespace hostprep::modules
