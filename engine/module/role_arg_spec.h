// Ansible's role argument specs (meta/argument_specs.yml): the options of a
// role's entry point, and the check ansible.builtin.validate_argument_spec
// makes of the values a role gets, as Ansible's ArgumentSpecValidator makes
// it: unsupported names, required options, defaults, types (with Ansible's
// conversions: "8080" is an int, "yes" a bool, "a,b" a list), choices, list
// elements and sub-options. Messages are Ansible's.
//
// Pure functions; no I/O.
#ifndef HOSTPREP_ENGINE_MODULE_ROLE_ARG_SPEC_H_
#define HOSTPREP_ENGINE_MODULE_ROLE_ARG_SPEC_H_

#include <string>
#include <vector>

#include "engine/base/value.h"

namespace hostprep {

// The types an option may name (Ansible's, but bytes, bits and callables).
const std::vector<std::string>& RoleArgTypes();

// The attributes an option may have.
const std::vector<std::string>& RoleArgAttributes();

// What is wrong with `options` (a mapping of option names to attribute
// mappings) as a spec: an attribute hostprep does not know, a type it does
// not have, `elements` without a list, `choices` that are not a list,
// `options` that are not a mapping, required with a default. Each problem
// is a message naming the option path ("port", "tls -> cert"), in the
// spec's order; empty when the spec is sound.
std::vector<std::string> CheckRoleArgSpec(const Value& options);

// Validates `provided` (a mapping of names to values) against `options`, a
// sound spec: the errors, in Ansible's order and words; empty when it
// passes.
std::vector<std::string> ValidateRoleArgs(const Value& options, const Value& provided);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_MODULE_ROLE_ARG_SPEC_H_
