// The signature of a filter (`x | join(',')`) or test (`x is version('1.2')`):
// its parameters with their defaults, so the parser can bind positional and
// keyword arguments once and the evaluator only fills the gaps.
#ifndef HOSTPREP_ENGINE_TEMPLATE_CALLABLE_SPEC_H_
#define HOSTPREP_ENGINE_TEMPLATE_CALLABLE_SPEC_H_

#include <string>
#include <vector>

#include "engine/base/value.h"

namespace hostprep {

struct CallableParam {
  std::string name;
  Value default_value;  // used when the argument is not given
  bool required = false;
};

struct CallableSpec {
  std::string name;  // canonical name; aliases point at the same spec
  std::vector<CallableParam> params;
  // Positional arguments beyond `params` are accepted and passed after
  // them, as Python's *args (`"%s-%s" | format(a, b)`,
  // `map('regex_replace', 'a', 'b')`).
  bool varargs = false;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_CALLABLE_SPEC_H_
