// The parts of OpenSSH's client configuration hostprep honours, read
// without libssh: libssh 0.10 turns ProxyJump into a ProxyCommand that runs
// the ssh binary, and hostprep jumps natively instead (see ssh_session.h).
#ifndef HOSTPREP_ENGINE_TRANSPORT_SSH_CONFIG_H_
#define HOSTPREP_ENGINE_TRANSPORT_SSH_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace hostprep {

// What ~/.ssh/config says about one host. Empty fields: nothing said.
struct SshHostConfig {
  std::string hostname;
  std::string user;
  int port = 0;
  std::vector<std::string> identity_files;  // "~/" expanded with `home`
  std::string proxy_jump;                   // as written: "user@host:port,host2"
  int server_alive_interval = -1;           // seconds; 0 = off; -1 = not said
  int server_alive_count_max = -1;          // -1 = not said
};

// Reads `path` as ssh_config(5) does for `host`: `Host` patterns (globs,
// negation with "!"), the first value of each keyword wins, IdentityFile
// accumulates. `Match` blocks and `Include` are skipped. A missing file is an
// empty config; an unreadable one or a bad Port is an error naming path:line.
Result<SshHostConfig> ReadSshConfig(const std::string& path, const std::string& host,
                                    const std::string& home);

// One hop of a ProxyJump list.
struct JumpSpec {
  std::string user;  // "" = default
  std::string host;
  int port = 0;  // 0 = default
};

// "user@host:port,host2" (also "[v6addr]:port" and "ssh://user@host:port");
// "none" or "" gives no hops. Errors name the spec.
Result<std::vector<JumpSpec>> ParseProxyJump(const std::string& spec);

// The ProxyJump spec in ansible_ssh_common_args: "-o ProxyJump=X",
// "-oProxyJump=X", "-o 'ProxyJump X'", "-J X"; "" when there is none.
std::string ProxyJumpFromArgs(const std::string& ssh_common_args);

// The value of the -o option `keyword` (case-insensitive, "ServerAliveInterval")
// in ansible_ssh_common_args, written as ProxyJumpFromArgs reads it; "" when
// the arguments do not set it.
std::string OptionFromArgs(const std::string& ssh_common_args, std::string_view keyword);

// How long a silent peer is trusted, as OpenSSH's ServerAliveInterval (seconds,
// 0 = never ask) and ServerAliveCountMax (unanswered asks before giving up).
// Errors name the setting and its source: "ServerAliveInterval must be a whole
// number of seconds, not 'x'".
Result<int> ParseAliveInterval(const std::string& text);
Result<int> ParseAliveCountMax(const std::string& text);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_SSH_CONFIG_H_
