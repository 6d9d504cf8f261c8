#include "modules/dnf.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::Ran;
using Words = std::vector<std::string>;

Value Facts(const std::string& pkg_mgr) { return {{"pkg_mgr", pkg_mgr}}; }

const ReadResult kRpm = Ran(1, "bash\t5.1.8-9.el9\npackage tree is not installed\n");

Words LastArgv(const Change& change) {
  REQUIRE(!change.actions.empty());
  return change.actions.back().argv;
}

TEST_CASE("dnf and yum install, upgrade and remove with Ansible's state names") {
  for (const char* name : {"dnf", "yum"}) {
    CAPTURE(name);
    const DnfModule module(name);
    CHECK(module.spec().ansible_names ==
          Words{std::string("ansible.builtin.") + name, std::string("ansible.legacy.") + name});
    const Value installed =
        testing::NormalizedArgs(module, {{"name", {"bash", "tree"}}, {"state", "installed"}});
    CHECK(module.Probe(installed, Facts("dnf")).at(0).argv.at(0) == "rpm");
    Result<Change> change = module.Plan(installed, {kRpm}, Facts("dnf"));
    REQUIRE(change.ok());
    CHECK(change->diff == "+ tree\n");
    CHECK(LastArgv(*change) == Words{"dnf", "-y", "install", "--", "tree"});

    // The host's package manager decides, as Ansible's yum action picks the module.
    const Value removed = testing::NormalizedArgs(module, {{"pkg", "bash"}, {"state", "removed"}});
    change = module.Plan(removed, {kRpm}, Facts("yum"));
    REQUIRE(change.ok());
    CHECK(LastArgv(*change) == Words{"yum", "-y", "remove", "--", "bash"});

    // Without gathered facts: the module's own name.
    CHECK(LastArgv(*module.Plan(installed, {kRpm}, Value::object())).at(0) == name);
  }
}

TEST_CASE("dnf validates every Ansible argument and refuses, by name, what it cannot do") {
  const DnfModule module("dnf");
  const Value args = testing::NormalizedArgs(
      module,
      {{"name", "containerd.io"}, {"enablerepo", "docker-ce-stable"}, {"allowerasing", true}});
  CHECK(module.Plan(args, {kRpm}, Facts("dnf")).message().find("argument '") == 0);
  CHECK(module.Probe(args, Facts("dnf")).empty());

  // Defaults given explicitly are no obstacle.
  const Value plain = testing::NormalizedArgs(
      module, {{"name", "tree"}, {"disable_gpg_check", false}, {"exclude", Value::array()}});
  CHECK(module.Plan(plain, {kRpm}, Facts("dnf")).ok());

  CHECK(module.Plan(plain, {kRpm}, Facts("apt")).message() ==
        "dnf runs on dnf and yum hosts, and this host's package manager is apt: guard the task "
        "with `when: ansible_pkg_mgr in ['dnf', 'yum']`, or use `package`");

  CHECK(testing::ArgErrors(module, {{"name", "-y"}}).size() == 1);
  CHECK(testing::ArgErrors(module, {{"state", "present"}}).size() == 1);  // no name, list or cache
  CHECK(testing::ArgErrors(module, {{"update_cache", true}}).empty());
  Result<Change> refresh = module.Plan(testing::NormalizedArgs(module, {{"update_cache", true}}),
                                       {Ran(0, "")}, Facts("dnf"));
  REQUIRE(refresh.ok());
  CHECK(LastArgv(*refresh) == Words{"dnf", "-y", "makecache", "--refresh"});
}

}  // namespace
}  // namespace hostprep::modules
