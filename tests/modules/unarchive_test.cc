#include "modules/unarchive.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"
#include "tests/shell_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(UnarchiveModule(), raw); }

using testing::FileContent;
using testing::FileStat;
using testing::Ran;

// The script's argv run on this machine, with `stdin_file` as its stdin.
ReadResult RunHere(const std::vector<std::string>& argv, const std::string& stdin_file = "") {
  std::string line;
  for (const std::string& a : argv) line += testing::SingleQuoted(a) + " ";
  if (!stdin_file.empty()) line += "< " + testing::SingleQuoted(stdin_file);
  const testing::Output out = testing::RunCommand(line);
  return Ran(out.exit_code, out.text);
}

constexpr const char* kUnchanged =
    "@@ uid 0\n@@ dest ok\n@@ src ok /srv/rel/cni.tgz\n@@ handler TgzArchive\n@@ list\n./\n"
    "./bridge\n./host\\040local\n@@ unarchived yes\n@@ deststat 0 0 root root 755 2 4096 "
    "directory\n";

TEST_CASE("unarchive refuses what it cannot do before any host is contacted") {
  const UnarchiveModule module;
  CHECK(testing::ArgErrors(module, {{"src", "https://get.helm.sh/helm.tgz"}, {"dest", "/opt"}}) ==
        std::vector<std::string>{
            "src: src 'https://get.helm.sh/helm.tgz' is a URL: hostprep's unarchive does not "
            "download; fetch the archive to the target first, then give its path with "
            "remote_src: true"});
  CHECK(testing::ArgErrors(module, {{"src", "a.tgz"}, {"dest", ""}}) ==
        std::vector<std::string>{
            "dest: argument 'dest' is empty: give the directory to extract into"});
  CHECK(testing::ArgErrors(module, {{"src", "a.tgz"},
                                    {"dest", "/opt"},
                                    {"include", Value::array({"a"})},
                                    {"exclude", Value::array({"b"})}})
            .size() == 1);
  CHECK(testing::ArgErrors(
            module, {{"src", "a.tgz"}, {"dest", "/opt"}, {"copy", false}, {"remote_src", true}})
            .size() == 1);
}

