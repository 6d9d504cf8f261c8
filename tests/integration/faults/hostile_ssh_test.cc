// Hostile values over real SSH (label `faults`): values that would become a
// second line of a config file, an option of a tool or shell code are
// refused before anything is written, or arrive on the host as inert data.
// Asserted on the host itself. Runs on the `fault_hosts` fixture's nodes.
//
// sysctl: ONLY net.* keys, which are per network namespace; no other key is
// ever written, not even as the payload of a refused value.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::Section;
using hostprep::testing::Shell;

constexpr const char* kFunctions = R"SH(
play() { f=$1; shift
  $HP run tests/integration/testdata/faults/$f -i $D/inventory.ini --limit node1 $SSH "$@"
  echo "exit $?"; }
on() { $TH exec $D "$@"; }
)SH";

TEST_CASE("hostile: a sysctl value with a newline is refused before anything is written") {
  Output out = Shell(std::string(kFunctions) + R"SH(
trap 'on node1 rm -f /etc/sysctl.d/90-hpfault.conf' EXIT
before=$(on node1 sysctl -n net.ipv4.tcp_keepalive_time)
echo "== templated"; play sysctl.yml -e '{"value": "600\nnet.ipv4.ip_forward = 1"}'
echo "== literal"; play sysctl-literal.yml
echo "== host"
on node1 sh -c 'test -e /etc/sysctl.d/90-hpfault.conf && echo written || echo "no file"'
[ "$(on node1 sysctl -n net.ipv4.tcp_keepalive_time)" = "$before" ] && echo "live value unchanged"
echo "== end"
)SH");
  INFO(out.text);
  CHECK(Has(Section(out.text, "templated"),
            "failed: [node1] keepalive time => tests/integration/testdata/faults/sysctl.yml:10:9: "
            "the value of sysctl key 'net.ipv4.tcp_keepalive_time' is \"600\\nnet.ipv4.ip_forward "
            "= 1\": it holds a newline (\\n) at byte 3, and a line of a sysctl.d file cannot: give "
            "the value on one line\n"));
  CHECK(Has(Section(out.text, "templated"), "exit 2\n"));
  // Written in the playbook: refused at validate time, before any host is contacted.
  CHECK(Section(out.text, "literal") ==
        "tests/integration/testdata/faults/sysctl-literal.yml:8:9: task 'keepalive time': the "
        "value of sysctl key 'net.ipv4.tcp_keepalive_time' is \"600\\nnet.ipv4.ip_forward = 1\": "
        "it holds a newline (\\n) at byte 3, and a line of a sysctl.d file cannot: give the value "
        "on one line\n"
        "            values:\n"
        "            ^\n"
        "exit 4\n");
  CHECK(Section(out.text, "host") == "no file\nlive value unchanged\n");
}

}  // namespace
