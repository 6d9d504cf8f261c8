#include "engine/transport/ssh_config.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace hostprep {
namespace {

TEST_CASE("ssh config applies the first value for matching Host blocks") {
  char tmpl[] = "/tmp/hostprep-sshcfg-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string path = dir + "/config";
  std::ofstream(path) << "# comment\n"
                         "Host web* !web3\n"
                         "  HostName 10.0.0.11\n"
                         "  User deploy\n"
                         "  IdentityFile ~/.ssh/web_key\n"
                         "Match host x\n"
                         "  User never\n"
                         "Host *\n"
                         "  Port=2222\n"
                         "  User fallback\n"
                         "  IdentityFile \"/keys/all key\"\n"
                         "  ProxyJump jump@bastion:22\n";
  Result<SshHostConfig> web = ReadSshConfig(path, "web1", "/home/me");
  REQUIRE(web.ok());
  CHECK(web->hostname == "10.0.0.11");
  CHECK(web->user == "deploy");
  CHECK(web->port == 2222);
  CHECK(web->identity_files == std::vector<std::string>{"/home/me/.ssh/web_key", "/keys/all key"});
  CHECK(web->proxy_jump == "jump@bastion:22");
  Result<SshHostConfig> web3 = ReadSshConfig(path, "web3", "/home/me");
  REQUIRE(web3.ok());
  CHECK(web3->hostname == "");
  CHECK(web3->user == "fallback");
  Result<SshHostConfig> none = ReadSshConfig(dir + "/missing", "web1", "/home/me");
  REQUIRE(none.ok());
  CHECK(none->user == "");
  std::ofstream(path) << "Port 99999\n";
  CHECK(ReadSshConfig(path, "a", "/h").message() ==
        path + ":1: Port must be a number from 1 to 65535, not '99999'");
  std::filesystem::remove_all(dir);
}

TEST_CASE("proxy jump specs parse into hops") {
  Result<std::vector<JumpSpec>> hops =
      ParseProxyJump("admin@bastion:2222,[fe80::1]:22,ssh://u@plain,last");
  REQUIRE(hops.ok());
  REQUIRE(hops->size() == 4);
  CHECK((*hops)[0].user == "admin");
  CHECK((*hops)[0].host == "bastion");
  CHECK((*hops)[0].port == 2222);
  CHECK((*hops)[1].host == "fe80::1");
  CHECK((*hops)[1].port == 22);
  CHECK((*hops)[2].user == "u");
  CHECK((*hops)[2].host == "plain");
  CHECK((*hops)[3].port == 0);
  CHECK(ParseProxyJump("none")->empty());
  CHECK(ParseProxyJump("h:x").message() ==
        "ProxyJump 'h:x': the port must be a number from 1 to 65535, not 'x'");
}

TEST_CASE("proxy jump is found in ssh common args in every spelling") {
  const struct {
    const char* args;
    const char* spec;
  } cases[] = {
      {"-o ProxyJump=root@10.0.0.1:22", "root@10.0.0.1:22"},
      {"-oProxyJump=b", "b"},
      {"-o StrictHostKeyChecking=no -o 'ProxyJump bastion'", "bastion"},
      {"-o \"proxyjump=u@h\"", "u@h"},
      {"-J u@h:2", "u@h:2"},
      {"-Jh", "h"},
      {"-o StrictHostKeyChecking=no", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    CHECK(ProxyJumpFromArgs(c.args) == c.spec);
  }
}

TEST_CASE("server alive settings come from ssh config and from -o in ssh args") {
  char tmpl[] = "/tmp/hostprep-sshcfg-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string path = dir + "/config";
  std::ofstream(path) << "Host a\n  ServerAliveInterval 5\n  ServerAliveCountMax=4\n"
                         "Host *\n  ServerAliveInterval 30\n";
  Result<SshHostConfig> a = ReadSshConfig(path, "a", "/h");
  REQUIRE(a.ok());
  CHECK(a->server_alive_interval == 5);
  CHECK(a->server_alive_count_max == 4);
  Result<SshHostConfig> b = ReadSshConfig(path, "b", "/h");
  REQUIRE(b.ok());
  CHECK(b->server_alive_interval == 30);
  CHECK(b->server_alive_count_max == -1);
  std::ofstream(path) << "ServerAliveInterval soon\n";
  CHECK(ReadSshConfig(path, "a", "/h").message() ==
        path + ":1: ServerAliveInterval must be a whole number of seconds (0 = off), not 'soon'");
  std::ofstream(path) << "ServerAliveCountMax 0\n";
  CHECK(ReadSshConfig(path, "a", "/h").message() ==
        path + ":1: ServerAliveCountMax must be a whole number from 1, not '0'");
  std::filesystem::remove_all(dir);

  const std::string args =
      "-o StrictHostKeyChecking=no -oServerAliveInterval=7 -o 'ServerAliveCountMax 2'";
  CHECK(OptionFromArgs(args, "ServerAliveInterval") == "7");
  CHECK(OptionFromArgs(args, "serveralivecountmax") == "2");
  CHECK(OptionFromArgs(args, "ProxyJump") == "");
}

}  // namespace
}  // namespace hostprep
