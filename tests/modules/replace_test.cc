#include "modules/replace.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FileContent;
using testing::FileStat;

// The file's directory, the probe's third read.
const ReadResult kDir = FileStat(FileType::kDirectory, 0755);

using Kind = Action::Kind;

Value Args(const Value& raw) { return testing::NormalizedArgs(ReplaceModule(), raw); }

// Each case's expected text and message are what Ansible 2.14's replace
// module (Debian's ansible) wrote and answered for the same file and
// arguments, run on this machine.
TEST_CASE("replace edits a file as Ansible's replace does") {
  struct Case {
    const char* name;
    const char* args;
    std::string before;
    std::string after;
    std::string msg;
    bool changed;
  };
  const std::vector<Case> cases = {
      {"comment out swap lines", R"({"regexp": "^([^#].*\\sswap\\s.*)$", "replace": "# \\1"})",
       "UUID=1 / ext4 defaults 0 1\n/swap.img none swap sw 0 0\n/dev/sdb2 none swap sw 0 0\n",
       "UUID=1 / ext4 defaults 0 1\n# /swap.img none swap sw 0 0\n# /dev/sdb2 none swap sw 0 0\n",
       "2 replacements made", true},
      {"nothing matches", R"({"regexp": "^b=.*$", "replace": "b=2"})", "a=1\n", "a=1\n", "", false},
      {"a replacement equal to the match is no change", R"({"regexp": "^a=1$", "replace": "a=1"})",
       "a=1\n", "a=1\n", "", false},
      {"removal with the default replace", R"({"regexp": "^# drop me\\n"})",
       "keep\n# drop me\nkeep\n", "keep\nkeep\n", "1 replacements made", true},
      {"only after a marker",
       R"({"regexp": "^mirror=.*$", "replace": "mirror=x", "after": "\\[main\\]"})",
       "mirror=a\n[main]\nmirror=b\n[other]\nmirror=c\n",
       "mirror=a\n[main]\nmirror=x\n[other]\nmirror=x\n", "2 replacements made", true},
      {"only between markers",
       R"({"regexp": "^mirror=.*$", "replace": "mirror=x", "after": "\\[main\\]", "before": "\\[other\\]"})",
       "mirror=a\n[main]\nmirror=b\n[other]\nmirror=c\n",
       "mirror=a\n[main]\nmirror=x\n[other]\nmirror=c\n", "1 replacements made", true},
      {"only before a marker",
       R"({"regexp": "^mirror=.*$", "replace": "mirror=x", "before": "\\[main\\]"})",
       "mirror=a\n[main]\nmirror=b\n", "mirror=x\n[main]\nmirror=b\n", "1 replacements made", true},
      {"markers that match nothing",
       R"({"regexp": "^mirror=.*$", "replace": "mirror=x", "after": "\\[nothing\\]"})",
       "mirror=a\n", "mirror=a\n",
       "Pattern for before/after params did not match the given file: "
       "\\[nothing\\](?P<subsection>.*)",
       false},
      {"named groups and an escape",
       R"({"regexp": "^port: (?P<p>\\d+)$", "replace": "listen \\g<p>\\tok"})",
       "port: 80\nport: 443\n", "listen 80\tok\nlisten 443\tok\n", "2 replacements made", true},
      {"unicode before the section",
       R"({"regexp": "^k=v$", "replace": "k=w", "after": "\\[main\\]"})", "é=1\n[main]\nk=v\n",
       "é=1\n[main]\nk=w\n", "1 replacements made", true},

  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Value raw = Value::parse(c.args);
    raw["path"] = "/etc/app.conf";
    const Value args = Args(raw);
    Result<Change> change = ReplaceModule().Plan(
        args, {FileStat(FileType::kFile), FileContent(c.before), kDir}, Value::object());
    REQUIRE(change.ok());
    CHECK(change->changed == c.changed);
    CHECK(change->result["msg"] == c.msg);
    CHECK(change->result["rc"] == 0);
    if (c.changed) {
      REQUIRE(change->actions.size() == 1);
      CHECK(change->actions[0].kind == Kind::kWriteFile);
      CHECK(change->actions[0].content == c.after);
    } else {
      CHECK(change->actions.empty());
    }
  }
}

TEST_CASE("replace fails on a file that is not there or a directory, naming it") {
  Value args = Args({{"path", "/etc/app.conf"}, {"regexp", "a"}});
  CHECK(ReplaceModule()
            .Plan(args, {FileStat(FileType::kMissing), FileContent(std::nullopt), kDir},
                  Value::object())
            .message() == "path /etc/app.conf does not exist");
  CHECK(ReplaceModule()
            .Plan(args, {FileStat(FileType::kDirectory), FileContent(std::nullopt), kDir},
                  Value::object())
            .message() == "path /etc/app.conf is a directory");
}

TEST_CASE("replace sets attributes and says so in Ansible's words") {
  Value args =
      Args({{"path", "/etc/app.conf"}, {"regexp", "^a=1$"}, {"replace", "a=2"}, {"mode", "0600"}});
  Result<Change> c = ReplaceModule().Plan(
      args, {FileStat(FileType::kFile), FileContent("a=1\n"), kDir}, Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].mode == 0600u);
  CHECK(c->result["msg"] == "1 replacements made and ownership, perms or SE linux context changed");
}

TEST_CASE("replace refuses patterns it cannot run when the playbook is read") {
  ReplaceModule module;
  std::vector<std::string> bad =
      testing::ArgErrors(module, {{"path", "/etc/x"}, {"regexp", "(?<=a)b"}});
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].rfind("regexp: regexp '(?<=a)b': ", 0) == 0);
  CHECK(
      testing::ArgErrors(module, {{"path", "/etc/x"}, {"regexp", "a"}, {"encoding", "latin-1"}}) ==
      std::vector<std::string>{"encoding: encoding 'latin-1' is not supported: only utf-8 is"});
  CHECK(testing::ArgErrors(module, {{"path", "/etc/x"}}) ==
        std::vector<std::string>{": missing required argument 'regexp' for module 'replace'"});
}

}  // namespace
}  // namespace hostprep::modules
