#include "modules/apt_repository.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "modules/module_util.h"
#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(AptRepositoryModule(), raw); }

using testing::Ran;

constexpr char kDocker[] =
    "deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] "
    "https://download.docker.com/linux/debian bookworm stable";

// The probe script's answer for these files.
ReadResult Sources(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& [path, text] : files)
    out += "F " + std::to_string(text.size()) + " " + path + "\n" + text;
  return Ran(0, out);
}

TEST_CASE("apt_repository parses source lines as Ansible's module does") {
  AptSourceLine l = ParseAptSourceLine("  deb   http://x/debian  bookworm main # the mirror\n");
  CHECK(l.valid);
  CHECK(l.enabled);
  CHECK(l.source == "deb http://x/debian bookworm main");
  CHECK(l.comment == "the mirror");
  l = ParseAptSourceLine("#deb-src http://x/debian bookworm main");
  CHECK(l.valid);
  CHECK(!l.enabled);
  CHECK(l.source == "deb-src http://x/debian bookworm main");
  l = ParseAptSourceLine("# just a comment");
  CHECK(!l.valid);
  CHECK(l.source == "just a comment");
  CHECK(!ParseAptSourceLine("").valid);
}

TEST_CASE("apt_repository names the file after the source's first URI") {
  const std::vector<std::pair<std::string, std::string>> table = {
      {kDocker, "download_docker_com_linux_debian.list"},
      {"deb http://user:secret@repo.example.org/debian bookworm main",
       "repo_example_org_debian.list"},
      {"deb [trusted=yes] copy:/srv/hostprep-repo ./", "copy_srv_hostprep_repo.list"},
      {"deb-src file:///srv/repo ./", "srv_repo.list"},
  };
  for (const auto& [line, file] : table) {
    CAPTURE(line);
    CHECK(AptSourceFile(ParseAptSourceLine(line).source, "") == file);
  }
  CHECK(AptSourceFile(kDocker, "docker") == "docker.list");
}

