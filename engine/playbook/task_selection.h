// Which tasks of a play a run takes, as ansible-playbook decides: by tags
// (--tags, --skip-tags) and by where it starts (--start-at-task). Pure
// functions of the parsed playbook; thread-safe.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_TASK_SELECTION_H_
#define HOSTPREP_ENGINE_PLAYBOOK_TASK_SELECTION_H_

#include <string>
#include <vector>

#include "engine/playbook/playbook.h"

namespace hostprep {

// --tags / --skip-tags with Ansible's special tags (its Taggable rules) for
// a task with `task_tags` (its own and inherited): a task without tags is
// tagged `untagged`; `always` runs unless skipped by name (or by `all`
// without `always`), `never` runs only when asked for by name, `all`
// selects every task not tagged never, `tagged` every task with a tag.
bool SelectedByTags(const std::vector<std::string>& task_tags, const std::vector<std::string>& tags,
                    const std::vector<std::string>& skip_tags);

// Whether `task` is one a user writes and Ansible lists: not a section's
// flush or a block's marker that hostprep adds, not in a block's rescue or
// always (Ansible's --list-tasks shows a block's main tasks only), not a
// handler.
bool IsListedTask(const TaskSpec& task);

// Whether --start-at-task `pattern` names `task`: its name or its shown
// name ("common : install"), equal or matching as a shell glob, as Ansible
// matches. Only listed tasks (IsListedTask) can be started at.
bool MatchesStartAt(const TaskSpec& task, const std::string& pattern);

// The task of `play` a run started at `pattern` begins with: the first in
// the play's order that MatchesStartAt and the tags select; null when the
// play has none.
const TaskSpec* FindStartTask(const Play& play, const std::string& pattern,
                              const std::vector<std::string>& tags,
                              const std::vector<std::string>& skip_tags);

// The name --list-tasks shows: the task's shown name when it has a name,
// else its module, as Ansible shows the action of an unnamed task.
std::string ListedName(const TaskSpec& task);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_TASK_SELECTION_H_
