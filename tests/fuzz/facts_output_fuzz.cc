// The facts parser (ParseFacts), fed what a compromised target may print in
// answer to the facts script: any key=value lines, any "PATH:LINE" file
// lines, any `ip` output, NULs and invalid UTF-8. Whatever comes back, the
// parse either fails with a message or gives a facts mapping that can be
// printed (every string valid UTF-8) and holds the facts every host has.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/facts/facts.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hostprep::fuzz::Require;
  if (size > hostprep::fuzz::kMaxInput) return 0;
  hostprep::ExecResult r;
  // Most real answers end with the end line; half the inputs get it.
  r.stdout_data = hostprep::fuzz::Text(data, size);
  if (size > 0 && data[0] % 2 == 0) r.stdout_data += "\nend=hostprep-facts\n";
  hostprep::Result<hostprep::Value> facts = hostprep::ParseFacts(r);
  if (!facts.ok()) {
    Require(!facts.message().empty(), "a failed parse says why");
    return 0;
  }
  Require(facts->is_object(), "facts are a mapping");
  Require(facts->contains("os_family") && facts->contains("distribution"),
          "the distribution facts are always there");
  (void)facts->dump();  // throws (a crash here) on a string that is not UTF-8
  hostprep::Value vars = hostprep::FactsAsVariables(*facts);
  Require(vars.contains("ansible_facts"), "facts as variables have ansible_facts");
  return 0;
}
