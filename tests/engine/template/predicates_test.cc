#include "engine/template/predicates.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/template/templar.h"

namespace hostprep {
namespace {

std::string Eval(const std::string& expr) {
  Variables vars;
  vars.SetAll(Value::parse(R"({
    "ok": {"changed": true, "failed": false, "rc": 0},
    "bad": {"failed": true, "changed": false},
    "skip": {"skipped": true},
    "kver": "5.15.0-91-generic"
  })"),
              "register");
  Result<Value> r = Templar(vars).Evaluate(expr);
  return r.ok() ? r->dump() : "error: " + r.message();
}

struct Case {
  const char* expr;
  const char* want;
};

TEST_CASE("tests check types and values") {
  Case cases[] = {
      {"none is none", "true"},
      {"0 is none", "false"},
      {"'a' is string", "true"},
      {"1 is string", "false"},
      {"1 is number", "true"},
      {"1.5 is number", "true"},
      {"'1' is number", "false"},
      {"1 is integer", "true"},
      {"1.0 is integer", "false"},
      {"1.0 is float", "true"},
      {"true is boolean", "true"},
      {"1 is boolean", "false"},
      {"{} is mapping", "true"},
      {"[] is mapping", "false"},
      {"[] is sequence", "true"},
      {"'s' is iterable", "true"},
      {"1 is iterable", "false"},
      {"true is true", "true"},
      {"1 is true", "false"},
      {"false is false", "true"},
      {"4 is even", "true"},
      {"3 is odd", "true"},
      {"3 is not odd", "false"},
      {"9 is divisibleby(3)", "true"},
      {"9 is divisibleby 4", "false"},
      {"'a' is even", "error: test 'even' expects an integer, got string"},
      {"1 is divisibleby(0)", "error: test 'divisibleby': division by zero"},
      {"1 is divisibleby('x')",
       "error: test 'divisibleby' expects an integer argument, got string"},
  };
  for (const Case& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    CHECK(Eval(c.expr) == c.want);
  }
}

TEST_CASE("tests read registered task results like Ansible") {
  Case cases[] = {
      {"ok is changed", "true"},
      {"ok is failed", "false"},
      {"ok is succeeded", "true"},
      {"ok is success", "true"},
      {"bad is failed", "true"},
      {"bad is not succeeded", "true"},
      {"skip is skipped", "true"},
      {"ok is skipped", "false"},
      {"skip is failed", "false"},
      {"'x' is failed",
       "error: test 'failed' expects a registered task result (a mapping), got string"},
      {"missing is failed", "error: undefined variable 'missing'"},
  };
  for (const Case& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    CHECK(Eval(c.expr) == c.want);
  }
}

TEST_CASE("version test compares loose versions with any operator") {
  Case cases[] = {
      {"'1.20.3' is version('1.20', '>=')", "true"},
      {"'1.9' is version('1.10', '<')", "true"},
      {"'1.10' is version('1.10.0', 'lt')", "true"},
      {"'2.0' is version('2.0')", "true"},
      {"'2.0' is version('2.0', operator='ne')", "false"},
      {"kver is version('5.4', 'gt')", "true"},
      {"'1.0rc1' is version('1.0', '>')", "true"},
      {"'1.0' is version('1.0', 'le')", "true"},
      {"'1.0' is version('1.0', '~')",
       "error: test 'version': unknown operator '~'; use one of ==, !=, <, <=, >, >= (or eq, ne, "
       "lt, le, gt, ge)"},
  };
  for (const Case& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    CHECK(Eval(c.expr) == c.want);
  }
  CHECK(CompareVersions("1.2.3", "1.2.3") == 0);
  CHECK(CompareVersions("1.2", "1.10") < 0);
  CHECK(CompareVersions("v2", "v10") < 0);
  CHECK(CompareVersions("1.a", "1.1") > 0);
}

TEST_CASE("match and search tests apply regular expressions") {
  Case cases[] = {
      {"'ubuntu-22.04' is match('ubuntu')", "true"},
      {"'my-ubuntu' is match('ubuntu')", "false"},
      {"'my-ubuntu' is search('ubuntu')", "true"},
      {"'UBUNTU' is match('ubuntu', ignorecase=true)", "true"},
      {"'x' is match('(')",
       "error: bad regular expression '(': Mismatched '(' and ')' in regular expression"},
  };
  for (const Case& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    CHECK(Eval(c.expr) == c.want);
  }
}

TEST_CASE("test lookup knows every name") {
  CHECK(FindTest("defined") != nullptr);
  CHECK(FindTest("version")->params.size() == 2);
  CHECK(FindTest("nope") == nullptr);
  CHECK(std::is_sorted(TestNames().begin(), TestNames().end()));
  CHECK(ApplyTest(*FindTest("defined"), Value(1), {}).message() ==
        "internal error: bad call of test 'defined'");
}

}  // namespace
}  // namespace hostprep
