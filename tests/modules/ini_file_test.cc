#include "modules/ini_file.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;
using testing::FileContent;
using testing::FileStat;

Value Args(const Value& raw) { return testing::NormalizedArgs(IniFileModule(), raw); }

const ReadResult kDir = FileStat(FileType::kDirectory, 0755);

// The file most cases start from.
const char* const kBase = "[main]\n# the mirror\nmirror = a\nretries=3\n\n[other]\nmirror=b\n";

TEST_CASE("ini_file edits a file as Ansible's ini_file does") {
  // Expected from community.general's ini_file.py run on each file: changed,
  // msg, and the file it leaves.
  struct Case {
    const char* label;
    std::optional<std::string> before;
    const char* args;
    bool changed;
    std::string msg;
    std::optional<std::string> after;
  };
  for (
      const Case& c : std::vector<Case>{
          {"set existing", kBase, R"({"section": "main", "option": "mirror", "value": "z"})", true,
           "option changed", "[main]\n# the mirror\nmirror = z\nretries=3\n\n[other]\nmirror=b\n"},
          {"same value", kBase, R"({"section": "main", "option": "mirror", "value": "a"})", false,
           "OK", kBase},
          {"no spaces", kBase,
           R"({"section": "main", "option": "retries", "value": "5", "no_extra_spaces": true})",
           true, "option changed",
           "[main]\n# the mirror\nmirror = a\nretries=5\n\n[other]\nmirror=b\n"},
          {"added after last option", kBase,
           R"({"section": "main", "option": "timeout", "value": "10"})", true, "option added",
           "[main]\n# the mirror\nmirror = a\nretries=3\ntimeout = 10\n\n[other]\nmirror=b\n"},
          {"commented option replaced", "[main]\n#timeout = 5\nx = 1\n",
           R"({"section": "main", "option": "timeout", "value": "10"})", true, "option changed",
           "[main]\ntimeout = 10\nx = 1\n"},
          {"new section", kBase, R"({"section": "new", "option": "k", "value": "v"})", true,
           "section and option added",
           "[main]\n# the mirror\nmirror = a\nretries=3\n\n[other]\nmirror=b\n[new]\nk = v\n"},
          {"only section", kBase, R"({"section": "empty", "allow_no_value": true})", true,
           "only section added",
           "[main]\n# the mirror\nmirror = a\nretries=3\n\n[other]\nmirror=b\n[empty]\n"},
          {"before first section", kBase, R"({"option": "top", "value": "1"})", true,
           "option added",
           "top = 1\n[main]\n# the mirror\nmirror = a\nretries=3\n\n[other]\nmirror=b\n"},
          {"top existing", "top=0\n[main]\nx=1\n", R"({"option": "top", "value": "1"})", true,
           "option changed", "top = 1\n[main]\nx=1\n"},
          {"exclusive removes dups", "[s]\nk=1\nk=2\nk=3\n",
           R"({"section": "s", "option": "k", "value": "2"})", true, "option changed",
           "[s]\nk = 2\n"},
          {"not exclusive keeps", "[s]\nk=1\nk=2\n",
           R"({"section": "s", "option": "k", "value": "3", "exclusive": false})", true,
           "option added", "[s]\nk=1\nk=2\nk = 3\n"},
          {"values list", "[s]\nk=1\nx=0\n",
           R"({"section": "s", "option": "k", "values": ["1", "2", "3"]})", true, "option added",
           "[s]\nk = 1\nx=0\nk = 2\nk = 3\n"},
          {"values reorder", "[s]\nk=3\nk=9\nk=1\n",
           R"({"section": "s", "option": "k", "values": ["1", "2"]})", true, "option changed",
           "[s]\nk = 2\nk = 1\n"},
          {"absent option", kBase, R"({"section": "main", "option": "mirror", "state": "absent"})",
           true, "option changed", "[main]\n# the mirror\nretries=3\n\n[other]\nmirror=b\n"},
          {"absent option commented stays", "[main]\n#mirror=x\nmirror=a\n",
           R"({"section": "main", "option": "mirror", "state": "absent"})", true, "option changed",
           "[main]\n#mirror=x\n"},
          {"absent values not exclusive", "[s]\nk=1\nk=2\nk=3\n",
           R"({"section": "s", "option": "k", "values": ["1", "3"], "state": "absent", "exclusive": false})",
           true, "option changed", "[s]\nk=2\n"},
          {"absent section", kBase, R"({"section": "other", "state": "absent"})", true,
           "section removed", "[main]\n# the mirror\nmirror = a\nretries=3\n\n"},
          {"absent missing section", kBase, R"({"section": "nope", "state": "absent"})", false,
           "OK", kBase},
          {"no final newline", "[main]\nx=1", R"({"section": "main", "option": "y", "value": "2"})",
           true, "option added", "[main]\nx=1\ny = 2\n"},
          {"no final newline unchanged", "[main]\nx=1",
           R"({"section": "main", "option": "x", "value": "1"})", true, "option changed",
           "[main]\nx = 1\n"},
          {"empty file", "", R"({"section": "main", "option": "x", "value": "1"})", true,
           "section and option added", "\n[main]\nx = 1\n"},
          {"missing file", std::nullopt, R"({"section": "main", "option": "x", "value": "1"})",
           true, "section and option added", "\n[main]\nx = 1\n"},
          {"allow_no_value bare", "[mysqld]\nskip-name-resolve = 1\n",
           R"({"section": "mysqld", "option": "skip-name-resolve", "allow_no_value": true})", true,
           "option changed", "[mysqld]\nskip-name-resolve\n"},
          {"allow_no_value add", "[mysqld]\nport=3306\n",
           R"({"section": "mysqld", "option": "skip-external-locking", "allow_no_value": true})",
           true, "option added", "[mysqld]\nport=3306\nskip-external-locking\n"},
          {"crlf unchanged", "[main]\r\nx = 1\r\n",
           R"({"section": "main", "option": "x", "value": "1"})", false, "OK",
           "[main]\r\nx = 1\r\n"},
          {"crlf changed", "[main]\r\nx = 1\r\n",
           R"({"section": "main", "option": "x", "value": "2"})", true, "option changed",
           "[main]\nx = 2\n"},
          {"bom", "\ufeff[main]\nx = 1\n", R"({"section": "main", "option": "x", "value": "2"})",
           true, "option changed", "[main]\nx = 2\n"},
          {"section prefix", "[mainx]\na=1\n[main]\nb=2\n",
           R"({"section": "main", "option": "c", "value": "3"})", true, "option added",
           "[mainx]\na=1\n[main]\nb=2\nc = 3\n"},
          {"duplicate section", "[a]\nx=1\n[b]\ny=1\n[a]\nz=1\n",
           R"({"section": "a", "option": "w", "value": "2"})", true, "option added",
           "[a]\nx=1\nw = 2\n[b]\ny=1\n[a]\nz=1\n"},
          {"trailing comments in section", "[a]\nx=1\n\n# end of a\n[b]\n",
           R"({"section": "a", "option": "y", "value": "2"})", true, "option added",
           "[a]\nx=1\ny = 2\n\n# end of a\n[b]\n"},
          {"spaces and tabs", "[a]\n  x\t=\t1\n",
           R"({"section": "a", "option": "x", "value": "1"})", true, "option changed",
           "[a]\nx = 1\n"},
          {"value with equals", "[a]\nurl = http://x/?a=b\n",
           R"({"section": "a", "option": "url", "value": "http://x/?a=b"})", false, "OK",
           "[a]\nurl = http://x/?a=b\n"},
          {"option as prefix", "[a]\nxy = 1\n", R"({"section": "a", "option": "x", "value": "2"})",
           true, "option added", "[a]\nxy = 1\nx = 2\n"},
      }) {
    CAPTURE(c.label);
    Value raw = Value::parse(c.args);
    raw["path"] = "/etc/app/t.ini";
    Value args = Args(raw);
    IniFileModule module;
    const ReadResult stat = FileStat(c.before ? FileType::kFile : FileType::kMissing);
    Result<Change> change = module.Plan(args, {stat, FileContent(c.before), kDir}, Value::object());
    REQUIRE(change.ok());
    CHECK(change->changed == c.changed);
    CHECK(change->result["msg"] == c.msg);
    CHECK(change->result["path"] == "/etc/app/t.ini");
    if (c.changed) {
      REQUIRE(change->actions.size() == 1);
      CHECK(change->actions[0].kind == Kind::kWriteFile);
      CHECK(change->actions[0].content == c.after);
    } else {
      CHECK(change->actions.empty());
    }
  }
}

