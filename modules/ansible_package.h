// Ansible's package (ansible.builtin.package): the host's package manager
// module with the task's arguments, as Ansible's package action runs it.
// On apt hosts that is `apt` (modules/apt.h), with every argument of
// Ansible's apt; on dnf, yum, zypper and apk hosts hostprep's own
// `package` (modules/package.h), which takes name, state, update_cache
// and lock_timeout there.
#ifndef HOSTPREP_MODULES_ANSIBLE_PACKAGE_H_
#define HOSTPREP_MODULES_ANSIBLE_PACKAGE_H_

#include <string>
#include <vector>

#include "engine/module/module.h"
#include "modules/apt.h"
#include "modules/package.h"

namespace hostprep::modules {

class AnsiblePackageModule final : public Module {
 public:
  AnsiblePackageModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Resources Declare(const Value& args) const override;

 private:
  // The backend module's arguments: apt's without `use`; package's.
  Result<Value> BackendArgs(const Value& args, const std::string& backend) const;
  // Without the pkg_mgr fact (gather_facts: false) and `use: auto`: the
  // facts of the minimal subset are read first, with apt's reads (the
  // common case, one round trip); another package manager's reads follow
  // in a second.
  Result<Change> PlanDetected(const Value& args, const std::vector<ReadResult>& reads,
                              const Value& facts) const;

  AptModule apt_;
  PackageModule package_;
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_ANSIBLE_PACKAGE_H_
