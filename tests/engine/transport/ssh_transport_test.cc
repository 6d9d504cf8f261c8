#include "engine/transport/ssh_transport.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/engine/transport/ssh_test_server.h"

namespace hostprep {
namespace {

using testing::SshTestDir;
using testing::TestSshd;

SshOptions TestOptions(const SshTestDir& dir) { return testing::TestSshOptions(dir, 5); }

SshRoute Route(int port, const SshOptions& options) {
  ConnectionSettings s;
  s.address = "127.0.0.1";
  s.port = port;
  s.user = "root";
  return *ResolveSshRoute("node1", s, options, nullptr);
}

std::unique_ptr<SshTransport> Trusted(const SshTestDir& dir, const TestSshd& sshd,
                                      SshOptions options = {}) {
  if (options.known_hosts.empty()) options = TestOptions(dir);
  testing::WriteAll(options.known_hosts, sshd.known_hosts_line());
  return std::make_unique<SshTransport>(Route(sshd.port(), options), options);
}

ExecResult Run(Transport& t, std::vector<std::string> argv, std::string in = "", int timeout = 0) {
  ExecRequest r;
  r.argv = std::move(argv);
  r.stdin_data = std::move(in);
  r.timeout_seconds = timeout;
  Result<ExecResult> out = t.Exec(r);
  if (!out.ok()) FAIL(out.message());
  return *out;
}

// A short ServerAlive bound: asked after 1 s of silence, dead after 2 s.
SshOptions QuickAlive(const SshTestDir& dir) {
  SshOptions o = TestOptions(dir);
  o.server_alive_interval = 1;
  o.server_alive_count_max = 2;
  return o;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

#define SKIP_WITHOUT_SSHD()                              \
  if (!testing::SshdAvailable()) {                       \
    MESSAGE("skipped: /usr/sbin/sshd is not installed"); \
    return;                                              \
  }

TEST_CASE("ssh exec passes hostile arguments literally over one reused session") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd);
  REQUIRE(t->Connect().ok());
  const std::vector<std::string> hostile = {"a b",  "it's", "\"q\"", "; rm -rf /", "$(reboot)",
                                            "`id`", "x\ny", "",      "*",          "-n"};
  std::vector<std::string> argv = {"printf", "[%s]\\n"};
  argv.insert(argv.end(), hostile.begin(), hostile.end());
  ExecResult r = Run(*t, argv);
  std::string expected;
  for (const std::string& h : hostile) expected += "[" + h + "]\n";
  CHECK(r.stdout_data == expected);
  CHECK(r.exit_code == 0);

  CHECK(Run(*t, {"sh", "-c", "exit 7"}).exit_code == 7);
  ExecResult err = Run(*t, {"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(err.stdout_data == "out\n");
  CHECK(err.stderr_data == "err\n");
  CHECK(err.exit_code == 3);
  CHECK(Run(*t, {"cat"}, "line one\nline two").stdout_data == "line one\nline two");
  CHECK(Run(*t, {"sh", "-c", "kill -9 $$"}).exit_code == 137);
  CHECK(Run(*t, {"sh", "-c", "exit 4"}, std::string(8 << 20, 'i')).exit_code == 4);

  std::string big(3 * 1024 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 100) big[i] = '\n';
  ExecResult echoed = Run(*t, {"cat"}, big);
  CHECK(echoed.stdout_data.size() == big.size());
  CHECK(echoed.stdout_data == big);
  ExecResult many =
      Run(*t, {"sh", "-c", "head -c 5000000 /dev/zero; head -c 100000 /dev/zero >&2"});
  CHECK(many.stdout_data.size() == 5000000);
  CHECK(many.stderr_data.size() == 100000);

  CHECK(t->stats().round_trips == 8);
  CHECK(t->stats().bytes_received >= 5100000 + big.size());
  CHECK(t->stats().bytes_sent >= big.size());
  CHECK(sshd.logins() == 1);
  CHECK(t->description() == fmt::format("ssh root@127.0.0.1:{}", sshd.port()));
}

TEST_CASE("ssh exec stops a command at its timeout with exit code 124") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd);
  const auto start = std::chrono::steady_clock::now();
  ExecResult r = Run(*t, {"sleep", "30"}, "", 1);
  CHECK(r.exit_code == 124);
  CHECK(SecondsSince(start) < 5);
  CHECK(Run(*t, {"echo", "after"}).stdout_data == "after\n");  // the session still works
}

TEST_CASE("ssh keeps a live host that runs a silent command longer than the alive bound") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd, QuickAlive(dir));
  // sshd answers the keepalive requests while the command is silent.
  CHECK(Run(*t, {"sh", "-c", "sleep 4; echo done"}).stdout_data == "done\n");
}

