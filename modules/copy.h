// `copy` (ansible.builtin.copy): a file's content from the controller, from
// `content`, or from another file on the target, with Ansible's arguments
// and registered results, written by the file module's writer.
#ifndef HOSTPREP_MODULES_COPY_H_
#define HOSTPREP_MODULES_COPY_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The source:
//   src          a file on the controller, found in the role's files/ and
//                the playbook's directory (Read::Local, not rendered);
//   content      the text itself (a mapping or list is written as JSON, as
//                Ansible writes it);
//   remote_src   src is a path on the target, read with the probe.
// Where it goes, force, backup, mode (preserve: the source's), owner, group
// and validate as modules/dest_file.h says. A directory as src is refused
// when it is found to be one: copying trees is not built yet.
class CopyModule final : public Module {
 public:
  CopyModule();
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

#endif  // HOSTPREP_MODULES_COPY_H_
