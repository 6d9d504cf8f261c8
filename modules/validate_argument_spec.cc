#include "modules/validate_argument_spec.h"

#include "engine/module/role_arg_spec.h"

namespace hostprep::modules {

ValidateArgumentSpecModule::ValidateArgumentSpecModule() {
  spec_.name = "validate_argument_spec";
  spec_.summary = "check values against an Ansible argument spec, on the controller";
  spec_.description =
      "Checks `provided_arguments` against `argument_spec` (the `options` of an Ansible "
      "argument spec) as Ansible's validate_argument_spec does: no name the spec lacks, every "
      "required option given, each value of its type (with Ansible's conversions: \"8080\" is "
      "an int, \"yes\" a bool, \"a,b\" a list), among its choices, list elements and "
      "sub-options checked too. Reads nothing on the host and changes nothing: ok, or failed "
      "with every problem found.\n\n"
      "A role whose meta/argument_specs.yml (or meta/main.yml `argument_specs`) has a spec "
      "for the entry point that runs (main, or include_role's tasks_from) gets this check as "
      "its first task, \"Validating arguments against arg spec 'main'\", as Ansible adds it: "
      "with the role's parameters and the variables of the options' names. The spec itself is "
      "checked when the playbook is read.";
  spec_.args = {
      {"argument_spec",
       ArgType::kMap,
       true,
       nullptr,
       {},
       {},
       "the options: names mapped to their attributes (type, required, default, choices, "
       "elements, options, aliases)"},
      {"provided_arguments",
       ArgType::kMap,
       false,
       Value::object(),
       {},
       {},
       "the values to check, by option name"},
      {"validate_args_context",
       ArgType::kMap,
       false,
       nullptr,
       {},
       {},
       "what is validated (Ansible sets it for roles: type, name, argument_spec_name, path); "
       "not checked"},
  };
  spec_.examples = R"(- name: check the role's inputs
  validate_argument_spec:
    argument_spec:
      app_port: {type: int, required: true}
      app_mode: {choices: [prod, dev], default: prod}
    provided_arguments:
      app_port: "{{ app_port }}"
)";
  spec_.notes =
      "As in Ansible, each option whose name is a variable name is read from that variable "
      "too, `provided_arguments` winning over it (when both are written out in the task; an "
      "`argument_spec` or `provided_arguments` given as one template checks what it renders "
      "to).";
}

void ValidateArgumentSpecModule::Validate(const Value& args, bool templates_pending,
                                          std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (!args.contains("argument_spec") || IsPendingTemplate(args["argument_spec"])) return;
  for (const std::string& problem : CheckRoleArgSpec(args["argument_spec"]))
    errors->push_back({"argument_spec", "argument_spec " + problem});
}

std::vector<Read> ValidateArgumentSpecModule::Probe(const Value& args, const Value& facts) const {
  (void)args;
  (void)facts;
  return {};
}

Result<Change> ValidateArgumentSpecModule::Plan(const Value& args,
                                                const std::vector<ReadResult>& reads,
                                                const Value& facts) const {
  (void)reads;
  (void)facts;
  const std::vector<std::string> errors =
      ValidateRoleArgs(args["argument_spec"], args.value("provided_arguments", Value::object()));
  if (!errors.empty()) {
    std::string message = "Validation of arguments failed: ";
    for (size_t i = 0; i < errors.size(); ++i) message += (i == 0 ? "" : "; ") + errors[i];
    return Status::Error(message);
  }
  Change change;
  change.result["msg"] = "The arg spec validation passed";
  change.result["argument_spec_data"] = args["argument_spec"];
  return change;
}

}  // namespace hostprep::modules
