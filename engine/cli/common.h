// Pieces the subcommands share: loading inputs with diagnostics, -e parsing,
// the real transport factory.
#ifndef HOSTPREP_ENGINE_CLI_COMMON_H_
#define HOSTPREP_ENGINE_CLI_COMMON_H_

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/inventory/inventory.h"
#include "engine/playbook/playbook.h"
#include "engine/run/host_state.h"

namespace hostprep {

// Loads the inventory sources (or the implicit localhost inventory when
// there are none); prints diagnostics to stderr and returns nullptr on error.
std::unique_ptr<Inventory> LoadInventoryOrReport(const std::vector<std::string>& sources);

// Parses and validates the playbook, then checks every play's graph for
// cycles; prints diagnostics to stderr and returns nullptr on error.
std::unique_ptr<Playbook> LoadPlaybookOrReport(const std::string& path,
                                               const ModuleRegistry& modules);

// -e values, merged left to right: "k=v k2=v2", "@file.yml", or a YAML/JSON
// mapping "{a: 1}". Errors name the argument; the errors of a @file that does
// not load also go to `file_errors` (with the file's line and column).
Result<Value> ParseExtraVars(const std::vector<std::string>& args,
                             Diagnostics* file_errors = nullptr);

// ParseExtraVars for the command `command`, printing what is wrong: a @file's
// errors as the playbook's are printed (returns kExitBadInput), any other
// error as "hostprep COMMAND: ..." (kExitBadOption). kExitOk and `*out` set
// when all is well.
int ReadExtraVarsOrReport(const std::string& command, const std::vector<std::string>& args,
                          Value* out);

// Splits "a,b" and repeated options into one list.
std::vector<std::string> SplitList(const std::vector<std::string>& values);

// The SSH options as typed, before defaults and checks.
struct SshCliOptions {
  std::vector<std::string> private_keys;
  std::string user;
  std::string known_hosts;
  std::string host_key_checking = "strict";
  int timeout = 10;
  int connect_retries = 0;
  std::string server_alive_interval;   // "" = not given (inventory, ssh config, else 15)
  std::string server_alive_count_max;  // "" = not given (inventory, ssh config, else 3)
  int max_output_mb = 64;
  bool ask_become_pass = false;
  std::string ssh_config;
  std::string ssh_args;  // --ssh-args: ansible.cfg's [ssh_connection] ssh_args
};

// Adds --private-key/-k, --user/-u, --known-hosts, --host-key-checking,
// --timeout, --connect-retries, --ask-become-pass, --ssh-config and
// --ssh-args to `desc`.
void AddSshOptions(boost::program_options::options_description* desc, SshCliOptions* out);

// Stores into `vm` what ansible.cfg and the ANSIBLE_* variables set
// (AnsibleConfigArguments) for the options `desc` has and the command line
// did not give; call after storing the command line, before notify(). Its
// warnings go to stderr. An error is the configuration's: report it as a
// bad option.
[[nodiscard]] Status StoreAnsibleConfig(const boost::program_options::options_description& desc,
                                        boost::program_options::variables_map* vm);

// Checks the values and fills in defaults (~/.ssh/known_hosts, ~/.ssh/config,
// SSH_AUTH_SOCK). The become password comes from the terminal, read once
// with echo off, for --ask-become-pass, else from HOSTPREP_BECOME_PASSWORD.
// With --host-key-checking off, prints one warning to stderr.
Result<SshOptions> ResolveSshOptions(const SshCliOptions& cli);

// local -> LocalTransport; ssh -> SshTransport. With `inventory`, a host
// named `bastion` in group `bastion` is the jump host of every other host
// over ssh (Kubespray's convention) unless the host names its own ProxyJump.
std::unique_ptr<TransportFactory> MakeTransportFactory(const Inventory* inventory = nullptr,
                                                       SshOptions ssh = {});

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_COMMON_H_
