// `reboot` (ansible.builtin.reboot): reboots the host and waits until it
// is back, proven by its boot id changing, then until test_command runs.
#ifndef HOSTPREP_MODULES_REBOOT_H_
#define HOSTPREP_MODULES_REBOOT_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The probe reads the boot id (boot_time_command, as the task's become)
// and finds the reboot command in search_paths, in the round trip of the
// other tasks' reads. Plan fails as Ansible's action does (a local
// connection, a boot id that cannot be read, no shutdown command), and
// otherwise asks the engine for an Await: the reboot command, then new
// connections until the boot id differs from the one read, then
// test_command (engine/module/module.h). Report turns what the engine saw
// into Ansible's result: rebooted, elapsed, and its messages. Check mode
// reports changed with rebooted true and elapsed 0, as Ansible does, after
// the probe found the boot id and the command.
class RebootModule final : public Module {
 public:
  RebootModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Result<Change> Report(const Value& args, const ExecResult& output) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_REBOOT_H_
