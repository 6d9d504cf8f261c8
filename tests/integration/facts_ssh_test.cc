// Facts over real SSH against a netns test host of the ssh_hosts fixture,
// checked against what the host's own tools say: Python's socket.getfqdn()
// (Ansible's fqdn: glibc's NSS reading the host's own /etc/hosts and
// nsswitch.conf), uname, id -un and `ip route get 8.8.8.8` (Ansible's
// default_ipv4). The facts script answers most of these from files; this
// is where its reading of /etc/hosts meets the resolver it stands in for.
//
// node4 is changed and put back (also on failure): its /etc/hosts and
// /etc/nsswitch.conf, and a veth pair v0/v1 that lives only inside its
// network namespace, carrying a default route to a gateway that does not
// exist, so no packet leaves the namespace.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Output;
using hostprep::testing::Shell;

// Defines `check NAME [USER]`: when hostprep's facts for node4 equal the
// host's own answers, prints "same NAME: FQDN user=USER gw=.. dev=.. addr=..",
// else both answers.
constexpr const char* kSetup = R"SH(
H=node4
t=$(mktemp -d)
$TH exec $D $H cat /etc/hosts > $t/hosts || exit 1
$TH exec $D $H cat /etc/nsswitch.conf > $t/nsswitch || exit 1
restore() {
  $TH exec $D $H sh -c 'cat > /etc/hosts' < $t/hosts
  $TH exec $D $H sh -c 'cat > /etc/nsswitch.conf' < $t/nsswitch
  $TH exec $D $H sh -c 'ip link del v0 2>/dev/null; true'
  rm -rf "$t"
}
trap restore EXIT
put() { printf "$2" | $TH exec $D $H sh -c "cat > $1"; }
check() {
  got=$($HP facts -i $D/inventory.ini $SSH --limit $H -e ansible_user=${2:-root} |
    jq -r --arg h $H '.[$h] | "\(.fqdn) \(.kernel) \(.arch) \(.nodename) \(.user_id) " +
      "gw=\(.default_ipv4.gateway // "") dev=\(.default_ipv4.interface // "") " +
      "addr=\(.default_ipv4.address // "")"')
  want=$($TH exec $D $H su ${2:-root} -s /bin/sh -c '
    set -- $(ip -4 route get 8.8.8.8 2>/dev/null | head -n 1); gw=; dev=; addr=
    while [ $# -gt 0 ]; do
      case "$1" in via) gw="$2"; shift ;; dev) dev="$2"; shift ;; src) addr="$2"; shift ;; esac
      shift
    done
    fqdn=$(timeout 2 python3 -c "import socket; print(socket.getfqdn())")
    echo "$fqdn $(uname -r) $(uname -m) $(uname -n) $(id -un) gw=$gw dev=$dev addr=$addr"')
  if [ "$got" = "$want" ]; then
    set -- $1 $got; echo "same $1: $2 user=$6 $7 $8 $9"
  else
    echo "differs $1: facts '$got' host '$want'"
  fi
}
)SH";

TEST_CASE("ssh: facts of a test host are what its own Python, uname, id and ip say") {
  Output out = Shell(std::string(kSetup) + R"SH(
check plain
check non-root hpuser
put /etc/hosts '127.0.0.1 localhost\n10.0.0.1 a.example node4\n10.0.0.2 b.example node4\n'
check first-line
put /etc/hosts '10.0.0.1 x.y z # node4\n10.0.0.2 NODE4.Example NODE4\n10.0.0.3 c node4\n'
check comment-and-case
put /etc/hosts '::1 v6.example node4\n10.0.0.2 b.example node4\n'
check ipv6-first
put /etc/hosts '127.0.0.1 localhost\n10.0.0.2 node4 b.example\n'
check alias-with-dot
put /etc/hosts '10.0.0.5 first.example\n10.0.0.5 a node4\n'
check reverse-first-line
put /etc/hosts '10.0.0.5 first\n10.0.0.5 a.example node4\n'
check reverse-no-dot
put /etc/hosts '010.0.0.1 a.example node4\n256.1.1.1 b node4\n10.0.0.3 c.example node4\n'
check bad-addresses
put /etc/hosts '127.0.0.1 localhost\n'
check not-in-hosts
put /etc/hosts '10.0.0.1 a.example node4\n'
put /etc/nsswitch.conf 'hosts: files dns\nhosts: dns\n'
check two-hosts-lines
put /etc/nsswitch.conf 'hosts: dns files\n'
check dns-first
put /etc/nsswitch.conf 'hosts: files dns\n'
$TH exec $D $H sh -c 'ip link add v0 type veth peer name v1 && ip link set v0 up &&
  ip link set v1 up && ip addr add 172.31.250.5/24 dev v0 &&
  ip addr add 172.31.250.6/24 dev v0 &&
  ip route add default via 172.31.250.1 dev v0 metric 100' || echo "no veth"
check default-route
$TH exec $D $H sh -c 'ip route add default via 172.31.250.9 dev v0 metric 5 &&
  ip route add 10.0.0.0/8 via 172.31.250.1'
check lower-metric-route
$TH exec $D $H sh -c 'ip route flush exact 0/0 && ip route add unreachable default'
check unreachable-default
$TH exec $D $H sh -c 'ip route flush exact 0/0 && ip route add default dev v0'
check route-without-gateway
)SH");
  CHECK(out.text ==
        "same plain: node4 user=root gw= dev= addr=\n"
        "same non-root: node4 user=hpuser gw= dev= addr=\n"
        "same first-line: a.example user=root gw= dev= addr=\n"
        "same comment-and-case: NODE4.Example user=root gw= dev= addr=\n"
        "same ipv6-first: v6.example user=root gw= dev= addr=\n"
        "same alias-with-dot: b.example user=root gw= dev= addr=\n"
        "same reverse-first-line: first.example user=root gw= dev= addr=\n"
        "same reverse-no-dot: first user=root gw= dev= addr=\n"
        "same bad-addresses: c.example user=root gw= dev= addr=\n"
        "same not-in-hosts: node4 user=root gw= dev= addr=\n"
        "same two-hosts-lines: node4 user=root gw= dev= addr=\n"
        "same dns-first: a.example user=root gw= dev= addr=\n"
        "same default-route: a.example user=root gw=172.31.250.1 dev=v0 addr=172.31.250.5\n"
        "same lower-metric-route: a.example user=root gw=172.31.250.9 dev=v0 addr=172.31.250.5\n"
        "same unreachable-default: a.example user=root gw= dev= addr=\n"
        "same route-without-gateway: a.example user=root gw= dev=v0 addr=172.31.250.5\n");
  CHECK(out.exit_code == 0);
}

}  // namespace
