// The links between the tasks of one play: ids, `after` and `notify`.
//
// Ids: a task's `id:`, else a slug of its name, else its module name. Tasks
// and handlers share one id space per play. Explicit ids must be unique and
// must not equal an id another task derives from its name. When derived ids
// collide (two tasks with the same name), the later tasks get "-2", "-3", ...
// appended, and an `after` naming the shared id is an error (it could mean
// either task) that asks for distinct `id`s.
//
// `after` names task ids (a task may not wait for a handler; a handler may
// wait for tasks or other handlers). `notify` names handlers by name or id;
// handler names must be unique in the play.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_TASK_LINKS_H_
#define HOSTPREP_ENGINE_PLAYBOOK_TASK_LINKS_H_

#include <vector>

#include "engine/playbook/field_reader.h"
#include "engine/playbook/task_parser.h"

namespace hostprep {

// Sets spec.id of every task and handler, then checks `after` and `notify`
// (in file order, `after` may only name a task above). Errors go to `reader`.
void LinkTasks(std::vector<TaskDraft>* tasks, std::vector<TaskDraft>* handlers, PlayOrder order,
               FieldReader* reader);

// The tasks of a file `include_tasks` read: ids `prefix`/their own (unique
// in the file), no `after`, and `notify` naming the play's `handlers`
// (linked: ids), as LinkTasks does for the play's own tasks.
void LinkIncludedTasks(std::vector<TaskDraft>* tasks, const std::string& prefix,
                       const std::vector<TaskSpec>& handlers, FieldReader* reader);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_TASK_LINKS_H_
