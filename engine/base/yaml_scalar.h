// How Ansible's YAML loader (PyYAML, YAML 1.1) types a plain scalar. Shared
// by the YAML adapter (engine/yaml) and the from_yaml filter; no YAML parser
// here, only the typing rules.
#ifndef HOSTPREP_ENGINE_BASE_YAML_SCALAR_H_
#define HOSTPREP_ENGINE_BASE_YAML_SCALAR_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/base/value.h"

namespace hostprep {

// Bounds on what one YAML text may hold, so that no input takes unbounded
// time or memory: its size, and the number of values it holds once aliases
// are expanded. Both are far beyond any playbook, inventory or vars file,
// and apply as well to YAML a host sent back (from_yaml).
inline constexpr size_t kMaxYamlBytes = size_t{32} << 20;
inline constexpr size_t kMaxYamlNodes = 2'000'000;

// The offset of the first byte that keeps `text` from being YAML hostprep
// reads (invalid UTF-8, or a NUL, which would also make yaml-cpp take the
// text for UTF-16), or npos. A Value holds UTF-8 only.
size_t FindNonYamlByte(std::string_view text);

// A scalar's Value: quoted scalars stay strings; plain ones are
// true/false/yes/no/on/off in any of their three spellings (booleans),
// decimal, 0x hex and leading-0 octal (0644 = 420) integers, floats, and
// ~, null and empty (null); anything else is a string.
Value ScalarToValue(const std::string& text, bool quoted);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_YAML_SCALAR_H_