TEST_CASE("ssh gives up a host that stops answering mid-command as unreachable") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd, QuickAlive(dir));
  REQUIRE(Run(*t, {"true"}).exit_code == 0);
  std::thread stall([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    sshd.SignalSessions(SIGSTOP);  // TCP stays up: only SSH can tell
  });
  const auto start = std::chrono::steady_clock::now();
  ExecRequest r;
  r.argv = {"sleep", "30"};
  Result<ExecResult> out = t->Exec(r);
  const double took = SecondsSince(start);
  stall.join();
  sshd.SignalSessions(SIGCONT);
  REQUIRE(!out.ok());
  CHECK(out.status().unreachable());
  CHECK(out.message() == fmt::format("host node1 (127.0.0.1:{}): no answer for 2 s "
                                     "(ServerAliveInterval 1 x ServerAliveCountMax 2): the "
                                     "connection is dead",
                                     sshd.port()));
  CHECK(took < 10);
  // The host stays lost for the rest of the run, at once.
  Result<ExecResult> later = t->Exec(r);
  CHECK(later.status().unreachable());
  CHECK(later.message() ==
        fmt::format("host node1 (127.0.0.1:{}): the connection was lost earlier", sshd.port()));
}

TEST_CASE("ssh input into a command that does not read waits on the window, bounded") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd, QuickAlive(dir));
  const std::string big(16 << 20, 'x');  // far more than the channel's window
  // A live host: the write waits for the window until the task timeout.
  auto start = std::chrono::steady_clock::now();
  ExecResult r = Run(*t, {"sleep", "30"}, big, 3);
  CHECK(r.exit_code == 124);
  CHECK(SecondsSince(start) < 10);
  // A host that stops answering while the write waits: unreachable.
  std::thread stall([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    sshd.SignalSessions(SIGSTOP);
  });
  start = std::chrono::steady_clock::now();
  ExecRequest request;
  request.argv = {"sleep", "30"};
  request.stdin_data = big;
  Result<ExecResult> out = t->Exec(request);
  stall.join();
  sshd.SignalSessions(SIGCONT);
  CHECK(out.status().unreachable());
  CHECK(SecondsSince(start) < 10);
}

TEST_CASE("ssh stops a command that prints without end at the output bound") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  SshOptions o = TestOptions(dir);
  o.max_output_bytes = 1 << 20;
  auto t = Trusted(dir, sshd, o);
  ExecRequest r;
  r.argv = {"yes", "a hostile host answers forever"};
  Result<ExecResult> out = t->Exec(r);
  REQUIRE(!out.ok());
  CHECK(!out.status().unreachable());
  CHECK(out.message() == fmt::format("host node1 (127.0.0.1:{}): the command printed more than 1 "
                                     "MiB, more than hostprep keeps of one command: it was "
                                     "stopped (raise the bound with --max-output-mb)",
                                     sshd.port()));
  // The host stays usable.
  CHECK(Run(*t, {"echo", "after"}).stdout_data == "after\n");
}

TEST_CASE("ssh a session whose sshd dies mid-command is unreachable") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd);
  REQUIRE(Run(*t, {"true"}).exit_code == 0);
  std::thread kill_sessions([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    sshd.SignalSessions(SIGKILL);
  });
  ExecRequest r;
  r.argv = {"sleep", "30"};
  Result<ExecResult> out = t->Exec(r);
  kill_sessions.join();
  REQUIRE(!out.ok());
  CHECK(out.status().unreachable());
  CHECK(out.message().find(
            fmt::format("host node1 (127.0.0.1:{}): connection lost while ", sshd.port())) == 0);
}

