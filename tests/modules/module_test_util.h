// What the module tests share: arguments normalised as the engine normalises
// them, and read results built in one line.
#ifndef HOSTPREP_TESTS_MODULES_MODULE_TEST_UTIL_H_
#define HOSTPREP_TESTS_MODULES_MODULE_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::testing {

// Every argument error NormalizeArgs and the module's Validate report, as
// "key: message".
inline std::vector<std::string> ArgErrors(const Module& module, const Value& raw) {
  std::vector<ArgError> errors;
  Value args = NormalizeArgs(module.spec(), raw, false, &errors);
  module.Validate(args, false, &errors);
  std::vector<std::string> out;
  for (const ArgError& e : errors) out.push_back(e.key + ": " + e.message);
  return out;
}

// The normalised arguments; any argument error fails the calling test.
inline Value NormalizedArgs(const Module& module, const Value& raw) {
  std::vector<ArgError> errors;
  Value args = NormalizeArgs(module.spec(), raw, false, &errors);
  module.Validate(args, false, &errors);
  for (const ArgError& e : errors) FAIL_CHECK(std::string(e.key + ": " + e.message));
  return args;
}

// A kReadFile answer: the content, or nullopt for a missing file.
inline ReadResult FileContent(std::optional<std::string> content) {
  ReadResult r;
  r.content = std::move(content);
  return r;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_MODULES_MODULE_TEST_UTIL_H_
