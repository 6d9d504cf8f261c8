#include "modules/get_url.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep::modules {
namespace {

using testing::Ran;

constexpr const char* kUrl = "http://10.0.0.1:8080/pkg/tool-1.0.tgz";
// SHA-1 of "hello\n", of "world\n", and SHA-256 of "hello\n".
constexpr const char* kHelloSha1 = "f572d396fae9206628714fb2ce00f72e94f2258f";
constexpr const char* kWorldSha1 = "9591818c07e900db7e1e0bc4b884c945e6a61b24";
constexpr const char* kHelloSha256 =
    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

Value Args(Value raw) {
  if (!raw.contains("url")) raw["url"] = kUrl;
  if (!raw.contains("dest")) raw["dest"] = "/opt/tool.tgz";
  return testing::NormalizedArgs(GetUrlModule(), raw);
}

ReadResult Stat(FileType type, unsigned mode = 0644) {
  ReadResult r = testing::FileStat(type, mode);
  r.stat.size = 6;
  return r;
}

std::string Answer(const std::string& dest_kind, const std::string& request,
                   const std::string& status, const std::string& extra = "") {
  std::string out = "@@ dest\n" + dest_kind + "\n@@ parent\nyes\n";
  if (dest_kind == "file") out += std::string("@@ sha1\n") + kHelloSha1 + "\n";
  out += extra;
  out += "@@ request\n" + request + "\n";
  if (request == "none") return out;
  return out + "@@ status\n" + status + " " + kUrl + "\n@@ error\n@@ headers\nHTTP/1.0 " + status +
         (status == "404" ? " File not found" : " OK") +
         "\r\nServer: SimpleHTTP/0.6\r\nContent-Length: 6\r\n\r\n";
}

Result<Change> Plan(const Value& args, const ReadResult& stat, const std::string& answer) {
  return GetUrlModule().Plan(args, {stat, Ran(0, answer), Stat(FileType::kMissing)}, {});
}

TEST_CASE("get_url reads its checksum argument as Ansible's module does") {
  Result<GetUrlChecksum> c = ParseGetUrlChecksum("sha256:  5891B5B5-22d5\u200b");
  REQUIRE(c.ok());
  CHECK(c->algorithm == "sha256");
  CHECK(c->value == "5891b5b522d5");
  c = ParseGetUrlChecksum("sha256:https://example.invalid/SHA256SUMS");
  REQUIRE(c.ok());
  CHECK(c->url == "https://example.invalid/SHA256SUMS");
  CHECK(c->value.empty());
  CHECK(ParseGetUrlChecksum("").ok());
  CHECK(ParseGetUrlChecksum("5891b5b5").message() ==
        "The checksum parameter has to be in format <algorithm>:<checksum>");
  CHECK(ParseGetUrlChecksum("sha256:not-hex").message() == "The checksum format is invalid");
  CHECK(ParseGetUrlChecksum("blake2b:abcd").message() ==
        "checksum algorithm 'blake2b' is not one hostprep can check: use md5, sha1, sha224, "
        "sha256, sha384 or sha512");

  CHECK(UrlFilename("https://h.invalid/a/b/tool-1.0.tgz?sig=1#x") == "tool-1.0.tgz");
  CHECK(UrlFilename("https://h.invalid/a/") == "index.html");
  CHECK(UrlFilename("https://h.invalid") == "index.html");

  const std::string a(64, 'a');
  CHECK(DigestFromSums({a}, "x.tgz") == a);
  CHECK(DigestFromSums({"b  other.tgz", "c *./x.tgz", "d  x.tgz"}, "x.tgz") == "c");
  CHECK(DigestFromSums({"b  other.tgz", "lonely"}, "x.tgz") == std::nullopt);
  CHECK(DigestFromSums({}, "x.tgz") == std::nullopt);

  CHECK(FilenameFromHeaders({"HTTP/1.1 302 Found",
                             "Content-Disposition: attachment; "
                             "filename=\"first.tgz\"",
                             "", "HTTP/1.1 200 OK",
                             "Content-Disposition: attachment; filename=\"../../etc/x.tgz\""}) ==
        "x.tgz");
  CHECK(FilenameFromHeaders({"HTTP/1.1 200 OK", "Content-Disposition: inline"}).empty());
}

TEST_CASE("get_url refuses what would leak a secret or become more of a request") {
  const GetUrlModule module;
  auto errors = [&](Value raw) {
    raw["dest"] = "/opt/x";
    if (!raw.contains("url")) raw["url"] = kUrl;
    return testing::ArgErrors(module, raw);
  };
  CHECK(errors({{"url_password", "s3cret"}}).empty());
  CHECK(errors({{"url_password", "s3\ncret"}}).size() == 1);
  CHECK(errors({{"url", "https://me:s3cret@h.invalid/x"}}) ==
        std::vector<std::string>{
            "url: the URL holds a password, which would be readable in the host's process list "
            "while curl runs: put it in ~/.netrc on the host instead (use_netrc)"});
  CHECK(errors({{"url", "https://me@h.invalid/x"}}).empty());
  CHECK(errors({{"url", "gopher://h.invalid/x"}}) ==
        std::vector<std::string>{"url: 'gopher://h.invalid/x' is not an http, https, ftp or file "
                                 "URL"});
  CHECK(errors({{"headers", {{"X-A", "1\r\nX-Evil: 2"}}}}).size() == 1);
  CHECK(errors({{"headers", {{"X-A", "1"}}}}).empty());
  CHECK(errors({{"checksum", "sha256"}}).size() == 1);
  CHECK(errors({{"owner", "root:root"}}).size() == 1);
  CHECK(errors({{"unredirected_headers", Value::array({"Authorization"})}}).size() == 1);
}

TEST_CASE("get_url downloads a missing file, asking the server first") {
  const Value args = Args({{"mode", "0755"}, {"http_agent", "roles/1"}});
  const std::vector<Read> probe = GetUrlModule().Probe(args, {});
  REQUIRE(probe.size() == 3);
  CHECK(probe[2].path == "/opt/tool.tgz/tool-1.0.tgz");
  CHECK(probe[0].kind == Read::Kind::kStat);
  const std::vector<std::string>& argv = probe[1].argv;
  REQUIRE(argv.size() > 12);
  CHECK(std::vector<std::string>(argv.begin() + 4, argv.begin() + 13) ==
        std::vector<std::string>{kUrl, "/opt/tool.tgz", "", "", "", "0", "", "tool-1.0.tgz", "1"});
  CHECK(std::find(argv.begin(), argv.end(), "roles/1") != argv.end());

  Result<Change> change = Plan(args, Stat(FileType::kMissing), Answer("missing", "HEAD", "200"));
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->message == std::string("would download ") + kUrl + " to /opt/tool.tgz");
  CHECK(change->result["msg"] == "OK (6 bytes)");
  CHECK(!change->result.contains("status_code"));  // a real run's, as Ansible's check mode
  CHECK(change->applied_result["status_code"] == 200);
  CHECK(change->result["checksum_dest"].is_null());
  CHECK(change->result["checksum_src"].is_null());
  CHECK(change->diff.find("mode: 0755") != std::string::npos);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv[4] == "download");
  CHECK(change->actions[0].argv[11] == "755");
  CHECK(!change->command_output);
  CHECK(change->reports);

  // The destination's directory is missing: Ansible's message, before any download.
  std::string answer = Answer("missing", "HEAD", "200");
  answer.replace(answer.find("yes"), 3, "no");
  change = Plan(args, Stat(FileType::kMissing), answer);
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Destination /opt does not exist");
}

