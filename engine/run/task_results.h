// What a task run registers and says: the values Ansible registers for an
// attempt, for a task that did not run and for a loop item, and the hint a
// refused task gets. Shared by the parts of TaskExecutor (task_executor.cc,
// task_executor_outcome.cc); pure functions, thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_TASK_RESULTS_H_
#define HOSTPREP_ENGINE_RUN_TASK_RESULTS_H_

#include <string>

#include "engine/base/value.h"
#include "engine/module/read_result.h"
#include "engine/output/reporter.h"
#include "engine/run/task_run.h"

namespace hostprep {

// The registered value of one attempt: the module's result plus the status
// fields Ansible registers (`skipped` only when the module skipped).
Value Registered(TaskStatus status, bool changed, const std::string& message, const Value& result);

// What a task that did not run (its when was false, its loop empty)
// registers: as Ansible, no `failed`.
Value NotRun(const std::string& reason, Value result);

// The fields Ansible adds to each item's registered result.
void AddItemFields(const TaskRun& run, Value* registered);

// A task refused for want of rights, run without become, says what would
// fix it.
std::string WithBecomeHint(const std::string& message, const Become& become);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_TASK_RESULTS_H_
