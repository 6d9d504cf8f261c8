// `debug` (ansible.builtin.debug): shows a message or a variable's value,
// on the controller, as Ansible's debug action does.
#ifndef HOSTPREP_MODULES_DEBUG_H_
#define HOSTPREP_MODULES_DEBUG_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Shows `msg` (rendered as every argument is; "Hello world!" when neither
// is given) or the value of the expression `var` ("VARIABLE IS NOT DEFINED!"
// when it is undefined), when the run's -v count reaches `verbosity`;
// skipped otherwise. Never changes anything; asks nothing of the host.
class DebugModule final : public Module {
 public:
  DebugModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_DEBUG_H_
