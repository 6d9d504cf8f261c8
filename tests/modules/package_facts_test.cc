#include "modules/package_facts.h"

#include <doctest/doctest.h>

#include <string>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;

// What scripts/package_facts.sh prints on a Debian 12 host, in the shapes
// dpkg-query, apt list and the lists' Release files give.
constexpr const char* kOut =
    "@@ apt amd64\n"
    "ii \tbash\t5.2.15-2+b8\tamd64\tshells\n"
    "ii \tlibc6:amd64\t2.36-9+deb12u14\tamd64\tlibs\n"
    "ii \tlibc6:i386\t2.36-9+deb12u14\ti386\tlibs\n"
    "rc \told-thing\t1.0-1\tall\tmisc\n"
    "un \tnever\t\t\t\n"
    "@@ archives\n"
    "Listing...\n"
    "bash/now 5.2.15-2+b8 amd64 [installed,local]\n"
    "libc6/oldstable,now 2.36-9+deb12u14 amd64 [installed,automatic]\n"
    "libc6/oldstable-security,now 2.36-9+deb12u14 i386 [installed,automatic]\n"
    "@@ releases\n"
    "/var/lib/apt/lists/x_bookworm_InRelease\tOrigin\tDebian\n"
    "/var/lib/apt/lists/x_bookworm_InRelease\tSuite\toldstable\n"
    "/var/lib/apt/lists/x_bookworm_InRelease\tCodename\tbookworm\n"
    "/var/lib/apt/lists/y_security_InRelease\tOrigin\tDebian Security\n"
    "/var/lib/apt/lists/y_security_InRelease\tSuite\toldstable-security\n";

TEST_CASE("package_facts gives apt's packages as Ansible's package_facts does") {
  const Value packages = ParsePackageFacts(kOut, "apt");
  CHECK(packages["bash"] == Value::array({Value{{"name", "bash"},
                                                {"version", "5.2.15-2+b8"},
                                                {"arch", "amd64"},
                                                {"category", "shells"},
                                                {"origin", ""},
                                                {"source", "apt"}}}));
  // The native architecture's name is plain, a foreign one keeps its own.
  CHECK(packages["libc6"][0]["origin"] == "Debian");
  CHECK(packages["libc6:i386"][0]["origin"] == "Debian Security");
  CHECK(packages["libc6:i386"][0]["arch"] == "i386");
  CHECK(!packages.contains("old-thing"));  // only its configuration is left
  CHECK(!packages.contains("never"));
  CHECK(packages.size() == 3);
  CHECK(ParsePackageFacts(kOut, "rpm").is_null());
}

TEST_CASE("package_facts gives rpm's packages with their epoch") {
  const Value packages = ParsePackageFacts(
      "@@ rpm\nbash\t5.1.8\t6.el9\t(none)\tx86_64\nkernel\t5.14.0\t362.el9\t0\tx86_64\n"
      "kernel\t5.14.0\t427.el9\t0\tx86_64\n",
      "rpm");
  CHECK(packages["bash"][0] == Value{{"name", "bash"},
                                     {"version", "5.1.8"},
                                     {"release", "6.el9"},
                                     {"epoch", nullptr},
                                     {"arch", "x86_64"},
                                     {"source", "rpm"}});
  CHECK(packages["kernel"].size() == 2);
  CHECK(packages["kernel"][1]["epoch"] == 0);
}

TEST_CASE("package_facts picks managers as Ansible's does, and fails without one") {
  PackageFactsModule module;
  ReadResult read;
  read.exec = {0, kOut, ""};
  const Value args = testing::NormalizedArgs(module, Value::object());
  Result<Change> change = module.Plan(args, {read}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->result["ansible_facts"]["packages"].size() == 3);
  CHECK(!change->changed);
  read.exec = {0, "", ""};
  CHECK(module.Plan(args, {read}, Value::object()).message() ==
        "Could not detect a supported package manager from the following list: rpm, apt "
        "(hostprep reads apt and rpm)");
  CHECK(testing::ArgErrors(module, {{"manager", "portage"}}) ==
        Words{"manager: Unsupported package managers requested: portage (hostprep reads apt "
              "and rpm, or use auto)"});
}

TEST_CASE("package_facts' script reads this machine's packages as dpkg-query does") {
  const testing::ScriptRun run = testing::RunScript(scripts::kPackageFacts, "sh script.sh");
  REQUIRE(run.status == 0);
  const Value packages = ParsePackageFacts(run.out, "apt");
  REQUIRE(packages.is_object());
  const testing::ScriptRun dpkg =
      testing::RunScript("dpkg-query -W -f='${Version}' dpkg", "sh script.sh");
  REQUIRE(packages.contains("dpkg"));
  CHECK(packages["dpkg"][0]["version"] == dpkg.out);
  CHECK(packages["dpkg"][0]["category"] == "admin");
  CHECK(packages["dpkg"][0]["source"] == "apt");
  const testing::ScriptRun count = testing::RunScript(
      "dpkg-query -W -f='${db:Status-Abbrev}\\n' | grep -c '^.[^nc]'", "sh script.sh");
  CHECK(std::to_string(packages.size()) + "\n" == count.out);
}

}  // namespace
}  // namespace hostprep::modules
