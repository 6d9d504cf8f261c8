// Integration over real SSH: the hostprep binary against the netns sshd test
// hosts of tests/hosts/testhosts, started once for this test binary by the
// ctest fixture `ssh_hosts` (its run dir in $HOSTPREP_TESTHOSTS). The hosts
// have their own /etc, so the example playbook really changes them.
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Output;
using hostprep::testing::Shell;

// The files the example playbook writes; a clean slate on every node first.
constexpr const char* kReset =
    "for h in node1 node2 node3 node4 node5; do $TH exec $D $h rm -rf /etc/containerd "
    "/etc/sysctl.d/99-kubernetes.conf /etc/hostprep-prestage.txt; "
    "$TH exec $D $h sh -c \"rm -f /etc/modules-load.d/hostprep-*\"; done\n";

constexpr const char* kRun =
    "$HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit nodes $SSH";

TEST_CASE("ssh: check, apply and re-apply the example on five hosts") {
  Output out = Shell(std::string(kReset) + kRun + " --check --diff; echo \"check exit $?\"\n" +
                     "for h in node1 node2 node3 node4 node5; do $TH exec $D $h test -e "
                     "/etc/sysctl.d/99-kubernetes.conf && echo \"check wrote on $h\"; done\n" +
                     kRun + "; echo \"apply exit $?\"\n" +
                     "for h in node1 node2 node3 node4 node5; do $TH exec $D $h cat "
                     "/etc/modules-load.d/hostprep-br_netfilter.conf; done\n" +
                     kRun + " --diff; echo \"reapply exit $?\"\n");
  INFO(out.text);
  CHECK(out.text.find("check exit 0") != std::string::npos);
  CHECK(Count(out.text, "  +++ after: /etc/sysctl.d/99-kubernetes.conf\n") == 5);
  CHECK(out.text.find("check wrote on") == std::string::npos);
  CHECK(out.text.find("apply exit 0") != std::string::npos);
  CHECK(Count(out.text, "br_netfilter\n") >= 5);
  CHECK(out.text.find("reapply exit 0") != std::string::npos);
  // Three recaps of five hosts: check and apply report 7 changes each, re-apply none.
  CHECK(Count(out.text, "changed=7 ") == 10);
  CHECK(Count(out.text, "changed=0 ") == 5);
  CHECK(Count(out.text, "failed=0 ") == 15);
}

TEST_CASE("ssh: a host whose sshd is stopped is unreachable and the others finish") {
  Output out = Shell(std::string(kReset) + "$TH stop-sshd $D node3 >/dev/null\n" + kRun +
                     "; echo \"exit $?\"\n$TH start-sshd $D node3 >/dev/null\n");
  INFO(out.text);
  CHECK(out.text.find("unreachable: [node3] connect => ") != std::string::npos);
  CHECK(out.text.find("exit 3") != std::string::npos);
  CHECK(Count(out.text, "changed=7 ") == 4);
}

TEST_CASE("ssh: --forks 2 over five hosts completes every host") {
  Output out = Shell(std::string(kReset) + kRun + " --forks 2; echo \"exit $?\"");
  INFO(out.text);
  CHECK(out.text.find("exit 0") != std::string::npos);
  CHECK(Count(out.text, "changed=7 ") == 5);
}

TEST_CASE("ssh: hostile variable values arrive on the target as literal text") {
  Output out = Shell(R"SH(
$TH exec $D node1 mkdir -p /etc/hostile
$HP run tests/e2e/testdata/hostile.yml -i $D/inventory.ini --limit node1 $SSH -v -e 'evil="x; touch /etc/pwned $(touch /etc/pwned2)"'
echo "exit $?"
$TH exec $D node1 sh -c 'ls /etc/pwned /etc/pwned2 2>&1 | grep -c "No such file"'
$TH exec $D node1 sh -c 'cat "/etc/hostile/x; touch _etc_pwned \$(touch _etc_pwned2)"'
)SH");
  INFO(out.text);
  CHECK(out.text.find("exit 0\n2\nx; touch /etc/pwned $(touch /etc/pwned2)\n") !=
        std::string::npos);
}

TEST_CASE("ssh: an unknown host key is refused under strict and recorded under accept-new") {
  Output out = Shell(R"SH(
kh=$(mktemp)
$HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit node2 -c ssh --ssh-config none --known-hosts $kh --check
echo "strict exit $?"
$HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit node2 -c ssh --ssh-config none --known-hosts $kh --check --host-key-checking accept-new
echo "accept-new exit $?"
grep -c . $kh
$HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit node2 -c ssh --ssh-config none --known-hosts $kh --check
echo "strict again exit $?"
rm -f $kh
)SH");
  INFO(out.text);
  CHECK(out.text.find("strict exit 3") != std::string::npos);
  CHECK(out.text.find("SHA256:") != std::string::npos);
  // The harness inventory has Kubespray's `bastion` group, so node2 is reached
  // through the bastion: accept-new records both keys.
  CHECK(out.text.find("accept-new exit 0\n2\n") != std::string::npos);
  CHECK(out.text.find("strict again exit 0") != std::string::npos);
}