TEST_CASE("ini_file's msg is the edit's, attribute changes or not") {
  IniFileModule module;
  Value args = Args({{"path", "/etc/app.ini"},
                     {"section", "a"},
                     {"option", "x"},
                     {"value", "1"},
                     {"mode", "0600"}});
  Result<Change> change = module.Plan(
      args, {FileStat(FileType::kFile), FileContent("[a]\nx = 1\n"), kDir}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->changed);  // the mode
  CHECK(change->result == Value{{"msg", "OK"}, {"path", "/etc/app.ini"}});
}

TEST_CASE("ini_file fails on a missing file with create: false, and makes its directory") {
  IniFileModule module;
  Value args = Args({{"path", "/etc/app/new.ini"},
                     {"section", "a"},
                     {"option", "x"},
                     {"value", "1"},
                     {"create", false}});
  CHECK_FALSE(module
                  .Plan(args,
                        {FileStat(FileType::kMissing), FileContent(std::nullopt),
                         FileStat(FileType::kMissing)},
                        Value::object())
                  .ok());
  args["create"] = true;
  Result<Change> change = module.Plan(
      args, {FileStat(FileType::kMissing), FileContent(std::nullopt), FileStat(FileType::kMissing)},
      Value::object());
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].kind == Kind::kMakeDirectory);
  CHECK(change->actions[0].path == "/etc/app");
  CHECK(change->actions[1].content == "\n[a]\nx = 1\n");
}

TEST_CASE("ini_file arguments are checked when the playbook is read") {
  IniFileModule module;
  using Words = std::vector<std::string>;
  CHECK(testing::ArgErrors(module, {{"path", "/x.ini"}, {"section", "a"}, {"option", "o"}}) ==
        Words{"value: value (or values) is required with state: present, unless "
              "allow_no_value: true"});
  CHECK(testing::ArgErrors(module, {{"path", "/x.ini"}, {"section", "a"}, {"value", "1"}}) ==
        Words{"option: a value needs the option it is for: give option"});
  CHECK(testing::ArgErrors(module, {{"path", "/x.ini"}, {"state", "absent"}}) ==
        Words{"section: state: absent without option removes a section: name it with section"});
  CHECK(testing::ArgErrors(
            module, {{"path", "/x.ini"}, {"section", "a"}, {"option", "o"}, {"value", "1\nb=2"}})
            .size() == 1);
  CHECK(testing::ArgErrors(module, {{"path", "/x.ini"},
                                    {"section", "a"},
                                    {"option", "o"},
                                    {"value", "1"},
                                    {"values", Value::array({"2"})}})
            .size() == 1);
  CHECK(testing::ArgErrors(module, {{"path", "/x.ini"},
                                    {"section", "a"},
                                    {"option", "o"},
                                    {"value", "1"},
                                    {"validate", "true %s"}})
            .size() == 1);
}

}  // namespace
}  // namespace hostprep::modules
