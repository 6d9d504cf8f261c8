#include "engine/run/local_files.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "tests/temp_tree.h"

namespace hostprep {
namespace {

TEST_CASE(
    "local files are looked for in the role, its task file's directory, then the playbook's") {
  CHECK(LocalFileCandidates("app.conf.j2", "templates", {"roles/web", "roles/web/tasks"}, "pb") ==
        std::vector<std::string>{"roles/web/templates/app.conf.j2", "roles/web/app.conf.j2",
                                 "roles/web/tasks/templates/app.conf.j2",
                                 "roles/web/tasks/app.conf.j2", "pb/templates/app.conf.j2",
                                 "pb/app.conf.j2"});
  // A file that is not rendered is looked for under files/; a name that
  // already starts with that directory is not put under it twice.
  CHECK(LocalFileCandidates("files/key.pub", "files", {"r"}, "pb") ==
        std::vector<std::string>{"r/files/key.pub", "pb/files/key.pub"});
  CHECK(LocalFileCandidates("/etc/motd", "files", {"r"}, "pb") ==
        std::vector<std::string>{"/etc/motd"});
}

TEST_CASE("a local file is the first candidate that exists, else the playbook's") {
  char tmpl[] = "/tmp/hostprep-local-files-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  std::filesystem::create_directories(dir + "/role/templates");
  std::filesystem::create_directories(dir + "/pb/templates");
  std::ofstream(dir + "/role/templates/a.j2") << "role";
  std::ofstream(dir + "/pb/templates/a.j2") << "playbook";
  std::ofstream(dir + "/pb/templates/b.j2") << "playbook";
  CHECK(FindLocalFile("a.j2", "templates", {dir + "/role"}, dir + "/pb") ==
        dir + "/role/templates/a.j2");
  CHECK(FindLocalFile("b.j2", "templates", {dir + "/role"}, dir + "/pb") ==
        dir + "/pb/templates/b.j2");
  CHECK(FindLocalFile("c.j2", "templates", {dir + "/role"}, dir + "/pb") == dir + "/pb/c.j2");
  std::filesystem::remove_all(dir);
}

// A temp dir whose files hold their own names.
struct Tree {
  void Write(const std::string& name) { tree.Write(name, name); }
  testing::TempTree tree;
  const std::string& dir = tree.dir();
};

TEST_CASE("first_found gives the first name found in the search paths, as Ansible's lookup") {
  Tree t;
  t.Write("role/vars/Debian.yml");
  t.Write("role/vars/default.yml");
  t.Write("pb/vars/site.yml");
  t.Write("extra/x.yml");
  const std::vector<std::string> paths = {t.dir + "/role", t.dir + "/role/tasks"};
  auto found = [&](const char* terms) {
    Result<Value> r = FirstFound(Value::parse(terms), "vars", paths, t.dir + "/pb");
    return r.ok() ? r->dump() : "error: " + r.message();
  };
  CHECK(found(R"(["Ubuntu.yml", "Debian.yml", "default.yml"])") ==
        "[\"" + t.dir + "/role/vars/Debian.yml\"]");
  CHECK(found(R"(["site.yml"])") == "[\"" + t.dir + "/pb/vars/site.yml\"]");
  // A mapping's files and paths, split on , and ; (paths also on :).
  CHECK(found(("[{\"files\": \"a.yml,x.yml\", \"paths\": \"" + t.dir + "/none:" + t.dir +
               "/extra\"}]")
                  .c_str()) == "[\"" + t.dir + "/extra/x.yml\"]");
  CHECK(found(R"([{"files": ["missing.yml"], "skip": true}])") == "[]");
  CHECK(found(R"(["missing.yml", "other.yml"])") ==
        "error: no file was found when using first_found (tried 2 names in the task's search "
        "paths)");
}

TEST_CASE("fileglob finds files in the search paths' files/ directories, sorted") {
  Tree t;
  t.Write("role/files/b.conf");
  t.Write("role/files/a.conf");
  t.Write("role/files/c.txt");
  t.Write("pb/files/conf.d/z.conf");
  const std::vector<std::string> paths = {t.dir + "/role"};
  CHECK(FileGlob(Value::parse(R"(["*.conf"])"), paths, t.dir + "/pb").dump() ==
        "[\"" + t.dir + "/role/files/a.conf\",\"" + t.dir + "/role/files/b.conf\"]");
  CHECK(FileGlob(Value::parse(R"(["conf.d/*.conf"])"), paths, t.dir + "/pb").dump() ==
        "[\"" + t.dir + "/pb/files/conf.d/z.conf\"]");
  CHECK(FileGlob(Value::parse(R"(["*.none"])"), paths, t.dir + "/pb").dump() == "[]");
}

}  // namespace
}  // namespace hostprep
