// What the controller makes of the facts script's output: Ansible's facts,
// name for name. The realistic output is a netns test host's (Debian 12,
// root, no default route), and the facts expected of it are what Ansible
// 2.14's setup module gave on that host (tests/integration/compat/
// facts_compat_test.cc makes the same comparison live). The hostile
// outputs check that nothing the target prints can crash the parser or
// make facts that cannot be printed.
#include "engine/facts/facts.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/facts/facts_input.h"
#include "tests/engine/facts/facts_test_util.h"

namespace hostprep {
namespace {

using testing::ScriptOutput;

const char kCpuinfo[] =
    "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
    "model name\t: AMD EPYC\nphysical id\t: 0\nsiblings\t: 2\ncore id\t\t: 0\ncpu cores\t: 2\n"
    "cpuid level\t: 28\npower management:\n\n"
    "processor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
    "model name\t: AMD EPYC\nphysical id\t: 0\nsiblings\t: 2\ncore id\t\t: 1\ncpu cores\t: 2\n"
    "cpuid level\t: 28\npower management:\n\n";

const char kOsRelease[] =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
    "HOME_URL=\"https://www.debian.org/\"\n";

// `text` with each '@' a NUL.
std::string Nul(std::string text) {
  for (char& c : text) {
    if (c == '@') c = '\0';
  }
  return text;
}

// A netns test host's answer, shortened (cpuinfo, meminfo, status).
ScriptOutput TestHost() {
  ScriptOutput o;
  o.values = {"kernel=6.18.44-fc-v1300",
              "arch=x86_64",
              "hostname=node1",
              "system=Linux",
              "kernel_version=#1 SMP PREEMPT_DYNAMIC @0",
              "bits=64",
              "fqdn=node1",
              "uid=0 0 0 0",
              "user=root",
              "passwd=root:x:0:0:root:/root:/bin/bash",
              "have=systemctl",
              "have=lsb_release",
              "have=findmnt",
              "exists=/usr/bin/apt-get",
              "exists=/etc/init.d/",
              "exists=/.dockerenv",
              "exists=/dev/kvm",
              "exists=/etc/mtab",
              "exists=/usr/lib/python3/dist-packages/distro",
              "exists=/etc/os-release",
              "exists=/usr/lib/os-release",
              "interface=eth0",
              "interface=lo",
              "date=2026 12 Monday 1 49 07 00 21 56 1796602916 093441123 UTC +0000",
              "date=2026 01 Thursday 4 02 15 00 00 00 1768435200 000000000 UTC +0000",
              "date=2026 07 Wednesday 3 28 15 00 00 00 1784073600 000000000 UTC +0000",
              "statfs=4096 4096 66053021 18401509 16777216 16297342 /",
              "statfs=4096 4096 66053021 18401509 16777216 16297342 /root"};
  o.files = {
      {"/etc/os-release", kOsRelease},
      {"/usr/lib/os-release", kOsRelease},
      {"/etc/debian_version", "12.11\n"},
      {"/proc/meminfo",
       "MemTotal:       24683772 kB\nMemFree:        19567104 kB\nMemAvailable:   22362436 kB\n"
       "Buffers:            8660 kB\nCached:          4383744 kB\nSwapCached:            0 kB\n"
       "SwapTotal:             0 kB\nSwapFree:              0 kB\n"},
      {"/proc/cpuinfo", kCpuinfo},
      {"/proc/self/status",
       "Name:\tgrep\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
       "Cpus_allowed_list:\t0-1\n"},
      {"/proc/1/cgroup", "1:cpu:/\n0::/\n"},
      {"/proc/1/comm", "process_api\n"},
      {"/proc/uptime", "12549.07 11322.20\n"},
      {"/proc/loadavg", "1.41 1.14 1.15 2/301 12345\n"},
      {"/etc/resolv.conf", "nameserver 10.255.255.53\n"},
      {"/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n"},
      {"/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKPH root@vm\n"},
      {"/sys/class/net/eth0/address", "42:0c:ab:d7:c0:ef\n"},
      {"/sys/class/net/eth0/mtu", "1500\n"},
      {"/sys/class/net/eth0/operstate", "up\n"},
      {"/sys/class/net/eth0/type", "1\n"},
      {"/sys/class/net/eth0/flags", "0x1003\n"},
      {"/sys/class/net/eth0/speed", "10000\n"},
      {"/sys/class/net/lo/address", "00:00:00:00:00:00\n"},
      {"/sys/class/net/lo/mtu", "65536\n"},
      {"/sys/class/net/lo/operstate", "unknown\n"},
      {"/sys/class/net/lo/type", "772\n"},
      {"/sys/class/net/lo/flags", "0x9\n"},
      {"/proc/4242/environ",
       Nul("HOME=/root@LOGNAME=root@PATH=/usr/bin:/bin@MOTD=two\nlines@_=/bin/sh@")},
      {"/etc/mtab",
       "/dev/vda / ext4 rw,relatime,discard 0 0\n/dev/vda /run/netns ext4 rw,relatime 0 0\n"
       "/dev/vda /root ext4 rw,relatime,discard 0 0\n"},
      {"/proc/self/mountinfo",
       "78 68 254:0 /run/netns /run/netns rw,relatime - ext4 /dev/vda rw\n"
       "81 68 254:0 /var/tmp/x/root /root rw,relatime - ext4 /dev/vda rw\n"},
  };
  o.net = {
      "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
      "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
      "    inet 127.0.0.1/8 scope host lo",
      "       valid_lft forever preferred_lft forever",
      "    inet6 ::1/128 scope host ",
      "       valid_lft forever preferred_lft forever",
      "2: eth0@if376: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group "
      "default qlen 1000",
      "    link/ether 42:0c:ab:d7:c0:ef brd ff:ff:ff:ff:ff:ff link-netnsid 0",
      "    inet 10.213.0.11/24 scope global eth0",
      "       valid_lft forever preferred_lft forever",
      "    inet6 fe80::400c:abff:fed7:c0ef/64 scope link ",
      "       valid_lft forever preferred_lft forever",
  };
  return o;
}

// Checks each key of `want` (JSON) against `facts`, naming the key; the
// order of keys does not count (Ansible's JSON has it sorted).
void CheckFacts(const Value& facts, const std::string& want) {
  const nlohmann::json expected = nlohmann::json::parse(want);
  const nlohmann::json got = nlohmann::json::parse(facts.dump());
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    CHECK_MESSAGE(got.contains(it.key()), it.key());
    if (got.contains(it.key())) {
      CHECK_MESSAGE(got[it.key()] == it.value(),
                    it.key() << ": " << got[it.key()].dump() << " != " << it.value().dump());
    }
  }
}

TEST_CASE("facts of a test host's output are Ansible's, name for name and type for type") {
  const Value f = TestHost().Facts();
  // What Ansible 2.14's setup gave on that host.
  CheckFacts(f, R"json({
    "system": "Linux", "kernel": "6.18.44-fc-v1300", "kernel_version": "#1 SMP PREEMPT_DYNAMIC @0",
    "machine": "x86_64", "architecture": "x86_64", "userspace_bits": "64",
    "userspace_architecture": "x86_64", "hostname": "node1", "nodename": "node1", "fqdn": "node1",
    "domain": "", "machine_id": "3d1219c7c4c5404aaa1f6d2a48adfda4",
    "distribution": "Debian", "distribution_version": "12.11", "distribution_major_version": "12",
    "distribution_minor_version": "11", "distribution_release": "bookworm",
    "distribution_file_path": "/etc/os-release", "distribution_file_variety": "Debian",
    "distribution_file_parsed": true, "os_family": "Debian",
    "lsb": {"codename": "bookworm", "description": "Debian GNU/Linux 12 (bookworm)", "id": "Debian",
            "major_release": "12", "release": "12"},
    "pkg_mgr": "apt", "service_mgr": "process_api",
    "user_id": "root", "user_uid": 0, "user_gid": 0, "user_gecos": "root", "user_dir": "/root",
    "user_shell": "/bin/bash", "real_user_id": 0, "effective_user_id": 0, "real_group_id": 0,
    "effective_group_id": 0,
    "env": {"HOME": "/root", "LOGNAME": "root", "PATH": "/usr/bin:/bin", "MOTD": "two\nlines",
            "_": "/bin/sh"},
    "date_time": {"date": "2026-12-07", "day": "07", "epoch": "1796602916", "epoch_int": "1796602916",
                  "hour": "00", "iso8601": "2026-12-07T00:21:56Z",
                  "iso8601_basic": "20261207T002156093441", "iso8601_basic_short": "20261207T002156",
                  "iso8601_micro": "2026-12-07T00:21:56.093441Z", "minute": "21", "month": "12",
                  "second": "56", "time": "00:21:56", "tz": "UTC", "tz_dst": "UTC",
                  "tz_offset": "+0000", "weekday": "Monday", "weekday_number": "1",
                  "weeknumber": "49", "year": "2026"},
    "dns": {"nameservers": ["10.255.255.53"]},
    "selinux": {"status": "disabled"}, "apparmor": {"status": "disabled"}, "fips": false,
    "virtualization_type": "docker", "virtualization_role": "guest",
    "virtualization_tech_guest": ["container", "docker"], "virtualization_tech_host": ["kvm"],
    "memtotal_mb": 24105, "memfree_mb": 19108, "swaptotal_mb": 0, "swapfree_mb": 0,
    "memory_mb": {"nocache": {"free": 23397, "used": 708},
                  "real": {"free": 19108, "total": 24105, "used": 4997},
                  "swap": {"cached": 0, "free": 0, "total": 0, "used": 0}},
    "processor": ["0", "AuthenticAMD", "AMD EPYC", "1", "AuthenticAMD", "AMD EPYC"],
    "processor_count": 1, "processor_cores": 2, "processor_threads_per_core": 1,
    "processor_vcpus": 2, "processor_nproc": 2, "uptime_seconds": 12549, "local": {},
    "loadavg": {"1m": 1.41, "5m": 1.14, "15m": 1.15},
    "ssh_host_key_ed25519_public": "AAAAC3NzaC1lZDI1NTE5AAAAIKPH",
    "ssh_host_key_ed25519_public_keytype": "ssh-ed25519",
    "mounts": [
      {"block_available": 18401509, "block_size": 4096, "block_total": 66053021,
       "block_used": 47651512, "device": "/dev/vda", "fstype": "ext4", "inode_available": 16297342,
       "inode_total": 16777216, "inode_used": 479874, "mount": "/", "options": "rw,relatime,discard",
       "size_available": 75372580864, "size_total": 270553174016},
      {"device": "/dev/vda", "fstype": "ext4", "mount": "/run/netns", "options": "rw,relatime,bind"},
      {"block_available": 18401509, "block_size": 4096, "block_total": 66053021,
       "block_used": 47651512, "device": "/dev/vda", "fstype": "ext4", "inode_available": 16297342,
       "inode_total": 16777216, "inode_used": 479874, "mount": "/root",
       "options": "rw,relatime,discard,bind", "size_available": 75372580864,
       "size_total": 270553174016}],
    "interfaces": ["eth0", "lo"],
    "eth0": {"active": true, "device": "eth0",
             "ipv4": {"address": "10.213.0.11", "broadcast": "", "netmask": "255.255.255.0",
                      "network": "10.213.0.0", "prefix": "24"},
             "ipv6": [{"address": "fe80::400c:abff:fed7:c0ef", "prefix": "64", "scope": "link"}],
             "macaddress": "42:0c:ab:d7:c0:ef", "mtu": 1500, "promisc": false, "speed": 10000,
             "type": "ether"},
    "lo": {"active": true, "device": "lo",
           "ipv4": {"address": "127.0.0.1", "broadcast": "", "netmask": "255.0.0.0",
                    "network": "127.0.0.0", "prefix": "8"},
           "ipv6": [{"address": "::1", "prefix": "128", "scope": "host"}], "mtu": 65536,
           "promisc": false, "type": "loopback"},
    "default_ipv4": {}, "default_ipv6": {},
    "all_ipv4_addresses": ["10.213.0.11"], "all_ipv6_addresses": ["fe80::400c:abff:fed7:c0ef"]
  })json");
  CHECK(f["eth0"].size() == 9);
  CHECK(f["lo"].size() == 7);
  CHECK(f["mounts"][1].size() == 4);
}

