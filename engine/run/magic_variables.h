// The magic variables that are the same for every host of a play: those of
// the command line (ansible_run_tags, ansible_skip_tags, ansible_limit,
// ansible_check_mode, ansible_diff_mode), ansible_version, playbook_dir and
// omit. Pure.
#ifndef HOSTPREP_ENGINE_RUN_MAGIC_VARIABLES_H_
#define HOSTPREP_ENGINE_RUN_MAGIC_VARIABLES_H_

#include "engine/base/value.h"
#include "engine/playbook/playbook.h"
#include "engine/run/run_options.h"

namespace hostprep {

// A mapping of name to value, for Variables::SetAll.
Value PlayMagicVariables(const Play& play, const RunOptions& options);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_MAGIC_VARIABLES_H_
