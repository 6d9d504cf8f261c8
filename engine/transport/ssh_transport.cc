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

  std::string spec = ProxyJumpFromArgs(settings.ssh_common_args);
  const char* source = "ansible_ssh_common_args";
  if (spec.empty() && bastion) {
    SshEndpoint b;
    b.name = "bastion";
    b.address = bastion->address.empty() ? "bastion" : bastion->address;
    b.port = bastion->port ? bastion->port : 22;
    b.user = !bastion->user.empty() ? bastion->user : t.user;
    if (!bastion->private_key_file.empty()) b.keys.push_back(bastion->private_key_file);
    for (const std::string& key : t.keys) b.keys.push_back(key);
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
  Result<std::unique_ptr<SshConnection>> conn =
      SshConnection::Open(route_.target, route_.jumps, options_);
  if (!conn.ok()) return conn.status();
  connection_ = std::move(*conn);
  broken_ = false;
  return Status::Ok();
}

Result<ExecResult> SshTransport::RunCommand(const std::vector<std::string>& argv,
                                            const std::string& stdin_data, int timeout_seconds) {
  const std::string label = route_.target.Label();
  if (broken_) return Status::Error(fmt::format("{}: the connection was lost earlier", label));
  Status connected = Connect();
  if (!connected.ok()) return connected;
  std::string command;
  for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + ShellQuote(arg);
  ssh_session session = connection_->session();
  SshChannelPtr channel(ssh_channel_new(session));
  ++stats_.round_trips;
  if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK) {
    broken_ = true;
    return Status::Error(fmt::format("{}: connection lost: cannot open a channel: {}", label,
                                     ssh_get_error(session)));
  }
  Result<ExecResult> result = RunOnChannel(channel.get(), command, stdin_data, timeout_seconds);
  if (!result.ok()) broken_ = true;
  return result;
}

Result<ExecResult> SshTransport::RunOnChannel(ssh_channel channel, const std::string& command,
                                              const std::string& stdin_data, int timeout_seconds) {
  using Clock = std::chrono::steady_clock;
  const std::string label = route_.target.Label();
  ssh_session session = connection_->session();
  auto lost = [&](const char* what) -> Status {
    return Status::Error(
        fmt::format("{}: connection lost while {}: {}", label, what, ssh_get_error(session)));
  };
  ChannelState state;
  ssh_channel_callbacks_struct callbacks{};
  callbacks.userdata = &state;
  callbacks.channel_exit_signal_function = OnExitSignal;
  ssh_callbacks_init(&callbacks);
  ssh_set_channel_callbacks(channel, &callbacks);
  if (ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
    return lost("starting a command");
  }
  stats_.bytes_sent += command.size();
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  ExecResult result;
  char buf[65536];
  // Drains whatever output libssh already holds, so a command that writes
  // before it reads cannot stall our writes.
  auto drain = [&]() -> bool {
    for (int stream = 0; stream < 2; ++stream) {
      for (;;) {
        const int n = ssh_channel_read_nonblocking(channel, buf, sizeof buf, stream);
        if (n == SSH_ERROR) return false;
        if (n <= 0) break;
        (stream ? result.stderr_data : result.stdout_data).append(buf, static_cast<size_t>(n));
        stats_.bytes_received += static_cast<uint64_t>(n);
      }
    }
    return true;
  };
  for (size_t off = 0; off < stdin_data.size();) {
    const size_t chunk = std::min<size_t>(stdin_data.size() - off, 32768);
    const int n = ssh_channel_write(channel, stdin_data.data() + off, static_cast<uint32_t>(chunk));
    // A command may exit without reading all its input: not an error.
    if (n == SSH_ERROR && !ssh_is_connected(session)) return lost("sending input");
    if (n <= 0) break;
    off += static_cast<size_t>(n);
    stats_.bytes_sent += static_cast<uint64_t>(n);
    if (!drain()) return lost("reading output");
  }
  ssh_channel_send_eof(channel);
  auto idle_since = Clock::now();
  bool timed_out = false;
  while (!ssh_channel_is_eof(channel)) {
    const int n = ssh_channel_read_timeout(channel, buf, sizeof buf, 0, 100);
    if (n == SSH_ERROR) return lost("reading output");
    if (n > 0) {
      result.stdout_data.append(buf, static_cast<size_t>(n));
      stats_.bytes_received += static_cast<uint64_t>(n);
      idle_since = Clock::now();
    }
    if (!drain()) return lost("reading output");
    if (timeout_seconds > 0 && Clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    if (Clock::now() - idle_since >= std::chrono::seconds(options_.keepalive_seconds)) {
      if (ssh_send_ignore(session, "") != SSH_OK) return lost("waiting for a command");
      idle_since = Clock::now();
    }
  }
  if (timed_out) {
    ssh_channel_request_send_signal(channel, "KILL");
    ssh_channel_close(channel);
    result.exit_code = 124;
    result.stderr_data += fmt::format("hostprep: timed out after {} s\n", timeout_seconds);
    return result;
  }
  if (!drain()) return lost("reading output");
  const int status = ssh_channel_get_exit_status(channel);
  if (status >= 0) {
    result.exit_code = status;
  } else if (state.signal > 0) {
    result.exit_code = 128 + state.signal;
  } else if (ssh_is_connected(session)) {
    result.exit_code = 255;  // the server closed the channel without a status, as ssh(1) reports
  } else {
    return lost("waiting for the exit status");
  }
  return result;
}

}  // namespace hostprep
