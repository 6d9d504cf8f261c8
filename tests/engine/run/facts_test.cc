#include "engine/run/facts.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TEST_CASE("facts parse the probe's output into Ansible-style facts") {
  ExecResult r;
  r.stdout_data =
      "id=debian\nid_like=\nversion_id=12\ncodename=bookworm\nkernel=6.1.0-18-amd64\n"
      "arch=x86_64\nhostname=node1.example\nfqdn=node1.example\nuid=0\n"
      "memtotal_kb=2048000\nswaptotal_kb=1048576\npkg=apt-get\nsvc=systemd\n"
      "gateway=10.0.0.1\ninterface=eth0\naddress=10.0.0.11\nend=hostprep-facts\n";
  Result<Value> f = ParseFacts(r);
  REQUIRE(f.ok());
  CHECK((*f)["os_family"] == "Debian");
  CHECK((*f)["distribution"] == "Debian");
  CHECK((*f)["distribution_version"] == "12");
  CHECK((*f)["distribution_major_version"] == "12");
  CHECK((*f)["distribution_release"] == "bookworm");
  CHECK((*f)["hostname"] == "node1");
  CHECK((*f)["memtotal_mb"] == 2000);
  CHECK((*f)["swaptotal_mb"] == 1024);
  CHECK((*f)["pkg_mgr"] == "apt");
  CHECK((*f)["service_mgr"] == "systemd");
  CHECK((*f)["default_ipv4"]["address"] == "10.0.0.11");
}

TEST_CASE("facts map distributions to their family") {
  struct Row {
    const char* id;
    const char* like;
    const char* family;
  };
  for (const Row& row :
       {Row{"ubuntu", "debian", "Debian"}, Row{"rocky", "rhel centos fedora", "RedHat"},
        Row{"almalinux", "", "RedHat"}, Row{"opensuse-leap", "suse", "Suse"},
        Row{"alpine", "", "Alpine"}, Row{"mystery", "rhel fedora", "RedHat"}}) {
    ExecResult r;
    r.stdout_data =
        std::string("id=") + row.id + "\nid_like=" + row.like + "\nend=hostprep-facts\n";
    Result<Value> f = ParseFacts(r);
    REQUIRE(f.ok());
    CHECK_MESSAGE((*f)["os_family"] == row.family, row.id);
  }
}

TEST_CASE("facts refuse output that is not the probe's") {
  ExecResult r;
  r.stdout_data = "Welcome to the machine\n";
  CHECK(ParseFacts(r).message() ==
        "gathering facts failed: unexpected output from the target's shell");
  r.exit_code = 127;
  r.stderr_data = "sh: not found\n";
  CHECK(ParseFacts(r).message() == "gathering facts failed (exit 127): sh: not found");
}

TEST_CASE("facts are visible plain, with the ansible_ prefix and as ansible_facts") {
  Value vars = FactsAsVariables({{"os_family", "Debian"}});
  CHECK(vars["os_family"] == "Debian");
  CHECK(vars["ansible_os_family"] == "Debian");
  CHECK(vars["ansible_facts"]["os_family"] == "Debian");
}

}  // namespace
}  // namespace hostprep
