// Parses one play of a playbook: its keys, vars and vars_files, tasks and
// handlers (linked by task_links.h), with play tags inherited by every task.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_PLAY_PARSER_H_
#define HOSTPREP_ENGINE_PLAYBOOK_PLAY_PARSER_H_

#include <yaml-cpp/yaml.h>

#include "engine/module/registry.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// Parses `node`, the play at `index` (from 0). vars_files are read from disk
// relative to reader->dir(). Errors go to `reader`; the play is then
// incomplete.
Play ParsePlay(const YAML::Node& node, size_t index, const ModuleRegistry& modules,
               FieldReader* reader);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_PLAY_PARSER_H_
