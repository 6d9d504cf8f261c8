// `hostname` (ansible.builtin.hostname): the host's name, now and at boot,
// as Ansible's module sets it on Linux: with hostnamectl where systemd
// runs, else in /etc/hostname (Debian and its kin, Alpine with
// `hostname -F`) or /etc/HOSTNAME (SUSE).
#ifndef HOSTPREP_MODULES_HOSTNAME_H_
#define HOSTPREP_MODULES_HOSTNAME_H_

#include <map>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// How Ansible's module keeps the name on this host: "systemd", "file"
// (/etc/hostname), "alpine" (the same, then `hostname -F`), "sles"
// (/etc/HOSTNAME); or an error naming what hostprep does not do (`use:
// redhat`, a distribution Ansible has no strategy for).
Result<std::string> HostnameStrategy(const std::string& use, bool systemd,
                                     const std::string& os_id);

// The lines "KEY VALUE" of scripts/hostname.sh.
std::map<std::string, std::string> ParseHostnameRead(const std::string& out);

// One read in the probe round trip (scripts/hostname.sh); hostnamectl or
// an atomic write of the file only where the name differs. Registers
// Ansible's `name` and ansible_facts (hostname, nodename, fqdn, domain),
// which the run sets on the host for later tasks.
class HostnameModule final : public Module {
 public:
  HostnameModule();
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

#endif  // HOSTPREP_MODULES_HOSTNAME_H_
