#include "modules/debug.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::ArgErrors;
using testing::NormalizedArgs;

ReadResult Answer(Value v) {
  ReadResult r;
  r.value = std::move(v);
  return r;
}

TEST_CASE("debug shows its message, or Hello world!, and asks nothing of the host") {
  DebugModule module;
  Value args = NormalizedArgs(module, Value::object({{"msg", Value::array({"a", 1})}}));
  CHECK(module.Probe(args, Value::object()).empty());
  Result<Change> change = module.Plan(args, {}, Value::object());
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  CHECK(change->display == Value::object({{"msg", Value::array({"a", 1})}}));
  CHECK(change->result == change->display);

  Value bare = NormalizedArgs(module, Value::object());
  Result<Change> hello = module.Plan(bare, {}, Value::object());
  REQUIRE(hello.ok());
  CHECK(hello->display == Value::object({{"msg", "Hello world!"}}));
}

TEST_CASE("debug var shows the expression's value under its own text") {
  DebugModule module;
  Value args = NormalizedArgs(module, Value::object({{"var", "result.stdout_lines[0]"}}));
  std::vector<Read> reads = module.Probe(args, Value::object());
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].kind == Read::Kind::kEvaluate);
  CHECK(reads[0].path == "result.stdout_lines[0]");
  CHECK(reads[0].on_controller());
  Result<Change> change = module.Plan(args, {Answer("first")}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->display == Value::object({{"result.stdout_lines[0]", "first"}}));

  ReadResult broken;
  broken.status = Status::Error("'result' is undefined");
  Result<Change> failed = module.Plan(args, {broken}, Value::object());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.message() == "'result' is undefined");
}

TEST_CASE("debug with verbosity is skipped below that many -v") {
  DebugModule module;
  Value args = NormalizedArgs(module, Value::object({{"msg", "detail"}, {"verbosity", 2}}));
  std::vector<Read> reads = module.Probe(args, Value::object());
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].kind == Read::Kind::kSetting);
  CHECK(reads[0].path == "verbosity");

  Result<Change> quiet = module.Plan(args, {Answer(1)}, Value::object());
  REQUIRE(quiet.ok());
  CHECK(quiet->skipped);
  CHECK(quiet->skip_reason == "Verbosity threshold not met.");
  CHECK(quiet->display.is_null());

  Result<Change> shown = module.Plan(args, {Answer(2)}, Value::object());
  REQUIRE(shown.ok());
  CHECK_FALSE(shown->skipped);
  CHECK(shown->display == Value::object({{"msg", "detail"}}));
}

TEST_CASE("debug refuses msg and var together and an unknown argument") {
  DebugModule module;
  CHECK_FALSE(ArgErrors(module, Value::object({{"msg", "a"}, {"var", "b"}})).empty());
  CHECK_FALSE(ArgErrors(module, Value::object({{"mesage", "a"}})).empty());
}

}  // namespace
}  // namespace hostprep::modules
