// Parses one task (or handler) mapping into a TaskSpec, checking its schema:
// known keys with "did you mean", exactly one module key, field types,
// template and expression syntax, `register` names. Ids and the references
// between tasks (`after`, `notify`) are settled per play by LinkTasks
// (task_links.h), which needs every task first.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_TASK_PARSER_H_
#define HOSTPREP_ENGINE_PLAYBOOK_TASK_PARSER_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// A task as parsed, with what linking it to its play still needs.
struct TaskDraft {
  TaskSpec spec;                                 // id is "" until LinkTasks
  std::string label;                             // "task 'swap off'", "handler 2": for messages
  bool explicit_id = false;                      // spec.id came from `id:`
  SourceLocation id_location;                    // the `id:` value
  std::vector<SourceLocation> after_locations;   // one per spec.after entry
  std::vector<SourceLocation> notify_locations;  // one per spec.notify entry
};

// Parses `node`, the task at `index` (from 0) of the play's tasks or
// handlers. Errors go to `reader`; the draft is then incomplete.
TaskDraft ParseTask(const YAML::Node& node, size_t index, bool is_handler,
                    const ModuleRegistry& modules, FieldReader* reader);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_TASK_PARSER_H_
