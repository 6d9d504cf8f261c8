#include "engine/cli/common.h"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "engine/base/secrets.h"
#include "engine/base/text.h"
#include "engine/cli/ansible_config.h"
#include "engine/cli/cli.h"
#include "engine/graph/task_graph.h"
#include "engine/run/static_templates.h"
#include "engine/template/variables.h"
#include "engine/transport/local_transport.h"
#include "engine/transport/ssh_config.h"
#include "engine/transport/ssh_transport.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

std::unique_ptr<Inventory> LoadInventoryOrReport(const std::vector<std::string>& sources) {
  if (sources.empty()) return Inventory::Implicit();
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load(sources, &diags);
  if (!diags.empty()) std::fputs(Secrets::Redact(diags.Format()).c_str(), stderr);
  return inv;
}

std::unique_ptr<Playbook> LoadPlaybookOrReport(const std::string& path,
                                               const ModuleRegistry& modules) {
  Diagnostics diags;
  std::unique_ptr<Playbook> pb = ParsePlaybook(path, modules, &diags);
  if (pb) {
    // Cycles among explicit edges do not depend on the host: find them now.
    for (const Play& play : pb->plays) {
      std::optional<Diagnostic> cycle = TaskGraph::FindCycle(play);
      if (cycle) diags.Add(cycle->location, cycle->message);
      CheckStaticTemplates(play, modules, &diags);
    }
  }
  if (!diags.empty()) {
    std::fputs(Secrets::Redact(diags.Format()).c_str(), stderr);
    return nullptr;
  }
  return pb;
}

Result<Value> ParseExtraVars(const std::vector<std::string>& args, Diagnostics* file_errors) {
  Value out = Value::object();
  for (const std::string& arg : args) {
    Value layer;
    if (StartsWith(arg, "@")) {
      YamlDocument doc;
      Diagnostics diags;
      if (!LoadYamlFile(arg.substr(1), &doc, &diags)) {
        const std::string message = fmt::format("-e {}: {}", arg, Trim(diags.Format()));
        if (file_errors != nullptr) file_errors->Append(diags);
        return Status::Error(message);
      }
      layer = ToValue(doc.root);
      if (!layer.is_object()) {
        return Status::Error(fmt::format("-e {}: the file must hold a mapping of variables", arg));
      }
    } else if (StartsWith(Trim(arg), "{")) {
      YamlDocument doc;
      Diagnostics diags;
      if (!LoadYamlString(arg, "-e", &doc, &diags) || !doc.root.IsMap()) {
        return Status::Error(fmt::format("-e '{}': not a mapping of variables", arg));
      }
      layer = ToValue(doc.root);
    } else {
      layer = Value::object();
      // key=value pairs separated by spaces; values may be quoted.
      size_t i = 0;
      while (i < arg.size()) {
        while (i < arg.size() && arg[i] == ' ') ++i;
        if (i >= arg.size()) break;
        size_t eq = arg.find('=', i);
        if (eq == std::string::npos || eq == i) {
          return Status::Error(
              fmt::format("-e '{}': expected key=value, @file.yml or a {{...}} mapping", arg));
        }
        std::string key = arg.substr(i, eq - i);
        std::string value;
        i = eq + 1;
        if (i < arg.size() && (arg[i] == '"' || arg[i] == '\'')) {
          char q = arg[i++];
          size_t end = arg.find(q, i);
          if (end == std::string::npos) {
            return Status::Error(fmt::format("-e '{}': unterminated quote", arg));
          }
          value = arg.substr(i, end - i);
          i = end + 1;
        } else {
          size_t end = arg.find(' ', i);
          if (end == std::string::npos) end = arg.size();
          value = arg.substr(i, end - i);
          i = end;
        }
        layer[key] = value;
      }
    }
    for (auto it = layer.begin(); it != layer.end(); ++it) out[it.key()] = it.value();
  }
  return out;
}