TEST_CASE("facts refuse output that is not the script's") {
  ExecResult r;
  r.stdout_data = "Welcome to the machine\n";
  CHECK(ParseFacts(r).message() ==
        "gathering facts failed: unexpected output from the target's shell");
  r.stdout_data = "kernel=1\nend=hostprep-facts-and-more\n";
  CHECK(!ParseFacts(r).ok());
  r.stdout_data = "kernel=1\nxend=hostprep-facts\n";
  CHECK(!ParseFacts(r).ok());
  r.stdout_data = "end=hostprep-facts\n";
  CHECK(ParseFacts(r).ok());
  r.exit_code = 127;
  r.stderr_data = "sh: not found\n";
  CHECK(ParseFacts(r).message() == "gathering facts failed (exit 127): sh: not found");
}

TEST_CASE("facts are visible with the ansible_ prefix and as ansible_facts, the old ones plain") {
  Value facts = {{"os_family", "Debian"}, {"domain", "example"}, {"local", Value::object()}};
  facts["eth0"] = Value::object();
  facts["interfaces"] = Value::array({"eth0"});
  // Set by a module without the prefix (getent), and by setup's bookkeeping.
  facts["getent_passwd"] = Value::object({{"root", Value::array({"x"})}});
  facts["module_setup"] = true;
  Value vars = FactsAsVariables(facts);
  CHECK(vars["os_family"] == "Debian");
  CHECK(vars["ansible_os_family"] == "Debian");
  CHECK(vars["ansible_facts"]["os_family"] == "Debian");
  CHECK(vars["ansible_domain"] == "example");
  CHECK(vars["ansible_facts"]["eth0"] == Value::object());
  // Ansible shows facts prefixed only: a plain `domain` would turn a role's
  // `domain is defined` true.
  CHECK(!vars.contains("domain"));
  CHECK(!vars.contains("eth0"));
  CHECK(vars["ansible_eth0"] == Value::object());
  // As Ansible injects what a module returned without the prefix.
  CHECK(vars["getent_passwd"]["root"] == Value::array({"x"}));
  CHECK(vars["ansible_facts"]["getent_passwd"]["root"] == Value::array({"x"}));
  CHECK(!vars.contains("ansible_getent_passwd"));
  CHECK(vars["module_setup"] == true);
  // Ansible keeps the prefix of ansible_local alone in ansible_facts.
  CHECK(vars["ansible_local"] == Value::object());
  CHECK(vars["ansible_facts"]["ansible_local"] == Value::object());
  CHECK(!vars["ansible_facts"].contains("local"));
}

