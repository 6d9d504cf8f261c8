// `shell` (ansible.builtin.shell): runs a command line through a shell on
// the target, with Ansible's arguments; the command module's engine does
// the work.
#ifndef HOSTPREP_MODULES_SHELL_H_
#define HOSTPREP_MODULES_SHELL_H_

#include <vector>

#include "engine/module/module.h"
#include "modules/command.h"

namespace hostprep::modules {

// Ansible's shell module: `cmd` (or the plain value) runs as `executable
// -c cmd` (/bin/sh by default), with chdir, creates, removes, stdin and
// stdin_add_newline as the command module takes them. The registered `cmd`
// is the command line as a string, as Ansible registers it.
class ShellModule final : public Module {
 public:
  ShellModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
  CommandModule command_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_SHELL_H_
