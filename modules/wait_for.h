// `wait_for` (ansible.builtin.wait_for): waits until a port opens or
// closes, a path appears (holding a pattern) or goes away, a port's
// connections drain, or simply for `timeout` seconds, as Ansible's module.
#ifndef HOSTPREP_MODULES_WAIT_FOR_H_
#define HOSTPREP_MODULES_WAIT_FOR_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The addresses of `host` as /proc/net/tcp{,6} spell them (little-endian
// hex per 32-bit word), as Ansible's wait_for converts them for drained: an
// IPv4 address also as its IPv4-mapped IPv6 form. nullopt when `host` is
// not an IP address (a name would need the target's resolver).
std::optional<std::vector<std::string>> ProcNetAddresses(const std::string& host);

// wait_for changes nothing, so it waits in reads, never in actions. The
// probe looks once (modules/scripts/wait_for.sh `once`): a condition that
// already holds, with no delay, costs nothing beyond the probe round trip.
// When it does not hold yet, Plan asks for one more read that waits on the
// target (`wait`: delay, then poll every `sleep` seconds until `timeout`),
// made when the task runs, after the tasks before it acted. The task is ok
// when the condition holds and fails with Ansible's message (or `msg`) when
// the time runs out; it never changes the host. Check mode skips it without
// waiting, as Ansible 2.14 skips its module (Change::check_mode_skip).
class WaitForModule final : public Module {
 public:
  WaitForModule();
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

#endif  // HOSTPREP_MODULES_WAIT_FOR_H_
