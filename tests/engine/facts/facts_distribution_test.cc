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
    o.values = {"system=Linux", "exists=/usr/lib/os-release"};  // empty in the namespace
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

}  // namespace
}  // namespace hostprep
