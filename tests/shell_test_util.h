// Running a shell command from a test and capturing what a user would see.
// Shared by the end-to-end tests (the hostprep binary in a sandbox) and the
// integration tests (over SSH against test hosts).
#ifndef HOSTPREP_TESTS_SHELL_TEST_UTIL_H_
#define HOSTPREP_TESTS_SHELL_TEST_UTIL_H_

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace hostprep::testing {

struct Output {
  int exit_code = -1;
  std::string text;  // stdout and stderr together
};

// `text` as one single-quoted shell word.
inline std::string SingleQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `command` with /bin/sh, stderr merged into stdout. hostprep's facts
// cache is off unless the command or the caller's environment sets one, so
// that tests leave nothing in the user's ~/.cache.
inline Output RunCommand(const std::string& command) {
  Output out;
  const std::string line =
      "HOSTPREP_FACTS_CACHE=${HOSTPREP_FACTS_CACHE:-none}; "
      "export HOSTPREP_FACTS_CACHE; " +
      command + " 2>&1";
  FILE* p = popen(line.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.text.append(buf.data(), n);
  int status = pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

inline bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// The text between the line "== NAME" and the next "== " line: the tests'
// scripts print their steps' output under such markers.
inline std::string Section(const std::string& text, const std::string& name) {
  const std::string start = "== " + name + "\n";
  size_t at = text.find(start);
  if (at == std::string::npos) return "(no section " + name + ")";
  at += start.size();
  size_t end = text.find("\n== ", at - 1);
  return text.substr(at, end == std::string::npos ? std::string::npos : end + 1 - at);
}

inline size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_SHELL_TEST_UTIL_H_
