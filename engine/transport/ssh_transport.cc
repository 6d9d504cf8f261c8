#include "engine/transport/ssh_transport.h"

#include <fmt/format.h>
#include <libssh/callbacks.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "engine/base/text.h"
#include "engine/transport/ssh_config.h"
#include "engine/transport/ssh_log.h"

namespace hostprep {

namespace {

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  const passwd* pw = getpwuid(getuid());
  return pw && pw->pw_dir ? pw->pw_dir : "/";
}

std::string LocalUser() {
  const passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_name : "root";
}

std::string ConfigPath(const SshOptions& options) {
  if (!options.ssh_config.empty()) return options.ssh_config;
  return HomeDir() + "/.ssh/config";
}

Result<SshHostConfig> LookUp(const SshOptions& options, const std::string& host) {
  if (options.ssh_config == "none") return SshHostConfig{};
  return ReadSshConfig(ConfigPath(options), host, HomeDir());
}

// The ServerAlive settings of an endpoint: the host's own ssh arguments
// (ansible_ssh_common_args, -o ServerAliveInterval=N), else the command
// line, else its ssh config, else OpenSSH's usual 15 s and 3. `args` is ""
// for a bastion hop. Errors name the setting.
Status SetAlive(const std::string& args, const SshOptions& options, const SshHostConfig& config,
                SshEndpoint* ep) {
  const std::string interval = OptionFromArgs(args, "ServerAliveInterval");
  const std::string count = OptionFromArgs(args, "ServerAliveCountMax");
  ep->alive_interval = options.server_alive_interval >= 0  ? options.server_alive_interval
                       : config.server_alive_interval >= 0 ? config.server_alive_interval
                                                           : 15;
  ep->alive_count_max = options.server_alive_count_max >= 1  ? options.server_alive_count_max
                        : config.server_alive_count_max >= 1 ? config.server_alive_count_max
                                                             : 3;
  if (!interval.empty()) {
    Result<int> v = ParseAliveInterval(interval);
    if (!v.ok()) return v.status();
    ep->alive_interval = *v;
  }
  if (!count.empty()) {
    Result<int> v = ParseAliveCountMax(count);
    if (!v.ok()) return v.status();
    ep->alive_count_max = *v;
  }
  return Status::Ok();
}

// A hop named in a ProxyJump spec, completed from ssh config.
Result<SshEndpoint> HopEndpoint(const JumpSpec& hop, const SshOptions& options,
                                const std::vector<std::string>& keys) {
  Result<SshHostConfig> config = LookUp(options, hop.host);
  if (!config.ok()) return config.status();
  SshEndpoint ep;
  ep.name = hop.host;
  ep.address = config->hostname.empty() ? hop.host : config->hostname;
  ep.port = hop.port ? hop.port : (config->port ? config->port : 22);
  ep.user = !hop.user.empty()       ? hop.user
            : !config->user.empty() ? config->user
            : !options.user.empty() ? options.user
                                    : LocalUser();
  ep.keys = keys;
  ep.config_identities = config->identity_files;
  Status alive = SetAlive("", options, *config, &ep);
  if (!alive.ok()) return alive;
  return ep;
}

// Exit signal names as sshd sends them ("KILL"), to 128+N.
int SignalNumber(const char* name) {
  static const struct {
    const char* name;
    int number;
  } kSignals[] = {{"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"ABRT", 6},
                  {"FPE", 8},   {"KILL", 9},  {"SEGV", 11}, {"PIPE", 13}, {"ALRM", 14},
                  {"TERM", 15}, {"USR1", 10}, {"USR2", 12}};
  for (const auto& s : kSignals) {
    if (name && std::strcmp(name, s.name) == 0) return s.number;
  }
  return 0;
}

struct ChannelState {
  int signal = 0;
};

void OnExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*,
                  void* userdata) {
  static_cast<ChannelState*>(userdata)->signal = SignalNumber(signal);
}

}  // namespace

