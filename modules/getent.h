// `getent` (ansible.builtin.getent): entries of a name service database
// (passwd, group, hosts, services...), set as the facts getent_<database>,
// as Ansible's getent module sets them.
#ifndef HOSTPREP_MODULES_GETENT_H_
#define HOSTPREP_MODULES_GETENT_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One read in the probe round trip: `getent DATABASE [KEY] [-s SERVICE]`,
// its words as arguments (no shell). Plan splits each line of the answer
// as Ansible does (':' for passwd, shadow, group and gshadow, blanks
// otherwise, or `split`) into `ansible_facts.getent_DATABASE`: the first
// field the key, the rest its list; a key seen twice holds a list of
// lists. getent's exit codes fail the task with Ansible's messages; a
// missing key with `fail_key: false` is set to null instead. Never
// changes anything.
class GetentModule final : public Module {
 public:
  GetentModule();
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

#endif  // HOSTPREP_MODULES_GETENT_H_
