#include "engine/transport/ssh_session.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "engine/transport/ssh_transport.h"
#include "tests/engine/transport/ssh_test_server.h"

namespace hostprep {
namespace {

using testing::SshTestDir;
using testing::TestSshd;
using Clock = std::chrono::steady_clock;

// What a TestPeer does with the connections it accepts.
struct PeerBehavior {
  bool banner = false;      // send an SSH banner, then stall (with no backend)
  int backend_port = 0;     // relay each connection to 127.0.0.1:PORT; 0 = stall
  int close_first = 0;      // close this many connections as soon as they come
  int delay_ms = 0;         // hold each chunk from the backend this long
  int listen_after_ms = 0;  // refuse connections (bound, not listening) until then
};

// A TCP peer on 127.0.0.1 that misbehaves as told, run by one thread of its
// own; everything it opened is closed when it goes.
class TestPeer {
 public:
  explicit TestPeer(PeerBehavior behavior) : behavior_(behavior) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    // A bound socket that does not listen yet refuses connections (RST).
    if (behavior_.listen_after_ms == 0) REQUIRE(listen(listen_fd_, 16) == 0);
    thread_ = std::thread([this] { Run(); });
  }
  ~TestPeer() {
    stop_ = true;
    thread_.join();
    for (Conn& c : conns_) {
      close(c.client);
      if (c.backend >= 0) close(c.backend);
    }
    close(listen_fd_);
  }
  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  struct Chunk {
    Clock::time_point due;
    std::string data;
  };
  struct Conn {
    int client = -1;
    int backend = -1;
    std::deque<Chunk> to_client;
  };

  void Run() {
    const auto start = Clock::now();
    bool listening = behavior_.listen_after_ms == 0;
    while (!stop_) {
      if (!listening &&
          Clock::now() - start >= std::chrono::milliseconds(behavior_.listen_after_ms)) {
        listening = listen(listen_fd_, 16) == 0;
      }
      std::vector<pollfd> fds;
      if (listening) fds.push_back({listen_fd_, POLLIN, 0});
      for (const Conn& c : conns_) {
        fds.push_back({c.client, POLLIN, 0});
        if (c.backend >= 0) fds.push_back({c.backend, POLLIN, 0});
      }
      poll(fds.data(), fds.size(), 10);
      if (listening && (fds[0].revents & POLLIN)) Accept();
      for (Conn& c : conns_) Serve(c);
    }
  }

  void Accept() {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (++accepted_ <= behavior_.close_first) {
      close(fd);
      return;
    }
    Conn c;
    c.client = fd;
    if (behavior_.banner) Send(fd, "SSH-2.0-OpenSSH_9.2p1 stall\r\n");
    if (behavior_.backend_port > 0) {
      c.backend = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(behavior_.backend_port));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      connect(c.backend, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    }
    conns_.push_back(std::move(c));
  }

  // Client bytes go on at once (or nowhere); backend bytes wait delay_ms.
  void Serve(Conn& c) {
    char buf[65536];
    ssize_t n = recv(c.client, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0 && c.backend >= 0) Send(c.backend, std::string(buf, static_cast<size_t>(n)));
    if (c.backend < 0) return;
    n = recv(c.backend, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      c.to_client.push_back({Clock::now() + std::chrono::milliseconds(behavior_.delay_ms),
                             std::string(buf, static_cast<size_t>(n))});
    }
    while (!c.to_client.empty() && c.to_client.front().due <= Clock::now()) {
      Send(c.client, c.to_client.front().data);
      c.to_client.pop_front();
    }
  }

