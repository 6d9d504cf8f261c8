// The network facts against Ansible's: the output below is the facts
// script's on a netns test host given a veth pair with a secondary address,
// a labelled alias in another subnet, IPv6 addresses (one with a peer),
// default routes and a bridge (as tests/integration/compat/
// facts_compat_test.cc sets node1 up), and the facts expected are what
// Ansible 2.14's setup gave on that host at the same time, but for the
// order of its lists by interface (the kernel's hash order, here sorted).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/facts/facts.h"
#include "tests/engine/facts/facts_test_util.h"

namespace hostprep {
namespace {

const char kBridgedHost[] =
    "interface=eth0\n"
    "interface=hpbr0\n"
    "bridge=hpbr0\n"
    "bridge_port=hpbr0 v1\n"
    "interface=lo\n"
    "interface=v0\n"
    "interface=v1\n"
    "/sys/class/net/eth0/address:42:0c:ab:d7:c0:ef\n"
    "/sys/class/net/eth0/mtu:1500\n"
    "/sys/class/net/eth0/operstate:up\n"
    "/sys/class/net/eth0/type:1\n"
    "/sys/class/net/eth0/flags:0x1003\n"
    "/sys/class/net/eth0/speed:10000\n"
    "/sys/class/net/hpbr0/address:be:29:6d:5a:2e:05\n"
    "/sys/class/net/hpbr0/mtu:1500\n"
    "/sys/class/net/hpbr0/operstate:up\n"
    "/sys/class/net/hpbr0/type:1\n"
    "/sys/class/net/hpbr0/flags:0x1003\n"
    "/sys/class/net/hpbr0/speed:10000\n"
    "/sys/class/net/hpbr0/bridge/bridge_id:8000.be296d5a2e05\n"
    "/sys/class/net/hpbr0/bridge/stp_state:0\n"
    "/sys/class/net/lo/address:00:00:00:00:00:00\n"
    "/sys/class/net/lo/mtu:65536\n"
    "/sys/class/net/lo/operstate:unknown\n"
    "/sys/class/net/lo/type:772\n"
    "/sys/class/net/lo/flags:0x9\n"
    "/sys/class/net/v0/address:12:67:a5:c7:36:e1\n"
    "/sys/class/net/v0/mtu:1500\n"
    "/sys/class/net/v0/operstate:up\n"
    "/sys/class/net/v0/type:1\n"
    "/sys/class/net/v0/flags:0x1003\n"
    "/sys/class/net/v0/speed:10000\n"
    "/sys/class/net/v1/address:be:29:6d:5a:2e:05\n"
    "/sys/class/net/v1/mtu:1500\n"
    "/sys/class/net/v1/operstate:up\n"
    "/sys/class/net/v1/type:1\n"
    "/sys/class/net/v1/flags:0x1303\n"
    "/sys/class/net/v1/speed:10000\n"
    "net=begin\n"
    "8.8.8.8 via 172.31.250.1 dev v0 src 172.31.250.5 uid 0 \n"
    "    cache \n"
    "2404:6800:400a:800::1012 from :: via fd00:250::1 dev v0 src fd00:251::5 metric 1024 pref "
    "medium\n"
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
    "    inet 127.0.0.1/8 scope host lo\n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet6 ::1/128 scope host \n"
    "       valid_lft forever preferred_lft forever\n"
    "2: eth0@if376: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group "
    "default qlen 1000\n"
    "    link/ether 42:0c:ab:d7:c0:ef brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
    "    inet 10.213.0.11/24 scope global eth0\n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet6 fe80::400c:abff:fed7:c0ef/64 scope link \n"
    "       valid_lft forever preferred_lft forever\n"
    "3: v1@v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master hpbr0 state UP "
    "group default qlen 1000\n"
    "    link/ether be:29:6d:5a:2e:05 brd ff:ff:ff:ff:ff:ff\n"
    "    inet6 fe80::bc29:6dff:fe5a:2e05/64 scope link \n"
    "       valid_lft forever preferred_lft forever\n"
    "4: v0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default "
    "qlen 1000\n"
    "    link/ether 12:67:a5:c7:36:e1 brd ff:ff:ff:ff:ff:ff\n"
    "    inet 172.31.250.5/24 brd 172.31.250.255 scope global v0\n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet 172.31.251.7/24 brd 172.31.251.255 scope global v0:al\n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet 172.31.250.6/24 scope global secondary v0\n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet6 fd00:251::5 peer fd00:251::1/128 scope global nodad \n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet6 fd00:250::5/64 scope global nodad \n"
    "       valid_lft forever preferred_lft forever\n"
    "    inet6 fe80::1067:a5ff:fec7:36e1/64 scope link \n"
    "       valid_lft forever preferred_lft forever\n"
    "5: hpbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default "
    "qlen 1000\n"
    "    link/ether be:29:6d:5a:2e:05 brd ff:ff:ff:ff:ff:ff\n"
    "    inet6 fe80::bc29:6dff:fe5a:2e05/64 scope link \n"
    "       valid_lft forever preferred_lft forever\n"
    "net=end\n"
    "end=hostprep-facts\n";
;

const char kAnsible[] =
    R"json({"all_ipv4_addresses": ["10.213.0.11", "172.31.250.5", "172.31.251.7", "172.31.250.6"], "all_ipv6_addresses": ["fe80::400c:abff:fed7:c0ef", "fe80::bc29:6dff:fe5a:2e05", "fd00:251::5", "fd00:250::5", "fe80::1067:a5ff:fec7:36e1", "fe80::bc29:6dff:fe5a:2e05"], "default_ipv4": {"address": "172.31.250.5", "alias": "v0", "broadcast": "172.31.250.255", "gateway": "172.31.250.1", "interface": "v0", "macaddress": "12:67:a5:c7:36:e1", "mtu": 1500, "netmask": "255.255.255.0", "network": "172.31.250.0", "prefix": "24", "type": "ether"}, "default_ipv6": {"address": "fd00:251::5", "gateway": "fd00:250::1", "interface": "v0", "macaddress": "12:67:a5:c7:36:e1", "mtu": 1500, "prefix": "128", "scope": "global", "type": "ether"}, "hpbr0": {"active": true, "device": "hpbr0", "id": "8000.be296d5a2e05", "interfaces": ["v1"], "ipv6": [{"address": "fe80::bc29:6dff:fe5a:2e05", "prefix": "64", "scope": "link"}], "macaddress": "be:29:6d:5a:2e:05", "mtu": 1500, "promisc": false, "speed": 10000, "stp": false, "type": "bridge"}, "interfaces": ["eth0", "hpbr0", "lo", "v0", "v0_al", "v1"], "v0": {"active": true, "device": "v0", "ipv4": {"address": "172.31.250.5", "broadcast": "172.31.250.255", "netmask": "255.255.255.0", "network": "172.31.250.0", "prefix": "24"}, "ipv4_secondaries": [{"address": "172.31.250.6", "broadcast": "", "netmask": "255.255.255.0", "network": "172.31.250.0", "prefix": "24"}], "ipv6": [{"address": "fd00:251::5", "prefix": "128", "scope": "global"}, {"address": "fd00:250::5", "prefix": "64", "scope": "global"}, {"address": "fe80::1067:a5ff:fec7:36e1", "prefix": "64", "scope": "link"}], "macaddress": "12:67:a5:c7:36:e1", "mtu": 1500, "promisc": false, "speed": 10000, "type": "ether"}, "v0_al": {"ipv4": {"address": "172.31.251.7", "broadcast": "172.31.251.255", "netmask": "255.255.255.0", "network": "172.31.251.0", "prefix": "24"}}, "v1": {"active": true, "device": "v1", "ipv6": [{"address": "fe80::bc29:6dff:fe5a:2e05", "prefix": "64", "scope": "link"}], "macaddress": "be:29:6d:5a:2e:05", "mtu": 1500, "promisc": true, "speed": 10000, "type": "ether"}})json";

TEST_CASE("facts of interfaces, addresses and default routes are Ansible's, key for key") {
  ExecResult r;
  r.stdout_data = kBridgedHost;
  Result<Value> facts = ParseFacts(r);
  REQUIRE(facts.ok());
  const nlohmann::json got = nlohmann::json::parse(facts->dump());
  const nlohmann::json want = nlohmann::json::parse(kAnsible);
  for (auto it = want.begin(); it != want.end(); ++it) {
    CHECK_MESSAGE(got.value(it.key(), nlohmann::json()) == it.value(),
                  it.key() << ": " << got.value(it.key(), nlohmann::json()).dump());
  }
}

TEST_CASE("facts of the network are left out without ip, as Ansible leaves them out") {
  testing::ScriptOutput o;
  o.values = {"interface=lo"};
  o.files = {{"/sys/class/net/lo/mtu", "65536\n"}};
  const Value f = o.Facts();
  for (const char* key : {"interfaces", "lo", "default_ipv4", "all_ipv4_addresses"})
    CHECK_MESSAGE(!f.contains(key), key);
  o.ip = true;
  CHECK(o.Facts()["interfaces"] == Value::array({"lo"}));
}

}  // namespace
}  // namespace hostprep
