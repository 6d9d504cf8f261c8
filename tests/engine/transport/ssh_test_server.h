// A throw-away OpenSSH sshd on 127.0.0.1 for transport tests: its own temp
// dir with a host key, an authorized client key and a log; stopped by its
// pid and removed when the object goes (the child also dies with the test
// process). Nothing outside the temp dir is read or written, except that
// sshd needs its privilege separation directory /run/sshd (created empty
// when missing, as sshd's own service does). As root, sshd runs in a mount
// namespace of its own with an empty tmpfs on /root, as the test hosts keep
// their own /root: the commands it runs never read the machine's dotfiles (a
// slow ~/.bashrc, or one that prints, would change every result).
#ifndef HOSTPREP_TESTS_ENGINE_TRANSPORT_SSH_TEST_SERVER_H_
#define HOSTPREP_TESTS_ENGINE_TRANSPORT_SSH_TEST_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/transport/ssh_options.h"

namespace hostprep::testing {

inline bool SshdAvailable() { return access("/usr/sbin/sshd", X_OK) == 0; }

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// A port nobody listens on right now.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

inline bool PortOpen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A temp dir with a client key pair (client_key, client_key.pub), removed on
// destruction.
class SshTestDir {
 public:
  SshTestDir() {
    char tmpl[] = "/tmp/hostprep-ssh-test-XXXXXX";
    path_ = mkdtemp(tmpl);
    Keygen(path_ + "/client_key");
  }
  ~SshTestDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  static void Keygen(const std::string& file) {
    std::string cmd = "ssh-keygen -q -t ed25519 -N '' -C hostprep-test -f '" + file + "'";
    if (std::system(cmd.c_str()) != 0) std::abort();
  }

 private:
  std::string path_;
};

class TestSshd {
 public:
  // Starts sshd in DIR/sshd-NAME accepting DIR/client_key.pub.
  TestSshd(const SshTestDir& dir, const std::string& name) {
    dir_ = dir.path() + "/sshd-" + name;
    std::filesystem::create_directories(dir_);
    mkdir("/run/sshd", 0755);
    SshTestDir::Keygen(dir_ + "/host_key");
    std::filesystem::copy_file(dir.path() + "/client_key.pub", dir_ + "/authorized_keys");
    port_ = FreePort();
    WriteAll(dir_ + "/sshd_config",
             "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\nHostKey " + dir_ +
                 "/host_key\nPidFile " + dir_ + "/sshd.pid\nAuthorizedKeysFile " + dir_ +
                 "/authorized_keys\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
                 "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                 "LogLevel DEBUG1\nMaxStartups 100\n");
    const std::string config = dir_ + "/sshd_config", log = log_path();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0) {
        // Private propagation first, so the tmpfs never shows outside.
        if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            mount("tmpfs", "/root", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=16m") != 0) {
          _exit(126);
        }
      }
      execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-f", config.c_str(), "-E", log.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !PortOpen(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~TestSshd() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string log_path() const { return dir_ + "/sshd.log"; }
  std::string log() const { return ReadAll(log_path()); }
  std::string host_key_pub() const { return ReadAll(dir_ + "/host_key.pub"); }
  // "ssh-ed25519 SHA256:..." as hostprep prints it.
  std::string fingerprint() const {
    std::string out;
    FILE* p = popen(("ssh-keygen -l -E sha256 -f '" + dir_ + "/host_key.pub'").c_str(), "r");
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    if (p) pclose(p);
    // "256 SHA256:xxx comment (ED25519)"
    size_t a = out.find(' '), b = out.find(' ', a + 1);
    return "ssh-ed25519 " + out.substr(a + 1, b - a - 1);
  }
  // The known_hosts line for this server.
  std::string known_hosts_line() const {
    std::string key = host_key_pub();
    key = key.substr(0, key.rfind(' '));
    return "[127.0.0.1]:" + std::to_string(port_) + " " + key + "\n";
  }
  // Sends `sig` to every process below the listening sshd: the sessions'
  // sshd processes and the commands they run (SIGSTOP: a host that stops
  // answering while TCP stays up; SIGKILL: sshd gone mid-command).
  void SignalSessions(int sig) const {
    std::vector<pid_t> parents = {pid_};
    for (size_t i = 0; i < parents.size(); ++i) {
      for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string stat = ReadAll(entry.path().string() + "/stat");
        size_t close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(stat.substr(close + 2));
        char state = 0;
        pid_t ppid = 0;
        fields >> state >> ppid;
        if (ppid == parents[i]) parents.push_back(static_cast<pid_t>(std::stol(name)));
      }
    }
    for (size_t i = 1; i < parents.size(); ++i) kill(parents[i], sig);
  }
  // How many sessions authenticated so far.
  int logins() const {
    std::string text = log();
    int n = 0;
    for (size_t at = 0; (at = text.find("Accepted publickey", at)) != std::string::npos; ++at) ++n;
    return n;
  }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// SSH options that read and write only inside `dir`: its client key, its
// known_hosts, no ssh config.
inline SshOptions TestSshOptions(const SshTestDir& dir, int connect_timeout) {
  SshOptions o;
  o.private_keys = {dir.path() + "/client_key"};
  o.known_hosts = dir.path() + "/known_hosts";
  o.ssh_config = "none";
  o.ssh_dir = dir.path();
  o.connect_timeout = connect_timeout;
  return o;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_TRANSPORT_SSH_TEST_SERVER_H_
