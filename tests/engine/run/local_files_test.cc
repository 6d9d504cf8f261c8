#include "engine/run/local_files.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace hostprep {
namespace {

TEST_CASE(
    "local files are looked for in the role, its task file's directory, then the playbook's") {
  CHECK(LocalFileCandidates("app.conf.j2", true, {"roles/web", "roles/web/tasks"}, "pb") ==
        std::vector<std::string>{"roles/web/templates/app.conf.j2", "roles/web/app.conf.j2",
                                 "roles/web/tasks/templates/app.conf.j2",
                                 "roles/web/tasks/app.conf.j2", "pb/templates/app.conf.j2",
                                 "pb/app.conf.j2"});
  // A file that is not rendered is looked for under files/; a name that
  // already starts with that directory is not put under it twice.
  CHECK(LocalFileCandidates("files/key.pub", false, {"r"}, "pb") ==
        std::vector<std::string>{"r/files/key.pub", "pb/files/key.pub"});
  CHECK(LocalFileCandidates("/etc/motd", false, {"r"}, "pb") ==
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
  CHECK(FindLocalFile("a.j2", true, {dir + "/role"}, dir + "/pb") == dir + "/role/templates/a.j2");
  CHECK(FindLocalFile("b.j2", true, {dir + "/role"}, dir + "/pb") == dir + "/pb/templates/b.j2");
  CHECK(FindLocalFile("c.j2", true, {dir + "/role"}, dir + "/pb") == dir + "/pb/c.j2");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hostprep
