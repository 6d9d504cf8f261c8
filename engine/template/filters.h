// The filters hostprep implements (`x | join(',')`), with Jinja2/Ansible
// semantics. Pure functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_FILTERS_H_
#define HOSTPREP_ENGINE_TEMPLATE_FILTERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/callable_spec.h"

namespace hostprep {

// The spec of a filter by name (aliases included: d, count), or nullptr.
const CallableSpec* FindFilter(std::string_view name);

// Every filter name, aliases included, sorted (for did-you-mean).
const std::vector<std::string>& FilterNames();

// Applies a filter to a fully rendered input. `args` holds one value per
// parameter of the spec (defaults already filled in). `default` is not
// handled here: it is the one filter that sees undefined values, so the
// evaluator applies it. Errors name the filter: "int: base must be ...".
Result<Value> ApplyFilter(const CallableSpec& spec, const Value& input,
                          const std::vector<Value>& args);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_FILTERS_H_
