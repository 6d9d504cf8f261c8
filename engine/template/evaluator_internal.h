// Shared by the evaluator's source files; not part of the template API.
#ifndef HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_INTERNAL_H_
#define HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_INTERNAL_H_

#include <string_view>

namespace hostprep {

// Prefixes the message of a Status that stands for an undefined value met
// while rendering text, so that the variable whose template it was reads as
// undefined (and `default` applies), as in Ansible.
inline constexpr std::string_view kUndefinedMark = "\x01undefined:";

// Output of one rendering larger than this is refused: a template that
// loops over itself must not take the controller's memory.
inline constexpr size_t kMaxOutput = size_t{64} << 20;

// Macro calls (and recursive loops) nested deeper than this are an error.
inline constexpr int kMaxCallDepth = 100;

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_INTERNAL_H_
