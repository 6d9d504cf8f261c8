// `package_facts` (ansible.builtin.package_facts): the installed packages,
// set as the fact `packages`, as Ansible's package_facts sets it.
#ifndef HOSTPREP_MODULES_PACKAGE_FACTS_H_
#define HOSTPREP_MODULES_PACKAGE_FACTS_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The packages of one manager ("apt" or "rpm") from the sections
// scripts/package_facts.sh prints: name -> list of {name, version, ...} as
// Ansible's package_facts gives them; null when that manager is not there.
Value ParsePackageFacts(const std::string& out, const std::string& manager);

// One read in the probe round trip (scripts/package_facts.sh); never
// changes anything.
class PackageFactsModule final : public Module {
 public:
  PackageFactsModule();
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

#endif  // HOSTPREP_MODULES_PACKAGE_FACTS_H_
