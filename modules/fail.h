// `fail` (ansible.builtin.fail): fails the task with a message, on the
// controller, as Ansible's fail action does.
#ifndef HOSTPREP_MODULES_FAIL_H_
#define HOSTPREP_MODULES_FAIL_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Always fails, with `msg` ("Failed as requested from task" by default);
// used with `when`. Asks nothing of the host.
class FailModule final : public Module {
 public:
  FailModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_FAIL_H_
