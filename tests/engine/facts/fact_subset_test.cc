// gather_subset resolved as Ansible 2.14's setup module resolves it on
// Linux: the expected collectors are what its collector module
// (collector_classes_from_gather_subset, with setup's minimal subset) gave
// for each spec.
#include "engine/facts/fact_subset.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace hostprep {
namespace {

const std::vector<std::string> kMin = {
    "apparmor", "caps",    "cmdline",     "date_time",    "distribution", "dns",
    "env",      "fips",    "local",       "lsb",          "pkg_mgr",      "platform",
    "python",   "selinux", "service_mgr", "ssh_pub_keys", "user"};

std::vector<std::string> With(std::vector<std::string> names,
                              const std::vector<std::string>& more) {
  names.insert(names.end(), more.begin(), more.end());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Resolved(const std::vector<std::string>& spec) {
  Result<FactSubset> subset = ResolveFactSubset(spec);
  REQUIRE_MESSAGE(subset.ok(), subset.message());
  return {subset->collectors.begin(), subset->collectors.end()};
}

TEST_CASE("gather_subset resolves to the collectors Ansible's setup runs") {
  const std::vector<std::string> all =
      With(kMin, {"chroot", "facter", "fibre_channel_wwn", "hardware", "iscsi", "loadavg",
                  "network", "nvme", "ohai", "virtual"});
  struct Case {
    std::vector<std::string> spec;
    std::vector<std::string> collectors;
  };
  const std::vector<Case> cases = {
      {{}, all},
      {{"all"}, all},
      {{"min"}, With(kMin, {})},
      {{"!all"}, With(kMin, {})},
      {{"!all", "!min"}, {}},
      {{"!min"}, {}},
      {{"!all", "!min", "network"}, {"distribution", "network", "platform"}},
      {{"network"}, With(kMin, {"network"})},
      // Without 'all' a spec of exclusions leaves min: the default 'all'
      // is only for no spec at all.
      {{"!hardware"}, With(kMin, {})},
      {{"!default_ipv4"}, With(kMin, {})},
      {{"!all", "default_ipv4"}, With(kMin, {"network"})},
      {{"!all", "!min", "pkg_mgr"}, {"distribution", "pkg_mgr"}},
      {{"!all", "!min", "service_mgr"}, {"distribution", "platform", "service_mgr"}},
      {{"all", "!network", "!virtual"},
       With(kMin, {"chroot", "facter", "fibre_channel_wwn", "hardware", "iscsi", "loadavg", "nvme",
                   "ohai"})},
      // A subset named is never taken away again.
      {{"hardware", "!hardware"}, With(kMin, {"hardware"})},
      {{"!all", "hardware", "!min"}, {"hardware", "platform"}},
      {{"!all", "!min", "!bogus"}, {}},
      {{"!all", "!min", "architecture"}, {"platform"}},
      // Comma-separated words, as Ansible's list arguments split a string.
      {{"!all,!min", " network"}, {"distribution", "network", "platform"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec.size());
    for (const std::string& word : c.spec) CAPTURE(word);
    CHECK(Resolved(c.spec) == c.collectors);
  }
}

TEST_CASE("gather_subset keeps the words as written for the gather_subset fact") {
  Result<FactSubset> subset = ResolveFactSubset({"!all,!min", "network"});
  REQUIRE(subset.ok());
  CHECK(subset->spec == std::vector<std::string>{"!all", "!min", "network"});
  CHECK(ResolveFactSubset({})->spec == std::vector<std::string>{"all"});
}

TEST_CASE("an unknown gather_subset word fails with Ansible's message and a did you mean") {
  // The list of names is Ansible's own message, as 2.14 printed it.
  const std::string allowed =
      "all, all_ipv4_addresses, all_ipv6_addresses, apparmor, architecture, caps, chroot, "
      "cmdline, date_time, default_ipv4, default_ipv6, devices, distribution, "
      "distribution_major_version, distribution_release, distribution_version, dns, "
      "effective_group_ids, effective_user_id, env, facter, fibre_channel_wwn, fips, hardware, "
      "interfaces, is_chroot, iscsi, kernel, kernel_version, loadavg, local, lsb, machine, "
      "machine_id, mounts, network, nvme, ohai, os_family, pkg_mgr, platform, processor, "
      "processor_cores, processor_count, python, python_version, real_user_id, selinux, "
      "service_mgr, ssh_host_key_dsa_public, ssh_host_key_ecdsa_public, "
      "ssh_host_key_ed25519_public, ssh_host_key_rsa_public, ssh_host_pub_keys, ssh_pub_keys, "
      "system, system_capabilities, system_capabilities_enforced, user, user_dir, user_gecos, "
      "user_gid, user_id, user_shell, user_uid, virtual, virtualization_role, "
      "virtualization_tech_guest, virtualization_tech_host, virtualization_type";
  Result<FactSubset> bogus = ResolveFactSubset({"bogus"});
  REQUIRE(!bogus.ok());
  CHECK(bogus.message() ==
        "Bad subset 'bogus' given to Ansible. gather_subset options allowed: " + allowed);
  Result<FactSubset> typo = ResolveFactSubset({"min", "netwrok"});
  REQUIRE(!typo.ok());
  CHECK(typo.message() ==
        "Bad subset 'netwrok' given to Ansible. gather_subset options "
        "allowed: " +
            allowed + " (did you mean 'network'?)");
}

TEST_CASE("a subset covers another when it runs every collector of it") {
  const FactSubset all = FactSubset::All();
  const FactSubset min = *ResolveFactSubset({"min"});
  const FactSubset net = *ResolveFactSubset({"!all", "!min", "network"});
  CHECK(all.Covers(min));
  CHECK(all.Covers(net));
  CHECK(!min.Covers(net));
  CHECK(!net.Covers(min));
  FactSubset both = min;
  both.Add(net);
  CHECK(both.Covers(net));
  CHECK(both.Covers(min));
  CHECK(both.spec == net.spec);
  CHECK(!FactSubset{}.Covers(min));  // nothing gathered yet
}

TEST_CASE("each fact belongs to the collector Ansible gathers it with") {
  const Value facts = Value::object(
      {{"interfaces", Value::array({"lo", "br-lan", "eth0_1"})}, {"lo", 1}, {"br_lan", 1}});
  struct Case {
    const char* key;
    const char* collector;
  };
  const std::vector<Case> cases = {
      {"distribution_file_variety", "distribution"},
      {"os_family", "distribution"},
      {"kernel", "platform"},
      {"fqdn", "platform"},
      {"machine_id", "platform"},
      {"arch", "platform"},
      {"user_uid", "user"},
      {"real_group_id", "user"},
      {"memtotal_mb", "hardware"},
      {"swapfree_mb", "hardware"},
      {"memory_mb", "hardware"},
      {"processor_vcpus", "hardware"},
      {"uptime_seconds", "hardware"},
      {"bios_vendor", "hardware"},
      {"mounts", "hardware"},
      {"product_uuid", "hardware"},
      {"default_ipv4", "network"},
      {"all_ipv6_addresses", "network"},
      {"interfaces", "network"},
      {"lo", "network"},
      {"br_lan", "network"},
      {"eth0_1", "network"},
      {"virtualization_role", "virtual"},
      {"ssh_host_key_rsa_public_keytype", "ssh_pub_keys"},
      {"selinux", "selinux"},
      {"proc_cmdline", "cmdline"},
      {"is_chroot", "chroot"},
      {"loadavg", "loadavg"},
      {"local", "local"},
      {"env", "env"},
      {"date_time", "date_time"},
      {"dns", "dns"},
      {"lsb", "lsb"},
      {"pkg_mgr", "pkg_mgr"},
      {"service_mgr", "service_mgr"},
      {"fips", "fips"},
      {"apparmor", "apparmor"},
      {"no_such_fact", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.key);
    CHECK(FactCollector(c.key, facts) == c.collector);
  }
}

TEST_CASE("facts selected by subset carry gather_subset and module_setup as Ansible's do") {
  const Value facts = Value::object({{"distribution", "Debian"},
                                     {"kernel", "6.1.0"},
                                     {"default_ipv4", Value::object()},
                                     {"interfaces", Value::array({"eth0"})},
                                     {"eth0", Value::object()},
                                     {"memtotal_mb", 1024}});
  const Value net = SelectFacts(facts, *ResolveFactSubset({"!all", "!min", "network"}));
  CHECK(net == Value::object({{"distribution", "Debian"},
                              {"kernel", "6.1.0"},
                              {"default_ipv4", Value::object()},
                              {"interfaces", Value::array({"eth0"})},
                              {"eth0", Value::object()},
                              {"gather_subset", Value::array({"!all", "!min", "network"})},
                              {"module_setup", true}}));
  const Value none = SelectFacts(facts, *ResolveFactSubset({"!all", "!min"}));
  CHECK(none ==
        Value::object({{"gather_subset", Value::array({"!all", "!min"})}, {"module_setup", true}}));
}

TEST_CASE("setup's filter matches fact names as Python's fnmatch, with or without ansible_") {
  struct Case {
    std::vector<std::string> patterns;
    const char* name;
    bool kept;
  };
  const std::vector<Case> cases = {
      {{}, "ansible_kernel", true},
      {{"*"}, "ansible_kernel", true},
      {{"ansible_distribution*"}, "ansible_distribution_version", true},
      {{"ansible_distribution*"}, "ansible_os_family", false},
      {{"distribution*"}, "ansible_distribution", true},
      {{"os_family"}, "ansible_os_family", true},
      {{"os_family"}, "gather_subset", false},
      {{"gather_subset"}, "gather_subset", true},
      {{"ansible_eth[0-9]"}, "ansible_eth0", true},
      {{"ansible_eth[!0]"}, "ansible_eth0", false},
      {{"ansible_*_mb"}, "ansible_memtotal_mb", true},
      {{"*_mb"}, "ansible_memtotal_mb", true},
      {{"ansible_?ernel"}, "ansible_kernel", true},
      // No escapes in Python's fnmatch: a backslash is a character.
      {{"ansible_\\*"}, "ansible_kernel", false},
      {{"facter*"}, "ansible_facter", false},
      {{"kernel", "machine"}, "ansible_machine", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(FactFilterKeeps(c.patterns, c.name) == c.kept);
  }
}

}  // namespace
}  // namespace hostprep
