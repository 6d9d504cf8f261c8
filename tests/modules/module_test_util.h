// What the module tests share: arguments normalised as the engine normalises
// them, read results built in one line, and probe scripts run for real.
#ifndef HOSTPREP_TESTS_MODULES_MODULE_TEST_UTIL_H_
#define HOSTPREP_TESTS_MODULES_MODULE_TEST_UTIL_H_

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
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

// A kStat answer: the path's type, mode, owner and group (ids 0), and a
// symlink's target.
inline ReadResult FileStat(FileType type, unsigned mode = 0644, std::string owner = "root",
                           std::string group = "root", std::string link_target = "") {
  ReadResult r;
  r.stat = {type, mode, std::move(owner), std::move(group), 0, std::move(link_target)};
  return r;
}

// A read that failed with `message`.
// A read whose command exited `rc` printing `out` and `err`.
inline ReadResult Ran(int rc, std::string out, std::string err = "") {
  ReadResult r;
  r.exec = {rc, std::move(out), std::move(err)};
  return r;
}

inline ReadResult FailedRead(const std::string& message) {
  ReadResult r;
  r.status = Status::Error(message);
  return r;
}

// A kReadFile answer: the content, or nullopt for a missing file.
inline ReadResult FileContent(std::optional<std::string> content) {
  ReadResult r;
  r.content = std::move(content);
  return r;
}

// Checks a plan against what Ansible's module gave for the same input: its
// failure message, or its changed flag and what it registered (`result`,
// JSON; keys in any order). True when the plan changes something and
// ran as expected, for the caller to check how; false when nothing more is
// to be checked (it failed as Ansible's did, or changes nothing).
inline bool MatchesAnsible(const Result<Change>& change, bool failed, const std::string& msg,
                           bool changed, const char* result) {
  if (failed) {
    REQUIRE(!change.ok());
    CHECK(change.message() == msg);
    return false;
  }
  REQUIRE_MESSAGE(change.ok(), change.message());
  CHECK(change->changed == changed);
  CHECK(nlohmann::json::parse(change->result.dump()) == nlohmann::json::parse(result));
  if (changed) return true;
  CHECK(change->actions.empty());
  return false;
}

// A module's probe script run for real: written to script.sh in a fresh
// temp dir, then `shell` runs there (it calls `sh script.sh ...`). Its
// stdout and exit status; the dir (for expected paths) is gone by then.
struct ScriptRun {
  std::string dir;
  std::string out;
  int status = -1;
};
inline ScriptRun RunScript(const std::string& script, const std::string& shell) {
  char tmpl[] = "/tmp/hostprep-module-XXXXXX";
  ScriptRun r;
  const char* dir = mkdtemp(tmpl);
  REQUIRE(dir != nullptr);
  r.dir = dir;
  std::ofstream(r.dir + "/script.sh") << script;
  FILE* p = popen(("cd " + r.dir + " && " + shell).c_str(), "r");
  if (p != nullptr) {
    char buf[512];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    r.status = pclose(p);
  }
  std::filesystem::remove_all(r.dir);
  return r;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_MODULES_MODULE_TEST_UTIL_H_
