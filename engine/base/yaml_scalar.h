// How Ansible's YAML loader (PyYAML, YAML 1.1) types a plain scalar. Shared
// by the YAML adapter (engine/yaml) and the from_yaml filter; no YAML parser
// here, only the typing rules.
#ifndef HOSTPREP_ENGINE_BASE_YAML_SCALAR_H_
#define HOSTPREP_ENGINE_BASE_YAML_SCALAR_H_

#include <string>

#include "engine/base/value.h"

namespace hostprep {

// A scalar's Value: quoted scalars stay strings; plain ones are
// true/false/yes/no/on/off in any of their three spellings (booleans),
// decimal, 0x hex and leading-0 octal (0644 = 420) integers, floats, and
// ~, null and empty (null); anything else is a string.
Value ScalarToValue(const std::string& text, bool quoted);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_YAML_SCALAR_H_
