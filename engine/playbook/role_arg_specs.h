// A role's argument specs (meta/argument_specs.yml, or `argument_specs` in
// meta/main.yml), read and checked when the playbook is read, and the task
// Ansible puts at the start of the role to check the values it gets
// (Role._prepend_validation_task): "Validating arguments against arg spec
// 'main'", tagged always, a validate_argument_spec of the entry point's
// options against the role's parameters and the variables of the options'
// names.
//
// Parse-time only: reads files, never contacts a host.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_ROLE_ARG_SPECS_H_
#define HOSTPREP_ENGINE_PLAYBOOK_ROLE_ARG_SPECS_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "engine/base/source.h"
#include "engine/base/value.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/task_parser.h"

namespace hostprep {

// The specs of a role by entry point ("main", or a tasks_from name): each
// {short_description?, options, location}. Read from `node`, the value of
// `argument_specs`; problems go to `reader` at the option's entry point.
Value ReadRoleArgSpecs(const YAML::Node& node, FieldReader* reader);

// Reads meta/argument_specs.yml (its `argument_specs` key) with ReadRoleArgSpecs;
// errors go to `reader` anchored at `at`.
Value ReadRoleArgSpecsFile(const std::string& file, FieldReader* reader, const SourceLocation& at);

// The problems Ansible would find on every host with the parameters a role
// entry writes out (`params`): names the spec lacks, and values of the
// wrong type or outside the choices, where the value holds no template.
// Required options are not judged: a variable may give them. "" when none.
std::string CheckRoleParams(const Value& entry_spec, const Value& params);

// What Ansible's validate_argument_spec checks against `options`
// (ActionModule.get_args_from_task_vars, then `given` over it): each option
// whose name is a variable name read from that variable as the task runs
// ("{{ name | default(omit) }}": left out when undefined), and what `given`
// (provided_arguments) holds over them.
Value ProvidedWithVars(const Value& options, const Value& given);

// The validation task for `entry_spec` (one entry of ReadRoleArgSpecs) of
// role `role_name` at `role_path`, with the role's parameters `params`.
// The caller sets the role fields and applies the inherited keywords.
TaskDraft RoleArgSpecTask(const std::string& role_name, const std::string& role_path,
                          const std::string& entry_point, const Value& entry_spec,
                          const Value& params);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_ROLE_ARG_SPECS_H_