TEST_CASE("apt_repository adds a new source to its own file and refreshes the lists") {
  AptRepositoryModule module;
  const Value args = Args({{"repo", kDocker}, {"filename", "docker"}, {"mode", "0600"}});
  Result<Change> change = module.Plan(
      args,
      {Sources({{"/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n"}})},
      {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result["repo"] == kDocker);
  CHECK(change->result["state"] == "present");
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].kind == Action::Kind::kWriteFile);
  CHECK(change->actions[0].path == "/etc/apt/sources.list.d/docker.list");
  CHECK(change->actions[0].content == std::string(kDocker) + "\n");
  CHECK(change->actions[0].mode == 0600u);
  // apt-get update with retries; on failure the new file goes again.
  const std::vector<std::string>& update = change->actions[1].argv;
  REQUIRE(update.size() > 4);
  CHECK(update[2] == std::string(scripts::kAptUpdateRevert));
  CHECK(update[update.size() - 2] == "rm");
  CHECK(update.back() == "/etc/apt/sources.list.d/docker.list");
  CHECK(change->diff ==
        "--- before: /dev/null\n+++ after: /etc/apt/sources.list.d/docker.list\n@@ -0,0 +1 @@\n+" +
            std::string(kDocker) + "\n");
  CHECK(change->message ==
        "would add '" + std::string(kDocker) +
            "' in /etc/apt/sources.list.d/docker.list and refresh the package lists");

  // Once there, with other blanks, anywhere: no change.
  change = module.Plan(args,
                       {Sources({{"/etc/apt/sources.list.d/other.list",
                                  "deb  [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc]  "
                                  "https://download.docker.com/linux/debian bookworm stable\n"}})},
                       {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
}

TEST_CASE("apt_repository enables a commented-out source and writes the file back normalised") {
  AptRepositoryModule module;
  const std::string file = "/etc/apt/sources.list.d/x.list";
  Result<Change> change =
      module.Plan(Args({{"repo", "deb http://x/debian bookworm main"}, {"update_cache", false}}),
                  {Sources({{file, "#comment\n#deb http://x/debian bookworm main\n\n"},
                            {"/etc/apt/sources.list.d/empty.list", ""}})},
                  {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  // An empty file goes, as Ansible's save removes a file without lines.
  CHECK(change->actions[0].kind == Action::Kind::kRemove);
  CHECK(change->actions[0].path == "/etc/apt/sources.list.d/empty.list");
  CHECK(change->actions[1].path == file);
  CHECK(change->actions[1].content == "# comment\ndeb http://x/debian bookworm main\n\n");
}

TEST_CASE("apt_repository removes an enabled source, and the file it leaves empty") {
  AptRepositoryModule module;
  const Value absent = Args({{"repo", "deb http://x/debian bookworm main"}, {"state", "absent"}});
  Result<Change> change = module.Plan(
      absent,
      {Sources({{"/etc/apt/sources.list.d/x.list", "deb http://x/debian bookworm main\n"},
                {"/etc/apt/sources.list", "deb http://y/debian bookworm main\n"}})},
      {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].kind == Action::Kind::kRemove);
  CHECK(change->actions[0].path == "/etc/apt/sources.list.d/x.list");
  // A failed refresh writes it back.
  const std::vector<std::string>& update = change->actions[1].argv;
  CHECK(std::vector<std::string>(update.end() - 3, update.end()) ==
        std::vector<std::string>{"put", "/etc/apt/sources.list.d/x.list",
                                 "deb http://x/debian bookworm main\n"});
  CHECK(change->diff ==
        "--- before: /etc/apt/sources.list.d/x.list\n+++ after: /dev/null\n@@ -1 +0,0 @@\n"
        "-deb http://x/debian bookworm main\n");

  // Commented out is not enabled: nothing to remove.
  change = module.Plan(
      absent, {Sources({{"/etc/apt/sources.list", "# deb http://x/debian bookworm main\n"}})}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
}

TEST_CASE("apt_repository fails as Ansible's does on a line that is no source") {
  AptRepositoryModule module;
  Result<Change> change =
      module.Plan(Args({{"repo", "http://x/debian bookworm main"}}), {Sources({})}, {});
  REQUIRE(!change.ok());
  CHECK(change.message() == "Invalid repository string: http://x/debian bookworm main");
  change = module.Plan(Args({{"repo", "# deb http://x/debian bookworm main"}}), {Sources({})}, {});
  CHECK(change.message() == "Invalid repository string:  deb http://x/debian bookworm main");
  change = module.Plan(Args({{"repo", "deb http://x/ a"}}), {Ran(1, "", "sh: boom")}, {});
  CHECK(change.message() ==
        "read /etc/apt/sources.list and /etc/apt/sources.list.d/*.list failed (rc=1): sh: boom");
}

TEST_CASE("apt_repository refuses values that would add lines or need the network") {
  AptRepositoryModule module;
  CHECK(testing::ArgErrors(module, {{"repo", "deb http://x/ a main\ndeb http://evil/ a main"}}) ==
        std::vector<std::string>{
            "repo: repo \"deb http://x/ a main\\ndeb http://evil/ a main\" holds a newline (\\n) "
            "at byte 20: it would become another line of the sources file; give one source "
            "line"});
  CHECK(testing::ArgErrors(module, {{"repo", "ppa:deadsnakes/ppa"}}).size() == 1);
  CHECK(testing::ArgErrors(module, {{"repo", " "}}) ==
        std::vector<std::string>{"repo: Please set argument 'repo' to a non-empty value"});
  CHECK(testing::ArgErrors(module, {{"repo", kDocker}, {"filename", "../../cron.d/x"}}) ==
        std::vector<std::string>{
            "filename: filename '../../cron.d/x' is not a plain file name (it holds a '/'): give "
            "the name of the file in /etc/apt/sources.list.d, without '.list'"});
  CHECK(testing::ArgErrors(module, {{"repo", kDocker}, {"filename", "a\nb"}}).size() == 1);
  CHECK(testing::ArgErrors(module, {{"repo", kDocker}, {"update-cache", false}}).empty());
}

TEST_CASE("apt_repository's probe script lists the sources files") {
  const testing::ScriptRun run = testing::RunScript(scripts::kAptSources, "sh script.sh");
  CHECK(run.status == 0);
  Result<FileListing> listing = ParseFileListing(run.out, "sources");
  CHECK(listing.ok());
}

}  // namespace
}  // namespace hostprep::modules