TEST_CASE("ssh: become as a non-root user, with and without a sudo password") {
  // node1's hpuser has passwordless sudo; node5's sudo asks for a password.
  Output out = Shell(R"SH(
as_hpuser="-e ansible_user=hpuser -b"
$HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node1 $SSH $as_hpuser
echo "nopasswd exit $?"
$TH exec $D node1 stat -c "%U %a" /etc/hostprep-become
$HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH $as_hpuser
echo "no password exit $?"
HOSTPREP_BECOME_PASSWORD=$(cat $D/become-password) $HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH $as_hpuser -o json > /tmp/hostprep-become-$$.json
echo "password exit $?"
grep -c "$(cat $D/become-password)" /tmp/hostprep-become-$$.json
rm -f /tmp/hostprep-become-$$.json
$TH exec $D node5 stat -c "%U %a" /etc/hostprep-become
)SH");
  INFO(out.text);
  CHECK(out.text.find("nopasswd exit 0\nroot 644\n") != std::string::npos);
  CHECK(out.text.find("failed: [node5] write become marker => ") != std::string::npos);
  CHECK(out.text.find("sudo needs a password") != std::string::npos);
  CHECK(out.text.find("no password exit 2") != std::string::npos);
  CHECK(out.text.find("password exit 0\n0\nroot 644\n") != std::string::npos);
}

TEST_CASE("ssh: become with su from a non-root login gives the password to su's stdin only") {
  // node5's root has the become password; hpuser logs in and su's to root.
  Output out = Shell(R"SH(
as_hpuser="-e ansible_user=hpuser -b --become-method su"
$TH exec $D node5 rm -f /etc/hostprep-become
$HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH $as_hpuser
echo "no password exit $?"
HOSTPREP_BECOME_PASSWORD=wrong-one $HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH $as_hpuser
echo "wrong password exit $?"
HOSTPREP_BECOME_PASSWORD=$(cat $D/become-password) $HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH $as_hpuser -o json > /tmp/hostprep-su-$$.json
echo "password exit $?"
grep -c "$(cat $D/become-password)" /tmp/hostprep-su-$$.json
rm -f /tmp/hostprep-su-$$.json
$TH exec $D node5 stat -c "%U %a" /etc/hostprep-become
$TH exec $D node5 cat /etc/hostprep-become
HOSTPREP_BECOME_PASSWORD=$(cat $D/become-password) $HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH $as_hpuser | grep -E "^node5 +: ok=1 +changed=0 "
echo "again exit $?"
)SH");
  INFO(out.text);
  CHECK(out.text.find("failed: [node5] write become marker => ") != std::string::npos);
  CHECK(out.text.find("su needs root's password on this host: use --ask-become-pass, or log in "
                      "as root") != std::string::npos);
  CHECK(out.text.find("no password exit 2") != std::string::npos);
  CHECK(out.text.find("su rejected the become password: it must be root's password") !=
        std::string::npos);
  CHECK(out.text.find("wrong password exit 2") != std::string::npos);
  // The file's content went to the command through su intact, and the
  // password appears nowhere in the output.
  CHECK(out.text.find("password exit 0\n0\nroot 644\nwritten as root\n") != std::string::npos);
  CHECK(out.text.find("again exit 0") != std::string::npos);
}

// -vvv: what `ansible-playbook -vvv` users look at when a connection fails.
TEST_CASE("ssh: -vvv shows each host's SSH conversation on stderr and never the sudo password") {
  Output out = Shell(R"SH(
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
HOSTPREP_BECOME_PASSWORD=$(cat $D/become-password) $HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH -e ansible_user=hpuser -b -vvv >$t/out 2>$t/err
echo "exit $?"
echo "password seen $(cat $t/out $t/err | grep -c "$(cat $D/become-password)")"
grep -c '^[0-9:.]* <node5> libssh: ' $t/err | sed 's/^[1-9][0-9]*$/libssh lines/'
grep -o '<node5> connecting to .*' $t/err | sed 's/at [0-9.]*:22/at ADDR:22/'
grep -c '<node5> host key verified against .*/known_hosts$' $t/err
grep -o '<node5> authenticated as .*' $t/err
grep -o '<node5> exec channel 1: a [0-9]*-byte command line, [0-9]* bytes of input$' $t/err | sed 's/[0-9][0-9]*-byte/N-byte/; s/, [0-9]* bytes/, M bytes/'
grep -c '<node5> exec channel [0-9]*: exit 0 after [0-9]* ms' $t/err | sed 's/^[1-9][0-9]*$/exits logged/'
$HP run tests/integration/testdata/become.yml -i $D/inventory.ini --limit node5 $SSH -e ansible_user=hpuser -b -vv >$t/out 2>$t/err
echo "quiet at -vv: $(grep -c 'libssh\|exec channel' $t/err)"
)SH");
  INFO(out.text);
  // The inventory's bastion group routes every node through the bastion.
  CHECK(out.text ==
        "exit 0\n"
        "password seen 0\n"
        "libssh lines\n"
        "<node5> connecting to bastion at ADDR:22 as root\n"
        "<node5> connecting to node5 at ADDR:22 as hpuser through the bastion's tunnel\n"
        "2\n"
        "<node5> authenticated as root\n"
        "<node5> authenticated as hpuser\n"
        "<node5> exec channel 1: a N-byte command line, M bytes of input\n"
        "exits logged\n"
        "quiet at -vv: 0\n");
}