TEST_CASE("facts name the user as Python's getpass and pwd do, ids as numbers") {
  ScriptOutput o;
  o.values = {"uid=4321 4321 4321 100", "user=hpuser",
              "passwd=hpuser:x:4321:4321:hostprep test user,,,:/home/hpuser:/bin/bash"};
  const Value f = o.Facts();
  CheckFacts(f, R"json({"user_id": "hpuser", "user_uid": 4321, "user_gid": 4321,
    "user_gecos": "hostprep test user,,,", "user_dir": "/home/hpuser", "user_shell": "/bin/bash",
    "real_user_id": 4321, "effective_user_id": 4321, "real_group_id": 4321,
    "effective_group_id": 4321})json");
  // No passwd entry: the name alone, as the environment gave it.
  o.values = {"uid=5000 5000 5000 5000", "user=ghost", "passwd="};
  const Value g = o.Facts();
  CHECK(g["user_id"] == "ghost");
  CHECK(!g.contains("user_uid"));
  CHECK(g["real_user_id"] == 5000);
}

TEST_CASE("facts env leaves out hostprep's own batch command that sudo names") {
  ScriptOutput o;
  o.files["/proc/7/environ"] =
      Nul("HOME=/root@SUDO_USER=hpuser@SUDO_COMMAND=/usr/bin/sh -c LC_ALL=C; export LC_ALL\n"
          "IFS= read -r M --password s3cret@A=1@A=2@=x@novalue@");
  CHECK(nlohmann::json::parse(o.Facts()["env"].dump()) ==
        nlohmann::json::parse(R"json({"HOME": "/root", "SUDO_USER": "hpuser", "A": "1"})json"));
  o.files["/proc/7/environ"] = Nul("SUDO_COMMAND=/bin/bash@");
  CHECK(o.Facts()["env"]["SUDO_COMMAND"] == "/bin/bash");
}