TEST_CASE("unarchive reads the controller archive and sends it to the target to decide") {
  UnarchiveModule module;
  const Value args = Args({{"src", "cni.tgz"},
                           {"dest", "/opt/cni/bin"},
                           {"owner", "root"},
                           {"mode", "0755"},
                           {"creates", "/opt/cni/bin/bridge"}});
  const std::vector<Read> probe = module.Probe(args, {});
  REQUIRE(probe.size() == 3);
  CHECK(probe[0].kind == Read::Kind::kStat);
  CHECK(probe[0].path == "/opt/cni/bin/bridge");
  CHECK(probe[1].path == "/opt/cni/bin");
  CHECK(probe[2].kind == Read::Kind::kLocalFile);
  CHECK(!probe[2].render);

  // creates exists: skipped, as Ansible's action says.
  Result<Change> change = module.Plan(
      args, {FileStat(FileType::kFile), FileStat(FileType::kDirectory), FileContent("x")}, {});
  REQUIRE(change.ok());
  CHECK(change->skipped);
  CHECK(change->skip_reason == "skipped, since /opt/cni/bin/bridge exists");

  change = module.Plan(
      args, {FileStat(FileType::kMissing), FileStat(FileType::kMissing), FileContent("x")}, {});
  CHECK(change.message() == "dest '/opt/cni/bin' must be an existing dir");
  change = module.Plan(
      args,
      {FileStat(FileType::kMissing), FileStat(FileType::kDirectory), FileContent(std::nullopt)},
      {});
  CHECK(change.message() ==
        "src 'cni.tgz' does not exist on the controller (looked for it in the role's and "
        "playbook's files/ directories and beside the playbook); give remote_src: true for an "
        "archive on the target");

  change = module.Plan(args,
                       {FileStat(FileType::kMissing), FileStat(FileType::kDirectory),
                        FileContent(std::string("\x1f\x8b archive", 10))},
                       {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(!change->predictable);
  CHECK(change->reports);
  CHECK(!change->command_output);
  CHECK(change->check_mode_skip ==
        "remote module (ansible.legacy.unarchive) does not support check mode when using gtar");
  REQUIRE(change->actions.size() == 1);
  const Action& apply = change->actions[0];
  CHECK(apply.stdin_data == std::string("\x1f\x8b archive", 10));
  CHECK(apply.argv[2] == std::string(scripts::kUnarchive));
  CHECK(std::vector<std::string>(apply.argv.begin() + 4, apply.argv.end()) ==
        std::vector<std::string>{"apply", "-", "/opt/cni/bin", "0", "1", "0755", "root", "",
                                 "@ZIP@", "--owner=root", "-f", "@SRC@", "@ZIPINFO@"});
}

TEST_CASE("unarchive builds tar's words as Ansible's module does") {
  const Value args = Args({{"src", "/srv/helm.tar.xz"},
                           {"dest", "/usr/local/bin"},
                           {"remote_src", true},
                           {"extra_opts", Value::array({"--strip-components=1"})},
                           {"group", "my group"},
                           {"keep_newer", true},
                           {"exclude", Value::array({"docs/", "*.md"})}});
  const std::vector<Read> probe = UnarchiveModule().Probe(args, {});
  REQUIRE(probe.size() == 1);
  CHECK(std::vector<std::string>(probe[0].argv.begin() + 4, probe[0].argv.end()) ==
        std::vector<std::string>{"inspect",
                                 "/srv/helm.tar.xz",
                                 "/usr/local/bin",
                                 "1",
                                 "0",
                                 "",
                                 "",
                                 "my group",
                                 "@ZIP@",
                                 "--show-transformed-names",
                                 "--strip-components=1",
                                 "--group='my group'",
                                 "--keep-newer-files",
                                 "--exclude=docs",
                                 "--exclude=*.md",
                                 "-f",
                                 "@SRC@",
                                 "@ZIPINFO@",
                                 "-x",
                                 "docs/",
                                 "*.md"});
  CHECK(PyShellQuote("root") == "root");
  CHECK(PyShellQuote("it's") == "'it'\"'\"'s'");
  CHECK(PyShellQuote("") == "''");
  CHECK(EscapeDecode("a\\040b\\\\c\\303\\251") == "a b\\c\xc3\xa9");
}

TEST_CASE("unarchive with remote_src decides in the probe from tar --diff") {
  UnarchiveModule module;
  const Value args = Args({{"src", "/srv/rel/cni.tgz"},
                           {"dest", "/opt/cni/bin"},
                           {"remote_src", true},
                           {"list_files", true},
                           {"exclude", Value::array({"*local"})}});
  Result<Change> change = module.Plan(args, {Ran(0, kUnchanged)}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(nlohmann::json::parse(change->result.dump()) == nlohmann::json::parse(R"({
    "dest": "/opt/cni/bin", "src": "/srv/rel/cni.tgz", "handler": "TgzArchive",
    "files": ["./", "./bridge"], "uid": 0, "gid": 0, "owner": "root", "group": "root",
    "mode": "0755", "state": "directory", "size": 4096})"));

  std::string differs = kUnchanged;
  differs.replace(differs.find("unarchived yes"), 14, "unarchived no");
  change = module.Plan(args, {Ran(0, differs)}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->reports);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv[4] == "apply");
  CHECK(change->actions[0].stdin_data.empty());

  struct Row {
    std::string answer;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"@@ uid 0\n@@ dest missing\n", "dest '/opt/cni/bin' must be an existing dir"},
      {"@@ uid 0\n@@ dest ok\n@@ src missing\n", "Source '/srv/rel/cni.tgz' does not exist"},
      {"@@ uid 0\n@@ dest ok\n@@ src empty\n",
       "Invalid archive '/srv/rel/cni.tgz', the file is 0 bytes"},
      {"@@ uid 0\n@@ dest ok\n@@ src ok /srv/rel/cni.tgz\n@@ handler none\n@@ reasons\n"
       "Command \"/usr/bin/tar\" could not handle archive\n",
       "Failed to find handler for \"/srv/rel/cni.tgz\". Make sure the required command to "
       "extract the file is installed.\nCommand \"/usr/bin/tar\" could not handle archive"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.answer);
    change = module.Plan(args, {Ran(0, row.answer)}, {});
    REQUIRE(change.ok());
    CHECK(change->failed);
    CHECK(change->message == row.message);
  }
}

TEST_CASE("unarchive registers what the extraction did") {
  UnarchiveModule module;
  const Value args = Args({{"src", "cni.tgz"}, {"dest", "/opt/cni/bin"}, {"mode", "0755"}});
  const std::string applied =
      "@@ uid 0\n@@ dest ok\n@@ src ok /tmp/tmp.x/source\n@@ handler TgzArchive\n@@ list\n"
      "./bridge\n@@ unarchived no\n@@ tar /usr/bin/tar\n@@ extract 0\n@@ out\n@@ err\n"
      "@@ attrs 1\n@@ deststat 0 0 root root 755 2 4096 directory\n";
  Result<Change> report = module.Report(args, {0, applied, ""});
  REQUIRE(report.ok());
  CHECK(report->changed);
  CHECK(!report->failed);
  CHECK(report->result["src"] == "/tmp/tmp.x/source");
  CHECK(nlohmann::json::parse(report->result["extract_results"].dump()) ==
        nlohmann::json::parse(R"({"cmd": ["/usr/bin/tar", "--extract", "-C", "/opt/cni/bin",
          "-z", "-f", "/tmp/tmp.x/source"], "rc": 0, "out": "", "err": ""})"));

  // Unchanged on the target, with attributes that already hold.
  std::string same =
      applied.substr(0, applied.find("@@ unarchived")) +
      "@@ unarchived yes\n@@ attrs 0\n@@ deststat 0 0 root root 755 2 4096 directory\n";
  report = module.Report(args, {0, same, ""});
  REQUIRE(report.ok());
  CHECK(!report->changed);
  CHECK(!report->result.contains("extract_results"));

  std::string broken = applied;
  const std::string ran = "@@ extract 0\n@@ out\n@@ err\n";
  broken.replace(broken.find(ran), ran.size(),
                 "@@ extract 2\n@@ out\n@@ err\ntar: bridge: Cannot open: Permission denied\n");
  report = module.Report(args, {0, broken, ""});
  REQUIRE(report.ok());
  CHECK(report->failed);
  CHECK(report->message == "failed to unpack /tmp/tmp.x/source to /opt/cni/bin");
  CHECK(report->result["extract_results"]["err"] ==
        "tar: bridge: Cannot open: Permission denied\n");
}

