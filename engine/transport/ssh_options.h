// How hostprep connects over SSH: the command line's choices, shared by every
// host of a run. Plain data.
#ifndef HOSTPREP_ENGINE_TRANSPORT_SSH_OPTIONS_H_
#define HOSTPREP_ENGINE_TRANSPORT_SSH_OPTIONS_H_

#include <cstddef>
#include <string>
#include <vector>

namespace hostprep {

enum class HostKeyChecking {
  kStrict,     // unknown or changed key: the host is unreachable
  kAcceptNew,  // unknown key: recorded in known_hosts; changed key: unreachable
  kOff,        // no check at all (the CLI warns once)
};

struct SshOptions {
  std::vector<std::string> private_keys;  // --private-key, tried before anything else
  std::string user;                       // -u: overrides ansible_user and ssh config
  std::string known_hosts;                // absolute path; "" = ~/.ssh/known_hosts
  HostKeyChecking host_key_checking = HostKeyChecking::kStrict;
  // Seconds for the whole of connecting to one endpoint: TCP connect, banner,
  // key exchange, host key check and authentication together. Each bastion
  // hop has a deadline of its own.
  int connect_timeout = 10;
  // Further attempts after a transient connect failure (refused, timed out,
  // reset or closed during the handshake, no route); 0 = one attempt only.
  int connect_retries = 0;
  // A silent host (OpenSSH's ServerAliveInterval and ServerAliveCountMax):
  // after `server_alive_interval` seconds with nothing from it, hostprep asks
  // it for an answer, and gives it up as unreachable once nothing came for
  // interval * count_max seconds. -1: not given on the command line, so the
  // host's ansible_ssh_common_args (-o ServerAliveInterval=N), else its ssh
  // config, else 15 s and 3 decide. An interval of 0 never asks.
  int server_alive_interval = -1;
  int server_alive_count_max = -1;
  // What one command may print (stdout and stderr together) before it is
  // stopped and fails: one host cannot take the controller's memory.
  size_t max_output_bytes = size_t{64} << 20;
  // The bastion route (-J or -o ProxyJump) of --ssh-args (ansible.cfg's
  // [ssh_connection] ssh_args), for hosts whose ansible_ssh_common_args
  // name none; checked (ParseProxyJump). "" = none.
  std::string proxy_jump;
  std::string ssh_config;    // absolute path; "" = ~/.ssh/config; "none" = no file
  std::string ssh_dir;       // default identities (id_ed25519...); "" = ~/.ssh
  std::string agent_socket;  // ssh-agent socket; "" = no agent
  // For sudo -S. Never printed, logged or put in argv; see ShellTransport.
  std::string become_password;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_SSH_OPTIONS_H_
