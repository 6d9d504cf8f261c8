#include "engine/transport/ssh_session.h"

#include <fmt/format.h>
#include <libssh/server.h>  // ssh_send_keepalive, which clients use too
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/base/text.h"
#include "engine/transport/ssh_log.h"

namespace hostprep {

namespace {

// Appends to known_hosts files from many host threads at once.
std::mutex known_hosts_mutex;

std::string LibsshError(ssh_session session) {
  std::string text = Trim(ssh_get_error(session));
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string TimedOut(const SshEndpoint& ep, int seconds) {
  return fmt::format("{}: connection timed out after {} s", ep.Label(), seconds);
}

// A failed connect in the words the user expects, and whether it is worth
// another attempt: only the network's passing troubles are, never a protocol
// or resolution error, which would fail the same way again.
struct ConnectError {
  std::string text;
  bool transient = false;
};

ConnectError DescribeConnectError(ssh_session session, int timeout) {
  const std::string raw = ssh_get_error(session);
  if (HasSubstring(raw, "Connection refused")) return {"connection refused", true};
  if (HasSubstring(raw, "No route to host")) return {"no route to host", true};
  if (HasSubstring(raw, "Network is unreachable")) return {"network is unreachable", true};
  if (HasSubstring(raw, "Timeout") || HasSubstring(raw, "timed out") ||
      HasSubstring(raw, "timeout")) {
    return {fmt::format("connection timed out after {} s", timeout), true};
  }
  // Whether the peer's close came as EOF or as a reset is a matter of timing.
  if (HasSubstring(raw, "Connection reset") || HasSubstring(raw, "disconnected") ||
      HasSubstring(raw, "Broken pipe")) {
    return {"connection closed during the handshake", true};
  }
  if (HasSubstring(raw, "resolve") || HasSubstring(raw, "getaddrinfo") ||
      HasSubstring(raw, "Name or service not known")) {
    return {fmt::format("cannot resolve the host name: {}", LibsshError(session)), false};
  }
  return {LibsshError(session), false};
}

using Clock = std::chrono::steady_clock;

// The end of one hop's connect.
//
// Why the handshake runs non-blocking: libssh applies SSH_OPTIONS_TIMEOUT to
// each blocking wait (ssh_connect, then every authentication request), so a
// slow host took far longer than --timeout (10 s became 17.8 s). Setting the
// remaining time before each call is not enough either, as one call waits
// several times (ssh_userauth_publickey_auto, one round trip per key). So
// during the handshake libssh never waits: each call returns SSH_AGAIN, and
// Wait polls the socket for what libssh waits for (ssh_get_poll_flags), never
// past the deadline.
class Deadline {
 public:
  explicit Deadline(int seconds)
      : end_(Clock::now() + std::chrono::seconds(seconds)), seconds_(seconds) {}
  int seconds() const { return seconds_; }

  // Waits until `session`'s socket may let a non-blocking call progress, or
  // a short while. False when the deadline has passed.
  bool Wait(ssh_session session) const {
    const long long left =
        std::chrono::ceil<std::chrono::milliseconds>(end_ - Clock::now()).count();
    if (left <= 0) return false;
    // Capped, so that an event libssh's flags did not announce (or a socket
    // that does not exist yet: poll ignores fd -1) costs a retry, not the
    // rest of the deadline.
    const int wait_ms = static_cast<int>(std::min<long long>(left, 100));
    pollfd p{ssh_get_fd(session), POLLIN, 0};
    if (ssh_get_poll_flags(session) & SSH_WRITE_PENDING) p.events |= POLLOUT;
    poll(&p, 1, wait_ms);
    return true;
  }

 private:
  Clock::time_point end_;
  int seconds_;
};

// Calls the non-blocking libssh step `call` until it answers something other
// than `again`; nullopt when the deadline passed first.
template <typename Call>
std::optional<int> UntilDone(ssh_session session, const Deadline& deadline, int again, Call call) {
  for (;;) {
    const int rc = call();
    if (rc != again) return rc;
    if (!deadline.Wait(session)) return std::nullopt;
  }
}

// "[addr]:port" as known_hosts and ssh-keygen -R write it, or "addr" for 22.
std::string KnownHostsName(const SshEndpoint& ep) {
  return ep.port == 22 ? ep.address : fmt::format("[{}]:{}", ep.address, ep.port);
}

// The server key's type and SHA256 fingerprint: "ssh-ed25519 SHA256:...".
std::string Fingerprint(ssh_session session) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(session, &key) != SSH_OK) return "(unknown key)";
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out = ssh_key_type_to_char(ssh_key_type(key));
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    if (text) out += std::string(" ") + text;
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

Status VerifyHostKey(ssh_session session, const SshEndpoint& ep, const SshOptions& options,
                     const std::string& known_hosts) {
  if (options.host_key_checking == HostKeyChecking::kOff) return Status::Ok();
  const std::string label = ep.Label();
  const ssh_known_hosts_e state = ssh_session_is_known_server(session);
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      return Status::Ok();
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return Status::Error(fmt::format(
          "{}: host key verification failed: the host key changed (it is now {}), which is what "
          "a man-in-the-middle attack looks like; if the host was reinstalled, remove the old key "
          "with `ssh-keygen -R '{}' -f {}` and connect again",
          label, Fingerprint(session), KnownHostsName(ep), known_hosts));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      return Status::Error(fmt::format("{}: host key verification failed: cannot read {}: {}",
                                       label, known_hosts, LibsshError(session)));
  }
  if (options.host_key_checking == HostKeyChecking::kAcceptNew) {
    std::lock_guard<std::mutex> lock(known_hosts_mutex);
    // Another host's thread may have recorded the same key meanwhile.
    if (ssh_session_is_known_server(session) == SSH_KNOWN_HOSTS_OK) return Status::Ok();
    if (ssh_session_update_known_hosts(session) != SSH_OK) {
      return Status::Error(fmt::format("{}: cannot record the host key in {}: {}", label,
                                       known_hosts, LibsshError(session)));
    }
    return Status::Ok();
  }
  return Status::Error(fmt::format(
      "{}: host key verification failed: the host key {} is not in {}; after checking the "
      "fingerprint, add it with `ssh-keyscan -p {} -H {} >> {}`, or use --host-key-checking "
      "accept-new",
      label, Fingerprint(session), known_hosts, ep.port, ep.address, known_hosts));
}

std::string CommaList(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// The authentication methods the server still accepts, for the message.
std::string AllowedMethods(ssh_session session) {
  std::vector<std::string> methods;
  const int allowed = ssh_userauth_list(session, nullptr);
  if (allowed & SSH_AUTH_METHOD_PUBLICKEY) methods.push_back("publickey");
  if (allowed & SSH_AUTH_METHOD_PASSWORD) methods.push_back("password");
  if (allowed & SSH_AUTH_METHOD_INTERACTIVE) methods.push_back("keyboard-interactive");
  if (allowed & SSH_AUTH_METHOD_GSSAPI_MIC) methods.push_back("gssapi");
  return methods.empty() ? "nothing we can offer" : CommaList(methods);
}

// Explicit keys, then the agent, then ssh config's IdentityFile and the
// default keys. Never prompts: encrypted keys without the agent are skipped.
// Only a timeout is transient: a connection lost here is how sshd ends a
// session after too many rejected keys, and trying again would only add
// failed logins (and lock accounts, or trip fail2ban).
Status Authenticate(ssh_session session, const SshEndpoint& ep, const SshOptions& options,
                    const Deadline& deadline, bool* transient) {
  std::vector<std::string> tried;
  auto lost = [&]() {
    return Status::Error(fmt::format("{}: connection lost during authentication: {}", ep.Label(),
                                     LibsshError(session)));
  };
  auto timed_out = [&]() {
    *transient = true;
    return Status::Error(TimedOut(ep, deadline.seconds()));
  };
  auto step = [&](auto call) { return UntilDone(session, deadline, SSH_AUTH_AGAIN, call); };
  // "none" first, as OpenSSH does: it gives the server's list of methods.
  const std::optional<int> none = step([&] { return ssh_userauth_none(session, nullptr); });
  if (!none) return timed_out();
  if (*none == SSH_AUTH_SUCCESS) return Status::Ok();
  if (*none == SSH_AUTH_ERROR) return lost();
  for (const std::string& path : ep.keys) {
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
      tried.push_back(
          fmt::format("key {} (unreadable, or encrypted: load it into ssh-agent)", path));
      continue;
    }
    const std::optional<int> rc =
        step([&] { return ssh_userauth_publickey(session, nullptr, key); });
    ssh_key_free(key);
    if (!rc) return timed_out();
    if (*rc == SSH_AUTH_SUCCESS) return Status::Ok();
    if (*rc == SSH_AUTH_ERROR) return lost();
    tried.push_back("key " + path);
  }
  if (!options.agent_socket.empty()) {
    const std::optional<int> rc = step([&] { return ssh_userauth_agent(session, nullptr); });
    if (!rc) return timed_out();
    if (*rc == SSH_AUTH_SUCCESS) return Status::Ok();
    tried.push_back("agent");
  }
  const std::optional<int> rc =
      step([&] { return ssh_userauth_publickey_auto(session, nullptr, nullptr); });
  if (!rc) return timed_out();
  if (*rc == SSH_AUTH_SUCCESS) return Status::Ok();
  if (*rc == SSH_AUTH_ERROR) return lost();
  tried.push_back(options.ssh_dir.empty() ? "default keys in ~/.ssh"
                                          : fmt::format("default keys in {}", options.ssh_dir));
  return Status::Error(fmt::format(
      "{}: authentication failed for user '{}' (tried {}): no key was accepted (the server "
      "allows: {}); pass the right key with --private-key or ansible_ssh_private_key_file",
      ep.Label(), ep.user, CommaList(tried), AllowedMethods(session)));
}

Status SetOption(ssh_session session, enum ssh_options_e option, const void* value,
                 const char* name) {
  if (ssh_options_set(session, option, value) == SSH_OK) return Status::Ok();
  return Status::Error(fmt::format("cannot set the ssh option {}: {}", name, LibsshError(session)));
}

// A configured session for `ep`, not yet connected. `fd` >= 0: the
// connection is that socket (a tunnel through a bastion); the session owns it.
Result<SshSessionPtr> NewSession(const SshEndpoint& ep, const SshOptions& options,
                                 const std::string& known_hosts, int fd) {
  SshSessionPtr session(ssh_new());
  if (!session) return Status::Error("cannot create an ssh session (out of memory?)");
  ssh_session s = session.get();
  const int no = 0;
  const unsigned port = static_cast<unsigned>(ep.port);
  Status st = SetOption(s, SSH_OPTIONS_PROCESS_CONFIG, &no, "ProcessConfig");
  if (st.ok()) st = SetOption(s, SSH_OPTIONS_HOST, ep.address.c_str(), "Host");
  if (st.ok()) st = SetOption(s, SSH_OPTIONS_PORT, &port, "Port");
  if (st.ok() && !ep.user.empty()) st = SetOption(s, SSH_OPTIONS_USER, ep.user.c_str(), "User");
  if (st.ok()) st = SetOption(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str(), "KnownHosts");
  if (st.ok() && !options.ssh_dir.empty()) {
    st = SetOption(s, SSH_OPTIONS_SSH_DIR, options.ssh_dir.c_str(), "SshDir");
  }
  if (st.ok() && !options.agent_socket.empty()) {
    st = SetOption(s, SSH_OPTIONS_IDENTITY_AGENT, options.agent_socket.c_str(), "IdentityAgent");
  }
  for (const std::string& id : ep.config_identities) {
    if (st.ok()) st = SetOption(s, SSH_OPTIONS_ADD_IDENTITY, id.c_str(), "IdentityFile");
  }
  if (st.ok() && fd >= 0) {
    socket_t sock = fd;
    st = SetOption(s, SSH_OPTIONS_FD, &sock, "Fd");
  }
  if (!st.ok()) {
    if (fd >= 0) close(fd);
    return Status::Error(fmt::format("{}: {}", ep.Label(), st.message()));
  }
  return session;
}

// A peer whose machine is gone is noticed by TCP too (the kernel's
// keepalive probes), not only by CheckAlive's requests.
void EnableTcpKeepalive(int fd, const SshEndpoint& ep) {
  const int on = 1;
  const int idle = ep.alive_interval > 0 ? ep.alive_interval : 15;
  const int count = ep.alive_count_max;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

// Connects `s` (TCP unless `tunnelled`), checks the host key and
// authenticates, all before `deadline`; the session stays non-blocking.
Status Handshake(ssh_session s, const SshEndpoint& ep, const SshOptions& options,
                 const Deadline& deadline, bool tunnelled, bool* transient) {
  ssh_set_blocking(s, 0);
  SshLog(fmt::format("connecting to {} at {}:{} as {}{}", ep.name, ep.address, ep.port, ep.user,
                     tunnelled ? " through the bastion's tunnel" : ""));
  const std::optional<int> rc = UntilDone(s, deadline, SSH_AGAIN, [&] { return ssh_connect(s); });
  if (!rc) {
    *transient = true;
    return Status::Error(TimedOut(ep, deadline.seconds()));
  }
  if (*rc != SSH_OK) {
    const ConnectError error = DescribeConnectError(s, deadline.seconds());
    *transient = error.transient;
    return Status::Error(fmt::format("{}: {}", ep.Label(), error.text));
  }
  if (!tunnelled) EnableTcpKeepalive(ssh_get_fd(s), ep);
  if (SshLogEnabled()) {
    const char* banner = ssh_get_serverbanner(s);
    SshLog(fmt::format("connected: {} server, host key {}", banner ? banner : "unknown",
                       Fingerprint(s)));
  }
  Status verified = VerifyHostKey(s, ep, options, options.known_hosts);
  if (!verified.ok()) return verified;
  SshLog(options.host_key_checking == HostKeyChecking::kOff
             ? "host key not checked (--host-key-checking off)"
             : fmt::format("host key verified against {}", options.known_hosts));
  Status authenticated = Authenticate(s, ep, options, deadline, transient);
  if (authenticated.ok()) SshLog(fmt::format("authenticated as {}", ep.user));
  return authenticated;
}

// A direct-tcpip channel from `bastion` to `target`, opened before the
// target's deadline: the bastion's connect to the target is part of that hop.
Result<SshChannelPtr> OpenForward(ssh_session bastion, const SshEndpoint& bastion_ep,
                                  const SshEndpoint& target, const Deadline& deadline,
                                  bool* transient) {
  SshChannelPtr channel(ssh_channel_new(bastion));
  if (!channel) {
    return Status::Error(fmt::format("{}: cannot create a channel on the bastion {}: {}",
                                     target.Label(), bastion_ep.Label(), LibsshError(bastion)));
  }
  // The bastion's session is non-blocking since its handshake.
  const std::optional<int> rc = UntilDone(bastion, deadline, SSH_AGAIN, [&] {
    return ssh_channel_open_forward(channel.get(), target.address.c_str(), target.port, "127.0.0.1",
                                    0);
  });
  if (!rc) {
    *transient = true;
    return Status::Error(TimedOut(target, deadline.seconds()));
  }
  if (*rc != SSH_OK) {
    // sshd passes on why its own connect failed ("Connection refused"...).
    *transient = DescribeConnectError(bastion, deadline.seconds()).transient;
    return Status::Error(fmt::format("{}: the bastion {} could not open a connection to it: {}",
                                     target.Label(), bastion_ep.Label(), LibsshError(bastion)));
  }
  return channel;
}

// Seconds to wait before attempt `next` (2, 3...): 1, 2, 4, 8, then 10.
std::chrono::seconds RetryDelay(int next) {
  return std::chrono::seconds(next > 4 ? 10 : 1 << (next - 2));
}

}  // namespace

void SshSessionDeleter::operator()(ssh_session session) const {
  ssh_disconnect(session);
  ssh_free(session);
}

void SshChannelDeleter::operator()(ssh_channel channel) const {
  if (ssh_channel_is_open(channel)) ssh_channel_close(channel);
  ssh_channel_free(channel);
}

std::string SshEndpoint::Label() const {
  return fmt::format("host {} ({}:{})", name, address, port);
}

Result<std::unique_ptr<SshConnection>> SshConnection::Open(const SshEndpoint& target,
                                                           const std::vector<SshEndpoint>& jumps,
                                                           const SshOptions& options) {
  const int attempts = 1 + std::max(0, options.connect_retries);
  for (int attempt = 1;; ++attempt) {
    bool transient = false;
    Result<std::unique_ptr<SshConnection>> conn = OpenOnce(target, jumps, options, &transient);
    if (conn.ok()) return conn;
    if (!transient || attempt == attempts) {
      if (attempt == 1) return conn;
      return Status::Error(fmt::format("{} (after {} attempts)", conn.message(), attempt));
    }
    std::this_thread::sleep_for(RetryDelay(attempt + 1));
  }
}

Result<std::unique_ptr<SshConnection>> SshConnection::OpenOnce(
    const SshEndpoint& target, const std::vector<SshEndpoint>& jumps, const SshOptions& options,
    bool* transient) {
  *transient = false;
  std::unique_ptr<SshConnection> conn(new SshConnection());
  int fd = -1;
  if (!jumps.empty()) {
    std::vector<SshEndpoint> outer(jumps.begin(), jumps.end() - 1);
    Result<std::unique_ptr<SshConnection>> via = OpenOnce(jumps.back(), outer, options, transient);
    if (!via.ok()) {
      return Status::Error(fmt::format("{}: through bastion: {}", target.Label(), via.message()));
    }
    conn->via_ = std::move(*via);
  }
  // This hop's own deadline starts here, after the bastions' handshakes.
  const Deadline deadline(options.connect_timeout);
  if (conn->via_) {
    Result<SshChannelPtr> channel =
        OpenForward(conn->via_->session(), jumps.back(), target, deadline, transient);
    if (!channel.ok()) return channel.status();
    int sv[2];
    // Both ends non-blocking: libssh writes only what poll says fits, and
    // the pump never waits on one side while the other is full (a blocking
    // end deadlocked a large write against a large answer).
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0) {
      return Status::Error(fmt::format("{}: socketpair: {}", target.Label(), std::strerror(errno)));
    }
    Status pump = conn->StartPump(std::move(*channel), sv[1]);
    if (!pump.ok()) {
      close(sv[0]);
      return Status::Error(fmt::format("{}: {}", target.Label(), pump.message()));
    }
    fd = sv[0];
  }
  Result<SshSessionPtr> session = NewSession(target, options, options.known_hosts, fd);
  if (!session.ok()) return session.status();
  conn->session_ = std::move(*session);
  conn->target_ = target;
  ssh_set_counters(conn->session_.get(), &conn->sent_, &conn->received_);
  Status handshake = Handshake(conn->session_.get(), target, options, deadline, fd >= 0, transient);
  if (!handshake.ok()) return handshake;
  conn->packets_seen_ = conn->received_.in_packets;
  conn->heard_ = conn->asked_ = Clock::now();
  return conn;
}

