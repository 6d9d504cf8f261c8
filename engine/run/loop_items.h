// The items of a task's loop on one host: `loop` rendered with the task's
// variables, or a `with_<lookup>` rendered and then shaped as Ansible's
// lookup plugin of that name shapes its terms (with_items flattens one
// level, with_dict gives {key, value} items, with_sequence counts...).
//
// Pure: no I/O. Errors say what the value was and what the loop needs.
#ifndef HOSTPREP_ENGINE_RUN_LOOP_ITEMS_H_
#define HOSTPREP_ENGINE_RUN_LOOP_ITEMS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/playbook/playbook.h"
#include "engine/template/variables.h"

namespace hostprep {

// The task's loop items (the task must have a loop), as a list.
Result<Value> RenderLoop(const TaskSpec& task, const Variables& vars);

// `terms` (the rendered value of `with_<lookup>`) shaped as the lookup
// shapes them. `lookup` is one of LoopLookups() (engine/playbook/keywords.h).
Result<Value> ApplyLoopLookup(const std::string& lookup, const Value& terms);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_LOOP_ITEMS_H_