TEST_CASE("facts date_time names the zone's summer name as tzname[1], from one date call") {
  ScriptOutput o;
  o.values = {"date=2024 03 Friday 5 11 15 09 05 07 1710489907 5 CET +0100",
              "date=2024 01 Monday 1 03 15 00 00 00 1705273200 000000000 CET +0100",
              "date=2024 07 Monday 1 29 15 00 00 00 1721001600 000000000 CEST +0200"};
  Value d = o.Facts()["date_time"];
  CHECK(d["tz"] == "CET");
  CHECK(d["tz_dst"] == "CEST");
  CHECK(d["tz_offset"] == "+0100");
  CHECK(d["iso8601"] == "2024-03-15T08:05:07Z");
  CHECK(d["iso8601_micro"] == "2024-03-15T08:05:07.500000Z");  // %N "5"?: as many digits as given
  CHECK(d["iso8601_basic"] == "20240315T090507500000");
  CHECK(d["weekday"] == "Friday");
  // Southern hemisphere: the January name is the summer one.
  o.values = {"date=2024 03 Friday 5 11 15 19 05 07 1710489907 000001000 AEDT +1100",
              "date=2024 01 Monday 1 03 15 00 00 00 1705237200 000000000 AEDT +1100",
              "date=2024 07 Monday 1 29 15 00 00 00 1720965600 000000000 AEST +1000"};
  CHECK(o.Facts()["date_time"]["tz_dst"] == "AEDT");
  CHECK(o.Facts()["date_time"]["iso8601_micro"] == "2024-03-15T08:05:07.000001Z");
  // busybox: one line, no %N.
  o.values = {"date=2024 03 Friday 5 11 15 08 05 07 1710489907 %N UTC +0000"};
  d = o.Facts()["date_time"];
  CHECK(d["tz_dst"] == "UTC");
  CHECK(d["iso8601_micro"] == "2024-03-15T08:05:07.000000Z");
}

