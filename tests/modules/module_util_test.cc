#include "modules/module_util.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace hostprep::modules {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("KeyValueLines splits each line at its first blank") {
  CHECK(KeyValueLines("msg OK (12 bytes)\nstatus 200\nalone\n\nstat 0 0 root root 644\n") ==
        Pairs{{"msg", "OK (12 bytes)"},
              {"status", "200"},
              {"alone", ""},
              {"", ""},
              {"stat", "0 0 root root 644"}});
  CHECK(KeyValueLines("").empty());
  CHECK(KeyValueLines("a  two blanks\r\n") == Pairs{{"a", " two blanks"}});
}

TEST_CASE("ChangedUnlessFailed reports a change when the command exited 0") {
  ExecResult ok;
  ok.exit_code = 0;
  const Change done = ChangedUnlessFailed(ok, "it broke");
  CHECK(done.changed);
  CHECK_FALSE(done.failed);
  CHECK(done.message.empty());
  CHECK(done.result == Value::object());
}

TEST_CASE("ChangedUnlessFailed fails with the message, registered as msg, otherwise") {
  ExecResult bad;
  bad.exit_code = 1;
  const Change done = ChangedUnlessFailed(bad, "it broke");
  CHECK_FALSE(done.changed);
  CHECK(done.failed);
  CHECK(done.message == "it broke");
  CHECK(done.result == Value::object({{"msg", "it broke"}}));
}

TEST_CASE("SetAwayFromDefaults names the arguments a user set, in order, outside those taken") {
  ArgSpec spec;
  spec.name = "pkg";
  spec.args = {{"name", ArgType::kList, true, nullptr, {}, {}, "names"},
               {"purge", ArgType::kBool, false, false, {}, {}, "purge"},
               {"release", ArgType::kString, false, nullptr, {}, {}, "release"},
               {"timeout", ArgType::kInt, false, 60, {}, {}, "timeout"}};
  const Value all_defaults = {
      {"name", {"x"}}, {"purge", false}, {"release", nullptr}, {"timeout", 60}};
  CHECK(SetAwayFromDefaults(spec, all_defaults, {"name"}).empty());
  const Value set = {{"name", {"x"}}, {"purge", true}, {"release", "bookworm"}, {"timeout", 60}};
  CHECK(SetAwayFromDefaults(spec, set, {"name"}) == std::vector<std::string>{"purge", "release"});
  CHECK(SetAwayFromDefaults(spec, set, {"name", "purge", "release"}).empty());
  // An empty list and null count as unset.
  CHECK(
      SetAwayFromDefaults(spec, Value{{"name", Value::array()}, {"release", nullptr}}, {}).empty());
}

}  // namespace
}  // namespace hostprep::modules
