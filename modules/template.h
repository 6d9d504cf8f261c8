// `template` (ansible.builtin.template): a Jinja2 template on the controller
// rendered with the task's variables and written to the target, with
// Ansible's arguments and registered results.
#ifndef HOSTPREP_MODULES_TEMPLATE_H_
#define HOSTPREP_MODULES_TEMPLATE_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// `src` is found in the role's templates/ and the playbook's directory and
// rendered by the engine (Read::Local with render, trim_blocks and
// lstrip_blocks as the task sets them; Ansible's template_* variables and
// ansible_managed are set). Where it goes, force, backup, mode (preserve:
// the template's), owner, group and validate as modules/dest_file.h says.
// Jinja's other delimiters, another newline_sequence or output_encoding are
// refused at validate time.
class TemplateModule final : public Module {
 public:
  TemplateModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_TEMPLATE_H_