TEST_CASE("facts read resolv.conf as Ansible's dns collector") {
  ScriptOutput o;
  o.files["/etc/resolv.conf"] =
      "# generated\n; old\nnameserver 10.0.0.2\nnameserver 10.0.0.3 10.0.0.4\n"
      "search a.example b.example\ndomain a.example\nsortlist 10.0.0.0/8\n"
      "options ndots:2 rotate timeout:\n\n   \n";
  CHECK(nlohmann::json::parse(o.Facts()["dns"].dump()) ==
        nlohmann::json::parse(R"json({"nameservers": ["10.0.0.2", "10.0.0.3", "10.0.0.4"],
    "search": ["a.example", "b.example"], "domain": "a.example", "sortlist": ["10.0.0.0/8"],
    "options": {"ndots": "2", "rotate": true, "timeout": true}})json"));
  o.files.clear();
  CHECK(o.Facts()["dns"] == Value::object());
}

TEST_CASE("facts split the kernel command line as Ansible does, Python's non-POSIX shlex") {
  // The expected mappings are what Python 3.11 and Ansible's code made of it.
  ScriptOutput o;
  o.files["/proc/cmdline"] =
      "BOOT_IMAGE=/vmlinuz root=UUID=ab ro console=tty0 console=ttyS0,115200 quiet \"a b=c\" "
      "x\"y z=1 quiet=2 console=hvc0\n";
  CheckFacts(o.Facts(), R"json({
    "cmdline": {"BOOT_IMAGE": "/vmlinuz", "root": "UUID=ab", "ro": true, "console": "hvc0",
                "quiet": "2", "\"a b": "c\"", "x\"y": true, "z": "1"},
    "proc_cmdline": {"BOOT_IMAGE": "/vmlinuz", "root": "UUID=ab", "ro": true,
                     "console": ["tty0", "ttyS0,115200", "hvc0"], "quiet": [true, "2"],
                     "\"a b": "c\"", "x\"y": true, "z": "1"}})json");
  // An unclosed quote: shlex raises, Ansible keeps empty mappings.
  o.files["/proc/cmdline"] = "ro 'never closed\n";
  CheckFacts(o.Facts(), R"json({"cmdline": {}, "proc_cmdline": {}})json");
}