Result<SshRoute> ResolveSshRoute(const std::string& host, const ConnectionSettings& settings,
                                 const SshOptions& options, const ConnectionSettings* bastion) {
  const std::string address = settings.address.empty() ? host : settings.address;
  Result<SshHostConfig> config = LookUp(options, address);
  if (!config.ok()) return config.status();
  SshRoute route;
  SshEndpoint& t = route.target;
  t.name = host;
  t.address = config->hostname.empty() ? address : config->hostname;
  t.port = settings.port ? settings.port : (config->port ? config->port : 22);
  t.user = !settings.user.empty()  ? settings.user
           : !options.user.empty() ? options.user
           : !config->user.empty() ? config->user
                                   : LocalUser();
  if (!settings.private_key_file.empty()) t.keys.push_back(settings.private_key_file);
  for (const std::string& key : options.private_keys) t.keys.push_back(key);
  t.config_identities = config->identity_files;
  Status alive = SetAlive(settings.ssh_common_args, options, *config, &t);
  if (!alive.ok()) {
    return Status::Error(
        fmt::format("host {}: ansible_ssh_common_args: {}", host, alive.message()));
  }

  std::string spec = ProxyJumpFromArgs(settings.ssh_common_args);
  const char* source = "ansible_ssh_common_args";
  if (spec.empty() && !options.proxy_jump.empty()) {
    spec = options.proxy_jump;
    source = "ssh_args";
  }
  if (spec.empty() && bastion) {
    SshEndpoint b;
    b.name = "bastion";
    b.address = bastion->address.empty() ? "bastion" : bastion->address;
    b.port = bastion->port ? bastion->port : 22;
    b.user = !bastion->user.empty() ? bastion->user : t.user;
    if (!bastion->private_key_file.empty()) b.keys.push_back(bastion->private_key_file);
    for (const std::string& key : t.keys) b.keys.push_back(key);
    b.alive_interval = t.alive_interval;
    b.alive_count_max = t.alive_count_max;
    route.jumps.push_back(std::move(b));
    return route;
  }
  if (spec.empty()) {
    spec = config->proxy_jump;
    source = "ssh config ProxyJump";
  }
  Result<std::vector<JumpSpec>> hops = ParseProxyJump(spec);
  if (!hops.ok())
    return Status::Error(fmt::format("host {}: {}: {}", host, source, hops.message()));
  for (const JumpSpec& hop : *hops) {
    Result<SshEndpoint> ep = HopEndpoint(hop, options, t.keys);
    if (!ep.ok()) return ep.status();
    route.jumps.push_back(std::move(*ep));
  }
  return route;
}

SshTransport::SshTransport(SshRoute route, SshOptions options)
    : route_(std::move(route)), options_(std::move(options)) {
  if (options_.known_hosts.empty()) options_.known_hosts = HomeDir() + "/.ssh/known_hosts";
  if (!options_.become_password.empty()) set_become_password(options_.become_password);
  options_.become_password.clear();  // kept only where ShellTransport needs it
}

SshTransport::~SshTransport() = default;

std::string SshTransport::description() const {
  return fmt::format("ssh {}@{}:{}", route_.target.user, route_.target.address, route_.target.port);
}

Status SshTransport::Connect() {
  if (connection_) return Status::Ok();
  ScopedSshLogHost log_host(route_.target.name);
  Result<std::unique_ptr<SshConnection>> conn =
      SshConnection::Open(route_.target, route_.jumps, options_);
  if (!conn.ok()) return Status::Unreachable(conn.message());
  connection_ = std::move(*conn);
  broken_ = false;
  return Status::Ok();
}

Result<ExecResult> SshTransport::RunCommand(const std::vector<std::string>& argv,
                                            const std::string& stdin_data, int timeout_seconds) {
  const std::string label = route_.target.Label();
  if (broken_)
    return Status::Unreachable(fmt::format("{}: the connection was lost earlier", label));
  Status connected = Connect();
  if (!connected.ok()) return connected;
  std::string command;
  for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + ShellQuote(arg);
  ++stats_.round_trips;
  ScopedSshLogHost log_host(route_.target.name);
  const auto start = std::chrono::steady_clock::now();
  // The command by its size only: its words may hold values a task does not
  // want shown (a no_log task's arguments).
  SshLog(fmt::format("exec channel {}: a {}-byte command line, {} bytes of input",
                     stats_.round_trips, command.size(), stdin_data.size()));
  Result<ExecResult> result = RunOnChannel(command, stdin_data, timeout_seconds);
  if (!result.ok() && result.status().unreachable()) broken_ = true;
  if (SshLogEnabled()) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    SshLog(result.ok() ? fmt::format("exec channel {}: exit {} after {} ms, {} bytes of output, "
                                     "{} bytes of errors",
                                     stats_.round_trips, result->exit_code, ms,
                                     result->stdout_data.size(), result->stderr_data.size())
                       : fmt::format("exec channel {}: failed after {} ms: {}", stats_.round_trips,
                                     ms, result.message()));
  }
  return result;
}

