// `validate_argument_spec`: checks values against an Ansible argument spec
// (engine/module/role_arg_spec.h), on the controller. The engine puts one
// at the start of a role whose meta/argument_specs.yml has a spec for the
// entry point that runs, as Ansible does; a playbook may also call it.
#ifndef HOSTPREP_MODULES_VALIDATE_ARGUMENT_SPEC_H_
#define HOSTPREP_MODULES_VALIDATE_ARGUMENT_SPEC_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Reads nothing and changes nothing: ok when `provided_arguments` pass
// `argument_spec`, failed with Ansible's messages when they do not.
class ValidateArgumentSpecModule final : public Module {
 public:
  ValidateArgumentSpecModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_VALIDATE_ARGUMENT_SPEC_H_
