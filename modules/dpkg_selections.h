// `dpkg_selections` (ansible.builtin.dpkg_selections): a package's dpkg
// selection (install, hold, deinstall, purge), as Ansible's module sets it:
// `apt-mark hold` as roles write it for kubelet and kubeadm.
#ifndef HOSTPREP_MODULES_DPKG_SELECTIONS_H_
#define HOSTPREP_MODULES_DPKG_SELECTIONS_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The selection `dpkg --get-selections NAME` reports: the second word of
// its first line, or "not present" when it prints nothing (as Ansible's
// module reads it).
std::string ParseDpkgSelection(const std::string& out);

// One read in the probe round trip (`dpkg --get-selections NAME`); when
// the selection differs, `dpkg --set-selections` with "NAME SELECTION" on
// its stdin. Registers Ansible's `before` and `after`.
class DpkgSelectionsModule final : public Module {
 public:
  DpkgSelectionsModule();
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

#endif  // HOSTPREP_MODULES_DPKG_SELECTIONS_H_
