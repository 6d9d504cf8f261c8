// pam_limits against Ansible's module: each case's expected file, changed
// flag and msg are what community.general's pam_limits gave when run with
// the same arguments on the same file ("DEST" stands for its path).
#include "modules/pam_limits.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

struct Case {
  const char* name;
  std::optional<std::string> content;  // nullopt: no file
  Value args;
  bool failed;
  bool changed;
  std::string msg;
  std::optional<std::string> text;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      {"new line in an empty file", "",
       Value::object(
           {{"domain", "*"}, {"limit_type", "-"}, {"limit_item", "nofile"}, {"value", "65536"}}),
       false, true, "*\t-\tnofile\t65536\n", "*\t-\tnofile\t65536\n"},
      {"new line after comments",
       "# /etc/security/limits.conf\n#\n#<domain> <type> <item> <value>\n\n# End of file\n",
       Value::object({{"domain", "*"},
                      {"limit_type", "soft"},
                      {"limit_item", "nofile"},
                      {"value", "65536"},
                      {"comment", "k8s"}}),
       false, true, "*\tsoft\tnofile\t65536\t#k8s\n",
       "# /etc/security/limits.conf\n#\n#<domain> <type> <item> <value>\n\n# End of "
       "file\n*\tsoft\tnofile\t65536\t#k8s\n"},
      {"same value", "*   soft   nofile   65536\n",
       Value::object(
           {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nofile"}, {"value", "65536"}}),
       false, false, "*   soft   nofile   65536\n", "*   soft   nofile   65536\n"},
      {"other value replaced", "root hard nproc 100\n*  soft  nofile 1024   # old\nfoo\n",
       Value::object(
           {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nofile"}, {"value", "65536"}}),
       false, true, "*\tsoft\tnofile\t65536\t# old\n\n",
       "root hard nproc 100\n*\tsoft\tnofile\t65536\t# old\n\nfoo\n"},
      {"comment carried to appended line", "root hard nproc 100 # from root\n",
       Value::object(
           {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nofile"}, {"value", "4096"}}),
       false, true, "*\tsoft\tnofile\t4096\t# from root\n\n",
       "root hard nproc 100 # from root\n*\tsoft\tnofile\t4096\t# from root\n\n"},
      {"use_max keeps larger", "* - nofile 1048576\n",
       Value::object({{"domain", "*"},
                      {"limit_type", "-"},
                      {"limit_item", "nofile"},
                      {"value", "65536"},
                      {"use_max", true}}),
       false, false, "* - nofile 1048576\n", "* - nofile 1048576\n"},
      {"use_max raises", "* - nofile 1024\n",
       Value::object({{"domain", "*"},
                      {"limit_type", "-"},
                      {"limit_item", "nofile"},
                      {"value", "0065536"},
                      {"use_max", true}}),
       false, true, "*\t-\tnofile\t65536\n", "*\t-\tnofile\t65536\n"},
      {"use_max unlimited in file", "* - memlock unlimited\n",
       Value::object({{"domain", "*"},
                      {"limit_type", "-"},
                      {"limit_item", "memlock"},
                      {"value", "64"},
                      {"use_max", true}}),
       false, false, "* - memlock unlimited\n", "* - memlock unlimited\n"},
      {"use_min lowers", "@users hard core 100\n",
       Value::object({{"domain", "@users"},
                      {"limit_type", "hard"},
                      {"limit_item", "core"},
                      {"value", "0"},
                      {"use_min", true}}),
       false, true, "@users\thard\tcore\t0\n", "@users\thard\tcore\t0\n"},
      {"use_min unlimited value", "@users hard core 100\n",
       Value::object({{"domain", "@users"},
                      {"limit_type", "hard"},
                      {"limit_item", "core"},
                      {"value", "unlimited"},
                      {"use_min", true}}),
       false, false, "@users hard core 100\n", "@users hard core 100\n"},
      {"invalid line in file", "* soft nofile lots\n",
       Value::object(
           {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nproc"}, {"value", "10"}}),
       true, false,
       "Invalid configuration found in 'DEST'. Value of 'lots' for item 'nofile' is invalid. Value "
       "must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, or a limit "
       "of 0 or larger. Refer to the limits.conf(5) manual pages for more details.",
       "* soft nofile lots\n"},
      {"nice valid", "",
       Value::object(
           {{"domain", "deploy"}, {"limit_type", "-"}, {"limit_item", "nice"}, {"value", "-5"}}),
       false, true, "deploy\t-\tnice\t-5\n", "deploy\t-\tnice\t-5\n"},
      {"no trailing newline", "* soft nofile 10",
       Value::object(
           {{"domain", "*"}, {"limit_type", "hard"}, {"limit_item", "nofile"}, {"value", "20"}}),
       false, true, "*\thard\tnofile\t20\n", "* soft nofile 10*\thard\tnofile\t20\n"},
      {"duplicate lines both changed", "* soft nofile 10\n* soft nofile 11\n",
       Value::object({{"domain", "*"},
                      {"limit_type", "soft"},
                      {"limit_item", "nofile"},
                      {"value", "20"},
                      {"comment", "c"}}),
       false, true, "*\tsoft\tnofile\t20\t#\t#c\n",
       "*\tsoft\tnofile\t20\t#c\n*\tsoft\tnofile\t20\t#\t#c\n"},
      {"indented comment and tabs", "  # indented\n\t*\tsoft\tnofile\t10\n",
       Value::object(
           {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nofile"}, {"value", "20"}}),
       false, true, "*\tsoft\tnofile\t20\t# indented\n\n",
       "  # indented\n*\tsoft\tnofile\t20\t# indented\n\n"},
      {"missing file", std::nullopt,
       Value::object(
           {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nofile"}, {"value", "20"}}),
       false, true, "*\tsoft\tnofile\t20\n", "*\tsoft\tnofile\t20\n"},
  };
  return kCases;
}

PamLimit LimitOf(const Value& raw) {
  const Value args = testing::NormalizedArgs(PamLimitsModule(), raw);
  PamLimit l;
  l.domain = args["domain"];
  l.type = args["limit_type"];
  l.item = args["limit_item"];
  l.value = args["value"];
  l.comment = args["comment"];
  l.use_max = args["use_max"];
  l.use_min = args["use_min"];
  return l;
}

TEST_CASE("pam_limits edits limits.conf line for line as Ansible's module does") {
  for (const Case& c : Cases()) {
    CAPTURE(c.name);
    Result<PamLimitsEdit> edit = EditPamLimits(LimitOf(c.args), c.content.value_or(""), "DEST");
    if (c.failed) {
      REQUIRE(!edit.ok());
      CHECK(edit.message() == c.msg);
      continue;
    }
    REQUIRE_MESSAGE(edit.ok(), edit.message());
    CHECK(edit->changed == c.changed);
    CHECK(edit->msg == c.msg);
    CHECK(edit->text == c.text.value_or(""));
  }
}

// The plan around the edit: the file read in the probe, written when the
// text changes, created in a directory that is there, refused in one that
// is not.
TEST_CASE("pam_limits writes the file only when the limit changes") {
  const Value args =
      testing::NormalizedArgs(PamLimitsModule(), {{"domain", "*"},
                                                  {"limit_type", "-"},
                                                  {"limit_item", "nofile"},
                                                  {"value", "65536"},
                                                  {"dest", "/etc/security/limits.d/k8s.conf"}});
  const ReadResult dir = testing::FileStat(FileType::kDirectory, 0755);
  Result<Change> same = PamLimitsModule().Plan(
      args,
      {testing::FileStat(FileType::kFile), testing::FileContent("*\t-\tnofile\t65536\n"), dir},
      Value::object());
  REQUIRE(same.ok());
  CHECK_FALSE(same->changed);
  CHECK(same->result["msg"] == "*\t-\tnofile\t65536\n");
  Result<Change> created = PamLimitsModule().Plan(
      args, {testing::FileStat(FileType::kMissing), testing::FileContent(std::nullopt), dir},
      Value::object());
  REQUIRE(created.ok());
  CHECK(created->changed);
  REQUIRE(created->actions.size() == 1);
  CHECK(created->actions[0].kind == Action::Kind::kWriteFile);
  CHECK(created->actions[0].path == "/etc/security/limits.d/k8s.conf");
  CHECK(created->actions[0].content == "*\t-\tnofile\t65536\n");
  Result<Change> no_dir = PamLimitsModule().Plan(
      args,
      {testing::FileStat(FileType::kMissing), testing::FileContent(std::nullopt),
       testing::FileStat(FileType::kMissing)},
      Value::object());
  REQUIRE(!no_dir.ok());
  CHECK(no_dir.message() ==
        "directory /etc/security/limits.d is not writable (check presence, access rights, use "
        "sudo)");
}

TEST_CASE("pam_limits refuses a value that cannot be a limit before any host") {
  auto errors = [](const Value& more) {
    Value raw = {{"domain", "*"}, {"limit_type", "soft"}, {"limit_item", "nofile"}};
    raw.update(more);
    return testing::ArgErrors(PamLimitsModule(), raw);
  };
  CHECK(errors({{"value", "lots"}}) ==
        std::vector<std::string>{
            "value: Value of 'lots' for item 'nofile' is invalid. Value must either be "
            "'unlimited', 'infinity' or -1, all of which indicate no limit, or a limit of 0 or "
            "larger. Refer to the limits.conf(5) manual pages for more details."});
  CHECK(errors({{"value", "20"}, {"limit_item", "nice"}}) ==
        std::vector<std::string>{
            "value: Value of '20' for item 'nice' is invalid. Value must be a number in the "
            "range -20 to 19 inclusive. Refer to the limits.conf(5) manual pages for more "
            "details."});
  CHECK(errors({{"value", "10"}, {"use_max", true}, {"use_min", true}}) ==
        std::vector<std::string>{": Cannot use use_min and use_max at the same time."});
  CHECK(errors({{"value", "{{ limit }}"}}).empty());
  CHECK(errors({{"value", "-1"}}).empty());
}

}  // namespace
}  // namespace hostprep::modules