TEST_CASE("unarchive's script extracts on this machine, values staying data") {
  testing::TempTree tree;
  const std::string hostile = tree.dir() + "/it's \"$(touch " + tree.dir() + "/pwned)\"\nx";
  std::filesystem::create_directories(hostile);
  tree.Write("src/bin/tool", "tool\n");
  tree.Write("src/doc/README", "read me\n");
  const std::string archive = tree.dir() + "/rel.tar.xz";
  REQUIRE(testing::RunCommand("tar --mtime=@1700000000 -C " +
                              testing::SingleQuoted(tree.dir() + "/src") + " -cJf " +
                              testing::SingleQuoted(archive) + " bin doc")
              .exit_code == 0);
  UnarchiveModule module;
  const Value remote = Args({{"src", archive},
                             {"dest", hostile},
                             {"remote_src", true},
                             {"exclude", Value::array({"$(touch pwned2)", "doc"})},
                             {"mode", "0750"}});
  Result<Change> change = module.Plan(remote, {RunHere(module.Probe(remote, {})[0].argv)}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  // As Ansible's module: gzip's -z fails, then plain tar reads it (GNU tar
  // finds the compression itself), before the xz handler is tried.
  CHECK(change->result["handler"] == "TarArchive");
  REQUIRE(change->actions.size() == 1);
  Result<Change> report = module.Report(remote, RunHere(change->actions[0].argv).exec);
  REQUIRE(report.ok());
  CHECK(report->changed);
  CHECK(report->result["extract_results"]["rc"] == 0);
  CHECK(std::filesystem::exists(hostile + "/bin/tool"));
  CHECK(!std::filesystem::exists(hostile + "/doc"));
  CHECK((std::filesystem::status(hostile + "/bin/tool").permissions() &
         std::filesystem::perms::all) == static_cast<std::filesystem::perms>(0750));

  change = module.Plan(remote, {RunHere(module.Probe(remote, {})[0].argv)}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);

  // The same archive from the controller: sent on stdin, nothing to do.
  const Value local = Args(
      {{"src", archive}, {"dest", hostile}, {"exclude", Value::array({"doc"})}, {"mode", "0750"}});
  const std::vector<std::string> argv = {"/bin/sh",
                                         "-c",
                                         scripts::kUnarchive,
                                         "sh",
                                         "apply",
                                         "-",
                                         hostile,
                                         "1",
                                         "1",
                                         "0750",
                                         "",
                                         "",
                                         "@ZIP@",
                                         "--exclude=doc",
                                         "-f",
                                         "@SRC@",
                                         "@ZIPINFO@"};
  report = module.Report(local, RunHere(argv, archive).exec);
  REQUIRE(report.ok());
  CHECK(!report->failed);
  CHECK(!report->changed);
  CHECK(!std::filesystem::exists(tree.dir() + "/pwned"));
  CHECK(!std::filesystem::exists("pwned2"));
}

}  // namespace
}  // namespace hostprep::modules