  static void Send(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  PeerBehavior behavior_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stop_{false};
  std::vector<Conn> conns_;  // only the peer's thread touches them until it stops
  std::thread thread_;
};

SshOptions TestOptions(const SshTestDir& dir) { return testing::TestSshOptions(dir, 2); }

SshEndpoint Endpoint(int port, const SshOptions& options) {
  SshEndpoint ep;
  ep.name = "node1";
  ep.address = "127.0.0.1";
  ep.port = port;
  ep.user = "root";
  ep.keys = options.private_keys;
  return ep;
}

// The known_hosts line of `sshd` as seen on another port (through a relay).
std::string KnownHostsLineFor(const TestSshd& sshd, int port) {
  const std::string line = sshd.known_hosts_line();
  return fmt::format("[127.0.0.1]:{}{}", port, line.substr(line.find(' ')));
}

// How many SSH clients sshd has seen so far (TestSshd's own probe of the
// port sends no banner, so it does not count).
int Connections(const TestSshd& sshd) {
  const std::string log = sshd.log();
  const std::string client = "remote software version libssh";
  int n = 0;
  for (size_t at = 0; (at = log.find(client, at)) != std::string::npos; ++at) ++n;
  return n;
}

struct Timed {
  std::string message;  // "" when the connection opened
  double seconds = 0;
};

Timed OpenTimed(const SshEndpoint& target, const SshOptions& options,
                const std::vector<SshEndpoint>& jumps = {}) {
  const auto start = Clock::now();
  Result<std::unique_ptr<SshConnection>> conn = SshConnection::Open(target, jumps, options);
  Timed out;
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!conn.ok()) out.message = conn.message();
  return out;
}

#define SKIP_WITHOUT_SSHD()                              \
  if (!testing::SshdAvailable()) {                       \
    MESSAGE("skipped: /usr/sbin/sshd is not installed"); \
    return;                                              \
  }

TEST_CASE("ssh connect gives up at the deadline when the peer stalls before or after its banner") {
  SshTestDir dir;
  for (bool banner : {false, true}) {
    CAPTURE(banner);
    PeerBehavior behavior;
    behavior.banner = banner;
    TestPeer peer(behavior);
    const SshOptions options = TestOptions(dir);
    const Timed t = OpenTimed(Endpoint(peer.port(), options), options);
    CHECK(t.message ==
          fmt::format("host node1 (127.0.0.1:{}): connection timed out after 2 s", peer.port()));
    CHECK(t.seconds >= 1.9);
    CHECK(t.seconds < 2 + 5);
    CHECK(peer.accepted() == 1);
  }
}

TEST_CASE("ssh connect deadline bounds the whole handshake, not each wait for the host") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  // Every answer of the host comes 0.7 s late: each wait is well under the
  // 2 s deadline, the handshake's half a dozen round trips are not.
  PeerBehavior behavior;
  behavior.backend_port = sshd.port();
  behavior.delay_ms = 700;
  TestPeer slow(behavior);
  SshOptions options = TestOptions(dir);
  testing::WriteAll(options.known_hosts, KnownHostsLineFor(sshd, slow.port()));
  const Timed late = OpenTimed(Endpoint(slow.port(), options), options);
  CHECK(late.message ==
        fmt::format("host node1 (127.0.0.1:{}): connection timed out after 2 s", slow.port()));
  CHECK(late.seconds >= 1.9);
  CHECK(late.seconds < 2 + 5);
  CHECK(sshd.logins() == 0);

  // The same slow host within a deadline long enough: the relay works.
  options.connect_timeout = 30;
  const Timed in_time = OpenTimed(Endpoint(slow.port(), options), options);
  CHECK(in_time.message == "");
  MESSAGE("handshake through a relay 0.7 s late each way took " << in_time.seconds << " s");
  CHECK(in_time.seconds > 2);
  CHECK(sshd.logins() == 1);
}

TEST_CASE("ssh connect through a bastion has a deadline for the target hop") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd bastion(dir, "bastion");
  TestPeer silent({});
  SshOptions options = TestOptions(dir);
  testing::WriteAll(options.known_hosts, bastion.known_hosts_line());
  SshEndpoint jump = Endpoint(bastion.port(), options);
  jump.name = "127.0.0.1";
  const Timed t = OpenTimed(Endpoint(silent.port(), options), options, {jump});
  CHECK(t.message ==
        fmt::format("host node1 (127.0.0.1:{}): connection timed out after 2 s", silent.port()));
  CHECK(t.seconds < 2 + 2 + 5);  // the bastion's hop, then the target's
  CHECK(bastion.logins() == 1);
  CHECK(silent.accepted() == 1);
}

TEST_CASE("ssh connect retries a refused port and reports the number of attempts") {
  SshTestDir dir;
  const int port = testing::FreePort();
  SshOptions options = TestOptions(dir);
  options.connect_retries = 2;
  const Timed t = OpenTimed(Endpoint(port, options), options);
  CHECK(t.message ==
        fmt::format("host node1 (127.0.0.1:{}): connection refused (after 3 attempts)", port));
  CHECK(t.seconds >= 1 + 2 - 0.1);  // the waits between attempts
  CHECK(t.seconds < 1 + 2 + 5);

  options.connect_retries = 0;
  CHECK(OpenTimed(Endpoint(port, options), options).message ==
        fmt::format("host node1 (127.0.0.1:{}): connection refused", port));
}

TEST_CASE("ssh connect retries until a host that refused or dropped the first connection answers") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  struct Case {
    std::string what;
    PeerBehavior behavior;
    const char* first_error;
  };
  const Case cases[] = {
      {"listens late", {false, sshd.port(), 0, 0, 400}, "connection refused"},
      {"drops the first connection",
       {false, sshd.port(), 1, 0, 0},
       "connection closed during the handshake"},
  };
  int logins = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    SshOptions options = TestOptions(dir);
    {
      TestPeer once(c.behavior);
      testing::WriteAll(options.known_hosts, KnownHostsLineFor(sshd, once.port()));
      CHECK(OpenTimed(Endpoint(once.port(), options), options).message ==
            fmt::format("host node1 (127.0.0.1:{}): {}", once.port(), c.first_error));
    }
    TestPeer peer(c.behavior);
    testing::WriteAll(options.known_hosts, KnownHostsLineFor(sshd, peer.port()));
    options.connect_retries = 3;
    const Timed t = OpenTimed(Endpoint(peer.port(), options), options);
    CHECK(t.message == "");
    CHECK(t.seconds >= 0.9);  // one wait before the second attempt
    CHECK(sshd.logins() == ++logins);
  }
}