TEST_CASE("get_url leaves a file with the checksum asked for, asking nobody") {
  const Value args = Args({{"checksum", std::string("sha256:") + kHelloSha256}});
  const std::string answer =
      Answer("file", "none", "", std::string("@@ digest\n") + kHelloSha256 + "\n");
  Result<Change> change = Plan(args, Stat(FileType::kFile), answer);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(change->result["msg"] == "file already exists");
  CHECK(change->result["mode"] == "0644");
  CHECK(change->result["state"] == "file");

  // Only the mode differs: set, as Ansible's "file attributes changed".
  change = Plan(Args({{"checksum", std::string("sha256:") + kHelloSha256}, {"mode", "0600"}}),
                Stat(FileType::kFile), answer);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result["msg"] == "file already exists but file attributes changed");
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv[4] == "attrs");

  // Another digest: downloaded again, whatever the server's time says.
  const std::string other =
      Answer("file", "GET", "200", std::string("@@ digest\n") + std::string(64, 'f') + "\n") +
      "@@ body\n" + kWorldSha1 + "\n";
  change = Plan(args, Stat(FileType::kFile), other);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result["checksum_dest"] == kHelloSha1);
  CHECK(change->result["checksum_src"] == kWorldSha1);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv[8] == "sha256");
  CHECK(change->actions[0].argv[9] == kHelloSha256);
}

