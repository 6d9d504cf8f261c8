#include "modules/rpm_key.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::Ran;

Value Args(const Value& raw) { return testing::NormalizedArgs(RpmKeyModule(), raw); }

const char kTools[] = "@@ rpm /usr/bin/rpm\n@@ gpg /usr/bin/gpg\n";
// gpg's listing of a key file: the Debian 12 release key.
const char kKeyFile[] =
    "@@ keyfile 0\n"
    "gpg: WARNING: no command supplied.  Trying to guess what you mean ...\n"
    "pub:-:255:22:F8D2585B8783D481:1674492243:1926780243::-:\n"
    "fpr:::::::::4D64FEC119C2029067D6E791F8D2585B8783D481:\n"
    "uid:::::::::Debian Stable Release Key (12/bookworm) <debian-release@lists.debian.org>:\n";
const char kNoneImported[] = "@@ imported none\n";
const char kImported[] =
    "@@ imported 0\n"
    "pub:-:4096:1:199E2F91FD431D51:1256212795:::-:\n"
    "pub:-:255:22:F8D2585B8783D481:1674492243:1926780243::-:\n";

Result<Change> PlanWith(const Value& raw, const std::string& answer) {
  return RpmKeyModule().Plan(Args(raw), {Ran(0, answer)}, {});
}

TEST_CASE("rpm_key tells key ids from paths as Ansible's module does") {
  CHECK(IsRpmKeyId("DEADB33F"));
  CHECK(IsRpmKeyId("0xdeadb33f"));
  CHECK(IsRpmKeyId("deadbeef.asc"));
  CHECK_FALSE(IsRpmKeyId("0xdeadb3"));
  CHECK_FALSE(IsRpmKeyId("/etc/pki/rpm-gpg/RPM-GPG-KEY"));
  CHECK(NormalizeRpmKeyId(" 0xdeadb33f\n") == "DEADB33F");
  CHECK(GpgColonField({"  fpr:::::::::ABC:", "fpr:::::::::DEF:"}, "fpr", 9) == "ABC");
  CHECK(GpgColonField({"uid:x"}, "pub", 4) == "");
  const std::vector<Read> probe = RpmKeyModule().Probe(Args({{"key", "0xDEADB33F"}}), {});
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].argv.back() == "");
  CHECK(RpmKeyModule().Probe(Args({{"key", "/k.asc"}}), {})[0].argv.back() == "/k.asc");
}

TEST_CASE("rpm_key imports a key file rpm does not know") {
  Result<Change> change =
      PlanWith({{"key", "/etc/pki/k.asc"}}, std::string(kTools) + kKeyFile + kNoneImported);
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv ==
        std::vector<std::string>{"/usr/bin/rpm", "--import", "/etc/pki/k.asc"});
  CHECK(change->result.empty());
  CHECK_FALSE(change->command_output);
  CHECK(change->message == "would import /etc/pki/k.asc (key id F8D2585B8783D481)");
  CHECK(change->reports);
  CHECK(RpmKeyModule().Report({}, {1, "", "error: k.asc: import read failed(2).\n"})->message ==
        "error: k.asc: import read failed(2).\n");

  // Known: nothing to do.
  change = PlanWith({{"key", "/etc/pki/k.asc"}}, std::string(kTools) + kKeyFile + kImported);
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());

  // The fingerprint is checked, blanks ignored.
  change = PlanWith({{"key", "/etc/pki/k.asc"},
                     {"fingerprint", "4d64 FEC1 19C2 0290 67D6  E791 F8D2 585B 8783 D481"}},
                    std::string(kTools) + kKeyFile + kNoneImported);
  REQUIRE(change.ok());
  CHECK(change->changed);
  change = PlanWith({{"key", "/etc/pki/k.asc"}, {"fingerprint", "AAAA"}},
                    std::string(kTools) + kKeyFile + kNoneImported);
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() ==
        "The specified fingerprint, 'AAAA', does not match the key fingerprint "
        "'4D64FEC119C2029067D6E791F8D2585B8783D481'");
}

TEST_CASE("rpm_key erases a known key by its id") {
  for (const char* key : {"0x8783d481", "F8D2585B8783D481", "/etc/pki/k.asc"}) {
    CAPTURE(key);
    Result<Change> change =
        PlanWith({{"key", key}, {"state", "absent"}}, std::string(kTools) + kKeyFile + kImported);
    REQUIRE(change.ok());
    CHECK(change->changed);
    REQUIRE(change->actions.size() == 1);
    CHECK(change->actions[0].argv == std::vector<std::string>{"/usr/bin/rpm", "--erase",
                                                              "--allmatches",
                                                              "gpg-pubkey-8783d481"});
  }
  Result<Change> change =
      PlanWith({{"key", "0xDEADB33F"}, {"state", "absent"}}, std::string(kTools) + kImported);
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
}

