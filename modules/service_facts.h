// `service_facts` (ansible.builtin.service_facts): every service the host
// knows, set as the fact `services`, as Ansible's service_facts sets it.
#ifndef HOSTPREP_MODULES_SERVICE_FACTS_H_
#define HOSTPREP_MODULES_SERVICE_FACTS_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// ansible_facts.services from the sections scripts/service_facts.sh prints:
// the init scripts `service --status-all` lists (source sysv, by script
// name), then systemd's services from list-units, completed and their
// status set from list-unit-files (source systemd, by unit name).
Value ParseServiceFacts(const std::string& out);

// One read in the probe round trip (scripts/service_facts.sh); never
// changes anything.
class ServiceFactsModule final : public Module {
 public:
  ServiceFactsModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_SERVICE_FACTS_H_
