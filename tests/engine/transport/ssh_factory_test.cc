// The CLI's transport factory over real sshd: Kubespray's bastion group; the
// CLI's ssh options.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "engine/cli/common.h"
#include "engine/template/variables.h"
#include "engine/transport/ssh_transport.h"
#include "tests/engine/transport/ssh_test_server.h"

namespace hostprep {
namespace {

using testing::SshTestDir;
using testing::TestSshd;

TEST_CASE("ssh factory sends every host through the inventory's bastion host") {
  if (!testing::SshdAvailable()) {
    MESSAGE("skipped: /usr/sbin/sshd is not installed");
    return;
  }
  SshTestDir dir;
  TestSshd bastion(dir, "bastion");
  TestSshd target(dir, "target");
  const std::string inventory_path = dir.path() + "/hosts.yml";
  testing::WriteAll(inventory_path,
                    fmt::format("all:\n  vars:\n    ansible_user: root\n  children:\n"
                                "    bastion:\n      hosts:\n        bastion:\n"
                                "          ansible_host: 127.0.0.1\n          ansible_port: {}\n"
                                "    nodes:\n      hosts:\n        node1:\n"
                                "          ansible_host: 127.0.0.1\n          ansible_port: {}\n",
                                bastion.port(), target.port()));
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({inventory_path}, &diags);
  REQUIRE_MESSAGE(inv, diags.Format());
  SshOptions o = testing::TestSshOptions(dir, SshOptions().connect_timeout);
  testing::WriteAll(o.known_hosts, bastion.known_hosts_line() + target.known_hosts_line());
  std::unique_ptr<TransportFactory> factory = MakeTransportFactory(inv.get(), o);

  auto connect = [&](const std::string& host) {
    Variables vars;
    inv->HostVariables(host, &vars);
    Result<ConnectionSettings> settings = ReadConnectionSettings(host, vars, &vars);
    REQUIRE(settings.ok());
    Result<std::unique_ptr<Transport>> t = factory->Create(host, *settings);
    if (!t.ok()) FAIL(t.message());
    const auto start = std::chrono::steady_clock::now();
    Status s = (*t)->Connect();
    REQUIRE_MESSAGE(s.ok(), s.message());
    ExecRequest r;
    r.argv = {"echo", host};
    Result<ExecResult> out = (*t)->Exec(r);
    REQUIRE(out.ok());
    CHECK(out->stdout_data == host + "\n");
    MESSAGE(host << ": connect + one exec took "
                 << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                 << " s");
  };
  connect("node1");
  CHECK(bastion.log().find(fmt::format("target 127.0.0.1 port {}", target.port())) !=
        std::string::npos);
  CHECK(target.logins() == 1);
  CHECK(bastion.logins() == 1);
  connect("bastion");  // the bastion itself is reached directly
  CHECK(bastion.logins() == 2);
}

// The ssh options of `args` as AddSshOptions parses and ResolveSshOptions
// checks them, or the first error.
Result<SshOptions> ParseSshOptions(std::vector<std::string> args) {
  namespace po = boost::program_options;
  po::options_description desc;
  SshCliOptions cli;
  AddSshOptions(&desc, &cli);
  args.insert(args.begin(), "hostprep");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Status::Error(e.what());
  }
  cli.known_hosts = "/nonexistent/known_hosts";  // nothing is read or written here
  return ResolveSshOptions(cli);
}

TEST_CASE("ssh cli options take connect retries and refuse negative or non-numeric ones") {
  struct Case {
    std::vector<std::string> args;
    int retries;  // -1: an error
    std::string error;
  };
  const Case cases[] = {
      {{}, 0, ""},
      {{"--connect-retries", "3"}, 3, ""},
      {{"--connect-retries=0", "-T", "4"}, 0, ""},
      {{"--connect-retries", "-1"}, -1, "--connect-retries must be 0 or more, not -1"},
      {{"--connect-retries", "abc"},
       -1,
       "the argument ('abc') for option '--connect-retries' is invalid"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args.size() > 1 ? c.args[1] : std::string("(none)"));
    Result<SshOptions> options = ParseSshOptions(c.args);
    if (c.retries < 0) {
      CHECK(options.message() == c.error);
    } else {
      REQUIRE_MESSAGE(options.ok(), options.message());
      CHECK(options->connect_retries == c.retries);
    }
  }
  Result<SshOptions> timeout = ParseSshOptions({"--timeout", "7"});
  REQUIRE(timeout.ok());
  CHECK(timeout->connect_timeout == 7);
}

TEST_CASE("ssh cli options take ansible.cfg's ssh_args: the bastion route and alive settings") {
  Result<SshOptions> args =
      ParseSshOptions({"--ssh-args",
                       "-C -o ControlMaster=auto -o ControlPersist=60s -J admin@jump:2222 "
                       "-o ServerAliveInterval=20 -o ServerAliveCountMax=4"});
  REQUIRE_MESSAGE(args.ok(), args.message());
  CHECK(args->proxy_jump == "admin@jump:2222");
  CHECK(args->server_alive_interval == 20);
  CHECK(args->server_alive_count_max == 4);
  // The command line's own alive options win over ssh_args.
  Result<SshOptions> both =
      ParseSshOptions({"--ssh-args", "-o ServerAliveInterval=20", "--server-alive-interval", "5"});
  REQUIRE(both.ok());
  CHECK(both->server_alive_interval == 5);
  CHECK(ParseSshOptions({"--ssh-args", "-o ProxyJump=admin@jump:port"}).message() ==
        "--ssh-args (or ansible.cfg's [ssh_connection] ssh_args, ANSIBLE_SSH_ARGS): ProxyJump "
        "'admin@jump:port': the port must be a number from 1 to 65535, not 'port'");

  // A host's own ansible_ssh_common_args route wins; others take ssh_args'.
  args->ssh_config = "none";
  ConnectionSettings plain;
  plain.address = "10.0.0.1";
  Result<SshRoute> through = ResolveSshRoute("node1", plain, *args, nullptr);
  REQUIRE_MESSAGE(through.ok(), through.message());
  REQUIRE(through->jumps.size() == 1);
  CHECK(through->jumps[0].address == "jump");
  CHECK(through->jumps[0].port == 2222);
  CHECK(through->jumps[0].user == "admin");
  CHECK(through->target.alive_interval == 20);
  ConnectionSettings own = plain;
  own.ssh_common_args = "-o ProxyJump=ops@gate";
  Result<SshRoute> gate = ResolveSshRoute("node1", own, *args, nullptr);
  REQUIRE(gate.ok());
  REQUIRE(gate->jumps.size() == 1);
  CHECK(gate->jumps[0].address == "gate");
}

}  // namespace
}  // namespace hostprep
