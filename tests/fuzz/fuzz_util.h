// Shared by the libFuzzer harnesses of tests/fuzz: the bound on input size
// and the invariants every parser must keep. A broken invariant aborts, which
// libFuzzer reports as a crash with the input that caused it.
#ifndef HOSTPREP_TESTS_FUZZ_FUZZ_UTIL_H_
#define HOSTPREP_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/base/source.h"
#include "engine/base/status.h"

namespace hostprep::fuzz {

// Inputs above this are skipped: real files are smaller, and the time is
// better spent on structure than on sheer length.
inline constexpr size_t kMaxInput = 64 * 1024;

// Whether the current input holds the words "internal error" itself, so
// that a message quoting it proves nothing (set by Text).
inline bool& InputSaysInternalError() {
  static bool says = false;
  return says;
}

// The input as text; every harness takes its input through here.
inline std::string Text(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // Quotes and backslashes are left out first: a value read with shell
  // quoting (i'nternal error) is shown without them.
  std::string bare;
  for (char c : text) {
    if (c != '\'' && c != '"' && c != '\\') bare += c;
  }
  InputSaysInternalError() = bare.find("internal error") != std::string::npos;
  return text;
}

// Aborts with `what` unless `ok`.
inline void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// An error message must say something, and an exception that an API caught
// on its way out ("internal error while ...") is a bug, not an answer.
inline void RequireMessage(std::string_view message) {
  Require(!message.empty(), "an error with an empty message");
  if (message.find("internal error") != std::string_view::npos && !InputSaysInternalError()) {
    std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(message.size()),
                 message.data());
    std::abort();
  }
}

inline void RequireError(const Status& status) {
  Require(!status.ok(), "an ok status where an error was expected");
  RequireMessage(status.message());
}

// Every diagnostic says something. The formatted text is
// built too (it reads the source line from disk when it can).
inline void RequireDiagnostics(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items()) {
    RequireMessage(d.message);
  }
  (void)diags.Format();
}

}  // namespace hostprep::fuzz

#endif  // HOSTPREP_TESTS_FUZZ_FUZZ_UTIL_H_
