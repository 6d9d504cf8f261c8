// Shared by the filter tests: filters are tested through expressions, which
// is how users reach them and which exercises argument binding too.
#ifndef HOSTPREP_TESTS_ENGINE_TEMPLATE_FILTER_TEST_UTIL_H_
#define HOSTPREP_TESTS_ENGINE_TEMPLATE_FILTER_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "engine/template/templar.h"

namespace hostprep::testing {

// The value of `expr` over `vars_json` as JSON, or "error: <message>".
inline std::string EvalOver(const char* vars_json, const std::string& expr) {
  Variables vars;
  vars.SetAll(Value::parse(vars_json), "vars");
  Result<Value> r = Templar(vars).Evaluate(expr);
  return r.ok() ? r->dump() : "error: " + r.message();
}

// The variables the Jinja and Ansible filter tables were generated with.
inline constexpr const char* kOracleVars =
    R"({"words": ["b", "A", "c"], "nums": [3, 1, 2, 1], "mixed": [1, "a"],
 "users": [{"name": "x", "n": 2, "g": "a"}, {"name": "y", "n": 5, "g": "B"}, {"name": "z", "n": 2, "g": "b"}],
 "m": {"k1": 1, "k2": {"a": 1}}, "s": "héllo", "text": "  pad  ",
 "managed": "Ansible managed", "long": "The quick brown fox jumps over the lazy dog and keeps running far away"})";

struct FilterCase {
  const char* expr;
  const char* want;
};

inline void CheckAllOver(const char* vars_json, std::initializer_list<FilterCase> cases) {
  for (const FilterCase& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    CHECK(EvalOver(vars_json, c.expr) == c.want);
  }
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_TEMPLATE_FILTER_TEST_UTIL_H_
