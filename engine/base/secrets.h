// The values a run must never show: the become password, values tagged
// `!secret` in any YAML the run reads (vars files, inventories, playbooks,
// -e @file), and the values of module arguments that a module declares
// secret (ArgDef::secret). Every piece of output (text, --diff, JSON events,
// JUnit, --trace, error messages, command output echoed back) goes through
// Redact on its way out, which replaces each known secret with kMarker.
//
// One registry per process, because secrets are found where values are
// read (the YAML adapter, the CLI, the task executor) and hidden where text
// leaves (the reporters, the trace, the CLI's error printing), and those
// places share nothing else. Values shorter than kMinLength are not
// searched for: they would mask unrelated text ("on", "1"); `no_log` still
// hides a task's whole output. Thread-safe: Add and Redact may be called
// from any thread.
#ifndef HOSTPREP_ENGINE_BASE_SECRETS_H_
#define HOSTPREP_ENGINE_BASE_SECRETS_H_

#include <string>
#include <string_view>

namespace hostprep {

class Secrets {
 public:
  static constexpr char kMarker[] = "********";
  static constexpr size_t kMinLength = 4;

  // Remembers `value` (with its JSON- and XML-escaped spellings, as the
  // reporters write it) for the rest of the process.
  static void Add(std::string_view value);

  // `text` with every known secret replaced by kMarker, longest first.
  static std::string Redact(std::string_view text);

  // Whether any secret is known (Redact is then a plain copy).
  static bool Any();
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_SECRETS_H_