TEST_CASE("facts tell a chroot only where the script could see PID 1's root") {
  ScriptOutput o;
  o.values = {"chroot=1"};
  CHECK(o.Facts()["is_chroot"] == true);
  o.values = {"chroot=0"};
  CHECK(o.Facts()["is_chroot"] == false);
  o.values = {"chroot=maybe"};
  CHECK(!o.Facts().contains("is_chroot"));
  o.values = {};
  CHECK(!o.Facts().contains("is_chroot"));
}

TEST_CASE("facts tell selinux, apparmor and fips from what the kernel shows") {
  ScriptOutput o;
  o.values = {"exists=/sys/fs/selinux/enforce", "exists=/sys/kernel/security/apparmor"};
  o.files = {{"/sys/fs/selinux/enforce", "1"},
             {"/sys/fs/selinux/policyvers", "33\n"},
             {"/etc/selinux/config", "# x\nSELINUX=permissive\nSELINUXTYPE=targeted\n"},
             {"/proc/sys/crypto/fips_enabled", "1\n"}};
  const Value f = o.Facts();
  CHECK(nlohmann::json::parse(f["selinux"].dump()) ==
        nlohmann::json::parse(R"json({"status": "enabled", "policyvers": 33,
    "config_mode": "permissive", "mode": "enforcing", "type": "targeted"})json"));
  CHECK(f["apparmor"]["status"] == "enabled");
  CHECK(f["fips"] == true);
}

TEST_CASE("facts name the virtualization as Ansible's rules, in their order") {
  struct Row {
    const char* what;
    std::vector<std::string> values;
    std::map<std::string, std::string> files;
    const char* want;
  };
  const std::vector<Row> rows = {
      {"bare metal", {}, {}, R"json({"virtualization_type": "NA", "virtualization_role": "NA",
        "virtualization_tech_guest": [], "virtualization_tech_host": []})json"},
      {"docker by its cgroup",
       {},
       {{"/proc/1/cgroup", "0::/system.slice/docker-0123abcd.scope\n"}},
       R"json({"virtualization_type": "docker", "virtualization_role": "guest",
        "virtualization_tech_guest": ["container", "docker"], "virtualization_tech_host": []})json"},
      {"a systemd-nspawn container",
       {},
       {{"/run/systemd/container", "systemd-nspawn\n"}},
       R"json({"virtualization_type": "systemd-nspawn", "virtualization_role": "guest",
        "virtualization_tech_guest": ["container", "systemd-nspawn"]})json"},
      {"lxc by PID 1's environment",
       {"pid1_container=lxc", "pid1_container=any"},
       {},
       R"json({"virtualization_type": "lxc", "virtualization_role": "guest",
        "virtualization_tech_guest": ["container", "lxc"]})json"},
      {"a KVM guest by DMI",
       {"exists=/sys/devices/virtual/dmi/id/product_name"},
       {{"/sys/devices/virtual/dmi/id/product_name", "Standard PC (Q35 + ICH9, 2009)\n"},
        {"/sys/devices/virtual/dmi/id/sys_vendor", "QEMU\n"}},
       R"json({"virtualization_type": "kvm", "virtualization_role": "guest",
        "virtualization_tech_guest": ["kvm"], "virtualization_tech_host": []})json"},
      {"a KVM host",
       {"exists=/sys/module/kvm/initstate", "exists=/dev/kvm"},
       {},
       R"json({"virtualization_type": "kvm", "virtualization_role": "host",
        "virtualization_tech_guest": [], "virtualization_tech_host": ["kvm"]})json"},
      {"a Xen guest",
       {"exists=/proc/xen"},
       {{"/proc/xen/capabilities", "\n"}},
       R"json({"virtualization_type": "xen", "virtualization_role": "guest"})json"},
  };
  for (const Row& row : rows) {
    INFO(std::string(row.what));
    ScriptOutput o;
    o.values = row.values;
    o.files = row.files;
    CheckFacts(o.Facts(), row.want);
  }
}

