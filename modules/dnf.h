// Ansible's `dnf` and `yum` (ansible.builtin.dnf, ansible.builtin.yum):
// hostprep's own package module (modules/package.h) on dnf and yum hosts,
// with Ansible's arguments. What roles write for RHEL-family hosts (often
// beside an `apt` task under `when: ansible_os_family == "RedHat"`) is
// accepted as it is, and runs where a host has that package manager.
#ifndef HOSTPREP_MODULES_DNF_H_
#define HOSTPREP_MODULES_DNF_H_

#include <string>
#include <vector>

#include "engine/module/module.h"
#include "modules/package.h"

namespace hostprep::modules {

// `name` is "dnf" or "yum". Takes name, state (present/installed,
// latest, absent/removed), update_cache and lock_timeout to package's
// engine; every other argument of Ansible's is accepted for validation
// and refused, naming it, when the task runs with a value other than its
// default.
class DnfModule final : public Module {
 public:
  explicit DnfModule(const std::string& name);
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Resources Declare(const Value& args) const override;

 private:
  // package's arguments for this task on a host with `facts`; an error
  // names what hostprep cannot do there.
  Result<Value> PackageArgs(const Value& args, const Value& facts) const;

  PackageModule package_;
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_DNF_H_
