// The tests hostprep implements (`x is none`, `result is failed`,
// `v is version('1.20', '>=')`), with Jinja2/Ansible semantics. Pure
// functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_PREDICATES_H_
#define HOSTPREP_ENGINE_TEMPLATE_PREDICATES_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/callable_spec.h"

namespace hostprep {

// The spec of a test by name (defined and undefined included), or nullptr.
const CallableSpec* FindTest(std::string_view name);

// Every test name, sorted (for did-you-mean).
const std::vector<std::string>& TestNames();

// Applies a test other than defined/undefined (which the evaluator answers,
// as only it sees undefined values) to a fully rendered input. `args` holds
// one value per parameter of the spec.
Result<bool> ApplyTest(const CallableSpec& spec, const Value& input,
                       const std::vector<Value>& args);

// Compares two version strings the way Ansible's `version` test does by
// default (loose: runs of digits compare as numbers, other runs as text).
// Returns <0, 0 or >0.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_PREDICATES_H_