TEST_CASE("facts count processors as Ansible's cpuinfo rules do") {
  std::string two_sockets;
  for (int cpu = 0; cpu < 8; ++cpu) {
    two_sockets += "processor\t: " + std::to_string(cpu) +
                   "\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: " +
                   std::to_string(cpu / 4) +
                   "\nsiblings\t: 4\ncore id\t\t: " + std::to_string(cpu % 2) +
                   "\ncpu cores\t: 2\n\n";
  }
  ScriptOutput o;
  o.values = {"arch=x86_64"};
  o.files = {{"/proc/cpuinfo", two_sockets},
             {"/proc/self/status", "Cpus_allowed_list:\t0-2,5,7\n"}};
  CheckFacts(o.Facts(), R"json({"processor_count": 2, "processor_cores": 2,
    "processor_threads_per_core": 2, "processor_vcpus": 8, "processor_nproc": 5})json");
  // An ARM board: only `processor` counts, no sockets.
  o.values = {"arch=aarch64"};
  o.files = {{"/proc/cpuinfo",
              "processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\n\n"
              "processor\t: 1\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\n"}};
  CheckFacts(o.Facts(), R"json({"processor": ["0", "1"], "processor_count": 2, "processor_cores": 1,
    "processor_threads_per_core": 1, "processor_vcpus": 2, "processor_nproc": 2})json");
}

TEST_CASE("facts pick the package and service manager as Ansible does") {
  struct Row {
    std::vector<std::string> values;
    std::map<std::string, std::string> files;
    const char* pkg;
    const char* svc;
  };
  const std::string rocky = "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"9.3\"\n";
  for (const Row& row : std::vector<Row>{
           {{"system=Linux", "exists=/usr/bin/apt-get", "exists=/usr/bin/dnf",
             "exists=/etc/os-release", "have=systemctl", "exists=/run/systemd/system/"},
            {{"/etc/os-release", kOsRelease}, {"/proc/1/comm", "systemd\n"}},
            "apt",
            "systemd"},
           {{"system=Linux", "exists=/usr/bin/yum", "exists=/usr/bin/dnf",
             "exists=/etc/os-release"},
            {{"/etc/os-release", rocky},
             {"/etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)"},
             {"/proc/1/comm", "bash\n"}},
            "dnf",
            "service"},
           {{"system=Linux", "exists=/sbin/apk", "exists=/sbin/openrc"},
            {{"/etc/alpine-release", "3.19.1\n"}, {"/proc/1/comm", "init\n"}},
            "apk",
            "openrc"},
           {{"system=Linux", "have=systemctl", "init_link=/lib/systemd/systemd",
             "exists=/etc/init.d/"},
            {{"/proc/1/comm", "sh\n"}},
            "unknown",
            "systemd"},
           {{"system=Linux", "exists=/etc/init.d/"},
            {{"/proc/1/comm", "runit-init"}},
            "unknown",
            "runit"},
           {{"system=Linux", "exists=/etc/init.d/"},
            {{"/proc/1/comm", "sh"}},
            "unknown",
            "sysvinit"},
       }) {
    ScriptOutput o;
    o.values = row.values;
    o.files = row.files;
    const Value f = o.Facts();
    CHECK(f["pkg_mgr"] == row.pkg);
    CHECK(f["service_mgr"] == row.svc);
  }
}

