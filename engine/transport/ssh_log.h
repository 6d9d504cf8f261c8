// -vvv: the SSH conversation on stderr, as `ansible-playbook -vvv` users
// expect it: hostprep's own steps (connecting, the host key, authentication,
// every command's channel with its sizes and exit) and libssh's protocol log
// (key exchange, algorithms, authentication methods), each line prefixed
// with the host it belongs to: "<node1> ...". -vvvv adds libssh's packet log.
//
// What is logged never holds a secret: commands are logged by their size,
// never their text or input; libssh logs no payload at these levels; and
// every line goes through Secrets::Redact all the same.
//
// Thread safety: EnableSshLog once, before any session exists; after it,
// SshLog and ScopedSshLogHost may be used from any thread (each thread
// labels its own lines).
#ifndef HOSTPREP_ENGINE_TRANSPORT_SSH_LOG_H_
#define HOSTPREP_ENGINE_TRANSPORT_SSH_LOG_H_

#include <string>

namespace hostprep {

// Verbosity 3 (-vvv): hostprep's steps and libssh's protocol log; 4 and more:
// libssh's packet log too; below 3: nothing (the default).
void EnableSshLog(int verbosity);

// Whether -vvv logging is on (so callers can skip building a line).
bool SshLogEnabled();

// Logs one line for the current thread's host.
void SshLog(const std::string& line);

// Labels the calling thread's lines (hostprep's and libssh's) with `host`
// until it is destroyed, then restores the previous label. libssh logs only
// on threads that hold one (its log settings are per thread).
class ScopedSshLogHost {
 public:
  explicit ScopedSshLogHost(std::string host);
  ~ScopedSshLogHost();
  ScopedSshLogHost(const ScopedSshLogHost&) = delete;
  ScopedSshLogHost& operator=(const ScopedSshLogHost&) = delete;

 private:
  std::string previous_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_SSH_LOG_H_