TEST_CASE("get_url trusts If-Modified-Since and compares what the server sends") {
  const Value args = Args({});
  Result<Change> change = Plan(args, Stat(FileType::kFile), Answer("file", "GET-IF", "304"));
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->result["msg"] == "HTTP Error 304: Not Modified");
  CHECK(change->result["status_code"] == 304);
  CHECK(!change->result.contains("checksum_src"));

  // A server that ignores the time and sends the same bytes: no change.
  change = Plan(args, Stat(FileType::kFile),
                Answer("file", "GET-IF", "200") + "@@ body\n" + kHelloSha1 + "\n");
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->result["msg"] == "OK (6 bytes)");
  CHECK(change->result["checksum_src"] == kHelloSha1);
  CHECK(change->result["checksum_dest"] == kHelloSha1);

  change = Plan(args, Stat(FileType::kFile),
                Answer("file", "GET-IF", "200") + "@@ body\n" + kWorldSha1 + "\n");
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff.find(std::string("content: sha1 ") + kHelloSha1 + " -> " + kWorldSha1) !=
        std::string::npos);
}

TEST_CASE("get_url fails as Ansible's does on a refused request or a host without curl") {
  const Value args = Args({});
  Result<Change> change = Plan(args, Stat(FileType::kMissing), Answer("missing", "HEAD", "404"));
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->result["msg"] == "Request failed");
  CHECK(change->result["status_code"] == 404);
  CHECK(change->result["response"] == "HTTP Error 404: File not found");

  std::string refused = Answer("missing", "HEAD", "000");
  refused.replace(refused.find("@@ error\n"), 9,
                  "@@ error\ncurl: (7) Failed to connect to 10.0.0.1 port 8080\n");
  change = Plan(args, Stat(FileType::kMissing), refused);
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Request failed: curl: (7) Failed to connect to 10.0.0.1 port 8080");

  CHECK(Plan(args, Stat(FileType::kMissing), "@@ curl\nnone\n").message().find("needs curl") !=
        std::string::npos);

  const Value sums = Args({{"checksum", "sha256:http://10.0.0.1:8080/SHA256SUMS"}});
  change = Plan(sums, Stat(FileType::kMissing),
                Answer("missing", "HEAD", "200",
                       "@@ sums\nabc  other.tgz\n\n@@ sums_status\n200\n@@ sums_error\n"));
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message ==
        "Unable to find a checksum for file 'tool-1.0.tgz' in 'http://10.0.0.1:8080/SHA256SUMS'");
}

TEST_CASE("get_url registers what the download says about the file") {
  Value v = ReadGetUrlOutput(
      {0,
       "status 200\nelapsed 1\nbackup_file /opt/t.tgz.77.2026-12-07@10:00:00~\nsha1 abc\nmd5 "
       "def\nstat 0 1234 root UNKNOWN 755 1 6 regular file\n",
       ""});
  CHECK(v["status_code"] == 200);
  CHECK(v["elapsed"] == 1);
  CHECK(v["checksum_src"] == "abc");
  CHECK(v["md5sum"] == "def");
  CHECK(v["mode"] == "0755");
  CHECK(v["size"] == 6);
  CHECK(v["state"] == "file");
  CHECK(v["owner"] == "root");
  CHECK(v["group"] == "1234");
  CHECK(v["backup_file"] == "/opt/t.tgz.77.2026-12-07@10:00:00~");
  // A failed download fails the task with Ansible's message.
  Result<Change> failed = GetUrlModule().Report(
      Args({}),
      {1, "status 200\nelapsed 0\nmsg The checksum for /x did not match a; it was b.\n", ""});
  REQUIRE(failed.ok());
  CHECK(failed->failed);
  CHECK(failed->message == "The checksum for /x did not match a; it was b.");
  Result<Change> done = GetUrlModule().Report(Args({}), {0, "status 200\nsha1 abc\n", ""});
  REQUIRE(done.ok());
  CHECK(done->changed);
  CHECK(done->result["checksum_src"] == "abc");
}

