// `assert` (ansible.builtin.assert): checks conditions on the controller
// and fails the task on the first that does not hold, as Ansible's assert
// action does.
#ifndef HOSTPREP_MODULES_ASSERT_H_
#define HOSTPREP_MODULES_ASSERT_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// `that`: one condition or a list, evaluated in order under the run's rule
// (a condition must give a boolean, as in Ansible 2.19). The first false one
// fails the task with `fail_msg` (alias `msg`, "Assertion failed"), its
// text registered as `assertion` and `evaluated_to: false`; when all hold
// the task is ok with `success_msg` ("All assertions passed"), shown unless
// `quiet`. Asks nothing of the host.
class AssertModule final : public Module {
 public:
  AssertModule();
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

#endif  // HOSTPREP_MODULES_ASSERT_H_
