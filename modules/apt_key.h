// `apt_key` (ansible.builtin.apt_key): a key apt trusts, added with
// apt-key from a key file on the host or key text, or removed by its id,
// as Ansible's module does it, gpg and apt-key on the host and no Python.
#ifndef HOSTPREP_MODULES_APT_KEY_H_
#define HOSTPREP_MODULES_APT_KEY_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The key ids of `apt-key adv --list-public-keys --keyid-format=long` or
// `gpg --with-colons` output, as Ansible's module reads them: the id of
// every pub and sub line that does not say "expired", in order.
std::vector<std::string> ParseAptKeyIds(const std::string& out);

// Reads in the probe round trip: apt's keys (a script running apt-key) and,
// for a key file or key text, its ids (gpg --with-colons in a temporary
// home). Adds with `apt-key [--keyring K] add FILE|-` or removes with
// `apt-key del SHORT_ID` when the key's presence differs, then checks the
// listing as Ansible does. Registers Ansible's id, key_id, short_id, fp,
// before, and after for a real run that changed.
class AptKeyModule final : public Module {
 public:
  AptKeyModule();
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

#endif  // HOSTPREP_MODULES_APT_KEY_H_
