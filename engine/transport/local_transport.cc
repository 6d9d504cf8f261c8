#include "engine/transport/local_transport.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

extern char** environ;

namespace hostprep {

namespace {

using Clock = std::chrono::steady_clock;

// Writing to a pipe whose reader has gone raises SIGPIPE in the writing
// thread. Blocking it here (and consuming one we caused) keeps the
// process-wide disposition untouched for the rest of the program.
class ScopedBlockSigpipe {
 public:
  ScopedBlockSigpipe() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedBlockSigpipe() {
    if (!sigismember(&old_, SIGPIPE)) {
      sigset_t pending;
      sigpending(&pending);
      const timespec zero = {0, 0};
      if (sigismember(&pending, SIGPIPE)) sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  const sigset_t& old_mask() const { return old_; }

 private:
  sigset_t pipe_;
  sigset_t old_;
};

struct Pipe {
  int read = -1;
  int write = -1;
  ~Pipe() {
    Close(&read);
    Close(&write);
  }
  static void Close(int* fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
};

// Close-on-exec, so a command spawned by another host's thread at the same
// moment does not inherit this command's pipes (and keep them open).
bool MakePipe(Pipe* p) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  p->read = fds[0];
  p->write = fds[1];
  return true;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Moves bytes until the command closes stdout and stderr, or the deadline
// passes (returns false).
bool Pump(Pipe* in, Pipe* out, Pipe* err, const std::string& input,
          std::optional<Clock::time_point> deadline, ExecResult* result) {
  size_t sent = 0;
  if (input.empty()) Pipe::Close(&in->write);
  char buffer[65536];
  while (out->read >= 0 || err->read >= 0) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) return false;
      wait_ms = static_cast<int>(left.count()) + 1;
    }
    pollfd fds[3] = {{in->write, POLLOUT, 0}, {out->read, POLLIN, 0}, {err->read, POLLIN, 0}};
    if (poll(fds, 3, wait_ms) < 0) {
      if (errno == EINTR) continue;
      return true;
    }
    if (fds[0].revents != 0) {
      ssize_t n = write(in->write, input.data() + sent, input.size() - sent);
      if (n > 0) sent += static_cast<size_t>(n);
      // EPIPE: the command does not read its stdin; that is its business.
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == input.size()) {
        Pipe::Close(&in->write);
      }
    }
    for (int i = 1; i <= 2; ++i) {
      if (fds[i].revents == 0) continue;
      Pipe* pipe = i == 1 ? out : err;
      ssize_t n = read(pipe->read, buffer, sizeof buffer);
      if (n > 0) {
        (i == 1 ? result->stdout_data : result->stderr_data).append(buffer, n);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        Pipe::Close(&pipe->read);
      }
    }
  }
  return true;
}

// Waits for the command, killing its process group when the deadline passes
// first (a command may close its outputs and keep running).
int Reap(pid_t pid, bool timed_out, std::optional<Clock::time_point> deadline) {
  int status = 0;
  if (!timed_out && deadline) {
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (Clock::now() >= *deadline) {
        timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!timed_out) return status;
  }
  if (timed_out) {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return -1;
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string CurrentUser() {
  const uid_t uid = geteuid();
  passwd pw;
  passwd* found = nullptr;
  char buffer[4096];
  if (getpwuid_r(uid, &pw, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
    return pw.pw_name;
  }
  return std::to_string(uid);
}

}  // namespace

LocalTransport::LocalTransport() : user_(CurrentUser()) {}

Result<ExecResult> LocalTransport::RunCommand(const std::vector<std::string>& argv,
                                              const std::string& stdin_data, int timeout_seconds) {
  if (argv.empty()) return Status::Error("exec: empty command");
  ++stats_.round_trips;
  stats_.bytes_sent += stdin_data.size();

  ScopedBlockSigpipe block_sigpipe;
  Pipe in, out, err;
  if (!MakePipe(&in) || !MakePipe(&out) || !MakePipe(&err)) {
    return Status::Error(
        fmt::format("exec {}: cannot create pipes: {}", argv[0], std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &block_sigpipe.old_mask());
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc == ENOENT)
    return ExecResult{127, "", fmt::format("hostprep: {}: command not found\n", argv[0])};
  if (rc == EACCES)
    return ExecResult{126, "", fmt::format("hostprep: {}: permission denied\n", argv[0])};
  if (rc != 0) return Status::Error(fmt::format("exec {}: {}", argv[0], std::strerror(rc)));

  Pipe::Close(&in.read);
  Pipe::Close(&out.write);
  Pipe::Close(&err.write);
  SetNonBlocking(in.write);
  SetNonBlocking(out.read);
  SetNonBlocking(err.read);
  std::optional<Clock::time_point> deadline;
  if (timeout_seconds > 0) deadline = Clock::now() + std::chrono::seconds(timeout_seconds);

  ExecResult result;
  const bool finished = Pump(&in, &out, &err, stdin_data, deadline, &result);
  Pipe::Close(&in.write);
  const int status = Reap(pid, !finished, deadline);
  stats_.bytes_received += result.stdout_data.size() + result.stderr_data.size();
  if (status == -1) {
    result.exit_code = 124;
    result.stderr_data +=
        fmt::format("hostprep: {}: timed out after {} s\n", argv[0], timeout_seconds);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace hostprep
