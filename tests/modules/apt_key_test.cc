#include "modules/apt_key.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(AptKeyModule(), raw); }

using testing::Ran;

// `apt-key adv --list-public-keys --keyid-format=long` for one keyring.
constexpr char kListed[] =
    "/etc/apt/keyrings/test.gpg\n"
    "--------------------------\n"
    "pub   ed25519/119A4161818A6E2E 2026-12-07 [SC]\n"
    "      FCA2C5A9D3B663CA84E87CE5119A4161818A6E2E\n"
    "uid                 [ unknown] hostprep test <t@hostprep.invalid>\n"
    "sub   cv25519/2222333344445555 2026-12-07 [E]\n"
    "\n"
    "pub   rsa4096/AAAABBBBCCCCDDDD 2019-01-01 [SC] [expired: 2021-01-01]\n";

// `gpg --with-colons` for the key file.
constexpr char kColons[] =
    "pub:-:255:22:119A4161818A6E2E:1796653802:::-:\n"
    "fpr:::::::::FCA2C5A9D3B663CA84E87CE5119A4161818A6E2E:\n"
    "uid:::::::::hostprep test <t@hostprep.invalid>:\n"
    "sub:-:255:18:2222333344445555:1796653802::::\n";

TEST_CASE("apt_key reads key ids as Ansible's module does") {
  CHECK(ParseAptKeyIds(kListed) ==
        std::vector<std::string>{"119A4161818A6E2E", "2222333344445555"});
  CHECK(ParseAptKeyIds(kColons) ==
        std::vector<std::string>{"119A4161818A6E2E", "2222333344445555"});
}

TEST_CASE("apt_key adds a key file to a keyring when the listing lacks it") {
  AptKeyModule module;
  const Value args = Args({{"file", "/tmp/test.gpg"}, {"keyring", "/etc/apt/keyrings/test.gpg"}});
  const std::vector<Read> probe = module.Probe(args, {});
  REQUIRE(probe.size() == 2);
  CHECK(probe[0].argv.back() == "/etc/apt/keyrings/test.gpg");
  CHECK(probe[1].argv == std::vector<std::string>{"/bin/sh", "-c", scripts::kAptKeyId, "sh", "file",
                                                  "/tmp/test.gpg"});
  Result<Change> change = module.Plan(args, {Ran(0, ""), Ran(0, kColons)}, {});
  REQUIRE(testing::MatchesAnsible(change, false, "", true,
                                  R"({"id": "119A4161818A6E2E", "key_id": "119A4161818A6E2E",
                                      "short_id": "818A6E2E", "fp": "119A4161818A6E2E",
                                      "before": []})"));
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].argv == std::vector<std::string>{"apt-key", "--keyring",
                                                            "/etc/apt/keyrings/test.gpg", "add",
                                                            "/tmp/test.gpg"});
  CHECK(change->actions[1].argv == std::vector<std::string>{"/bin/sh", "-c", scripts::kAptKeyCheck,
                                                            "sh", "present", "119A4161818A6E2E",
                                                            "/etc/apt/keyrings/test.gpg"});
  CHECK(change->applied_result["after"] == Value::array({"119A4161818A6E2E", "2222333344445555"}));
  CHECK(change->message == "would add key 119A4161818A6E2E with apt-key");

  // Listed: nothing to do.
  change = module.Plan(args, {Ran(0, kListed), Ran(0, kColons)}, {});
  CHECK(!testing::MatchesAnsible(change, false, "", false,
                                 R"({"id": "119A4161818A6E2E", "key_id": "119A4161818A6E2E",
                                     "short_id": "818A6E2E", "fp": "119A4161818A6E2E",
                                     "before": ["119A4161818A6E2E", "2222333344445555"]})"));
}