TEST_CASE("ssh file operations read, write and stat over the session") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto t = Trusted(dir, sshd);
  const std::string path = dir.path() + "/it's a file; $(reboot)";
  WriteRequest w;
  w.path = path;
  w.content = "hello\n$(not run)\n";
  w.mode = 0600;
  REQUIRE(t->WriteFile(w).ok());
  CHECK(testing::ReadAll(path) == w.content);
  Result<std::optional<std::string>> read = t->ReadFile(path, Become{});
  REQUIRE(read.ok());
  CHECK(**read == w.content);
  Result<FileInfo> info = t->Stat(path, Become{});
  REQUIRE(info.ok());
  CHECK(info->type == FileType::kFile);
  CHECK(info->mode == 0600);
  CHECK(info->size == w.content.size());
  Result<std::optional<std::string>> missing = t->ReadFile(dir.path() + "/none", Become{});
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  CHECK(sshd.logins() == 1);
}

TEST_CASE(
    "ssh host key checking refuses unknown keys under strict and records them under "
    "accept-new") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  SshOptions o = TestOptions(dir);
  SshTransport strict(Route(sshd.port(), o), o);
  Status s = strict.Connect();
  CHECK(s.message() ==
        fmt::format("host node1 (127.0.0.1:{0}): host key verification failed: the host key {1} "
                    "is not in {2}; after checking the fingerprint, add it with `ssh-keyscan -p "
                    "{0} -H 127.0.0.1 >> {2}`, or use --host-key-checking accept-new",
                    sshd.port(), sshd.fingerprint(), o.known_hosts));
  CHECK(sshd.logins() == 0);

  o.host_key_checking = HostKeyChecking::kAcceptNew;
  SshTransport accept(Route(sshd.port(), o), o);
  REQUIRE(accept.Connect().ok());
  CHECK(testing::ReadAll(o.known_hosts)
            .find(sshd.known_hosts_line().substr(sshd.known_hosts_line().find(' ') + 1)) !=
        std::string::npos);
  o.host_key_checking = HostKeyChecking::kStrict;
  SshTransport again(Route(sshd.port(), o), o);
  CHECK(again.Connect().ok());
}

TEST_CASE("ssh accept-new from many threads at once records a key once") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  SshOptions o = TestOptions(dir);
  o.host_key_checking = HostKeyChecking::kAcceptNew;
  std::vector<std::unique_ptr<SshTransport>> transports;
  for (int i = 0; i < 8; ++i)
    transports.push_back(std::make_unique<SshTransport>(Route(sshd.port(), o), o));
  std::vector<Status> results(transports.size(), Status::Ok());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < transports.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = transports[i]->Connect();
      if (results[i].ok()) {
        ExecRequest r;
        r.argv = {"echo", std::to_string(i)};
        Result<ExecResult> out = transports[i]->Exec(r);
        if (!out.ok() || out->stdout_data != std::to_string(i) + "\n") {
          results[i] = Status::Error("wrong output");
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) CHECK_MESSAGE(s.ok(), s.message());
  const std::string recorded = testing::ReadAll(o.known_hosts);
  CHECK(std::count(recorded.begin(), recorded.end(), '\n') == 1);
  CHECK(sshd.logins() == 8);
}

TEST_CASE("ssh host key checking refuses a changed key under strict and accept-new") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  SshTestDir other;
  TestSshd impostor(other, "b");
  SshOptions o = TestOptions(dir);
  // The impostor's key recorded for the real server's address and port.
  std::string line = impostor.known_hosts_line();
  line = sshd.known_hosts_line().substr(0, sshd.known_hosts_line().find(' ')) +
         line.substr(line.find(' '));
  for (HostKeyChecking mode : {HostKeyChecking::kStrict, HostKeyChecking::kAcceptNew}) {
    testing::WriteAll(o.known_hosts, line);
    o.host_key_checking = mode;
    SshTransport t(Route(sshd.port(), o), o);
    CHECK(t.Connect().message() ==
          fmt::format("host node1 (127.0.0.1:{0}): host key verification failed: the host key "
                      "changed (it is now {1}), which is what a man-in-the-middle attack looks "
                      "like; if the host was reinstalled, remove the old key with `ssh-keygen -R "
                      "'[127.0.0.1]:{0}' -f {2}` and connect again",
                      sshd.port(), sshd.fingerprint(), o.known_hosts));
    CHECK(testing::ReadAll(o.known_hosts) == line);
  }
  o.host_key_checking = HostKeyChecking::kOff;
  SshTransport off(Route(sshd.port(), o), o);
  CHECK(off.Connect().ok());
}

