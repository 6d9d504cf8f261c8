#include "modules/lineinfile.h"

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

Value Args(const Value& raw) { return testing::NormalizedArgs(LineInFileModule(), raw); }

const ReadResult kMissing = FileStat(FileType::kMissing);
const ReadResult kDir = FileStat(FileType::kDirectory, 0755);

// Each case's expected text and message are what Ansible 2.14's lineinfile
// module (Debian's ansible) wrote and answered for the same file and
// arguments, run on this machine.
TEST_CASE("lineinfile edits a file as Ansible's lineinfile does") {
  struct Case {
    const char* name;
    const char* args;
    std::optional<std::string> before;
    std::string after;
    std::string msg;
    bool changed;
  };
  const std::vector<Case> cases = {
      {"replace the last match",
       R"({"regexp": "^#?PermitRoot", "line": "PermitRoot prohibit-password"})",
       "a=1\n#PermitRoot yes\nb=2\nPermitRoot no\n",
       "a=1\n#PermitRoot yes\nb=2\nPermitRoot prohibit-password\n", "line replaced", true},
      {"firstmatch replaces the first",
       R"({"regexp": "^#?PermitRoot", "line": "PermitRoot prohibit-password", "firstmatch": true})",
       "a=1\n#PermitRoot yes\nb=2\nPermitRoot no\n",
       "a=1\nPermitRoot prohibit-password\nb=2\nPermitRoot no\n", "line replaced", true},
      {"no match appends at the end", R"({"regexp": "^c=", "line": "c=3"})", "a=1\nb=2",
       "a=1\nb=2\nc=3\n", "line added", true},
      {"an equal line means nothing to do", R"({"regexp": "^c=x", "line": "c=3"})",
       "a=1\nc=3\nb=2\n", "a=1\nc=3\nb=2\n", "", false},
      {"insertafter the last match", R"({"line": "z=3", "insertafter": "^\\[a\\]"})",
       "[a]\nx=1\n[a]\ny=2\n", "[a]\nx=1\n[a]\nz=3\ny=2\n", "line added", true},
      {"insertafter the first match",
       R"({"line": "z=3", "insertafter": "^\\[a\\]", "firstmatch": true})", "[a]\nx=1\n[a]\ny=2\n",
       "[a]\nz=3\nx=1\n[a]\ny=2\n", "line added", true},
      {"insertafter matching the last line", R"({"line": "z=3", "insertafter": "^\\[a\\]"})",
       "x=1\n[a]", "x=1\n[a]z=3\n", "line added", true},
      {"insertafter with the line already there", R"({"line": "z=3", "insertafter": "^\\[a\\]"})",
       "[a]\nz=3\n", "[a]\nz=3\n", "", false},
      {"insertbefore the last match", R"({"line": "z=3", "insertbefore": "^end"})",
       "x=1\nend\ny=2\nend\n", "x=1\nend\ny=2\nz=3\nend\n", "line added", true},
      {"insertbefore BOF", R"({"line": "# managed", "insertbefore": "BOF"})", "x=1\n",
       "# managed\nx=1\n", "line added", true},
      {"insertafter that matches nothing appends", R"({"line": "z=3", "insertafter": "^nothing"})",
       "x=1\n", "x=1\nz=3\n", "line added", true},
      {"backrefs fills the groups",
       R"({"regexp": "^([^#].*\\sswap\\s.*)$", "line": "# \\1", "backrefs": true})",
       "UUID=1 / ext4 defaults 0 1\n/swap.img none swap sw 0 0\n",
       "UUID=1 / ext4 defaults 0 1\n# /swap.img none swap sw 0 0\n", "line replaced", true},
      {"backrefs with no match leaves the file",
       R"({"regexp": "^([^#].*\\sswap\\s.*)$", "line": "# \\1", "backrefs": true})",
       "UUID=1 / ext4 defaults 0 1\n", "UUID=1 / ext4 defaults 0 1\n", "", false},
      {"search_string replaces the line holding it",
       R"({"search_string": "old.example", "line": "server new.example 1"})",
       "server old.example 1\nother\n", "server new.example 1\nother\n", "line replaced", true},
      {"absent by regexp removes every match", R"({"regexp": "^swap", "state": "absent"})",
       "a\nswap1\nb\nswap2\n", "a\nb\n", "2 line(s) removed", true},
      {"absent by line", R"({"line": "a", "state": "absent"})", "a\nb\na\n", "b\n",
       "2 line(s) removed", true},
      {"absent with nothing to remove", R"({"search_string": "zzz", "state": "absent"})", "a\nb\n",
       "a\nb\n", "", false},
      {"create a missing file", R"({"line": "first", "create": true})", std::nullopt, "first\n",
       "line added", true},
      {"dollar matches before the line break", R"({"regexp": "^key = .*$", "line": "key = new"})",
       "key = old\n", "key = new\n", "line replaced", true},
      {"a line without a break at the end is completed", R"({"regexp": "^c=", "line": "c=3"})",
       "a=1\nc=3", "a=1\nc=3\n", "line replaced", true},

  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Value raw = Value::parse(c.args);
    raw["path"] = "/etc/app.conf";
    if (!c.before) raw["create"] = true;
    const Value args = Args(raw);
    const std::vector<ReadResult> reads = {c.before ? FileStat(FileType::kFile) : kMissing,
                                           FileContent(c.before), kDir};
    Result<Change> change = LineInFileModule().Plan(args, reads, Value::object());
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

TEST_CASE("lineinfile counts the lines state absent removed") {
  Value args = Args({{"path", "/etc/fstab"}, {"regexp", "\\sswap\\s"}, {"state", "absent"}});
  Result<Change> c =
      LineInFileModule().Plan(args,
                              {FileStat(FileType::kFile),
                               FileContent("/a none swap sw 0 0\n/ ext4\n/b none swap sw\n"), kDir},
                              Value::object());
  REQUIRE(c.ok());
  CHECK(c->result["found"] == 2);
  CHECK(c->result["msg"] == "2 line(s) removed");
  CHECK(c->diff ==
        "--- before: /etc/fstab\n+++ after: /etc/fstab\n@@ -1,3 +1 @@\n-/a none swap sw 0 0\n"
        " / ext4\n-/b none swap sw\n");
  Result<Change> gone =
      LineInFileModule().Plan(args, {kMissing, FileContent(std::nullopt), kDir}, Value::object());
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->changed);
  CHECK(gone->result["msg"] == "file not present");
}

TEST_CASE("lineinfile creates a missing file, and its directory, only with create") {
  Value args = Args({{"path", "/etc/app/app.conf"}, {"line", "a=1"}});
  CHECK(LineInFileModule()
            .Plan(args, {kMissing, FileContent(std::nullopt), kMissing}, Value::object())
            .message() == "file /etc/app/app.conf does not exist (create: true would create it)");
  args = Args({{"path", "/etc/app/app.conf"}, {"line", "a=1"}, {"create", true}, {"mode", "0600"}});
  Result<Change> c = LineInFileModule().Plan(args, {kMissing, FileContent(std::nullopt), kMissing},
                                             Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kMakeDirectory);
  CHECK(c->actions[0].path == "/etc/app");
  CHECK(c->actions[1].content == "a=1\n");
  CHECK(c->actions[1].mode == 0600u);
  CHECK(c->result["msg"] == "line added and ownership, perms or SE linux context changed");
}

TEST_CASE("lineinfile sets attributes when the line is already there, in Ansible's words") {
  Value args = Args({{"path", "/etc/app.conf"}, {"line", "a=1"}, {"mode", "0600"}});
  Result<Change> c = LineInFileModule().Plan(
      args, {FileStat(FileType::kFile, 0644), FileContent("a=1\n"), kDir}, Value::object());
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kSetAttributes);
  CHECK(c->result["msg"] == "ownership, perms or SE linux context changed");
}

TEST_CASE("lineinfile edits the file a symlink points to") {
  Value args = Args({{"path", "/etc/resolv.conf"}, {"line", "nameserver 10.0.0.2"}});
  ReadResult link;
  link.stat = {FileType::kSymlink, 0777, "root", "root", 0, "../run/resolv.conf"};
  const std::vector<ReadResult> probe = {link, FileContent("nameserver 10.0.0.1\n"), kDir};
  Result<Change> more = LineInFileModule().Plan(args, probe, Value::object());
  REQUIRE(more.ok());
  REQUIRE(more->more_reads.size() == 1);
  CHECK(more->more_reads[0].path == "/etc/../run/resolv.conf");
  std::vector<ReadResult> all = probe;
  all.push_back(FileStat(FileType::kFile));
  Result<Change> c = LineInFileModule().Plan(args, all, Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].path == "/etc/resolv.conf");
  CHECK(c->actions[0].content == "nameserver 10.0.0.1\nnameserver 10.0.0.2\n");
}

TEST_CASE("lineinfile's defaults never conflict when the engine normalises the arguments again") {
  // The playbook's arguments are normalised when it is read (defaults
  // filled in), then again once rendered for a host.
  const Value once = Args({{"path", "/etc/x"}, {"search_string", "a"}, {"state", "absent"}});
  CHECK(once["backrefs"] == false);
  CHECK(testing::ArgErrors(LineInFileModule(), once).empty());
}

TEST_CASE("lineinfile refuses what can never work when the playbook is read") {
  LineInFileModule module;
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"path", "/etc/x"}}, {"line: line is required with state: present"}},
           {{{"path", "/etc/x"}, {"state", "absent"}},
            {": state: absent needs one of line, search_string or regexp"}},
           {{{"path", "/etc/x"}, {"line", "a"}, {"backrefs", true}},
            {"backrefs: backrefs needs regexp, whose groups it fills in"}},
           {{{"path", "/etc/x"}, {"line", "a\nb"}},
            {"line: line \"a\\nb\" holds a line break: lineinfile manages one line (use "
             "blockinfile or copy for several)"}},
           {{{"path", "etc/x"}, {"line", "a"}},
            {"path: argument 'path' must be an absolute path, not 'etc/x'"}},
           {{{"path", "/etc/x"}, {"line", "a"}, {"insertafter", "EOF"}}, {}},
           {{{"path", "/etc/x"}, {"line", "a"}, {"insertbefore", "x"}, {"insertafter", "y"}},
            {"insertafter: arguments 'insertbefore' and 'insertafter' cannot be used together"}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(testing::ArgErrors(module, c.raw) == c.errors);
  }
  std::vector<std::string> bad =
      testing::ArgErrors(module, {{"path", "/etc/x"}, {"line", "a"}, {"regexp", "(?<=a)b"}});
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].rfind("regexp: regexp '(?<=a)b': ", 0) == 0);
}

}  // namespace
}  // namespace hostprep::modules
