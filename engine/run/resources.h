// The resources a task declares for the automatic graph edges, from its
// arguments rendered with what is known before a run.
#ifndef HOSTPREP_ENGINE_RUN_RESOURCES_H_
#define HOSTPREP_ENGINE_RUN_RESOURCES_H_

#include <vector>

#include "engine/module/registry.h"
#include "engine/playbook/playbook.h"
#include "engine/template/variables.h"

namespace hostprep {

// A task whose arguments cannot be rendered yet (they use a registered
// result, say) declares nothing: it just gets no automatic edges.
Resources DeclaredResources(const TaskSpec& task, const Module& module, const Variables& vars);

// One entry per task of the play (handlers declare nothing).
std::vector<Resources> PlayResources(const Play& play, const ModuleRegistry& modules,
                                     const Variables& vars);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_RESOURCES_H_