TEST_CASE("ssh connect never retries an authentication or host key failure") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  const std::string wrong = dir.path() + "/wrong_key";
  SshTestDir::Keygen(wrong);
  SshOptions options = TestOptions(dir);
  options.connect_retries = 3;
  options.private_keys = {wrong};
  testing::WriteAll(options.known_hosts, sshd.known_hosts_line());
  const Timed auth = OpenTimed(Endpoint(sshd.port(), options), options);
  CHECK(auth.message ==
        fmt::format("host node1 (127.0.0.1:{}): authentication failed for user 'root' (tried key "
                    "{}, default keys in {}): no key was accepted (the server allows: publickey); "
                    "pass the right key with --private-key or ansible_ssh_private_key_file",
                    sshd.port(), wrong, dir.path()));
  CHECK(Connections(sshd) == 1);

  options = TestOptions(dir);
  options.connect_retries = 3;
  testing::WriteAll(options.known_hosts, "");
  const Timed unknown = OpenTimed(Endpoint(sshd.port(), options), options);
  CHECK(unknown.message.rfind(fmt::format("host node1 (127.0.0.1:{}): host key verification "
                                          "failed: the host key {} is not in",
                                          sshd.port(), sshd.fingerprint()),
                              0) == 0);
  CHECK(unknown.message.find("attempts") == std::string::npos);
  CHECK(Connections(sshd) == 2);

  // Another key recorded for the host's address: what an attack looks like.
  const std::string other = dir.path() + "/other_host_key";
  SshTestDir::Keygen(other);
  std::string key = testing::ReadAll(other + ".pub");
  key = key.substr(0, key.rfind(' '));
  testing::WriteAll(options.known_hosts, fmt::format("[127.0.0.1]:{} {}\n", sshd.port(), key));
  const Timed changed = OpenTimed(Endpoint(sshd.port(), options), options);
  CHECK(changed.message.rfind(fmt::format("host node1 (127.0.0.1:{}): host key verification "
                                          "failed: the host key changed",
                                          sshd.port()),
                              0) == 0);
  CHECK(changed.message.find("attempts") == std::string::npos);
  CHECK(Connections(sshd) == 3);
  CHECK(sshd.logins() == 0);
}

// An ssh-agent of the test's own on DIR/agent.sock holding DIR/client_key;
// stopped by its pid.
class TestAgent {
 public:
  explicit TestAgent(const SshTestDir& dir) : socket_(dir.path() + "/agent.sock") {
    pid_ = fork();
    if (pid_ == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);  // it prints the shell lines to export its socket
      execl("/usr/bin/ssh-agent", "ssh-agent", "-D", "-a", socket_.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(socket_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const std::string add =
        fmt::format("SSH_AUTH_SOCK='{}' ssh-add -q '{}/client_key' 2>&1", socket_, dir.path());
    added_ = std::system(add.c_str()) == 0;
  }
  ~TestAgent() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string& socket() const { return socket_; }
  bool added() const { return added_; }

 private:
  std::string socket_;
  pid_t pid_ = -1;
  bool added_ = false;
};

TEST_CASE("ssh connect logs in with the agent, a default key or an IdentityFile") {
  SKIP_WITHOUT_SSHD();
  if (access("/usr/bin/ssh-agent", X_OK) != 0) {
    MESSAGE("skipped: /usr/bin/ssh-agent is not installed");
    return;
  }
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  TestAgent agent(dir);
  REQUIRE(agent.added());
  const std::string home = dir.path() + "/home-ssh";
  std::filesystem::create_directories(home);
  std::filesystem::copy_file(dir.path() + "/client_key", home + "/id_ed25519");
  std::filesystem::copy_file(dir.path() + "/client_key.pub", home + "/id_ed25519.pub");
  const std::string empty = dir.path() + "/empty-ssh";
  std::filesystem::create_directories(empty);
  struct Case {
    std::string what;
    std::string agent_socket;
    std::string ssh_dir;
    std::vector<std::string> config_identities;
  };
  const Case cases[] = {
      {"agent", agent.socket(), empty, {}},
      {"default key", "", home, {}},
      {"IdentityFile", "", empty, {dir.path() + "/client_key"}},
  };
  int logins = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    SshOptions options = TestOptions(dir);
    options.private_keys = {};
    options.agent_socket = c.agent_socket;
    options.ssh_dir = c.ssh_dir;
    testing::WriteAll(options.known_hosts, sshd.known_hosts_line());
    SshEndpoint ep = Endpoint(sshd.port(), options);
    ep.config_identities = c.config_identities;
    Result<std::unique_ptr<SshConnection>> conn = SshConnection::Open(ep, {}, options);
    REQUIRE_MESSAGE(conn.ok(), conn.message());
    CHECK(sshd.logins() == ++logins);
  }
}

}  // namespace
}  // namespace hostprep
