#include "modules/deb822_repository.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(Deb822RepositoryModule(), raw); }

using testing::FileContent;
using testing::FileStat;

constexpr char kKey[] =
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
    "\n"
    "mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n"
    "=IE0r\n"
    "-----END PGP PUBLIC KEY BLOCK-----\n";

TEST_CASE("deb822_repository makes the file name Ansible's module makes") {
  CHECK(Deb822Slug("Docker CE") == "docker-ce");
  CHECK(Deb822Slug("ansible-test focal_archive") == "ansible-test-focal-archive");
  CHECK(Deb822Slug("k8s  v1.30/stable!") == "k8s-v130stable");
}

TEST_CASE("deb822_repository writes fields in the order of the arguments' names") {
  // As Ansible's own test expects it (test/integration/targets/deb822_repository).
  CHECK(Deb822Text(Args({{"name", "ansible-test focal archive"},
                         {"uris", "http://us.archive.ubuntu.com/ubuntu"},
                         {"suites", Value::array({"focal", "focal-updates"})},
                         {"components", Value::array({"main", "restricted"})},
                         {"date_max_future", 10}})) ==
        "Components: main restricted\n"
        "Date-Max-Future: 10\n"
        "X-Repolib-Name: ansible-test focal archive\n"
        "Suites: focal focal-updates\n"
        "Types: deb\n"
        "URIs: http://us.archive.ubuntu.com/ubuntu\n");
  // Booleans, and an inline key as continuation lines with "." for a blank.
  CHECK(Deb822Text(Args({{"name", "k"},
                         {"uris", "copy:/srv/repo"},
                         {"suites", "./"},
                         {"check_valid_until", false},
                         {"pdiffs", true},
                         {"signed_by", kKey}})) ==
        "Check-Valid-Until: no\n"
        "X-Repolib-Name: k\n"
        "Pdiffs: yes\n"
        "Signed-By:\n"
        "    -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "    .\n"
        "    mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n"
        "    =IE0r\n"
        "    -----END PGP PUBLIC KEY BLOCK-----\n"
        "Suites: ./\n"
        "Types: deb\n"
        "URIs: copy:/srv/repo\n");
}

TEST_CASE("deb822_repository writes a new file, then changes only its mode") {
  Deb822RepositoryModule module;
  const Value args = Args({{"name", "Hostprep Test"},
                           {"uris", "copy:/srv/repo"},
                           {"suites", "./"},
                           {"signed_by", "/etc/apt/keyrings/test.gpg"}});
  const std::vector<Read> probe = module.Probe(args, {});
  REQUIRE(probe.size() == 3);
  CHECK(probe[0].path == "/etc/apt/sources.list.d/hostprep-test.sources");
  CHECK(probe[2].path == "/etc/apt/keyrings/test.gpg");
  const std::string text =
      "X-Repolib-Name: Hostprep Test\nSigned-By: /etc/apt/keyrings/test.gpg\nSuites: ./\n"
      "Types: deb\nURIs: copy:/srv/repo\n";
  Result<Change> change = module.Plan(
      args, {FileStat(FileType::kMissing), FileContent(std::nullopt), FileStat(FileType::kFile)},
      {});
  const std::string result = R"({"dest": "/etc/apt/sources.list.d/hostprep-test.sources",
      "key_filename": "/etc/apt/keyrings/test.gpg", "repo": ")" +
                             std::string(Value(text).dump()).substr(1);
  REQUIRE(testing::MatchesAnsible(change, false, "", true, (result + "}").c_str()));
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].kind == Action::Kind::kWriteFile);
  CHECK(change->actions[0].content == text);
  CHECK(change->actions[0].mode == 0644u);
  CHECK(change->message == "would write /etc/apt/sources.list.d/hostprep-test.sources");
  CHECK(change->diff.find("+URIs: copy:/srv/repo\n") != std::string::npos);

  change = module.Plan(
      args, {FileStat(FileType::kFile, 0644), FileContent(text), FileStat(FileType::kFile)}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);

  change = module.Plan(
      args, {FileStat(FileType::kFile, 0600), FileContent(text), FileStat(FileType::kFile)}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].kind == Action::Kind::kSetAttributes);
  CHECK(change->message ==
        "would set /etc/apt/sources.list.d/hostprep-test.sources's mode to 0644");

  // A signed_by path with no file there is written as given, key_filename null.
  change = module.Plan(
      args, {FileStat(FileType::kFile, 0644), FileContent(text), FileStat(FileType::kMissing)}, {});
  REQUIRE(change.ok());
  CHECK(change->result["key_filename"].is_null());
}

TEST_CASE("deb822_repository removes the file and the key files of its name") {
  Deb822RepositoryModule module;
  const Value args = Args({{"name", "docker"}, {"state", "absent"}});
  const std::vector<Read> probe = module.Probe(args, {});
  REQUIRE(probe.size() == 3);
  Result<Change> change = module.Plan(
      args, {FileStat(FileType::kFile), FileStat(FileType::kMissing), FileStat(FileType::kFile)},
      {});
  REQUIRE(
      testing::MatchesAnsible(change, false, "", true,
                              R"({"repo": null, "dest": "/etc/apt/sources.list.d/docker.sources",
                                      "key_filename": "/etc/apt/keyrings/docker.gpg"})"));
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].path == "/etc/apt/sources.list.d/docker.sources");
  CHECK(change->actions[1].path == "/etc/apt/keyrings/docker.gpg");
  change = module.Plan(
      args,
      {FileStat(FileType::kMissing), FileStat(FileType::kMissing), FileStat(FileType::kMissing)},
      {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
}

TEST_CASE("deb822_repository refuses line breaks, URLs and names without a file name") {
  Deb822RepositoryModule module;
  CHECK(
      testing::ArgErrors(module, {{"name", "x"}, {"uris", Value::array({"http://a/\nEvil: 1"})}}) ==
      std::vector<std::string>{
          "uris: uris \"http://a/\\nEvil: 1\" holds a newline (\\n) at byte 9: it would spill "
          "into more lines of the .sources file; give it on one line"});
  CHECK(testing::ArgErrors(module, {{"name", "x"}, {"signed_by", "https://example.org/key.gpg"}})
            .size() == 1);
  CHECK(testing::ArgErrors(module, {{"name", "!!"}}).size() == 1);
  CHECK(testing::ArgErrors(module, {{"name", "x"}, {"types", Value::array({"rpm"})}}).size() == 1);
  CHECK(testing::ArgErrors(module, {{"name", "x"}, {"signed_by", kKey}}).empty());
}

}  // namespace
}  // namespace hostprep::modules
