// The distribution and lsb facts against Ansible itself: testdata/
// facts_distributions.json holds, for the release files of many
// distributions (and some odd ones), what Ansible 2.14's own collectors
// answered with those files as /etc (facts_distributions.py writes it).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/base/value.h"
#include "tests/engine/facts/facts_test_util.h"

namespace hostprep {
namespace {

using testing::ScriptOutput;

TEST_CASE("facts name the distribution and lsb as Ansible does, for each distribution's files") {
  std::ifstream in(std::string(HOSTPREP_SOURCE_DIR) +
                   "/tests/engine/run/testdata/facts_distributions.json");
  std::stringstream text;
  text << in.rdbuf();
  const Value doc = Value::parse(text.str());
  REQUIRE(doc["rows"].size() > 20);
  for (const Value& row : doc["rows"]) {
    const std::string name = row["name"].get<std::string>();
    INFO(name);
    ScriptOutput o;
    // Empty in the namespace; and the table was made with python3-distro.
    o.values = {"system=Linux", "exists=/usr/lib/os-release",
                "exists=/usr/lib/python3/dist-packages/distro"};
    if (row["lsb_release"].get<bool>()) o.values.push_back("have=lsb_release");
    for (auto it = row["files"].begin(); it != row["files"].end(); ++it) {
      o.values.push_back("exists=" + it.key());
      o.files[it.key()] = it.value().get<std::string>();
    }
    const Value facts = o.Facts();
    const Value& want = row["facts"];
    for (auto it = want.begin(); it != want.end(); ++it) {
      CHECK_MESSAGE(
          facts.value(it.key(), Value()) == it.value(),
          it.key() << ": " << facts.value(it.key(), Value()).dump() << " != " << it.value().dump());
    }
    for (auto it = facts.begin(); it != facts.end(); ++it) {
      if (it.key().rfind("distribution", 0) == 0)
        CHECK_MESSAGE(want.contains(it.key()), "not Ansible's: " << it.key());
    }
  }
}

// As Ansible 2.14 on a Debian host: its module_utils take the host's
// python3-distro (1.8) when it is there, their own copy (1.6) when not, and
// only 1.8 reads the point release from /etc/debian_version (the oracle:
// tests/integration/nspawn/compat/facts_compat_test.cc, whose host has no
// python3-distro).
TEST_CASE("facts give Debian's point release only where the host's Python has distro 1.8") {
  for (const char* distro : {"", "/usr/lib/python3/dist-packages/distro",
                             "/usr/local/lib/python3.11/dist-packages/distro"}) {
    CAPTURE(distro);
    ScriptOutput o;
    o.values = {"system=Linux", "exists=/etc/os-release"};
    if (*distro != '\0') o.values.push_back(std::string("exists=") + distro);
    o.files["/etc/os-release"] =
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
        "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";
    o.files["/etc/debian_version"] = "12.15\n";
    const Value facts = o.Facts();
    CHECK(facts["distribution"] == "Debian");
    CHECK(facts["distribution_version"] == (*distro != '\0' ? "12.15" : "12"));
    CHECK(facts["distribution_major_version"] == "12");
    CHECK(facts["distribution_minor_version"] == "15");
    CHECK(facts["distribution_release"] == "bookworm");
  }
}

}  // namespace
}  // namespace hostprep
