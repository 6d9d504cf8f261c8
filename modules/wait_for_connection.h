// `wait_for_connection` (ansible.builtin.wait_for_connection): waits until
// the host answers a command over its connection.
#ifndef HOSTPREP_MODULES_WAIT_FOR_CONNECTION_H_
#define HOSTPREP_MODULES_WAIT_FOR_CONNECTION_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Reads nothing; asks the engine for an Await with no command and no boot
// id: after `delay`, a trivial command (`true`) until it runs, every
// `sleep` seconds for at most `timeout`, each new connection within
// `connect_timeout` (engine/module/module.h). On a host already reachable
// that is one round trip on the connection the run has, and the answers
// read before stay good. Never changes the host; check mode skips it, as
// Ansible does.
class WaitForConnectionModule final : public Module {
 public:
  WaitForConnectionModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Result<Change> Report(const Value& args, const ExecResult& output) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_WAIT_FOR_CONNECTION_H_
