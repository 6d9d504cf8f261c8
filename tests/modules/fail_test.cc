#include "modules/fail.h"

#include <doctest/doctest.h>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::NormalizedArgs;

TEST_CASE("fail fails the task with its message, registered as msg") {
  FailModule module;
  Value args = NormalizedArgs(module, Value::object({{"msg", "Debian 11 is not supported"}}));
  CHECK(module.Probe(args, Value::object()).empty());
  Result<Change> change = module.Plan(args, {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  CHECK(change->message == "Debian 11 is not supported");
  CHECK(change->result["msg"] == "Debian 11 is not supported");
}

TEST_CASE("fail without msg says it failed as requested") {
  FailModule module;
  Result<Change> change = module.Plan(NormalizedArgs(module, Value::object()), {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Failed as requested from task");
}

}  // namespace
}  // namespace hostprep::modules
