#include "engine/transport/ssh_log.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "engine/base/secrets.h"

namespace hostprep {

namespace {

std::atomic<bool> enabled{false};
int libssh_level = SSH_LOG_NOLOG;  // set once by EnableSshLog, before any thread reads it
thread_local std::string current_host;

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

void Write(const std::string& line) {
  const std::string host = current_host.empty() ? "hostprep" : current_host;
  Logger()->info("<{}> {}", host, Secrets::Redact(line));
}

// libssh's lines come with the function that logged them first ("ssh_connect:
// ..."), as in OpenSSH's debug output.
void OnLibsshLog(int, const char* function, const char* buffer, void*) {
  if (!enabled.load(std::memory_order_relaxed) || buffer == nullptr) return;
  (void)function;  // libssh puts it at the start of `buffer` already
  Write(std::string("libssh: ") + buffer);
}

}  // namespace

void EnableSshLog(int verbosity) {
  if (verbosity < 3) return;
  // stderr, unbuffered and thread-safe; the reporter keeps stdout.
  Logger() = spdlog::stderr_logger_mt("hostprep-ssh");
  Logger()->set_pattern("%H:%M:%S.%e %v");
  Logger()->set_level(spdlog::level::info);
  Logger()->flush_on(spdlog::level::info);
  libssh_level = verbosity >= 4 ? SSH_LOG_PACKET : SSH_LOG_PROTOCOL;
  enabled = true;
}

bool SshLogEnabled() { return enabled.load(std::memory_order_relaxed); }

void SshLog(const std::string& line) {
  if (SshLogEnabled()) Write(line);
}

ScopedSshLogHost::ScopedSshLogHost(std::string host) : previous_(std::move(current_host)) {
  current_host = std::move(host);
  // libssh 0.10 keeps its log level and callback per thread.
  if (SshLogEnabled()) {
    ssh_set_log_callback(OnLibsshLog);
    ssh_set_log_level(libssh_level);
  }
}

ScopedSshLogHost::~ScopedSshLogHost() { current_host = std::move(previous_); }

}  // namespace hostprep
