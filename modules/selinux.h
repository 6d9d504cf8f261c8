// `selinux` (ansible.posix.selinux): SELinux's mode and policy as Ansible's
// module sets them: the SELINUX= and SELINUXTYPE= lines of its config file,
// the running mode through selinuxfs (setenforce), and optionally the
// kernel's selinux=0 argument through grubby.
#ifndef HOSTPREP_MODULES_SELINUX_H_
#define HOSTPREP_MODULES_SELINUX_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The value of the first line matching ^KEY=, as Ansible's module reads it
// (the text between the first and second "=", stripped), or nullopt.
std::optional<std::string> SelinuxConfigValue(const std::string& content, const std::string& key);

// The policy libselinux reports as running (selinux_getpolicytype): the
// last SELINUXTYPE= line of /etc/selinux/config, matched without regard to
// case after leading blanks, trailing blanks dropped; "targeted" without one.
std::string SelinuxRuntimePolicy(const std::optional<std::string>& etc_config);

// The config file after Ansible's edit: split into lines as Python's
// splitlines() does, every line starting with KEY= replaced by KEY=VALUE
// (KEY=VALUE appended when none does), each line ending in "\n".
std::string SetSelinuxConfigValue(const std::string& content, const std::string& key,
                                  const std::string& value);

// Whether `grubby --info=ALL` says every kernel runs SELinux (true), none
// does (false: all have selinux=0), or they disagree (nullopt), as
// Ansible's module reads it.
std::optional<bool> GrubbySelinuxEnabled(const std::vector<std::string>& info);

// Reads the config file, /etc/selinux/config and scripts/selinux.sh in the
// probe round trip. Registers Ansible's msg, configfile, policy, state,
// reboot_required (and warnings).
class SelinuxModule final : public Module {
 public:
  SelinuxModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  // A failed command: Ansible's message for it.
  Result<Change> Report(const Value& args, const ExecResult& output) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_SELINUX_H_