TEST_CASE("ssh authentication failures name the user and the keys tried") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  SshOptions o = TestOptions(dir);
  testing::WriteAll(o.known_hosts, sshd.known_hosts_line());
  const std::string wrong = dir.path() + "/wrong_key";
  SshTestDir::Keygen(wrong);
  o.private_keys = {wrong, dir.path() + "/no_such_key"};
  SshTransport bad_key(Route(sshd.port(), o), o);
  CHECK(bad_key.Connect().message() ==
        fmt::format("host node1 (127.0.0.1:{}): authentication failed for user 'root' (tried "
                    "key {}, key {}/no_such_key (unreadable, or encrypted: load it into "
                    "ssh-agent), default keys in {}): no key was accepted (the server allows: "
                    "publickey); pass the right key with --private-key or "
                    "ansible_ssh_private_key_file",
                    sshd.port(), wrong, dir.path(), dir.path()));

  o = TestOptions(dir);
  SshRoute route = Route(sshd.port(), o);
  route.target.user = "nosuchuser";
  SshTransport bad_user(route, o);
  CHECK(bad_user.Connect().message() ==
        fmt::format("host node1 (127.0.0.1:{}): authentication failed for user 'nosuchuser' "
                    "(tried key {}/client_key, default keys in {}): no key was accepted (the "
                    "server allows: publickey); pass the right key with --private-key or "
                    "ansible_ssh_private_key_file",
                    sshd.port(), dir.path(), dir.path()));
}

TEST_CASE("ssh to a closed port is unreachable at once") {
  SshTestDir dir;
  const int port = testing::FreePort();
  SshTransport t(Route(port, TestOptions(dir)), TestOptions(dir));
  const auto start = std::chrono::steady_clock::now();
  CHECK(t.Connect().message() ==
        fmt::format("host node1 (127.0.0.1:{}): connection refused", port));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  ExecRequest r;
  r.argv = {"true"};
  CHECK(!t.Exec(r).ok());
}

TEST_CASE("ssh to a port that never answers times out after the connect timeout") {
  SshTestDir dir;
  // A listening socket that is never accepted: TCP connects, SSH never starts.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(fd, 4) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  SshOptions o = TestOptions(dir);
  o.connect_timeout = 1;
  SshTransport t(Route(port, o), o);
  const auto start = std::chrono::steady_clock::now();
  const std::string message = t.Connect().message();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  close(fd);
  CHECK(message == fmt::format("host node1 (127.0.0.1:{}): connection timed out after 1 s", port));
  CHECK(took < 4);
}

TEST_CASE("ssh exec round trips share one session and one login") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  auto start = std::chrono::steady_clock::now();
  auto t = Trusted(dir, sshd);
  REQUIRE(t->Connect().ok());
  const double connect =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) CHECK(Run(*t, {"true"}).exit_code == 0);
  const double each =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 20;
  // Times are for the reader; a loaded machine must not fail the test.
  MESSAGE("connect " << connect << " s, one exec round trip " << each * 1000 << " ms");
  CHECK(sshd.logins() == 1);
}

