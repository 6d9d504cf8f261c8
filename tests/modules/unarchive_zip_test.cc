#include "modules/unarchive_zip.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "modules/scripts.h"
#include "modules/unarchive.h"
#include "tests/modules/module_test_util.h"
#include "tests/shell_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep::modules {
namespace {

using testing::Ran;

Value Args(const Value& raw) { return testing::NormalizedArgs(UnarchiveModule(), raw); }

// What the probe prints for /srv/rel/app.zip, extracted in /opt/app as it
// should be: a directory, a program, a symlink and a private file.
constexpr const char* kExtracted =
    "@@ uid 0\n@@ dest ok\n@@ src ok /srv/rel/app.zip\n@@ handler ZipArchive\n"
    "@@ ids 0 0\n@@ groups 0\n@@ future - -\n@@ umask 0022\n@@ zipinfo 0\n"
    "Archive:  /srv/rel/app.zip\n"
    "Zip file size: 700 bytes, number of entries: 4\n"
    "drwxr-xr-x  3.0 unx        0 bx stor 20231114.221320 app/\n"
    "-rwxr-xr-x  3.0 unx        5 tx stor 20231114.221320 app/tool\n"
    "lrwxrwxrwx  3.0 unx        4 bx stor 20231114.221320 app/link\n"
    "-rw-------  3.0 unx        8 tx defN 20231114.221320 app/my notes\n"
    "4 files, 17 bytes uncompressed, 17 bytes compressed:  0.0%\n"
    "@@ names\napp/\napp/tool\napp/link\napp/my notes\n"
    "@@ crc\nArchive:  /srv/rel/app.zip\n"
    " Length   Method    Size  Cmpr    Date    Time   CRC-32   Name\n"
    "--------  ------  ------- ---- ---------- ----- --------  ----\n"
    "       0  Stored        0   0% 2023-11-14 22:13 00000000  app/\n"
    "       5  Stored        5   0% 2023-11-14 22:13 0a1b2c3d  app/tool\n"
    "       4  Stored        4   0% 2023-11-14 22:13 22222222  app/link\n"
    "       8  Stored        8   0% 2023-11-14 22:13 33333333  app/my notes\n"
    "--------          -------  ---                            -------\n"
    "      17               17   0%                            4 files\n"
    "@@ times\n20231114.221320 1700000000\n"
    "@@ stat\n"
    "41ed 0 0 4096 1700000000.000000000 /opt/app/app/\n"
    "81ed 0 0 5 1700000000.000000000 /opt/app/app/tool\n"
    "a1ff 0 0 4 1700000000.000000000 /opt/app/app/link\n"
    "8180 0 0 8 1700000000.000000000 /opt/app/app/my notes\n"
    "41ed 0 0 4096 1700000000.000000000 /opt/app/app\n"
    "@@ sums\n0a1b2c3d app/tool\n33333333 app/my notes\n"
    "@@ deststat 0 0 root root 755 3 4096 directory\n";

std::string With(std::string answer, const std::string& from, const std::string& to) {
  const size_t at = answer.find(from);
  REQUIRE(at != std::string::npos);
  return answer.replace(at, from.size(), to);
}

Result<Change> PlanFor(const Value& args, const std::string& answer) {
  return UnarchiveModule().Plan(args, {Ran(0, answer)}, {});
}

TEST_CASE("unarchive finds a zip archive extracted when every member matches dest") {
  const Value args = Args({{"src", "/srv/rel/app.zip"},
                           {"dest", "/opt/app"},
                           {"remote_src", true},
                           {"list_files", true}});
  Result<Change> change = PlanFor(args, kExtracted);
  REQUIRE(change.ok());
  CHECK(!change->failed);
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(change->check_mode_skip.empty());  // Ansible's module checks zip archives in check mode
  CHECK(nlohmann::json::parse(change->result.dump()) == nlohmann::json::parse(R"({
    "dest": "/opt/app", "src": "/srv/rel/app.zip", "handler": "ZipArchive",
    "files": ["app/", "app/tool", "app/link", "app/my notes"], "uid": 0, "gid": 0,
    "owner": "root", "group": "root", "mode": "0755", "state": "directory", "size": 4096})"));
}

TEST_CASE("unarchive re-extracts a zip archive when a member differs in dest as Ansible's does") {
  const Value args =
      Args({{"src", "/srv/rel/app.zip"}, {"dest", "/opt/app"}, {"remote_src", true}});
  struct Row {
    std::string from, to, diff;
  };
  const std::vector<Row> rows = {
      {"81ed 0 0 5 1700000000.000000000 /opt/app/app/tool\n", "", ">f++++++.?? app/tool\n"},
      {"81ed 0 0 5 1700000000.000000000", "81ed 0 0 5 1700000001.000000000",
       ".f..t....?? app/tool\n"},
      {"81ed 0 0 5 1700000000.000000000", "81ed 0 0 5 1700000000.250000000",
       ".f..t....?? app/tool\n"},
      {"81ed 0 0 5 ", "81ed 0 0 6 ", ".f.s.....?? app/tool\n"},
      {"0a1b2c3d app/tool", "0a1b2c3e app/tool", ".fc......?? app/tool\n"},
      {"8180 0 0 8", "81a4 0 0 8", ".f...p...?? app/my notes\n"},
      {"a1ff 0 0 4", "a1ff 1000 0 4", ".L....o..?? app/link\n"},
      {"a1ff 0 0 4", "a1ff 0 1000 4", ".L....g..?? app/link\n"},
      {"41ed 0 0 4096 1700000000.000000000 /opt/app/app/\n", "", ""},  // the top folder's line
      {"41ed 0 0 4096 1700000000.000000000 /opt/app/app\n",
       "81a4 0 0 3 1700000000.000000000 /opt/app/app\n", "cd++++++.?? app/\n"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.to);
    Result<Change> change = PlanFor(args, With(kExtracted, row.from, row.to));
    REQUIRE(change.ok());
    CHECK(change->changed == !row.diff.empty());
    CHECK(change->diff == row.diff);
  }
  // zipinfo failing (a pattern matching nothing) counts as not extracted.
  Result<Change> change = PlanFor(args, With(kExtracted, "@@ zipinfo 0", "@@ zipinfo 11"));
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  const Action& apply = change->actions[0];
  CHECK(apply.argv[2] == std::string(scripts::kUnarchive));
  CHECK(std::vector<std::string>(apply.argv.begin() + 4, apply.argv.end()) ==
        std::vector<std::string>{"zip-apply", "/srv/rel/app.zip", "/opt/app", "1", "1", "", "", "",
                                 "@UNZIP@", "-o", "@SRC@", "-d", "/opt/app", "@MEMBERS@", "app/",
                                 "app/tool", "app/link", "app/my notes"});
  CHECK(change->reports);
  CHECK(change->predictable);
  CHECK(!change->command_output);
}

TEST_CASE("unarchive judges a zip archive against mode, owner, keep_newer and exclude") {
  // mode: every member but the symlink must have it, whatever the archive says.
  Value args = Args(
      {{"src", "/srv/rel/app.zip"}, {"dest", "/opt/app"}, {"remote_src", true}, {"mode", "0755"}});
  Result<Change> change = PlanFor(args, kExtracted);
  REQUIRE(change.ok());
  CHECK(change->diff == ".f...p...?? app/my notes\n");

  // owner: resolved on the target (future uid 1001).
  args = Args({{"src", "/srv/rel/app.zip"},
               {"dest", "/opt/app"},
               {"remote_src", true},
               {"owner", "app"},
               {"exclude", Value::array({"app/link", "app/my notes", "app/"})}});
  change = PlanFor(args, With(kExtracted, "@@ future - -", "@@ future 1001 -"));
  REQUIRE(change.ok());
  CHECK(change->diff == ".f....o..?? app/tool\n");
  REQUIRE(change->actions.size() == 1);
  CHECK(std::vector<std::string>(change->actions[0].argv.begin() + 12,
                                 change->actions[0].argv.end()) ==
        std::vector<std::string>{"@UNZIP@", "-o", "@SRC@", "-x", "app/link", "app/my notes", "app/",
                                 "-d", "/opt/app", "@MEMBERS@", "app/tool"});

  // keep_newer: a member newer in dest is left out of the extraction.
  args = Args({{"src", "/srv/rel/app.zip"},
               {"dest", "/opt/app"},
               {"remote_src", true},
               {"keep_newer", true},
               {"extra_opts", Value::array({"-q"})}});
  std::string answer =
      With(kExtracted, "81ed 0 0 5 1700000000.000000000", "81ed 0 0 6 1800000000.000000000");
  change = PlanFor(args, answer);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  answer = With(answer, "8180 0 0 8 1700000000.000000000 /opt/app/app/my notes\n", "");
  change = PlanFor(args, answer);
  REQUIRE(change.ok());
  CHECK(change->diff == ">f++++++.?? app/my notes\n");
  CHECK(std::vector<std::string>(change->actions[0].argv.begin() + 12,
                                 change->actions[0].argv.end()) ==
        std::vector<std::string>{"@UNZIP@", "-o", "-q", "@SRC@", "-x", "app/tool", "-d", "/opt/app",
                                 "@MEMBERS@", "app/", "app/tool", "app/link", "app/my notes"});
}

TEST_CASE("unarchive fails a zip archive the target cannot handle, saying what to do") {
  const Value args = Args(
      {{"src", "/srv/rel/app.zip"}, {"dest", "/opt/app"}, {"remote_src", true}, {"owner", "app"}});
  Result<Change> change =
      PlanFor(args, "@@ uid 0\n@@ dest ok\n@@ src ok /srv/rel/app.zip\n@@ handler nounzip\n");
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message ==
        "/srv/rel/app.zip is a zip archive and the target has no unzip: install the unzip "
        "package on the host (a package task before this one), as Ansible's unarchive needs "
        "unzip and zipinfo");
  change = PlanFor(args, With(With(kExtracted, "@@ ids 0 0", "@@ ids 1000 1000"), "@@ future - -",
                              "@@ future 1001 -"));
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Cannot change ownership to uid 1001, as uid 1000");
  change =
      PlanFor(args, "@@ uid 0\n@@ dest ok\n@@ src ok /srv/rel/app.zip\n@@ handler ZipArchive\n");
  CHECK(!change.ok());
}

