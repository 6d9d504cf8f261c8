// `connection: local`: the controller itself as a target.
#ifndef HOSTPREP_ENGINE_TRANSPORT_LOCAL_TRANSPORT_H_
#define HOSTPREP_ENGINE_TRANSPORT_LOCAL_TRANSPORT_H_

#include <string>
#include <vector>

#include "engine/transport/remote_shell.h"

namespace hostprep {

// Runs commands on this machine with posix_spawn (no shell in between):
// stdin is fed and stdout/stderr are read together through poll(), so
// outputs of any size in both directions cannot deadlock. Each command runs
// in its own process group; on timeout the whole group is killed and the
// exit code is 124. A program that does not exist gives exit code 127 and a
// "hostprep: NAME: command not found" stderr, as a shell would.
//
// File operations are ShellTransport's: `sh` and coreutils on this machine.
// Become uses `sudo -n`, skipped when already running as the wanted user.
// Not thread-safe (one host, one worker); SIGPIPE is blocked only in the
// calling thread while a command runs, never changed process-wide.
class LocalTransport : public ShellTransport {
 public:
  LocalTransport();

  Status Connect() override { return Status::Ok(); }
  TransportStats stats() const override { return stats_; }
  std::string description() const override { return "local"; }

 protected:
  Result<ExecResult> RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data,
                                int timeout_seconds) override;
  std::string login_user() const override { return user_; }

 private:
  std::string user_;
  TransportStats stats_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_LOCAL_TRANSPORT_H_