TEST_CASE("get_url into a directory names the file as the response or the URL does") {
  const Value args = Args({{"dest", "/opt/"}});
  std::string answer = Answer("dir", "GET", "200") + "@@ body\n" + kHelloSha1 + "\n";
  ReadResult named = Stat(FileType::kFile);
  // The URL's name, already there with the same bytes: no change, in one read.
  Result<Change> change = GetUrlModule().Plan(
      args, {Stat(FileType::kDirectory), Ran(0, answer + "@@ named\n" + kHelloSha1 + "\n"), named},
      {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->result["dest"] == "/opt/tool-1.0.tgz");
  CHECK(change->result["checksum_dest"] == kHelloSha1);

  // Content-Disposition names another file: read it, then plan.
  answer.insert(answer.find("Content-Length"),
                "Content-Disposition: attachment; filename=\"tool.tgz\"\r\n");
  const std::vector<ReadResult> first = {Stat(FileType::kDirectory), Ran(0, answer + "@@ named\n"),
                                         Stat(FileType::kMissing)};
  change = GetUrlModule().Plan(args, first, {});
  REQUIRE(change.ok());
  REQUIRE(change->more_reads.size() == 2);
  CHECK(change->more_reads[0].path == "/opt/tool.tgz");
  std::vector<ReadResult> all = first;
  all.push_back(Stat(FileType::kMissing));
  all.push_back(Ran(0, ""));
  change = GetUrlModule().Plan(args, all, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result["dest"] == "/opt/tool.tgz");
  CHECK(change->actions[0].argv[6] == "/opt/tool.tgz");
}

// The scripts run for real on this machine, with file: URLs (no network).
TEST_CASE("get_url's scripts download, check and replace a file atomically") {
  testing::TempTree tree;
  const std::string dir = tree.dir();
  tree.Write("src", "hello\n");
  tree.Write("dest", "world\n");
  ::chmod((dir + "/dest").c_str(), 0640);
  const std::string url = "file://" + dir + "/src";
  auto run = [&](const std::string& script, const std::vector<std::string>& args) {
    std::string cmd = "sh script.sh";
    for (const std::string& a : args) cmd += " '" + a + "'";
    return testing::RunScript(script, cmd);
  };
  testing::ScriptRun probe = run(scripts::kGetUrlProbe, {url, dir + "/dest", "sha256", kHelloSha256,
                                                         "", "0", "", "src", "1", "-A", "x"});
  CHECK(probe.status == 0);
  const Value args = Args(
      {{"url", url}, {"dest", dir + "/dest"}, {"checksum", std::string("sha256:") + kHelloSha256}});
  ReadResult stat = Stat(FileType::kFile, 0640);
  Result<Change> change =
      GetUrlModule().Plan(args, {stat, Ran(0, probe.out), Stat(FileType::kMissing)}, {});
  REQUIRE(change.ok());
  INFO(probe.out);
  CHECK(change->changed);
  CHECK(change->result["checksum_src"] == kHelloSha1);
  CHECK(change->result["checksum_dest"] == kWorldSha1);

  // A wrong checksum: dest stays as it was, and nothing is left beside it.
  testing::ScriptRun bad = run(scripts::kGetUrlFetch, {"download", url, dir + "/dest", "", "sha1",
                                                       kWorldSha1, "0", "", "", ""});
  CHECK(bad.status != 0);
  CHECK(ReadGetUrlOutput({1, bad.out, ""})["msg"] == "The checksum for " + dir +
                                                         "/dest did not match " + kWorldSha1 +
                                                         "; it was " + kHelloSha1 + ".");
  std::stringstream kept;
  kept << std::ifstream(dir + "/dest").rdbuf();
  CHECK(kept.str() == "world\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 2);

  testing::ScriptRun good = run(scripts::kGetUrlFetch, {"download", url, dir + "/dest", "", "sha1",
                                                        kHelloSha1, "1", "", "", ""});
  CHECK(good.status == 0);
  const Value got = ReadGetUrlOutput({0, good.out, ""});
  CHECK(got["checksum_src"] == kHelloSha1);
  CHECK(got["mode"] == "0640");  // the replaced file's
  CHECK(got.contains("backup_file"));
  std::stringstream now;
  now << std::ifstream(dir + "/dest").rdbuf();
  CHECK(now.str() == "hello\n");

  // Now the checksum is there: no request at all.
  probe = run(scripts::kGetUrlProbe,
              {url, dir + "/dest", "sha256", kHelloSha256, "", "0", "", "src", "1", "-A", "x"});
  CHECK(probe.out.find("@@ request\nnone\n") != std::string::npos);
}

TEST_CASE("get_url gives curl a password and headers on its stdin, never in its arguments") {
  const Value args = Args({{"url_username", "alice"},
                           {"url_password", "s3cr\"et\\"},
                           {"force_basic_auth", true},
                           {"headers", {{"X-Token", "t0ken"}}}});
  auto leaks = [](const std::vector<std::string>& argv) {
    for (const std::string& a : argv)
      if (a.find("s3cr") != std::string::npos || a.find("t0ken") != std::string::npos ||
          a.find("alice") != std::string::npos)
        return true;
    return false;
  };
  const std::vector<Read> probe = GetUrlModule().Probe(args, {});
  CHECK(!leaks(probe[1].argv));
  CHECK(probe[1].argv[12] == "0");  // the probe asks the server nothing

  // The file is there without a checksum: the download step asks.
  Result<Change> change = Plan(args, Stat(FileType::kFile), Answer("file", "none", ""));
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(!change->predictable);  // check mode cannot tell
  REQUIRE(change->actions.size() == 1);
  const Action& fetch = change->actions[0];
  CHECK(fetch.argv[4] == "ask");
  CHECK(!leaks(fetch.argv));
  const std::vector<std::string> k = {"-K", "-"};
  CHECK(std::search(fetch.argv.begin(), fetch.argv.end(), k.begin(), k.end()) != fetch.argv.end());
  CHECK(fetch.stdin_data == "user = \"alice:s3cr\\\"et\\\\\"\nheader = \"X-Token: t0ken\"\n");

  // The server answered 304, or sent the bytes dest holds: no change.
  Result<Change> report = GetUrlModule().Report(
      args, {0, "status 304\nelapsed 0\nmsg HTTP Error 304: Not Modified\nsame 304\n", ""});
  REQUIRE(report.ok());
  CHECK(!report->changed);
  CHECK(report->result["msg"] == "HTTP Error 304: Not Modified");
  CHECK(report->result["status_code"] == 304);
  report = GetUrlModule().Report(args, {0, "status 200\nelapsed 0\nmsg OK (6 bytes)\n", ""});
  REQUIRE(report.ok());
  CHECK(report->changed);
  report = GetUrlModule().Report(
      args, {0, "status 401\nelapsed 0\nmsg OK (0 bytes)\nmsg Request failed\nfailed\n", ""});
  REQUIRE(report.ok());
  CHECK(report->failed);
  CHECK(!report->changed);
  CHECK(report->message == "Request failed");
  CHECK(report->result["status_code"] == 401);

  // A checksum the file has: no request at all, as without secrets.
  const Value sums =
      Args({{"url_password", "s3cret"}, {"checksum", std::string("sha256:") + kHelloSha256}});
  change = Plan(sums, Stat(FileType::kFile),
                Answer("file", "none", "", std::string("@@ digest\n") + kHelloSha256 + "\n"));
  REQUIRE(change.ok());
  CHECK(!change->changed);

  change = Plan(args, Stat(FileType::kDirectory), Answer("dir", "none", ""));
  CHECK(!change.ok());
}

TEST_CASE("get_url's download step reads curl's config from stdin and keeps the same bytes") {
  testing::TempTree tree;
  const std::string dir = tree.dir();
  tree.Write("src", "hello\n");
  tree.Write("dest", "hello\n");
  tree.Write("config", "header = \"X-Token: t0ken\"\n");
  const std::string url = "file://" + dir + "/src";
  std::string cmd = "sh script.sh ask '" + url + "' '" + dir +
                    "/dest' '' '' '' 0 '' '' '' -K - < '" + dir + "/config'";
  testing::ScriptRun same = testing::RunScript(scripts::kGetUrlFetch, cmd);
  CHECK(same.status == 0);
  INFO(same.out);
  Result<Change> report = GetUrlModule().Report(Args({}), {0, same.out, ""});
  REQUIRE(report.ok());
  CHECK(!report->changed);
  tree.Write("src", "world\n");
  testing::ScriptRun got = testing::RunScript(scripts::kGetUrlFetch, cmd);
  CHECK(got.status == 0);
  report = GetUrlModule().Report(Args({}), {0, got.out, ""});
  REQUIRE(report.ok());
  CHECK(report->changed);
  std::stringstream now;
  now << std::ifstream(dir + "/dest").rdbuf();
  CHECK(now.str() == "world\n");
}

}  // namespace
}  // namespace hostprep::modules