// Each hostile answer must give facts that print; none may crash.
TEST_CASE("facts survive hostile output: huge, missing, malformed and odd values") {
  const std::string huge(300000, 'x');
  std::string many;
  for (int i = 0; i < 250000; ++i) many += "interface=i" + std::to_string(i % 7) + "\n";
  std::string heavy;  // 24 MiB of file lines: beyond what is kept
  for (int i = 0; i < 24 * 1024; ++i)
    heavy += "/proc/cpuinfo:processor : " + huge.substr(0, 1000) + "\n";
  struct Row {
    const char* what;
    std::string output;
  };
  const std::vector<Row> rows = {
      {"only the end", "end=hostprep-facts"},
      {"a huge value and a huge file line", "kernel=" + huge + "\n/etc/os-release:ID=" + huge +
                                                "\n/proc/cpuinfo:processor : " + huge +
                                                "\nend=hostprep-facts\n"},
      {"a quarter of a million lines", many + "end=hostprep-facts\n"},
      {"24 MiB", heavy + "end=hostprep-facts\n"},
      {"invalid UTF-8 and NULs",
       Nul("hostname=\xff\xfe@zz\nuser=\xc3\n/etc/os-release:NAME=\"\xe2\x28\xa1\"\n"
           "/proc/9/environ:A=\xff@B@=x@\nend=hostprep-facts\n")},
      {"numbers out of range",
       "uid=99999999999999999999 -1 x 0\npasswd=a:b:99999999999999999999:-4:g:d:s\n"
       "/proc/meminfo:MemTotal: 99999999999999999999999 kB\n/proc/meminfo:MemFree: -5 kB\n"
       "interface=eth0\n/sys/class/net/eth0/mtu:999999999999999999999\n"
       "/sys/class/net/eth0/flags:0xffffffffffffffffffff\n/sys/class/net/eth0/speed:-1\n"
       "/proc/uptime:1e99 2\n/proc/self/status:Cpus_allowed_list:\t0-999999999999,3-1\n"
       "statfs=1 2 3 4 5\nstatfs=99999999999999999999 1 1 1 1 1 /x\n"
       "date=2024 01 Monday 1 01 01 00 00 00 99999999999999999999 0 UTC +0000\n"
       "end=hostprep-facts\n"},
      {"cpuinfo dividing by zero",
       "/proc/cpuinfo:processor : 0\n/proc/cpuinfo:physical id : 0\n/proc/cpuinfo:cpu cores : 0\n"
       "/proc/cpuinfo:siblings : 0\n/proc/cpuinfo:core id : 0\nend=hostprep-facts\n"},
      {"odd interface names and ip garbage",
       "interface=hostname\ninterface=eth0:1\ninterface=../../x\ninterface=a b\n"
       "/sys/class/net/hostname/type:1\nnet=begin\n"
       "8.8.8.8 via\n2404:6800:400a:800::1012 dev\n1: hostname: <UP>\n    inet\n    inet /\n"
       "    inet 999.1.1.1/99 brd\n    inet 10.0.0.1/33 scope global hostname\n"
       "    inet 10.0.0.2/24 scope global eth0:1\n    inet6\n    inet6 x peer\n    inet6 ::1\n"
       "2: : <>\n3:\n: x:\n    inet 10.0.0.9/8\nnet=end\nhostname=real\nend=hostprep-facts\n"},
      {"an unterminated net section", "net=begin\n1: lo: <UP>\nend=hostprep-facts\n"},
      {"broken mounts",
       "exists=/etc/mtab\n/etc/mtab:/dev/x\n/etc/mtab:\\\\ \\0 \\999 o\n"
       "/etc/mtab:/dev/y /a\\040b ext4 rw 0 0\n/proc/self/mountinfo:1 2 3\n"
       "statfs=1 1 1 1 1 1 \nend=hostprep-facts\n"},
      {"unbalanced quotes and escapes",
       "/etc/os-release:ID='deb\n/etc/os-release:NAME=\"x\\\n/etc/os-release:VERSION=a,\\\n"
       "/etc/debian_version:\n/etc/lsb-release:DISTRIB_ID\n/etc/lsb-release:=\nhave=lsb_release\n"
       "/etc/redhat-release:)(\nexists=/etc/arch-release\nend=hostprep-facts\n"},
  };
  for (const Row& row : rows) {
    INFO(std::string(row.what));
    ExecResult r;
    r.stdout_data = row.output;
    Result<Value> f = ParseFacts(r);
    REQUIRE_MESSAGE(f.ok(), f.message());
    CHECK_NOTHROW((void)f->dump());
    CHECK(f->contains("os_family"));
  }
  // An interface cannot replace another fact by its name.
  ExecResult r;
  for (const Row& row : rows) {
    if (std::string(row.what) == "odd interface names and ip garbage") r.stdout_data = row.output;
  }
  const Value f = *ParseFacts(r);
  CHECK(f["hostname"] == "real");
  CHECK(f["interfaces"].size() == 4);
  CHECK(f.contains("eth0_1"));
  CHECK(f["eth0_1"]["ipv4"]["address"] == "10.0.0.2");
}

}  // namespace
}  // namespace hostprep