TEST_CASE("rpm_key fails as Ansible's module does") {
  const struct {
    Value args;
    std::string answer;
    std::string message;
  } cases[] = {
      {{{"key", "/k.asc"}},
       "@@ rpm\n",
       "Failed to find required executable \"rpm\" on the host: rpm_key manages rpm's database "
       "(install rpm, or guard the task with when: ansible_os_family == \"RedHat\")"},
      {{{"key", "/k.asc"}},
       "@@ rpm /usr/bin/rpm\n@@ gpg\n",
       "Failed to find required executable \"gpg2\" on the host (nor gpg)"},
      {{{"key", "/missing.asc"}},
       std::string(kTools) + kNoneImported,
       "Not a valid key /missing.asc"},
      {{{"key", "0xDEADB33F"}},
       std::string(kTools) + kNoneImported,
       "When importing a key, a valid file must be given"},
      {{{"key", "/k.asc"}},
       std::string(kTools) + "@@ keyfile 2\ngpg: no valid OpenPGP data found.\n" + kNoneImported,
       "gpg: no valid OpenPGP data found."},
      {{{"key", "/k.asc"}},
       std::string(kTools) + "@@ keyfile 0\nuid::::\n" + kNoneImported,
       "Unexpected gpg output"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    Result<Change> change = PlanWith(c.args, c.answer);
    REQUIRE_FALSE(change.ok());
    CHECK(change.message() == c.message);
  }
}

TEST_CASE("rpm_key downloads a key given by URL on the host, as Ansible's module fetches it") {
  const Value args = Args({{"key", "https://repo.invalid/RPM-GPG-KEY"}, {"validate_certs", false}});
  const std::vector<Read> probe = RpmKeyModule().Probe(args, {});
  REQUIRE(probe.size() == 1);
  const std::vector<std::string>& argv = probe[0].argv;
  CHECK(argv[2] == std::string(scripts::kKeyUrl));
  CHECK(argv[4] == "https://repo.invalid/RPM-GPG-KEY");
  CHECK(std::find(argv.begin(), argv.end(), "-k") != argv.end());  // validate_certs: false
  const auto cmd = std::find(argv.begin(), argv.end(), "@CMD@");
  REQUIRE(cmd != argv.end());
  CHECK(std::vector<std::string>(cmd + 1, argv.end()) ==
        std::vector<std::string>{"/bin/sh", "-c", scripts::kRpmKey, "sh", "@KEY@"});

  // Downloaded and armored, not imported yet: imported from the URL again.
  Result<Change> change = RpmKeyModule().Plan(
      args, {Ran(0, std::string(kTools) + kKeyFile + "@@ armored yes\n" + kNoneImported)}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  const std::vector<std::string>& import = change->actions[0].argv;
  CHECK(import[4] == "https://repo.invalid/RPM-GPG-KEY");
  CHECK(std::vector<std::string>(std::find(import.begin(), import.end(), "@CMD@") + 1,
                                 import.end()) ==
        std::vector<std::string>{"/usr/bin/rpm", "--import", "@KEY@"});
  // Known already: nothing to do.
  change = RpmKeyModule().Plan(
      args, {Ran(0, std::string(kTools) + kKeyFile + "@@ armored yes\n" + kImported)}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);

  change = RpmKeyModule().Plan(args, {Ran(0, std::string(kTools) + kKeyFile + kNoneImported)}, {});
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Not a public key: https://repo.invalid/RPM-GPG-KEY");
  change = RpmKeyModule().Plan(args, {Ran(90, "", "HTTP Error 404\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message ==
        "failed to fetch key at https://repo.invalid/RPM-GPG-KEY , error was: HTTP Error 404");
}

TEST_CASE("rpm_key refuses a key rpm would take for an option, other values stay data") {
  RpmKeyModule module;
  const std::vector<std::string> errors = testing::ArgErrors(module, Value{{"key", "--dbpath=/x"}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "key: '--dbpath=/x' starts with '-': rpm and gpg would take it for an option; give the "
        "file's path as ./'--dbpath=/x'");
  CHECK(testing::ArgErrors(module, Value{{"key", "/k"}, {"state", "latest"}}).size() == 1);
  const std::string hostile = "/tmp/$(reboot)\n'k\".asc";
  CHECK(module.Probe(Args({{"key", hostile}}), {})[0].argv.back() == hostile);
  Result<Change> change =
      PlanWith({{"key", hostile}}, std::string(kTools) + kKeyFile + kNoneImported);
  REQUIRE(change.ok());
  CHECK(change->actions[0].argv == std::vector<std::string>{"/usr/bin/rpm", "--import", hostile});
}

TEST_CASE("rpm_key's probe script lists a real key file with gpg") {
  // A fake rpm that knows no gpg-pubkey package; gpg's home in the temp dir.
  const std::string shell =
      "mkdir bin gnupg && printf '#!/bin/sh\\nexit 1\\n' > bin/rpm && chmod +x bin/rpm && "
      "GNUPGHOME=$PWD/gnupg PATH=$PWD/bin:$PATH sh script.sh "
      "/usr/share/keyrings/debian-archive-bookworm-stable.gpg";
  const testing::ScriptRun run = testing::RunScript(scripts::kRpmKey, shell);
  CHECK(run.status == 0);
  CHECK(run.out.find("\n@@ keyfile 0\n") != std::string::npos);
  CHECK(run.out.find("\npub:-:255:22:F8D2585B8783D481:") != std::string::npos);
  CHECK(run.out.find("\nfpr:::::::::4D64FEC119C2029067D6E791F8D2585B8783D481:") !=
        std::string::npos);
  CHECK(EndsWith(run.out, "@@ imported none\n"));
  Result<Change> change =
      RpmKeyModule().Plan(Args({{"key", "/usr/share/keyrings/debian-archive-bookworm-stable.gpg"}}),
                          {Ran(0, run.out)}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  const testing::ScriptRun no_rpm =
      testing::RunScript(scripts::kRpmKey, "PATH=/nonexistent /bin/sh script.sh /k");
  CHECK(no_rpm.out == "@@ rpm\n");
}

}  // namespace
}  // namespace hostprep::modules
