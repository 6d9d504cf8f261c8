#include "modules/setup.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "tests/engine/facts/facts_test_util.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(SetupModule(), raw); }

// A Debian host's answer, with an interface, memory and the clock.
ReadResult Answer() {
  testing::ScriptOutput out;
  out.values = {"kernel=6.1.0-18-amd64",
                "arch=x86_64",
                "hostname=node1",
                "system=Linux",
                "fqdn=node1",
                "user=root",
                "uid=0 0 0 0",
                "passwd=root:x:0:0:root:/root:/bin/bash",
                "exists=/usr/bin/apt-get",
                "exists=/etc/os-release",
                "interface=eth0",
                "date=2026 12 Monday 1 49 07 03 41 12 1796615272 123456000 UTC +0000"};
  out.files["/etc/os-release"] =
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n";
  out.files["/etc/debian_version"] = "12.5\n";
  out.files["/proc/meminfo"] = "MemTotal: 2048000 kB\nMemFree: 1024000 kB\n";
  out.files["/sys/class/net/eth0/address"] = "52:54:00:12:34:56\n";
  out.files["/sys/class/net/eth0/mtu"] = "1500\n";
  out.net = {"1: lo: <LOOPBACK,UP> mtu 65536 state UNKNOWN",
             "2: eth0: <BROADCAST,UP> mtu 1500 state UP",
             "    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0"};
  ReadResult r;
  r.exec.stdout_data = out.Text();
  return r;
}

Value Returned(const Value& raw) {
  Result<Change> change = SetupModule().Plan(Args(raw), {Answer()}, Value::object());
  REQUIRE_MESSAGE(change.ok(), change.message());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  return change->result["ansible_facts"];
}

TEST_CASE("setup reads the facts script in the probe, without the programs its subset skips") {
  std::vector<Read> all = SetupModule().Probe(Args(Value::object()), Value::object());
  REQUIRE(all.size() == 1);
  CHECK(all[0].kind == Read::Kind::kExec);
  CHECK(all[0].argv == FactsRead().argv);
  std::vector<Read> min =
      SetupModule().Probe(Args({{"gather_subset", Value::array({"min"})}}), Value::object());
  CHECK(min[0].argv == FactsRead(false, *ResolveFactSubset({"min"})).argv);
}

TEST_CASE("setup returns the facts as Ansible's setup names them") {
  const Value facts = Returned(Value::object());
  CHECK(facts["ansible_distribution"] == "Debian");
  CHECK(facts["ansible_os_family"] == "Debian");
  CHECK(facts["ansible_pkg_mgr"] == "apt");
  CHECK(facts["ansible_memtotal_mb"] == 2000);
  CHECK(facts["ansible_default_ipv4"].is_object());
  CHECK(facts["ansible_eth0"]["macaddress"] == "52:54:00:12:34:56");
  CHECK(facts["gather_subset"] == Value::array({"all"}));
  CHECK(facts["module_setup"] == true);
  CHECK_FALSE(facts.contains("distribution"));
}

TEST_CASE("setup keeps the facts of its gather_subset only") {
  const Value net = Returned({{"gather_subset", Value::array({"!all", "!min", "network"})}});
  CHECK(net.contains("ansible_default_ipv4"));
  CHECK(net.contains("ansible_eth0"));
  CHECK(net.contains("ansible_distribution"));  // network requires it
  CHECK(net.contains("ansible_kernel"));        // and platform
  CHECK_FALSE(net.contains("ansible_user_id"));
  CHECK_FALSE(net.contains("ansible_memtotal_mb"));
  CHECK_FALSE(net.contains("ansible_date_time"));
  CHECK(net["gather_subset"] == Value::array({"!all", "!min", "network"}));
  const Value min = Returned({{"gather_subset", Value::array({"min"})}});
  CHECK(min.contains("ansible_user_id"));
  CHECK(min.contains("ansible_date_time"));
  CHECK_FALSE(min.contains("ansible_default_ipv4"));
  CHECK_FALSE(min.contains("ansible_memtotal_mb"));
}

TEST_CASE("setup's filter keeps the facts whose names match, the gathering's own too") {
  const Value facts = Returned({{"filter", Value::array({"ansible_distribution*", "os_family"})}});
  std::vector<std::string> names;
  for (auto it = facts.begin(); it != facts.end(); ++it) names.push_back(it.key());
  CHECK(names == std::vector<std::string>{
                     "ansible_distribution", "ansible_distribution_file_parsed",
                     "ansible_distribution_file_path", "ansible_distribution_file_variety",
                     "ansible_distribution_major_version", "ansible_distribution_minor_version",
                     "ansible_distribution_release", "ansible_distribution_version",
                     "ansible_os_family"});
  CHECK(Returned({{"filter", Value::array({"gather_subset"})}}) ==
        Value::object({{"gather_subset", Value::array({"all"})}}));
}

TEST_CASE("setup refuses an unknown subset and another facts directory before any host") {
  std::vector<std::string> errors =
      testing::ArgErrors(SetupModule(), {{"gather_subset", Value::array({"min", "hardwre"})}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("gather_subset: Bad subset 'hardwre' given to Ansible.") == 0);
  CHECK(errors[0].find("(did you mean 'hardware'?)") != std::string::npos);
  CHECK(testing::ArgErrors(SetupModule(), {{"fact_path", "/opt/facts"}}) ==
        std::vector<std::string>{"fact_path: hostprep gathers no local facts (it runs nothing "
                                 "from a facts directory): leave fact_path at "
                                 "/etc/ansible/facts.d"});
  CHECK(testing::ArgErrors(SetupModule(), {{"gather_subset", "{{ subset }}"}}).empty());
  CHECK(testing::ArgErrors(SetupModule(),
                           {{"fact_path", "/etc/ansible/facts.d"}, {"gather_timeout", 30}})
            .empty());
}

TEST_CASE("setup fails with the gathering's error when the host's answer is not the script's") {
  ReadResult bad;
  bad.exec.stdout_data = "garbage";
  Result<Change> change = SetupModule().Plan(Args(Value::object()), {bad}, Value::object());
  REQUIRE(!change.ok());
  CHECK(change.message() == "gathering facts failed: unexpected output from the target's shell");
}

}  // namespace
}  // namespace hostprep::modules