int ReadExtraVarsOrReport(const std::string& command, const std::vector<std::string>& args,
                          Value* out) {
  Diagnostics file_errors;
  Result<Value> vars = ParseExtraVars(args, &file_errors);
  if (!file_errors.empty()) {
    // A vars file is input like the playbook: its errors print the same way.
    std::fputs(Secrets::Redact(file_errors.Format()).c_str(), stderr);
    return kExitBadInput;
  }
  if (!vars.ok()) {
    fmt::print(stderr, "hostprep {}: {}\n", command, Secrets::Redact(vars.message()));
    return kExitBadOption;
  }
  *out = std::move(*vars);
  return kExitOk;
}

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    for (const std::string& part : Split(v, ',')) {
      std::string t = Trim(part);
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

namespace po = boost::program_options;

void AddSshOptions(po::options_description* desc, SshCliOptions* out) {
  // clang-format off
  desc->add_options()
      ("private-key,k", po::value(&out->private_keys), "ssh private key file (repeatable)")
      ("user,u", po::value(&out->user), "ssh user when the inventory names none")
      ("known-hosts", po::value(&out->known_hosts), "known_hosts file (default ~/.ssh/known_hosts)")
      ("host-key-checking", po::value(&out->host_key_checking),
       "strict (default), accept-new or off")
      ("timeout,T", po::value(&out->timeout), "ssh connect timeout in seconds, login included "
       "(default 10)")
      ("connect-retries", po::value(&out->connect_retries),
       "ssh connect retries after a refused, timed-out or dropped connect (default 0)")
      ("server-alive-interval", po::value(&out->server_alive_interval),
       "seconds of silence before a host is asked to answer; 0 = never (default 15)")
      ("server-alive-count-max", po::value(&out->server_alive_count_max),
       "unanswered intervals before a host is unreachable (default 3)")
      ("max-output-mb", po::value(&out->max_output_mb),
       "MiB one command may print before it is stopped and fails (default 64)")
      ("ask-become-pass,K", po::bool_switch(&out->ask_become_pass),
       "ask once for the become password: sudo's, or the become user's for su (or set HOSTPREP_BECOME_PASSWORD)")
      ("ssh-config", po::value(&out->ssh_config), "ssh client config (default ~/.ssh/config)")
      ("ssh-args", po::value(&out->ssh_args), "ssh options for every host, as ansible.cfg's "
       "[ssh_connection] ssh_args: -J/ProxyJump (for hosts whose ansible_ssh_common_args name "
       "none) and ServerAliveInterval/CountMax (unless given above) are honoured; the rest, "
       "such as ControlMaster, tunes OpenSSH and is ignored");
  // clang-format on
}

namespace {

// Reads one line from the terminal with echo off.
Result<std::string> AskPassword(const char* prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) {
    return Status::Error(
        "--ask-become-pass needs a terminal; set HOSTPREP_BECOME_PASSWORD instead");
  }
  const int fd = fileno(tty);
  termios old{};
  const bool have_termios = tcgetattr(fd, &old) == 0;
  if (have_termios) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::fputs(prompt, tty);
  std::fflush(tty);
  std::string line;
  for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) line += static_cast<char>(c);
  if (have_termios) tcsetattr(fd, TCSAFLUSH, &old);
  std::fputs("\n", tty);
  std::fclose(tty);
  return line;
}

constexpr char kSshArgsSource[] =
    "--ssh-args (or ansible.cfg's [ssh_connection] ssh_args, ANSIBLE_SSH_ARGS)";

// A ServerAlive setting: its command-line option's value (named `flag`),
// else the `keyword` option of --ssh-args; unset when neither gives one.
Status ReadAlive(const SshCliOptions& cli, const std::string& given, const char* flag,
                 const char* keyword, Result<int> (*parse)(const std::string&), int* out) {
  const std::string text = !given.empty() ? given : OptionFromArgs(cli.ssh_args, keyword);
  if (text.empty()) return Status::Ok();
  Result<int> v = parse(text);
  if (!v.ok())
    return Status::Error((!given.empty() ? flag : kSshArgsSource) + (": " + v.message()));
  *out = *v;
  return Status::Ok();
}

}  // namespace

Status StoreAnsibleConfig(const po::options_description& desc, po::variables_map* vm) {
  std::vector<std::string> warnings;
  Result<std::vector<std::string>> words = AnsibleConfigArguments(&warnings);
  for (const std::string& w : warnings) fmt::print(stderr, "warning: {}\n", w);
  if (!words.ok()) return words.status();
  // Only the options this command has: `validate` has no --forks.
  std::vector<std::string> known;
  for (size_t i = 0; i < words->size(); ++i) {
    const std::string& word = (*words)[i];
    const po::option_description* option = desc.find_nothrow(word.substr(2), false);
    const bool takes_value = i + 1 < words->size() && !StartsWith((*words)[i + 1], "--");
    if (option != nullptr) {
      known.push_back(word);
      if (takes_value) known.push_back((*words)[i + 1]);
    }
    if (takes_value) ++i;
  }
  if (known.empty()) return Status::Ok();
  try {
    po::store(po::command_line_parser(known).options(desc).run(), *vm);
  } catch (const po::error& e) {
    return Status::Error(fmt::format("ansible.cfg: {}", e.what()));
  }
  return Status::Ok();
}

