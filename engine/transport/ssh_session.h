// libssh sessions and channels with owners, and the connection of one host:
// TCP connect (direct or through bastions), host key check, authentication.
//
// libssh objects are used by one thread at a time. A connection through a
// bastion has a pump thread that alone uses the bastion's session; the
// caller's thread alone uses the target's session.
#ifndef HOSTPREP_ENGINE_TRANSPORT_SSH_SESSION_H_
#define HOSTPREP_ENGINE_TRANSPORT_SSH_SESSION_H_

#include <libssh/libssh.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/status.h"
#include "engine/transport/ssh_options.h"

namespace hostprep {

struct SshSessionDeleter {
  void operator()(ssh_session session) const;  // disconnects, then frees
};
struct SshChannelDeleter {
  void operator()(ssh_channel channel) const;  // closes when open, then frees
};
using SshSessionPtr = std::unique_ptr<ssh_session_struct, SshSessionDeleter>;
using SshChannelPtr = std::unique_ptr<ssh_channel_struct, SshChannelDeleter>;

// Where to connect and as whom: fully resolved (ssh config already applied).
struct SshEndpoint {
  std::string name;     // for messages: the inventory name or the jump spec
  std::string address;  // host name or IP
  int port = 22;
  std::string user;
  std::vector<std::string> keys;               // explicit key files, tried first, in order
  std::vector<std::string> config_identities;  // IdentityFile from ssh config, after the agent
  int alive_interval =
      15;  // seconds of silence before asking; 0 = never (SshConnection::CheckAlive)
  int alive_count_max = 3;  // silent intervals before the peer counts as dead
  // "host NAME (ADDR:PORT)", the start of every error about this endpoint.
  std::string Label() const;
};

// One authenticated SSH session, possibly tunnelled through bastions. Owns
// everything it needs; destroying it closes the target's session first, then
// stops the pump and closes the bastions' sessions.
class SshConnection {
 public:
  // Connects to `target` through `jumps` (outermost first; empty = direct).
  // Errors begin with the label of the endpoint that failed ("host NAME
  // (ADDR:PORT): connection refused", "...: host key verification failed:
  // ...", "...: authentication failed for user 'root' (tried ...)").
  //
  // Deadline: each hop (every bastion, then the target) has
  // `options.connect_timeout` seconds from its start (for a tunnelled hop,
  // from asking the bastion for the forwarded channel) to the end of its
  // authentication; past it the hop fails with "...: connection timed out
  // after N s". Name resolution (getaddrinfo) is not bounded by it.
  //
  // Retries: a transient failure of any hop (connection refused, timed out,
  // reset or closed during the handshake, no route, network unreachable)
  // starts the whole route again, up to `options.connect_retries` more
  // times, after 1 s, 2 s, 4 s... (at most 10 s) of sleep on the calling
  // thread. Host key and authentication failures are never retried. The
  // error is the last attempt's, with " (after N attempts)" when N > 1.
  // Touches the network and, under accept-new, the known_hosts file.
  static Result<std::unique_ptr<SshConnection>> Open(const SshEndpoint& target,
                                                     const std::vector<SshEndpoint>& jumps,
                                                     const SshOptions& options);
  ~SshConnection();
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;

  // The target's session, authenticated and non-blocking: every libssh call
  // on it returns at once (SSH_AGAIN where it would wait), so that callers
  // wait with WaitIo and CheckAlive instead of inside libssh, where a dead
  // peer would hold them for minutes.
  ssh_session session() const { return session_.get(); }
  // Whether the connection went through a bastion.
  bool jumped() const { return via_ != nullptr; }

  // Waits up to `max_ms` for the session's socket to have something for
  // libssh, or to take what libssh has left to send.
  void WaitIo(int max_ms) const;

  // Whether the peer still answers, for callers waiting on it (OpenSSH's
  // ServerAliveInterval and ServerAliveCountMax): once nothing was received
  // for the target's alive_interval seconds it asks for an answer
  // (keepalive@openssh.com, which sshd answers even while a command runs),
  // and again every interval; once nothing arrived for interval *
  // alive_count_max seconds it returns an unreachable Status ("host NAME
  // (ADDR:PORT): no answer for 45 s: the connection is dead"). Cheap enough
  // to call on every wake-up.
  Status CheckAlive();

 private:
  SshConnection() = default;
  // One attempt at the whole route. `*transient`: whether the failure is one
  // that trying again may cure.
  static Result<std::unique_ptr<SshConnection>> OpenOnce(const SshEndpoint& target,
                                                         const std::vector<SshEndpoint>& jumps,
                                                         const SshOptions& options,
                                                         bool* transient);
  Status StartPump(SshChannelPtr channel, int fd);
  void Pump(ssh_channel channel, int fd);

  std::unique_ptr<SshConnection> via_;  // the bastion; used only by pump_ while it runs
  std::thread pump_;
  std::atomic<bool> stop_{false};
  // What libssh counts on the session (ssh_set_counters): declared before
  // session_, so that they outlive it.
  ssh_counter_struct sent_{};
  ssh_counter_struct received_{};
  SshSessionPtr session_;
  SshEndpoint target_;
  // CheckAlive's state: packets received when last looked at, when that
  // count last grew, and when the peer was last asked for an answer.
  uint64_t packets_seen_ = 0;
  std::chrono::steady_clock::time_point heard_{};
  std::chrono::steady_clock::time_point asked_{};
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_SSH_SESSION_H_
