// `ansible.posix.sysctl`: Ansible's sysctl module, one key per task, with
// Ansible's arguments, defaults and outcome (the file rewritten as Ansible
// rewrites it, the whole file reloaded). A task written `sysctl:` runs
// this module unless it names one of hostprep's own sysctl arguments
// (ModuleRegistry::FindFor).
#ifndef HOSTPREP_MODULES_ANSIBLE_SYSCTL_H_
#define HOSTPREP_MODULES_ANSIBLE_SYSCTL_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// What Ansible's sysctl decides for one key, from the file's text (nullopt:
// not a regular file) and the live value (nullopt: not read, or the kernel
// gave none). Pure; the rules of ansible.posix's sysctl.py.
struct SysctlDecision {
  bool changed = false;
  bool write_file = false;  // the file becomes `text`
  bool set_live = false;    // sysctl -w name=value
  bool reload = false;      // sysctl -p file
  std::string text;         // the whole file as Ansible writes it
};
struct SysctlRequest {
  std::string name;
  std::string value;  // as Ansible parses it ("1" for yes/true/on...); "" for state absent
  bool absent = false;
  bool reload = true;
  bool sysctl_set = false;
};
SysctlDecision DecideSysctl(const SysctlRequest& request, const std::optional<std::string>& file,
                            const std::optional<std::string>& live);

// A sysctl value as Ansible's module reads it: yes/true/on/y/t/1 -> "1",
// no/false/off/n/f/0 -> "0" (any case), else the value without surrounding
// whitespace.
std::string AnsibleSysctlValue(const std::string& value);

// Reads the file (through a symlink, as Ansible's open() does) and, when
// reload or sysctl_set may need it, the key's live value in one query.
// Writes the file atomically, replacing a symlink at its path as Ansible's
// atomic_move does. Stateless and thread-safe.
class AnsibleSysctlModule final : public Module {
 public:
  AnsibleSysctlModule();
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

#endif  // HOSTPREP_MODULES_ANSIBLE_SYSCTL_H_
