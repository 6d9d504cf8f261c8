#include "modules/hostname.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;

Value Args(const Value& raw) { return testing::NormalizedArgs(HostnameModule(), raw); }

using testing::Ran;

std::string Systemd(const std::string& transient, const std::string& stat, std::string extra = "") {
  return "systemd yes\nid debian\nkernel " + transient + "\ntransient " + transient + "\nstatic " +
         stat + "\n" + extra;
}

TEST_CASE("hostname picks Ansible's strategy from the host, or from use") {
  CHECK(HostnameStrategy("", true, "debian").value() == "systemd");
  CHECK(HostnameStrategy("", false, "debian").value() == "file");
  CHECK(HostnameStrategy("", false, "ubuntu").value() == "file");
  CHECK(HostnameStrategy("", false, "alpine").value() == "alpine");
  CHECK(HostnameStrategy("debian", false, "alpine").value() == "systemd");
  CHECK(HostnameStrategy("", false, "centos").message() ==
        "hostname module cannot be used on platform Linux (Centos) without systemd");
  CHECK(HostnameStrategy("redhat", true, "rhel").message().find("use: redhat is not supported") ==
        0);
}

TEST_CASE("hostname sets the static name, then the transient one, with hostnamectl") {
  HostnameModule module;
  const Value args = Args({{"name", "node1.example.org"}});
  Result<Change> change =
      module.Plan(args, {Ran(0, Systemd("old", "old", "fqdn_name node1.example.org\n"))}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].argv ==
        Words{"hostnamectl", "--pretty", "--static", "set-hostname", "node1.example.org"});
  CHECK(change->actions[1].argv ==
        Words{"hostnamectl", "--transient", "set-hostname", "node1.example.org"});
  CHECK(change->result["name"] == "node1.example.org");
  // A real run registers the new name's fqdn; check mode the running one's.
  CHECK(change->result["ansible_facts"]["ansible_fqdn"] == "old");
  CHECK(change->applied_result["ansible_facts"] == Value{{"ansible_hostname", "node1"},
                                                         {"ansible_nodename", "node1.example.org"},
                                                         {"ansible_fqdn", "node1.example.org"},
                                                         {"ansible_domain", "example.org"}});
  CHECK(change->diff == "- hostname = old\n+ hostname = node1.example.org\n");

  // Only the static name differs: the running name and its fqdn stay.
  change = module.Plan(Args({{"name", "node1"}}), {Ran(0, Systemd("node1", "old"))},
                       {{"fqdn", "node1.lan"}});
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv[2] == "--static");
  CHECK(change->result["ansible_facts"]["ansible_fqdn"] == "node1.lan");
  CHECK(change->result["ansible_facts"]["ansible_domain"] == "lan");

  change = module.Plan(Args({{"name", "node1"}}),
                       {Ran(0, Systemd("node1", "node1", "fqdn_kernel node1\n"))}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(change->result["ansible_facts"]["ansible_domain"] == "");

  CHECK(module.Plan(Args({{"name", std::string(65, 'a')}}), {Ran(0, Systemd("old", "old"))}, {})
            .message() ==
        "name cannot be longer than 64 characters on systemd servers, try a shorter name");
  CHECK(module
            .Plan(args,
                  {Ran(0,
                       "systemd yes\nid debian\nkernel x\ntransient failed 1 Failed to connect "
                       "to bus\nstatic x\n")},
                  {})
            .message() == "Command failed rc=1, out=, err=Failed to connect to bus");
}

TEST_CASE("hostname without systemd writes /etc/hostname as Ansible's file strategy does") {
  HostnameModule module;
  const Value args = Args({{"name", "node2"}});
  const std::string debian =
      "systemd no\nid debian\nkernel box\netc_hostname box\n"
      "etc_HOSTNAME none\nfqdn_name node2\nfqdn_kernel box.lan\n";
  Result<Change> change = module.Plan(args, {Ran(0, debian)}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].kind == Action::Kind::kWriteFile);
  CHECK(change->actions[0].path == "/etc/hostname");
  CHECK(change->actions[0].content == "node2\n");
  // The running name is not changed: its fqdn is registered.
  CHECK(change->result["ansible_facts"]["ansible_fqdn"] == "box.lan");

  const std::string alpine = "systemd no\nid alpine\nkernel box\netc_hostname box\n";
  change = module.Plan(args, {Ran(0, alpine)}, {});
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].argv == Words{"hostname", "-F", "/etc/hostname"});

  change =
      module.Plan(args, {Ran(0, "systemd no\nid debian\nkernel box\netc_hostname  node2 \n")}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
}

TEST_CASE("hostname refuses a name with blanks or control characters") {
  HostnameModule module;
  for (const char* name : {"node 1", "node1\nx", ""}) {
    CAPTURE(name);
    std::vector<ArgError> errors;
    module.Validate(Value{{"name", name}}, false, &errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "name");
  }
}

}  // namespace
}  // namespace hostprep::modules