TEST_CASE("apt_key adds key text on stdin, after apt's trusted.gpg keys") {
  AptKeyModule module;
  const Value args = Args({{"data", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n..."}});
  const std::string with_parts =
      "pub   rsa4096/1111111111111111 2020-01-01 [SC]\npub   rsa4096/9999999999999999 2020-01-01 "
      "[SC]\n@@trusted.gpg\npub   rsa4096/1111111111111111 2020-01-01 [SC]\n";
  Result<Change> change = module.Plan(args, {Ran(0, with_parts), Ran(0, kColons)}, {});
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].argv == std::vector<std::string>{"apt-key", "add", "-"});
  CHECK(change->actions[0].stdin_data == "-----BEGIN PGP PUBLIC KEY BLOCK-----\n...");
  CHECK(change->applied_result["after"] == Value::array({"1111111111111111", "119A4161818A6E2E",
                                                         "2222333344445555", "9999999999999999"}));
}

TEST_CASE("apt_key removes a listed key by its short id, subkeys with it") {
  AptKeyModule module;
  const Value args = Args({{"id", "0xfca2c5a9d3b663ca84e87ce5119a4161818a6e2e"},
                           {"keyring", "/etc/apt/keyrings/test.gpg"},
                           {"state", "absent"}});
  CHECK(module.Probe(args, {}).size() == 1);
  Result<Change> change = module.Plan(args, {Ran(0, kListed)}, {});
  REQUIRE(testing::MatchesAnsible(change, false, "", true,
                                  R"({"id": "0xfca2c5a9d3b663ca84e87ce5119a4161818a6e2e",
          "key_id": "FCA2C5A9D3B663CA84E87CE5119A4161818A6E2E", "short_id": "818A6E2E",
          "fp": "119A4161818A6E2E", "before": ["119A4161818A6E2E", "2222333344445555"]})"));
  CHECK(change->actions[0].argv == std::vector<std::string>{"apt-key", "--keyring",
                                                            "/etc/apt/keyrings/test.gpg", "del",
                                                            "818A6E2E"});
  CHECK(change->applied_result["after"] == Value::array());
  // Not listed: nothing to remove.
  change = module.Plan(args, {Ran(0, "")}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
}

TEST_CASE("apt_key fails as Ansible's does") {
  AptKeyModule module;
  const std::vector<std::pair<Value, std::string>> table = {
      {{{"id", "12345"}}, "Invalid key_id"},
      {{{"id", "not-hex!"}}, "Invalid key_id"},
      {{{"id", "818A6E2E"}}, "No key to add ... how did i get here?!?!"},
  };
  for (const auto& [raw, message] : table) {
    CAPTURE(raw.dump());
    Result<Change> change = module.Plan(Args(raw), {Ran(0, "")}, {});
    REQUIRE(!change.ok());
    CHECK(change.message() == message);
  }
  Result<Change> change = module.Plan(Args({{"file", "/nope"}}),
                                      {Ran(0, ""), Ran(2, "", "gpg: can't open '/nope'")}, {});
  CHECK(change.message() == "Unable to extract key from '/nope': gpg: can't open '/nope'");
  change =
      module.Plan(Args({{"id", "818A6E2E"}}),
                  {Ran(127, "", "Failed to find required executable gpg in paths: /usr/bin")}, {});
  CHECK(change.message() == "Failed to find required executable gpg in paths: /usr/bin");
}

TEST_CASE("apt_key adds a key from a URL the host downloads, reading its id first") {
  AptKeyModule module;
  const Value args = Args({{"url", "https://repo.invalid/key.gpg"}, {"keyring", "/k.gpg"}});
  std::vector<Read> probe = module.Probe(args, {});
  REQUIRE(probe.size() == 2);
  const std::vector<std::string>& fetch = probe[1].argv;
  CHECK(fetch[2] == std::string(scripts::kKeyUrl));
  CHECK(fetch[4] == "https://repo.invalid/key.gpg");
  CHECK(std::vector<std::string>(std::find(fetch.begin(), fetch.end(), "@CMD@") + 1, fetch.end()) ==
        std::vector<std::string>{"env", "LC_ALL=C", "gpg", "--batch", "--with-colons", "@KEY@"});
  Result<Change> change = module.Plan(args, {Ran(0, ""), Ran(0, kColons)}, {});
  REQUIRE(testing::MatchesAnsible(change, false, "", true,
                                  R"({"id": "119A4161818A6E2E", "key_id": "119A4161818A6E2E",
                                      "short_id": "818A6E2E", "fp": "119A4161818A6E2E",
                                      "before": []})"));
  REQUIRE(change->actions.size() == 2);
  const std::vector<std::string>& add = change->actions[0].argv;
  CHECK(add[4] == "https://repo.invalid/key.gpg");
  CHECK(std::vector<std::string>(std::find(add.begin(), add.end(), "@CMD@") + 1, add.end()) ==
        std::vector<std::string>{"apt-key", "--keyring", "/k.gpg", "add", "@KEY@"});
  CHECK(change->applied_result["after"] == Value::array({"119A4161818A6E2E", "2222333344445555"}));

  // With its id, nothing is downloaded while the key is there.
  const Value known = Args({{"url", "https://repo.invalid/key.gpg"}, {"id", "818A6E2E"}});
  probe = module.Probe(known, {});
  CHECK(probe.size() == 1);
  change = module.Plan(known, {Ran(0, kListed)}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);

  change =
      module.Plan(args, {Ran(0, ""), Ran(90, "", "Request failed: Could not resolve host\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message ==
        "Failed to download key at https://repo.invalid/key.gpg: Request failed: Could not "
        "resolve host");
}

TEST_CASE("apt_key refuses what needs a key server") {
  AptKeyModule module;
  CHECK(testing::ArgErrors(module, {{"url", "/tmp/key.asc"}}) ==
        std::vector<std::string>{"url: '/tmp/key.asc' is not a URL (http, https, ftp or file)"});
  CHECK(
      testing::ArgErrors(module, {{"id", "818A6E2E"}, {"keyserver", "keys.example.org"}}).size() ==
      1);
  CHECK(testing::ArgErrors(module, {{"file", "/a"}, {"data", "b"}}).size() == 1);
}

}  // namespace
}  // namespace hostprep::modules
