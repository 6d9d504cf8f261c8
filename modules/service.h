// `service`, also Ansible's systemd, systemd_service and service (on systemd
// hosts): the state of a systemd unit: running or not, enabled at boot or
// not, masked or not.
#ifndef HOSTPREP_MODULES_SERVICE_H_
#define HOSTPREP_MODULES_SERVICE_H_

#include <map>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The unit a name means: "nginx" -> "nginx.service"; a name with a unit
// suffix (.socket, .timer, .target, ...) is kept.
std::string UnitNameOf(const std::string& name);

// The key=value lines of `systemctl show`, as Ansible's systemd module reads
// them: an Exec* value that opens a '{' on one line runs to the line that
// ends with '}'. Later duplicates win.
std::map<std::string, std::string> ParseSystemctlShow(const std::string& out);

// Probe: ONE read, `systemctl show --no-pager -- UNIT` (every property: the
// registered status). Plan orders the actions: daemon-reload, daemon-reexec,
// unmask, enable/disable, start/stop/restart/reload, mask. The diff has one line per property that
// changes:
//   masked: yes -> no
//   enabled: disabled -> enabled
//   active: inactive -> active
class ServiceModule final : public Module {
 public:
  ServiceModule();
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

#endif  // HOSTPREP_MODULES_SERVICE_H_