void SshConnection::WaitIo(int max_ms) const {
  pollfd p{ssh_get_fd(session_.get()), POLLIN, 0};
  if (ssh_get_poll_flags(session_.get()) & SSH_WRITE_PENDING) p.events |= POLLOUT;
  poll(&p, 1, max_ms);
}

Status SshConnection::CheckAlive() {
  const Clock::time_point now = Clock::now();
  if (received_.in_packets != packets_seen_) {
    packets_seen_ = received_.in_packets;
    heard_ = now;
  }
  const int interval = target_.alive_interval;
  if (interval <= 0) return Status::Ok();
  const auto silent = now - heard_;
  if (silent >= std::chrono::seconds(interval) * target_.alive_count_max) {
    return Status::Unreachable(fmt::format(
        "{}: no answer for {} s (ServerAliveInterval {} x ServerAliveCountMax {}): the "
        "connection is dead",
        target_.Label(), interval * target_.alive_count_max, interval, target_.alive_count_max));
  }
  if (silent >= std::chrono::seconds(interval) && now - asked_ >= std::chrono::seconds(interval)) {
    // libssh keeps one global request pending at a time: while the answer to
    // the last one has not been taken, a call only takes it (and sends
    // nothing), so the second call makes sure that one is on its way.
    ssh_send_keepalive(session_.get());
    ssh_send_keepalive(session_.get());
    asked_ = now;
  }
  return Status::Ok();
}