TEST_CASE("ssh alive settings: the host's ssh args, then the command line, then defaults") {
  SshOptions o;
  o.ssh_config = "none";
  ConnectionSettings s;
  s.address = "10.0.0.1";
  Result<SshRoute> plain = ResolveSshRoute("node1", s, o, nullptr);
  REQUIRE(plain.ok());
  CHECK(plain->target.alive_interval == 15);
  CHECK(plain->target.alive_count_max == 3);
  o.server_alive_interval = 5;
  o.server_alive_count_max = 2;
  s.ssh_common_args = "-o ServerAliveInterval=9 -J admin@jump";
  Result<SshRoute> mixed = ResolveSshRoute("node1", s, o, nullptr);
  REQUIRE(mixed.ok());
  CHECK(mixed->target.alive_interval == 9);
  CHECK(mixed->target.alive_count_max == 2);
  REQUIRE(mixed->jumps.size() == 1);
  CHECK(mixed->jumps[0].alive_interval == 5);
  s.ssh_common_args = "-o ServerAliveCountMax=none";
  CHECK(ResolveSshRoute("node1", s, o, nullptr).message() ==
        "host node1: ansible_ssh_common_args: ServerAliveCountMax must be a whole number from 1, "
        "not 'none'");
}

TEST_CASE("ssh jumps through a bastion given as ProxyJump") {
  SKIP_WITHOUT_SSHD();
  SshTestDir dir;
  TestSshd bastion(dir, "bastion");
  TestSshd target(dir, "target");
  SshOptions o = TestOptions(dir);
  testing::WriteAll(o.known_hosts, bastion.known_hosts_line() + target.known_hosts_line());
  ConnectionSettings s;
  s.address = "127.0.0.1";
  s.port = target.port();
  s.user = "root";
  s.ssh_common_args = fmt::format("-o ProxyJump=root@127.0.0.1:{}", bastion.port());
  Result<SshRoute> route = ResolveSshRoute("node2", s, o, nullptr);
  REQUIRE(route.ok());
  REQUIRE(route->jumps.size() == 1);
  SshTransport t(*route, o);
  REQUIRE(t.Connect().ok());
  CHECK(Run(t, {"echo", "through"}).stdout_data == "through\n");
  CHECK(Run(t, {"cat"}, std::string(1 << 20, 'z')).stdout_data.size() == 1 << 20);
  // Far more than the windows and socket buffers, both ways at once.
  CHECK(Run(t, {"cat"}, std::string(24 << 20, 'y')).stdout_data.size() == 24 << 20);
  CHECK(bastion.logins() == 1);
  CHECK(target.logins() == 1);
  CHECK(bastion.log().find(fmt::format("target 127.0.0.1 port {}", target.port())) !=
        std::string::npos);

  // The bastion's own key is checked too.
  testing::WriteAll(o.known_hosts, target.known_hosts_line());
  SshTransport unknown_bastion(*route, o);
  const std::string message = unknown_bastion.Connect().message();
  CHECK(message.rfind(fmt::format("host node2 (127.0.0.1:{}): through bastion: host 127.0.0.1 "
                                  "(127.0.0.1:{}): host key verification failed: the host key {} "
                                  "is not in",
                                  target.port(), bastion.port(), bastion.fingerprint()),
                      0) == 0);
}

TEST_CASE("ssh become with a password keeps it off argv, stdout and errors") {
  SKIP_WITHOUT_SSHD();
  if (access("/usr/bin/sudo", X_OK) != 0 || getuid() != 0) {
    MESSAGE(
        "skipped: needs sudo and root (sudo as root needs no password: the password line "
        "must still be dropped before the command's stdin)");
    return;
  }
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  SshOptions o = TestOptions(dir);
  o.become_password = "s3cret-pw";
  auto t = Trusted(dir, sshd, o);
  ExecRequest r;
  r.argv = {"sh", "-c", "id -un; cat; ps -eo args"};
  r.stdin_data = "first\nsecond";
  r.become = {true, "nobody"};
  Result<ExecResult> out = t->Exec(r);
  REQUIRE(out.ok());
  CHECK(out->stdout_data.rfind("nobody\nfirst\nsecond", 0) == 0);
  CHECK(out->stdout_data.find("s3cret-pw") == std::string::npos);
  r.become = {true, "no-such-user-x"};
  Result<ExecResult> bad = t->Exec(r);
  REQUIRE(!bad.ok());
  CHECK(bad.message().find("s3cret-pw") == std::string::npos);
  CHECK(bad.message().rfind("become: unknown user no-such-user-x", 0) == 0);
}

}  // namespace
}  // namespace hostprep
