// `setup` (ansible.builtin.setup): gathers the host's facts as a task, with
// Ansible's gather_subset and filter, as the play's own gathering does.
#ifndef HOSTPREP_MODULES_SETUP_H_
#define HOSTPREP_MODULES_SETUP_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One read: the facts script (engine/facts) with the programs of the
// collectors outside gather_subset left out, in the probe round trip with
// the other tasks' reads. Plan parses its answer into Ansible's result,
// `ansible_facts` holding the facts of the subset that `filter` keeps,
// named as Ansible's setup names them (ansible_distribution...); the
// engine sets them on the host over the facts it has. Never changes
// anything.
class SetupModule final : public Module {
 public:
  SetupModule();
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

#endif  // HOSTPREP_MODULES_SETUP_H_
