#include "modules/blockinfile.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FileContent;
using testing::FileStat;

using Kind = Action::Kind;

Value Args(const Value& raw) { return testing::NormalizedArgs(BlockInFileModule(), raw); }

// Each case's expected text and message are what Ansible 2.14's blockinfile
// module (Debian's ansible) wrote and answered for the same file and
// arguments, run on this machine.
TEST_CASE("blockinfile edits a file as Ansible's blockinfile does") {
  struct Case {
    const char* name;
    const char* args;
    std::optional<std::string> before;
    std::string after;
    std::string msg;
    bool changed;
  };
  const std::vector<Case> cases = {
      {"a new block at the end", R"({"block": "x=1\ny=2"})", "a=1\nb=2\n",
       "a=1\nb=2\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\ny=2\n# END ANSIBLE MANAGED BLOCK\n",
       "Block inserted", true},
      {"a new block after a line without a break", R"({"block": "x=1\n"})", "a=1",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\n# END ANSIBLE MANAGED BLOCK\n", "Block inserted",
       true},
      {"the block replaced between its markers", R"({"block": "new\n"})",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb=2\n",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\nb=2\n",
       "Block inserted", true},
      {"the same block is no change", R"({"block": "new"})",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\n",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\n", "", false},
      {"an empty block removes it", R"({"block": ""})",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb=2\n", "a=1\nb=2\n",
       "Block removed", true},
      {"state absent removes it", R"({"block": "old", "state": "absent"})",
       "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\n", "a=1\n",
       "Block removed", true},
      {"insertafter the last match", R"({"block": "z", "insertafter": "^\\[a\\]"})",
       "[a]\nx\n[a]\ny\n",
       "[a]\nx\n[a]\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\ny\n",
       "Block inserted", true},
      {"insertbefore the last match", R"({"block": "z", "insertbefore": "^end"})",
       "x\nend\ny\nend\n",
       "x\nend\ny\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\nend\n",
       "Block inserted", true},
      {"insertbefore BOF", R"({"block": "z", "insertbefore": "BOF"})", "x\n",
       "# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\nx\n", "Block inserted",
       true},
      {"insertafter matching nothing appends", R"({"block": "z", "insertafter": "^nothing"})",
       "x\n", "x\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\n",
       "Block inserted", true},
      {"custom markers",
       R"({"block": "10.0.0.11 node1\n10.0.0.12 node2\n", "marker": "# {mark} CLUSTER HOSTS", "marker_begin": "start", "marker_end": "stop"})",
       "127.0.0.1 localhost\n",
       "127.0.0.1 localhost\n# start CLUSTER HOSTS\n10.0.0.11 node1\n10.0.0.12 node2\n# stop "
       "CLUSTER HOSTS\n",
       "Block inserted", true},
      {"markers in the wrong order", R"({"block": "new"})",
       "a\n# END ANSIBLE MANAGED BLOCK\nold\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n",
       "a\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\nb\n", "Block inserted",
       true},
      {"a multiline insertafter",
       R"({"block": "z", "insertafter": "(?m)^\\[main\\]\\n(?:.+\\n)*"})",
       "a\n[main]\nk=v\n\n[other]\n",
       "a\n[main]\nk=v\n\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\n[other]\n",
       "Block inserted", true},
      {"create a missing file", R"({"block": "x=1", "create": true})", std::nullopt,
       "# BEGIN ANSIBLE MANAGED BLOCK\nx=1\n# END ANSIBLE MANAGED BLOCK\n", "File created", true},

  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Value raw = Value::parse(c.args);
    raw["path"] = "/etc/app.conf";
    const Value args = Args(raw);
    const std::vector<ReadResult> reads = {
        c.before ? FileStat(FileType::kFile) : FileStat(FileType::kMissing), FileContent(c.before),
        FileStat(FileType::kDirectory)};
    Result<Change> change = BlockInFileModule().Plan(args, reads, Value::object());
    REQUIRE(change.ok());
    CHECK(change->changed == c.changed);
    CHECK(change->result["msg"] == c.msg);
    if (c.changed) {
      REQUIRE(change->actions.size() == 1);
      CHECK(change->actions[0].kind == Kind::kWriteFile);
      CHECK(change->actions[0].content == c.after);
    } else {
      CHECK(change->actions.empty());
    }
  }
}

TEST_CASE("blockinfile leaves a missing file alone for state absent and needs create otherwise") {
  Value absent = Args({{"path", "/etc/app.conf"}, {"state", "absent"}});
  const std::vector<ReadResult> missing = {FileStat(FileType::kMissing), FileContent(std::nullopt),
                                           FileStat(FileType::kDirectory)};
  Result<Change> c = BlockInFileModule().Plan(absent, missing, Value::object());
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->result["msg"] == "File /etc/app.conf not present");
  CHECK(BlockInFileModule()
            .Plan(Args({{"path", "/etc/app.conf"}, {"block", "x"}}), missing, Value::object())
            .message() == "file /etc/app.conf does not exist (create: true would create it)");
}

TEST_CASE("blockinfile refuses a block that holds its own marker line") {
  CHECK(testing::ArgErrors(BlockInFileModule(),
                           {{"path", "/etc/hosts"},
                            {"block", "10.0.0.1 a\n# END ANSIBLE MANAGED BLOCK\n10.0.0.2 b\n"}}) ==
        std::vector<std::string>{"block: block holds its own marker line '# END ANSIBLE MANAGED "
                                 "BLOCK': the next run could not tell where the block ends"});
  CHECK(
      testing::ArgErrors(BlockInFileModule(), {{"path", "/etc/hosts"}, {"block", "a\nb"}}).empty());
}

}  // namespace
}  // namespace hostprep::modules
