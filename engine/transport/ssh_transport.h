// `connection: ssh`: one libssh session per host, opened once and reused for
// every command of the run.
#ifndef HOSTPREP_ENGINE_TRANSPORT_SSH_TRANSPORT_H_
#define HOSTPREP_ENGINE_TRANSPORT_SSH_TRANSPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/inventory/inventory.h"
#include "engine/transport/remote_shell.h"
#include "engine/transport/ssh_options.h"
#include "engine/transport/ssh_session.h"

namespace hostprep {

// The target and its bastions (outermost first).
struct SshRoute {
  SshEndpoint target;
  std::vector<SshEndpoint> jumps;
};

// Applies the settings the way Ansible and OpenSSH would:
//   address: ssh config HostName for ansible_host, else ansible_host;
//   port: ansible_port, else ssh config Port, else 22;
//   user: ansible_user, else --user, else ssh config User, else the local user;
//   keys: ansible_ssh_private_key_file, then --private-key;
//   jumps: ansible_ssh_common_args' ProxyJump (-o ProxyJump=, -J), else the
//   inventory bastion (`bastion`: the settings of Kubespray's bastion host,
//   nullptr when none), else ssh config ProxyJump. Each hop is looked up in
//   ssh config too. Errors name the bad setting.
Result<SshRoute> ResolveSshRoute(const std::string& host, const ConnectionSettings& settings,
                                 const SshOptions& options, const ConnectionSettings* bastion);

// Commands run over an exec channel as one command line of ShellQuote'd
// words, so the login shell only ever sees quoted literals. File operations
// and become are ShellTransport's. Timeouts close the channel (after a KILL
// signal) and give exit code 124; a signal gives 128+N. A host that stops
// answering (SshConnection::CheckAlive) or a connection that breaks ends
// the command with an unreachable Status, and every later command fails at
// once with one. Not thread-safe (one host, one worker), as Transport says.
class SshTransport final : public ShellTransport {
 public:
  SshTransport(SshRoute route, SshOptions options);
  ~SshTransport() override;

  Status Connect() override;
  TransportStats stats() const override { return stats_; }
  std::string description() const override;

 protected:
  Result<ExecResult> RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data,
                                int timeout_seconds) override;
  std::string login_user() const override { return route_.target.user; }

 private:
  Result<ExecResult> RunOnChannel(const std::string& command, const std::string& stdin_data,
                                  int timeout_seconds);

  SshRoute route_;
  SshOptions options_;
  std::unique_ptr<SshConnection> connection_;
  bool broken_ = false;  // the session failed mid-command; later calls fail fast
  TransportStats stats_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_SSH_TRANSPORT_H_