TEST_CASE("ssh: a host behind the bastion is reached through it") {
  Output out = Shell(std::string(kRun).replace(std::string(kRun).find("--limit nodes"), 13,
                                              "--limit hidden1") +
                     " --check; echo \"exit $?\"");
  INFO(out.text);
  CHECK(out.text.find("exit 0") != std::string::npos);
  CHECK(out.text.find("hidden1                    : ok=") != std::string::npos);
}

// ansible.cfg's ssh_args as projects write them: OpenSSH tuning hostprep
// ignores, and the bastion route (here the only way to hidden1, whose
// inventory has no bastion group).
TEST_CASE("ssh: ansible.cfg's ssh_args route reaches a host behind the bastion") {
  Output out = Shell(R"SH(
root=$(pwd)
t=$(mktemp -d /tmp/hostprep-sshargs-XXXXXX)
grep '^hidden1 ' $D/inventory.ini > $t/hosts
bastion=$(sed -n 's/^bastion .*ansible_host=\([^ ]*\).*/\1/p' $D/inventory.ini)
printf '[ssh_connection]\nssh_args = -C -o ControlMaster=auto\n  -o ControlPersist=60s -J root@%s\n' "$bastion" > $t/ansible.cfg
cd $t
$HP run $root/examples/local-prestage/site.yml -i hosts $SSH --check -T 3; echo "route exit $?"
ANSIBLE_SSH_ARGS="-o ControlMaster=auto" $HP run $root/examples/local-prestage/site.yml -i hosts $SSH --check -T 3; echo "no route exit $?"
cd $root
rm -rf $t
)SH");
  INFO(out.text);
  CHECK(out.text.find("hidden1                    : ok=") != std::string::npos);
  CHECK(out.text.find("route exit 0") != std::string::npos);
  CHECK(out.text.find("no route exit 3") != std::string::npos);
}

TEST_CASE("ssh: a wrong user or a wrong key fails with a clear message") {
  Output out = Shell(R"SH(
$HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit node2 $SSH -e ansible_user=nosuchuser --check
echo "user exit $?"
ssh-keygen -q -t ed25519 -N "" -f /tmp/hostprep-wrongkey-$$
$HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit node2 $SSH -e ansible_ssh_private_key_file=/tmp/hostprep-wrongkey-$$ --check
echo "key exit $?"
rm -f /tmp/hostprep-wrongkey-$$ /tmp/hostprep-wrongkey-$$.pub
)SH");
  INFO(out.text);
  CHECK(out.text.find("authentication failed for user 'nosuchuser'") != std::string::npos);
  CHECK(out.text.find("user exit 3") != std::string::npos);
  CHECK(out.text.find("authentication failed for user 'root'") != std::string::npos);
  CHECK(out.text.find("key exit 3") != std::string::npos);
}

// Last in the file: it gives node5 a new host key, then records that key so
// the hosts stay usable for a later run of the suite.
TEST_CASE("ssh: a changed host key is refused under strict and under accept-new") {
  Output out = Shell(R"SH(
ip=$(jq -r '.[] | select(.name == "node5") | .ip' $D/hosts.json)
$TH rekey $D node5 >/dev/null
for policy in strict accept-new; do
  $HP run examples/local-prestage/site.yml -i $D/inventory.ini --limit node5 $SSH --check --host-key-checking $policy
  echo "$policy exit $?"
done
ssh-keygen -q -R $ip -f $D/known_hosts >/dev/null 2>&1
ssh-keyscan -q -t ed25519 $ip >> $D/known_hosts 2>/dev/null
)SH");
  INFO(out.text);
  CHECK(out.text.find("strict exit 3") != std::string::npos);
  CHECK(out.text.find("accept-new exit 3") != std::string::npos);
  CHECK(Count(out.text, "unreachable: [node5] connect => ") == 2);
}

}  // namespace