TEST_CASE("unarchive's script extracts a zip archive on this machine, values staying data") {
  testing::TempTree tree;
  const std::string dest = tree.dir() + "/it's \"$(touch " + tree.dir() + "/pwned)\"";
  std::filesystem::create_directories(dest);
  tree.Write("src/app/tool", "tool\n");
  tree.Write("src/app/my notes", "read me\n");
  const std::string archive = tree.dir() + "/app.zip";
  REQUIRE(testing::RunCommand("cd " + testing::SingleQuoted(tree.dir() + "/src") +
                              " && chmod 600 'app/my notes' && touch -d @1700000000 app/* app && "
                              "zip -q " +
                              testing::SingleQuoted(archive) + " app app/tool 'app/my notes'")
              .exit_code == 0);
  const UnarchiveModule module;
  const Value args = Args({{"src", archive}, {"dest", dest}, {"remote_src", true}});
  auto probe = [&] {
    const std::vector<Read> reads = module.Probe(args, {});
    std::string line;
    for (const std::string& a : reads[0].argv) line += testing::SingleQuoted(a) + " ";
    const testing::Output out = testing::RunCommand(line);
    return module.Plan(args, {Ran(out.exit_code, out.text)}, {});
  };
  Result<Change> change = probe();
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == ">d++++++.?? app/\n>f++++++.?? app/tool\n>f++++++.?? app/my notes\n");
  REQUIRE(change->actions.size() == 1);
  std::string line;
  for (const std::string& a : change->actions[0].argv) line += testing::SingleQuoted(a) + " ";
  const testing::Output ran = testing::RunCommand(line);
  Result<Change> report = module.Report(args, {ran.exit_code, ran.text, ""});
  REQUIRE(report.ok());
  CHECK(!report->failed);
  CHECK(report->changed);
  CHECK(report->result["extract_results"]["rc"] == 0);
  CHECK(report->result["extract_results"]["cmd"][0] == "/usr/bin/unzip");

  change = probe();
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->diff.empty());

  // Same size and time, other bytes: only the CRC tells.
  REQUIRE(testing::RunCommand("cd " + testing::SingleQuoted(dest) +
                              " && printf 'toox\\n' >app/tool && touch -d @1700000000 app/tool")
              .exit_code == 0);
  change = probe();
  REQUIRE(change.ok());
  CHECK(change->diff == ".fc......?? app/tool\n");
  CHECK(!std::filesystem::exists(tree.dir() + "/pwned"));
}

