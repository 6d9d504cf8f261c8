// Parses one play of a playbook: its keys, vars and vars_files, tasks and
// handlers (linked by task_links.h), with play tags inherited by every task.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_PLAY_PARSER_H_
#define HOSTPREP_ENGINE_PLAYBOOK_PLAY_PARSER_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// What an import_playbook gives each play it imports (nested imports
// merged, the outer one's vars on top and its conditions first).
struct PlaybookImport {
  Value vars = Value::object();   // over the play's vars, under its vars_files
  std::vector<std::string> tags;  // added to the play's
  std::vector<Expression> when;   // before every task's own (not handlers')
};

// Parses `node`, the play at `index` (from 0) of the file `reader` reads,
// under `from` when an import_playbook brought it in. vars_files are read
// from disk relative to reader->dir(). Errors go to `reader`; the play is
// then incomplete.
Play ParsePlay(const YAML::Node& node, size_t index, const ModuleRegistry& modules,
               FieldReader* reader, const PlaybookImport& from = {});

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_PLAY_PARSER_H_
