// A task's module key and its arguments: normalised against the module's
// ArgSpec with templates pending, checked by the module's Validate, and each
// error placed at the argument it is about.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_MODULE_ARGS_H_
#define HOSTPREP_ENGINE_PLAYBOOK_MODULE_ARGS_H_

#include <yaml-cpp/yaml.h>

#include <string>

#include "engine/module/module.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// Fills task->module (= `name`), module_location, args and arg_locations
// from the module key `key` and its value `value`, and the task's `args:`
// mapping when `extra` is given (the module key's own arguments win, as in
// Ansible). Errors (prefixed with `context`, e.g. "task 'x'") go to
// `reader`, at the argument's key when there is one, else at the module key.
void ParseModuleArgs(const Module& module, const std::string& name, const YAML::Node& key,
                     const YAML::Node& value, const std::string& context, FieldReader* reader,
                     TaskSpec* task, const YAML::Node* extra = nullptr);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_MODULE_ARGS_H_
