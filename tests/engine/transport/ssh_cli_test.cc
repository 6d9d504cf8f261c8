// The real binary over real sshd: the CLI's ssh options reach the transport.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>

#include "tests/engine/transport/ssh_test_server.h"
#include "tests/shell_test_util.h"

namespace hostprep {
namespace {

using testing::SshTestDir;
using testing::TestSshd;

std::string Shell(const std::string& script) {
  return hostprep::testing::RunCommand("(" + script + ")").text;
}

TEST_CASE("ssh cli runs a playbook over ssh with the become password only on stdin") {
  if (!testing::SshdAvailable() || access("/usr/bin/sudo", X_OK) != 0 || getuid() != 0) {
    MESSAGE("skipped: needs /usr/sbin/sshd, sudo and root");
    return;
  }
  SshTestDir dir;
  TestSshd sshd(dir, "a");
  const std::string d = dir.path();
  testing::WriteAll(d + "/known_hosts", sshd.known_hosts_line());
  testing::WriteAll(d + "/hosts.yml",
                    fmt::format("all:\n  hosts:\n    node1:\n      ansible_host: 127.0.0.1\n"
                                "      ansible_port: {}\n      ansible_user: root\n",
                                sshd.port()));
  testing::WriteAll(d + "/site.yml",
                    "- hosts: all\n  gather_facts: false\n  tasks:\n"
                    "    - name: hostile value as nobody\n"
                    "      command:\n        argv: [sh, -c, 'id -un; printf %s \"$1\"; cat', sh, "
                    "\"{{ v }}\"]\n"
                    "      become: true\n      become_user: nobody\n");
  const std::string env = fmt::format(
      "cd '{0}' && env -u SSH_AUTH_SOCK HOME='{0}' HOSTPREP_BECOME_PASSWORD=pw-Secret-42 {1}", d,
      HOSTPREP_BINARY);
  const std::string common = fmt::format(
      "-i hosts.yml --private-key '{0}/client_key' --known-hosts '{0}/known_hosts' "
      "--ssh-config none -e 'v=\"; rm -rf / $(reboot)\"'",
      d);
  std::string text = Shell(env + " run site.yml -vv " + common + "; echo exit $?");
  INFO(text);
  CHECK(text.find("nobody") != std::string::npos);
  CHECK(text.find("; rm -rf / $(reboot)") != std::string::npos);
  CHECK(text.find("exit 0") != std::string::npos);
  std::string json = Shell(env + " run site.yml -o json " + common);
  CHECK(json.find("\"changed\"") != std::string::npos);
  CHECK(text.find("pw-Secret-42") == std::string::npos);
  CHECK(json.find("pw-Secret-42") == std::string::npos);
  CHECK(sshd.logins() == 2);

  std::string strict =
      Shell(fmt::format("cd '{0}' && env -u SSH_AUTH_SOCK HOME='{0}' {1} facts "
                        "-i hosts.yml --private-key client_key --known-hosts "
                        "empty --ssh-config none; echo exit $?",
                        d, HOSTPREP_BINARY));
  CHECK(strict.find("host key verification failed") != std::string::npos);
  CHECK(strict.find("exit 3") != std::string::npos);
  std::string bad = Shell(fmt::format(
      "{} facts -i hosts.yml --host-key-checking maybe; echo exit $?", HOSTPREP_BINARY));
  CHECK(bad ==
        "hostprep facts: --host-key-checking must be strict, accept-new or off, not "
        "'maybe'\nexit 5\n");
}

}  // namespace
}  // namespace hostprep
