#include "modules/stat.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(StatModule(), raw); }

// The probe's query and the script it runs.
std::vector<std::string> Query(const Value& args) {
  std::vector<Read> reads = StatModule().Probe(args, Value::object());
  REQUIRE(reads.size() == 1);
  REQUIRE(reads[0].kind == Read::Kind::kExec);
  return reads[0].argv;
}

// Runs the module's script for real in a temp dir prepared by `setup`,
// on `path`, as the probe would; returns the stat result Plan gives.
Value StatFor(const Value& raw, const std::string& setup, const std::string& path) {
  const Value args = Args(raw);
  std::vector<std::string> argv = Query(args);
  std::string call = "sh script.sh";
  for (size_t i = 4; i + 1 < argv.size(); ++i) call += " '" + argv[i] + "'";
  const testing::ScriptRun run =
      testing::RunScript(argv[2], setup + " && " + call + " \"$PWD/" + path + "\"");
  REQUIRE(run.status == 0);
  ReadResult answer;
  answer.exec = {0, run.out, ""};
  Result<Change> change = StatModule().Plan(args, {answer}, Value::object());
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  Value stat = change->result["stat"];
  // The temp dir is gone: keep the path relative to it.
  if (stat.contains("path")) {
    std::string p = stat["path"];
    stat["path"] = p.substr(p.rfind('/') + 1);
  }
  return stat;
}

TEST_CASE("stat describes a regular file as Ansible's stat does, with its checksum") {
  Value s = StatFor({{"path", "x"}}, "printf 'hello\\n' > f && chmod 0640 f", "f");
  CHECK(s["exists"] == true);
  CHECK(s["path"] == "f");
  CHECK(s["isreg"] == true);
  CHECK(s["isdir"] == false);
  CHECK(s["islnk"] == false);
  CHECK(s["mode"] == "0640");
  CHECK(s["size"] == 6);
  CHECK(s["rusr"] == true);
  CHECK(s["wgrp"] == false);
  CHECK(s["roth"] == false);
  CHECK(s["readable"] == true);
  CHECK(s["checksum"] == "f572d396fae9206628714fb2ce00f72e94f2258f");  // sha1sum of "hello\n"
  CHECK(s["nlink"] == 1);
  CHECK(s["mtime"].is_number_float());
  CHECK(s.contains("mimetype"));
  CHECK(s["attributes"].is_array());
  CHECK_FALSE(s.contains("lnk_target"));
}

TEST_CASE("stat of a missing path registers exists false and nothing else") {
  CHECK(StatFor({{"path", "x"}}, "true", "nope") == Value::parse(R"({"exists": false})"));
  CHECK(StatFor({{"path", "x"}}, "true", "nodir/nope") == Value::parse(R"({"exists": false})"));
}

TEST_CASE("stat describes a symlink, or what it points to with follow") {
  const std::string setup = "mkdir d && ln -s d link";
  Value link = StatFor({{"path", "x"}}, setup, "link");
  CHECK(link["islnk"] == true);
  CHECK(link["isdir"] == false);
  CHECK(link["lnk_target"] == "d");
  CHECK(link["lnk_source"].get<std::string>().size() > 2);
  CHECK_FALSE(link.contains("checksum"));
  Value followed = StatFor({{"path", "x"}, {"follow", true}}, setup, "link");
  CHECK(followed["islnk"] == false);
  CHECK(followed["isdir"] == true);
  CHECK_FALSE(followed.contains("lnk_target"));
}

TEST_CASE("stat asks only for what the task wants") {
  std::vector<std::string> argv = Query(Args({{"path", "/etc/x"},
                                              {"get_checksum", false},
                                              {"get_mime", false},
                                              {"get_attributes", false},
                                              {"follow", true}}));
  CHECK(std::vector<std::string>(argv.begin() + 4, argv.end()) ==
        std::vector<std::string>{"1", "", "0", "0", "0", "/etc/x"});
  argv = Query(Args({{"path", "~/.kube/config"}, {"checksum_algorithm", "sha256"}}));
  CHECK(std::vector<std::string>(argv.begin() + 4, argv.end()) ==
        std::vector<std::string>{"0", "sha256", "1", "1", "0", "~/.kube/config"});
  Value s = StatFor({{"path", "x"},
                     {"checksum_algorithm", "sha256"},
                     {"get_mime", false},
                     {"get_attributes", false}},
                    "printf 'hello\\n' > f", "f");
  CHECK(s["checksum"] == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  CHECK_FALSE(s.contains("mimetype"));
  CHECK_FALSE(s.contains("attributes"));
}

TEST_CASE("stat reads what file and lsattr say as Ansible does, unknown without file") {
  ReadResult answer;
  answer.exec = {0,
                 "path /etc/passwd\n"
                 "stat 81a4 0 0 1267 409612 65024 1 1796590463.436776600 "
                 "1796590463.436076400 1796590463.436076400 8 4096 0 0 root root\n"
                 "access rw-\n"
                 "mime text/plain; charset=us-ascii\n"
                 "attr 3387690203 --------------e------- /etc/passwd\n",
                 ""};
  Result<Change> c = StatModule().Plan(Args({{"path", "/etc/passwd"}}), {answer}, Value::object());
  REQUIRE(c.ok());
  const Value& s = c->result["stat"];
  CHECK(s["mimetype"] == "text/plain");
  CHECK(s["charset"] == "us-ascii");
  CHECK(s["version"] == "3387690203");
  CHECK(s["attr_flags"] == "e");
  CHECK(s["attributes"] == Value::parse(R"(["extents"])"));
  CHECK(s["atime"] == 1796590463.4367766);
  CHECK(s["writeable"] == true);
  CHECK(s["executable"] == false);
  answer.exec.stdout_data =
      "path /etc/passwd\nstat 81a4 0 0 1 1 1 1 1 1 1 1 1 0 0 root root\n"
      "access r--\n";
  c = StatModule().Plan(Args({{"path", "/etc/passwd"}}), {answer}, Value::object());
  REQUIRE(c.ok());
  CHECK(c->result["stat"]["mimetype"] == "unknown");
  CHECK(c->result["stat"]["attributes"] == Value::array());
  CHECK(c->result["stat"]["version"].is_null());
}

TEST_CASE("stat fails the task on a path it may not look at, naming it") {
  ReadResult answer;
  answer.exec = {0, "path /root/x\nerror stat: cannot statx '/root/x': Permission denied\n", ""};
  CHECK(StatModule().Plan(Args({{"path", "/root/x"}}), {answer}, Value::object()).message() ==
        "stat /root/x: stat: cannot statx '/root/x': Permission denied");
}

}  // namespace
}  // namespace hostprep::modules