// The session is non-blocking (SshConnection::session): every call below
// returns at once, and the loops wait on the socket for at most 100 ms at a
// time, checking between waits that the host still answers
// (SshConnection::CheckAlive). So a dead link, a stopped sshd or a host that
// stops answering mid-command ends the command as unreachable after the
// ServerAlive bound, whatever the command was doing: starting, taking its
// input (even while its window is full), or running silently.
Result<ExecResult> SshTransport::RunOnChannel(const std::string& command,
                                              const std::string& stdin_data, int timeout_seconds) {
  using Clock = std::chrono::steady_clock;
  const std::string label = route_.target.Label();
  ssh_session session = connection_->session();
  auto lost = [&](const char* what) -> Status {
    return Status::Unreachable(
        fmt::format("{}: connection lost while {}: {}", label, what, ssh_get_error(session)));
  };
  // One wait between two tries of a call that could not finish yet.
  auto wait = [&]() -> Status {
    connection_->WaitIo(100);
    return connection_->CheckAlive();
  };
  // Repeats the libssh step `call` until it is done; `what` names it in errors.
  auto until_done = [&](const char* what, auto call) -> Status {
    for (;;) {
      const int rc = call();
      if (rc == SSH_OK) return Status::Ok();
      if (rc != SSH_AGAIN) return lost(what);
      Status alive = wait();
      if (!alive.ok()) return alive;
    }
  };

  SshChannelPtr channel(ssh_channel_new(session));
  if (!channel) return lost("opening a channel");
  ssh_channel ch = channel.get();
  Status st = until_done("opening a channel", [&] { return ssh_channel_open_session(ch); });
  if (!st.ok()) return st;
  ChannelState state;
  ssh_channel_callbacks_struct callbacks{};
  callbacks.userdata = &state;
  callbacks.channel_exit_signal_function = OnExitSignal;
  ssh_callbacks_init(&callbacks);
  ssh_set_channel_callbacks(ch, &callbacks);
  // libssh keeps a channel closed and freed here (a timeout, an early
  // return) until the host's close arrives, and runs its callbacks then,
  // from a later call on the session: they must not point into this frame
  // after it returns. Declared after `channel`, so removed before its free.
  struct CallbacksGuard {
    ssh_channel ch;
    ssh_channel_callbacks cb;
    ~CallbacksGuard() { ssh_remove_channel_callbacks(ch, cb); }
  } callbacks_guard{ch, &callbacks};
  st = until_done("starting a command",
                  [&] { return ssh_channel_request_exec(ch, command.c_str()); });
  if (!st.ok()) return st;
  stats_.bytes_sent += command.size();

  const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  ExecResult result;
  char buf[65536];
  // Takes whatever output libssh holds or can read now, without waiting.
  auto drain = [&]() -> bool {
    for (int stream = 0; stream < 2; ++stream) {
      for (;;) {
        const int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream);
        if (n == SSH_ERROR) return false;
        if (n <= 0) break;
        (stream ? result.stderr_data : result.stdout_data).append(buf, static_cast<size_t>(n));
        stats_.bytes_received += static_cast<uint64_t>(n);
      }
    }
    return true;
  };
  size_t sent = 0;
  bool eof_sent = false;
  for (;;) {
    // Input, as much as the channel's window takes now. A command may exit
    // without reading all of it: not an error.
    if (sent < stdin_data.size()) {
      const uint32_t room = std::min<uint32_t>(
          ssh_channel_window_size(ch),
          static_cast<uint32_t>(std::min<size_t>(stdin_data.size() - sent, 32768)));
      if (room > 0) {
        const int n = ssh_channel_write(ch, stdin_data.data() + sent, room);
        if (n == SSH_ERROR && !ssh_is_connected(session)) return lost("sending input");
        sent = n == SSH_ERROR ? stdin_data.size() : sent + static_cast<size_t>(n);
        if (n > 0) stats_.bytes_sent += static_cast<uint64_t>(n);
      }
    }
    if (sent >= stdin_data.size() && !eof_sent) {
      ssh_channel_send_eof(ch);
      eof_sent = true;
    }
    if (!drain()) return lost("reading output");
    if (result.stdout_data.size() + result.stderr_data.size() > options_.max_output_bytes) {
      // A host that answers without end (or a command that prints a disk)
      // must not take the controller's memory: the command is stopped.
      ssh_channel_request_send_signal(ch, "KILL");
      ssh_channel_close(ch);
      return Status::Error(fmt::format(
          "{}: the command printed more than {} MiB, more than hostprep keeps of one command: "
          "it was stopped (raise the bound with --max-output-mb)",
          label, options_.max_output_bytes >> 20));
    }
    if (ssh_channel_is_eof(ch)) {
      const int status = ssh_channel_get_exit_status(ch);
      if (status >= 0) {
        result.exit_code = status;
        break;
      }
      if (state.signal > 0) {
        result.exit_code = 128 + state.signal;
        break;
      }
      if (ssh_channel_is_closed(ch)) {
        if (!ssh_is_connected(session)) return lost("waiting for the exit status");
        result.exit_code = 255;  // closed without a status, as ssh(1) reports it
        break;
      }
    }
    if (!ssh_is_connected(session)) return lost("waiting for a command");
    if (timeout_seconds > 0 && Clock::now() >= deadline) {
      ssh_channel_request_send_signal(ch, "KILL");
      ssh_channel_close(ch);
      result.exit_code = 124;
      result.stderr_data += fmt::format("hostprep: timed out after {} s\n", timeout_seconds);
      return result;
    }
    Status alive = wait();
    if (!alive.ok()) return alive;
  }
  if (!drain()) return lost("reading output");
  return result;
}

}  // namespace hostprep