// A zip archive made here with zip(1) in `dir`/app.zip: a 0750 directory, a
// program, a private file, a symlink, all at 1700000000.
std::string MakeZip(const std::string& dir) {
  const testing::Output made = testing::RunCommand(
      "cd " + testing::SingleQuoted(dir) +
      " && mkdir -p src/app/bin && cd src && printf 'tool\\n' >app/bin/tool && "
      "printf 'secret\\n' >'app/my notes' && ln -s bin/tool app/link && chmod 750 app/bin && "
      "chmod 755 app/bin/tool && chmod 600 'app/my notes' && "
      "touch -h -d @1700000000 app/bin/tool 'app/my notes' app/link app/bin app && "
      "zip -q -y ../app.zip app app/bin app/bin/tool 'app/my notes' app/link");
  REQUIRE_MESSAGE(made.exit_code == 0, made.text);
  return dir + "/app.zip";
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_CASE("unarchive reads a zip archive on the controller as zipinfo lists it on the host") {
  testing::TempTree tree;
  const std::string archive = MakeZip(tree.dir());
  std::vector<std::string> stamps;
  Result<ZipFacts> listed =
      ReadZipDirectory(Args({{"src", "a"}, {"dest", "/d"}}), ReadBytes(archive), &stamps);
  REQUIRE(listed.ok());
  CHECK(stamps.empty());  // zip(1) writes UT times
  CHECK(listed->names ==
        std::vector<std::string>{"app/", "app/bin/", "app/bin/tool", "app/my notes", "app/link"});
  // zipinfo's own listing: the same types, modes, sizes and names.
  const testing::Output zi = testing::RunCommand("zipinfo -T -s " + testing::SingleQuoted(archive) +
                                                 " | awk 'length($7) == 15 { print $1, $4 }'");
  std::string ours;
  for (const std::string& line : listed->zipinfo) {
    const std::vector<std::string> w = PySplit(line);
    ours += w[0] + " " + w[3] + "\n";
  }
  CHECK(ours == zi.text);
  const testing::Output crc = testing::RunCommand("unzip -v " + testing::SingleQuoted(archive) +
                                                  " | awk '$8 == \"app/bin/tool\" { print $7 }'");
  CHECK(fmt::format("{:08x}\n", listed->archive_crc["app/bin/tool"]) == crc.text);
  CHECK(listed->times.begin()->second == 1700000000);

  // Patterns as zipinfo's: an include matching nothing fails it.
  listed = ReadZipDirectory(
      Args({{"src", "a"}, {"dest", "/d"}, {"include", Value::array({"app/bin/*", "nothing"})}}),
      ReadBytes(archive), &stamps);
  REQUIRE(listed.ok());
  CHECK(listed->zipinfo.size() == 2);
  CHECK(listed->zipinfo_rc == 11);
  CHECK(!ReadZipDirectory(Args({{"src", "a"}, {"dest", "/d"}}), "PK\x03\x04 cut short", &stamps)
             .ok());
}

TEST_CASE("unarchive sends a controller zip archive only when dest differs") {
  testing::TempTree tree;
  const std::string archive = MakeZip(tree.dir());
  const std::string dest = tree.dir() + "/it's \"$(touch " + tree.dir() + "/pwned)\"";
  std::filesystem::create_directories(dest);
  const UnarchiveModule module;
  const Value args = Args({{"src", "app.zip"}, {"dest", dest}, {"mode", "0750"}});
  const std::vector<ReadResult> probed = {testing::FileStat(FileType::kDirectory),
                                          testing::FileContent(ReadBytes(archive))};
  auto run = [&](const std::vector<std::string>& argv, const std::string& stdin_file) {
    std::string line;
    for (const std::string& a : argv) line += testing::SingleQuoted(a) + " ";
    if (!stdin_file.empty()) line += "< " + testing::SingleQuoted(stdin_file);
    const testing::Output out = testing::RunCommand(line);
    return Ran(out.exit_code, out.text);
  };
  auto plan = [&] {
    Result<Change> more = module.Plan(args, probed, {});
    REQUIRE(more.ok());
    REQUIRE(more->more_reads.size() == 1);
    std::vector<ReadResult> reads = probed;
    reads.push_back(run(more->more_reads[0].argv, ""));
    return module.Plan(args, reads, {});
  };
  Result<Change> change = plan();
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->check_mode_skip.empty());
  CHECK(change->diff.find(">f++++++.?? app/bin/tool\n") != std::string::npos);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv[5] == "-");
  CHECK(change->actions[0].stdin_data == ReadBytes(archive));
  Result<Change> report = module.Report(args, run(change->actions[0].argv, archive).exec);
  REQUIRE(report.ok());
  CHECK(!report->failed);
  CHECK(report->result["extract_results"]["rc"] == 0);
  CHECK(StartsWith(report->result["src"].get<std::string>(), "/tmp/"));
  CHECK(std::filesystem::exists(dest + "/app/bin/tool"));
  CHECK((std::filesystem::status(dest + "/app/my notes").permissions() &
         std::filesystem::perms::all) == static_cast<std::filesystem::perms>(0750));

  change = plan();
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(change->result["state"] == "directory");  // dest's stat, as Ansible registers it
  CHECK(!std::filesystem::exists(tree.dir() + "/pwned"));
}

}  // namespace
}  // namespace hostprep::modules