Result<SshOptions> ResolveSshOptions(const SshCliOptions& cli) {
  SshOptions out;
  if (cli.host_key_checking == "strict") {
    out.host_key_checking = HostKeyChecking::kStrict;
  } else if (cli.host_key_checking == "accept-new") {
    out.host_key_checking = HostKeyChecking::kAcceptNew;
  } else if (cli.host_key_checking == "off") {
    out.host_key_checking = HostKeyChecking::kOff;
  } else {
    return Status::Error(fmt::format(
        "--host-key-checking must be strict, accept-new or off, not '{}'", cli.host_key_checking));
  }
  if (cli.timeout < 1) return Status::Error("--timeout must be 1 second or more");
  out.connect_timeout = cli.timeout;
  if (cli.connect_retries < 0) {
    return Status::Error(
        fmt::format("--connect-retries must be 0 or more, not {}", cli.connect_retries));
  }
  out.connect_retries = cli.connect_retries;
  if (cli.max_output_mb < 1 || cli.max_output_mb > 1 << 20) {
    return Status::Error(
        fmt::format("--max-output-mb must be from 1 to 1048576, not {}", cli.max_output_mb));
  }
  out.max_output_bytes = static_cast<size_t>(cli.max_output_mb) << 20;
  if (Status s = ReadAlive(cli, cli.server_alive_interval, "--server-alive-interval",
                           "ServerAliveInterval", ParseAliveInterval, &out.server_alive_interval);
      !s.ok())
    return s;
  if (Status s = ReadAlive(cli, cli.server_alive_count_max, "--server-alive-count-max",
                           "ServerAliveCountMax", ParseAliveCountMax, &out.server_alive_count_max);
      !s.ok())
    return s;
  // The bastion route of --ssh-args, checked now.
  out.proxy_jump = ProxyJumpFromArgs(cli.ssh_args);
  if (Result<std::vector<JumpSpec>> hops = ParseProxyJump(out.proxy_jump); !hops.ok())
    return Status::Error(std::string(kSshArgsSource) + ": " + hops.message());
  out.private_keys = cli.private_keys;
  for (const std::string& key : out.private_keys) {
    if (access(key.c_str(), R_OK) != 0) {
      return Status::Error(fmt::format("--private-key {}: cannot read the file", key));
    }
  }
  out.user = cli.user;
  out.known_hosts = cli.known_hosts.empty() ? HomeOrRoot() + "/.ssh/known_hosts" : cli.known_hosts;
  out.ssh_config = cli.ssh_config.empty() ? HomeOrRoot() + "/.ssh/config" : cli.ssh_config;
  out.ssh_dir = HomeOrRoot() + "/.ssh";
  if (const char* agent = std::getenv("SSH_AUTH_SOCK")) out.agent_socket = agent;
  if (cli.ask_become_pass) {
    Result<std::string> password = AskPassword("BECOME password: ");
    if (!password.ok()) return password.status();
    out.become_password = *password;
  } else if (const char* env = std::getenv("HOSTPREP_BECOME_PASSWORD")) {
    out.become_password = env;
  }
  Secrets::Add(out.become_password);
  if (out.host_key_checking == HostKeyChecking::kOff) {
    std::fputs(
        "warning: --host-key-checking off: host keys are not verified, so anyone between "
        "here and the hosts can pretend to be them\n",
        stderr);
  }
  return out;
}

namespace {

class DefaultTransportFactory : public TransportFactory {
 public:
  DefaultTransportFactory(const Inventory* inventory, SshOptions ssh) : ssh_(std::move(ssh)) {
    if (!inventory || !inventory->FindHost("bastion")) return;
    const std::vector<std::string> groups = inventory->GroupsOf("bastion");
    if (std::find(groups.begin(), groups.end(), "bastion") == groups.end()) return;
    Variables vars;
    inventory->HostVariables("bastion", &vars);
    Result<ConnectionSettings> settings = ReadConnectionSettings("bastion", vars, &vars);
    has_bastion_ = true;
    if (settings.ok()) {
      bastion_ = *settings;
    } else {
      bastion_error_ = settings.message();
    }
  }

  Result<std::unique_ptr<Transport>> Create(const std::string& host,
                                            const ConnectionSettings& settings) override {
    if (settings.connection == "local") {
      auto local = std::make_unique<LocalTransport>();
      if (!ssh_.become_password.empty()) local->set_become_password(ssh_.become_password);
      return std::unique_ptr<Transport>(std::move(local));
    }
    if (settings.connection != "ssh") {
      return Status::Error(fmt::format("host {}: unknown connection type '{}': use ssh or local",
                                       host, settings.connection));
    }
    const ConnectionSettings* bastion = nullptr;
    if (has_bastion_ && host != "bastion") {
      if (!bastion_error_.empty()) {
        return Status::Error(fmt::format("host {}: the bastion host: {}", host, bastion_error_));
      }
      bastion = &bastion_;
    }
    Result<SshRoute> route = ResolveSshRoute(host, settings, ssh_, bastion);
    if (!route.ok()) return route.status();
    SshOptions ssh = ssh_;
    if (settings.connect_timeout > 0) ssh.connect_timeout = settings.connect_timeout;
    return std::unique_ptr<Transport>(std::make_unique<SshTransport>(std::move(*route), ssh));
  }

 private:
  SshOptions ssh_;
  bool has_bastion_ = false;  // Kubespray's bastion host is in the inventory
  ConnectionSettings bastion_;
  std::string bastion_error_;
};

}  // namespace

std::unique_ptr<TransportFactory> MakeTransportFactory(const Inventory* inventory, SshOptions ssh) {
  return std::make_unique<DefaultTransportFactory>(inventory, std::move(ssh));
}

}  // namespace hostprep
