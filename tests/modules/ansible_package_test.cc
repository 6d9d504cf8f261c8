#include "modules/ansible_package.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/facts/fact_subset.h"
#include "engine/facts/facts.h"
#include "engine/module/registry.h"
#include "modules/builtin.h"
#include "tests/engine/facts/facts_test_util.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;

Value Args(const Value& raw) { return testing::NormalizedArgs(AnsiblePackageModule(), raw); }

using testing::Ran;

TEST_CASE("package by Ansible's names is Ansible's package, whatever arguments it has") {
  ModuleRegistry registry;
  RegisterBuiltinModules(&registry);
  for (const char* name : {"package", "ansible.builtin.package", "ansible.legacy.package"}) {
    CAPTURE(name);
    for (const Words& args : {Words{"name", "state"}, Words{"name", "update_cache", "use"},
                              Words{"name", "install_recommends"}}) {
      const Module* module = registry.FindFor(name, args);
      REQUIRE(module != nullptr);
      CHECK(module->spec().name == "ansible.builtin.package");
    }
  }
  // hostprep's own argument picks hostprep's own package.
  const Module* own = registry.FindFor("package", {"names", "state"});
  REQUIRE(own != nullptr);
  CHECK(own->spec().name == "package");
}

TEST_CASE("package runs apt on apt hosts, with apt's arguments and results") {
  AnsiblePackageModule module;
  const Value apt = {{"pkg_mgr", "apt"}};
  const Value args = Args({{"name", "jq"}, {"install_recommends", false}});
  std::vector<Read> probe = module.Probe(args, apt);
  REQUIRE(probe.size() == 2);
  CHECK(probe[1].argv == Words{"apt-mark", "showauto", "--", "jq"});
  Result<Change> ask = module.Plan(args, {Ran(1, ""), Ran(0, "")}, apt);
  REQUIRE(ask.ok());
  REQUIRE(ask->more_reads.size() == 1);
  const Words& sim = ask->more_reads[0].argv;
  CHECK(std::find(sim.begin(), sim.end(), "APT::Install-Recommends=no") != sim.end());
  Result<Change> change =
      module.Plan(args, {Ran(1, ""), Ran(0, ""), Ran(0, "Inst jq (1.6-2.1 local [amd64])\n")}, apt);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result["cache_updated"] == false);
  // use: apt wins over the fact.
  CHECK(module.Probe(Args({{"name", "jq"}, {"use", "apt"}}), {{"pkg_mgr", "dnf"}}).size() == 2);
}

TEST_CASE("package runs hostprep's package on other hosts, with what it takes there") {
  AnsiblePackageModule module;
  const Value dnf = {{"pkg_mgr", "dnf"}};
  const Value args = Args({{"name", "jq"}, {"state", "present"}, {"update_cache", true}});
  std::vector<Read> probe = module.Probe(args, dnf);
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].argv[0] == "rpm");
  Result<Change> change = module.Plan(args, {Ran(0, "jq\t1.6-2.el9\n")}, dnf);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->result["backend"] == "dnf");

  CHECK(module.Plan(Args({{"name", "jq"}, {"purge", true}}), {}, dnf).message() ==
        "argument 'purge' works with apt, and this host's package manager is dnf (hostprep's "
        "package takes name, state, update_cache and lock_timeout there)");
  CHECK(module.Plan(Args({{"name", "jq"}, {"state", "fixed"}}), {}, dnf).message() ==
        "state fixed works with apt, and this host's package manager is dnf (use present, "
        "latest or absent)");
  CHECK(module.Probe(Args({{"name", "jq"}, {"purge", true}}), dnf).empty());
}

TEST_CASE("package checks apt's arguments before anything runs") {
  CHECK(testing::ArgErrors(AnsiblePackageModule(), {{"name", "python3-*"}}) ==
        Words{"name: invalid package spec: 'python3-*': wildcards in names are not supported "
              "(name each package)"});
  CHECK(testing::ArgErrors(AnsiblePackageModule(), {{"name", "jq"}, {"use", "pacman"}}).size() ==
        1);
}

// The minimal facts of a host whose os-release says `id` and whose
// package manager is the program at `tool`.
ReadResult MinimalFacts(const std::string& id, const std::string& tool) {
  testing::ScriptOutput out;
  out.values = {"system=Linux", "kernel=6.1.0", "arch=x86_64", "exists=/etc/os-release",
                "exists=" + tool};
  out.files["/etc/os-release"] = "NAME=\"" + id + "\"\nID=" + id + "\nVERSION_ID=\"12\"\n";
  ReadResult r;
  r.exec.stdout_data = out.Text();
  return r;
}

TEST_CASE("package without facts reads the package manager as Ansible's package does") {
  AnsiblePackageModule module;
  const Value args = Args({{"name", "jq"}});
  // One round trip on an apt host: the minimal facts read with apt's reads.
  std::vector<Read> probe = module.Probe(args, Value::object());
  REQUIRE(probe.size() == 3);
  Result<FactSubset> minimal = ResolveFactSubset({"!all"});
  REQUIRE(minimal.ok());
  CHECK(probe[0].argv == FactsRead(false, *minimal).argv);
  CHECK(probe[1].argv[0] == "dpkg-query");
  Result<Change> change = module.Plan(args,
                                      {MinimalFacts("debian", "/usr/bin/apt-get"),
                                       Ran(0, "jq\tinstall ok installed\t1.6-2.1\n"), Ran(0, "")},
                                      Value::object());
  REQUIRE_MESSAGE(change.ok(), change.message());
  CHECK(!change->changed);
  CHECK(change->result["cache_updated"] == false);

  // Another package manager: its own reads in a second round trip.
  const std::vector<ReadResult> first = {MinimalFacts("fedora", "/usr/bin/dnf"), Ran(127, ""),
                                         Ran(127, "")};
  Result<Change> ask = module.Plan(args, first, Value::object());
  REQUIRE_MESSAGE(ask.ok(), ask.message());
  REQUIRE(ask->more_reads.size() == 1);
  CHECK(ask->more_reads[0].argv[0] == "rpm");
  std::vector<ReadResult> all = first;
  all.push_back(Ran(0, "jq\t1.6-2.fc39\n"));
  change = module.Plan(args, all, Value::object());
  REQUIRE_MESSAGE(change.ok(), change.message());
  CHECK(!change->changed);
  CHECK(change->result["backend"] == "dnf");
}

}  // namespace
}  // namespace hostprep::modules
