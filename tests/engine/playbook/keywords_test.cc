#include "engine/playbook/keywords.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TEST_CASE("keywords tell Ansible users what to write instead") {
  CHECK(UnsupportedTaskKeyword("with_lines") ==
        "'with_lines' is not supported (supported: with_items, with_list, with_dict, "
        "with_indexed_items, with_together, with_nested, with_cartesian, with_flattened, "
        "with_sequence, with_subelements, with_first_found, with_fileglob, and loop)");
  CHECK(UnsupportedTaskKeyword("local_action") ==
        "'local_action' is not supported: write the module as the key with "
        "'delegate_to: localhost'");
  CHECK(UnsupportedTaskKeyword("environment") == UnsupportedPlayKeyword("environment"));
  CHECK(UnsupportedPlayKeyword("vars_prompt") ==
        "'vars_prompt' is not supported: pass values with '-e'");
  CHECK(UnsupportedPlayKeyword("roles") == "");
  CHECK(UnsupportedTaskKeyword("afer") == "");
  CHECK(UnsupportedPlayKeyword("hots") == "");
}

TEST_CASE("keywords do not refuse a key the language has") {
  for (const std::string& key : TaskKeys()) {
    CAPTURE(key);
    CHECK(UnsupportedTaskKeyword(key) == "");
  }
  for (const std::string& key : PlayKeys()) {
    CAPTURE(key);
    CHECK(UnsupportedPlayKeyword(key) == "");
  }
}

TEST_CASE("keywords accept identifiers and refuse reserved register names") {
  CHECK(IsIdentifier("result_1"));
  CHECK(IsIdentifier("_x"));
  CHECK(!IsIdentifier("1st"));
  CHECK(!IsIdentifier("my-result"));
  CHECK(!IsIdentifier(""));
  CHECK(ReservedNameReason("result") == "");
  CHECK(ReservedNameReason("hostvars") == "it is set by hostprep for every host");
  CHECK(ReservedNameReason("and") == "it is a word of the expression language");
}

}  // namespace
}  // namespace hostprep