SshConnection::~SshConnection() {
  session_.reset();  // closes our end of the tunnel: the pump sees EOF
  stop_ = true;
  if (pump_.joinable()) pump_.join();
  via_.reset();
}

Status SshConnection::StartPump(SshChannelPtr channel, int fd) {
  ssh_channel raw = channel.release();
  try {
    pump_ = std::thread([this, raw, fd] { Pump(raw, fd); });
  } catch (const std::system_error& e) {
    SshChannelDeleter()(raw);
    close(fd);
    return Status::Error(fmt::format("cannot start the bastion pump thread: {}", e.what()));
  }
  return Status::Ok();
}

// Copies bytes between the tunnel socket and the bastion's direct-tcpip
// channel until either side ends or stop_ is set. The only user of the
// bastion's session. Nothing here waits on one side: the socket is
// non-blocking, the session too (a write never waits for the channel's
// window inside libssh), and each direction keeps what the other side could
// not take yet. So a dead bastion cannot hold the pump, nor the destructor
// that joins it.
void SshConnection::Pump(ssh_channel raw, int fd) {
  constexpr size_t kMaxBuffered = 1 << 20;  // then stop reading: flow control does the rest
  ScopedSshLogHost log_host(target_.name + " via bastion");
  SshChannelPtr channel(raw);
  ssh_channel ch = channel.get();
  ssh_session bastion = via_->session();
  char buf[32768];
  std::string to_channel, to_socket;
  while (!stop_) {
    pollfd fds[2] = {{fd, 0, 0}, {ssh_get_fd(bastion), POLLIN, 0}};
    if (to_channel.size() < kMaxBuffered) fds[0].events |= POLLIN;
    if (!to_socket.empty()) fds[0].events |= POLLOUT;
    if (ssh_get_poll_flags(bastion) & SSH_WRITE_PENDING) fds[1].events |= POLLOUT;
    if (poll(fds, 2, 50) < 0 && errno != EINTR) break;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
      if (n > 0) to_channel.append(buf, static_cast<size_t>(n));
    }
    if (!to_channel.empty()) {
      const uint32_t room =
          std::min<uint32_t>(ssh_channel_window_size(ch), static_cast<uint32_t>(to_channel.size()));
      if (room > 0) {
        const int n = ssh_channel_write(ch, to_channel.data(), room);
        if (n < 0) break;
        to_channel.erase(0, static_cast<size_t>(n));
      }
    }
    bool failed = false;
    while (to_socket.size() < kMaxBuffered) {
      const int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0);
      if (n < 0) failed = true;
      if (n <= 0) break;
      to_socket.append(buf, static_cast<size_t>(n));
    }
    if (!to_socket.empty()) {
      const ssize_t n = send(fd, to_socket.data(), to_socket.size(), MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) break;
      if (n > 0) to_socket.erase(0, static_cast<size_t>(n));
    }
    const bool ended = ssh_channel_is_eof(ch) || !ssh_channel_is_open(ch);
    if (failed || (ended && to_socket.empty())) break;
  }
  channel.reset();
  close(fd);
}

}  // namespace hostprep
