// `rpm_key` (ansible.builtin.rpm_key): a GPG key in rpm's database, as
// Ansible's module adds (`rpm --import FILE`) or removes (`rpm --erase
// --allmatches gpg-pubkey-KEYID`) it, the key id read with gpg.
#ifndef HOSTPREP_MODULES_RPM_KEY_H_
#define HOSTPREP_MODULES_RPM_KEY_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Whether Ansible's module takes `key` for a key id: it starts with eight
// hex digits, after an optional 0x (re.match, any case).
bool IsRpmKeyId(const std::string& key);

// The key id as Ansible's module compares it: stripped, upper case, without
// a leading 0X.
std::string NormalizeRpmKeyId(const std::string& keyid);

// Field `field` (0-based) of the first gpg colon-listing line of `type`
// ("pub", "fpr"), each line stripped; "" when there is none.
std::string GpgColonField(const std::vector<std::string>& lines, const std::string& type,
                          size_t field);

// One read in the probe round trip (scripts/rpm_key.sh); one rpm command
// when the key is to be imported or erased. Registers only `changed`, as
// Ansible's module does.
class RpmKeyModule final : public Module {
 public:
  RpmKeyModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  // A failed command: Ansible's message for it.
  Result<Change> Report(const Value& args, const ExecResult& output) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_RPM_KEY_H_
