#include "modules/dpkg_selections.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(DpkgSelectionsModule(), raw); }

using testing::Ran;

TEST_CASE("dpkg_selections reads the selection as Ansible's module does") {
  CHECK(ParseDpkgSelection("jq\t\t\t\t\thold\n") == "hold");
  CHECK(ParseDpkgSelection("") == "not present");
  CHECK(ParseDpkgSelection("libc6:amd64\tinstall\nlibc6:i386\thold\n") == "install");
  const std::vector<Read> probe =
      DpkgSelectionsModule().Probe(Args({{"name", "jq"}, {"selection", "hold"}}), {});
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].argv == std::vector<std::string>{"dpkg", "--get-selections", "--", "jq"});
}

TEST_CASE("dpkg_selections sets a differing selection through dpkg's stdin") {
  DpkgSelectionsModule module;
  const Value hold = Args({{"name", "kubelet"}, {"selection", "hold"}});
  Result<Change> change = module.Plan(hold, {Ran(0, "kubelet\t\t\t\t\tinstall\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv == std::vector<std::string>{"dpkg", "--set-selections"});
  CHECK(change->actions[0].stdin_data == "kubelet hold");
  CHECK(change->result["before"] == "install");
  CHECK(change->result["after"] == "hold");
  CHECK(change->message == "would set kubelet's selection: install -> hold");

  change = module.Plan(hold, {Ran(0, "kubelet\t\t\t\t\thold\n")}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());

  // A package dpkg does not know: a change, every run, as in Ansible.
  change = module.Plan(hold, {Ran(0, "", "dpkg: no packages found matching kubelet\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result["before"] == "not present");

  CHECK(module.Plan(hold, {Ran(2, "", "dpkg: error: bad\n")}, {}).message() ==
        "'dpkg --get-selections' failed (rc=2): dpkg: error: bad");
}

TEST_CASE("dpkg_selections refuses a name that would reach dpkg as more input") {
  DpkgSelectionsModule module;
  for (const char* name : {"jq hold\nbash", "jq purge", " jq"}) {
    CAPTURE(name);
    std::vector<ArgError> errors;
    module.Validate(Value{{"name", name}, {"selection", "hold"}}, false, &errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "name");
  }
  std::vector<ArgError> errors;
  module.Validate(Value{{"name", "jq"}, {"selection", "hold"}}, false, &errors);
  CHECK(errors.empty());
}

}  // namespace
}  // namespace hostprep::modules
