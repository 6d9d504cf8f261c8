#include "engine/playbook/keywords.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TEST_CASE("keywords tell Ansible users what to write instead") {
  CHECK(UnsupportedTaskKeyword("with_items") == "'with_items' is not supported: use 'loop'");
  CHECK(UnsupportedTaskKeyword("with_fileglob") == "'with_fileglob' is not supported: use 'loop'");
  CHECK(UnsupportedTaskKeyword("local_action") ==
        "'local_action' is not supported: a task runs on the play's hosts (a play with "
        "'hosts: localhost' and 'connection: local' runs on this machine)");
  CHECK(UnsupportedTaskKeyword("environment") == UnsupportedPlayKeyword("environment"));
  CHECK(UnsupportedPlayKeyword("roles") ==
        "roles are not supported; put the tasks in the play (hostprep has no roles yet)");
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
