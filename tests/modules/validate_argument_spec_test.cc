#include "modules/validate_argument_spec.h"

#include <doctest/doctest.h>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::ArgErrors;
using testing::NormalizedArgs;

TEST_CASE("validate_argument_spec passes good values without reading or changing anything") {
  ValidateArgumentSpecModule m;
  const Value args = NormalizedArgs(m, Value::parse(R"({
    "argument_spec": {"port": {"type": "int", "required": true}},
    "provided_arguments": {"port": "8080"}})"));
  CHECK(m.Probe(args, Value::object()).empty());
  Result<Change> c = m.Plan(args, {}, Value::object());
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->result["msg"] == "The arg spec validation passed");
}

TEST_CASE("validate_argument_spec fails with every problem, in Ansible's words") {
  ValidateArgumentSpecModule m;
  const Value args = NormalizedArgs(m, Value::parse(R"({
    "argument_spec": {"port": {"type": "int", "required": true}, "mode": {"choices": ["a"]}},
    "provided_arguments": {"mode": "b", "extra": 1}})"));
  Result<Change> c = m.Plan(args, {}, Value::object());
  REQUIRE_FALSE(c.ok());
  CHECK(c.message() ==
        "Validation of arguments failed: missing required arguments: port; value of mode must "
        "be one of: a, got: b; extra. Supported parameters include: mode, port.");
}

TEST_CASE("validate_argument_spec refuses a spec it cannot check before the run") {
  ValidateArgumentSpecModule m;
  CHECK(ArgErrors(m, Value::parse(R"({"argument_spec": {"port": {"type": "port"}}})")) ==
        std::vector<std::string>{
            "argument_spec: argument_spec option 'port': type 'port' is not supported "
            "(supported: str, int, float, bool, list, dict, path, raw, jsonarg, json)"});
  CHECK(ArgErrors(m, Value::parse(R"({"provided_arguments": {}})")).size() == 1);
}

}  // namespace
}  // namespace hostprep::modules
