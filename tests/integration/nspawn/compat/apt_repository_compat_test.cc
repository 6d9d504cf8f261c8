// Ansible's apt_key and apt_repository on the nspawn twins (labels `nspawn`
// and `compat`): testdata/compat/nspawn/apt_repository.yml runs with
// ansible-playbook on node1 and with hostprep on node2 against a signed
// repository the test makes (a key made for the run with gpg in a temp
// home, a flat repository holding hostprep-probe 1.1 with an InRelease it
// signs), and the test asserts the same results, registered values, recap
// and files under /etc/apt, and again when apt_repository_remove.yml takes
// the line and the key away. Then deb822_repository, which Debian 12's
// Ansible 2.14 lacks, runs with hostprep alone (apt_deb822.yml) and the
// file it writes is compared with what Ansible 2.15's module writes.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/nspawn/compat/twins_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::RunCommand;
using hostprep::testing::SingleQuoted;
using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::Files;
using hostprep::testing::compat::HostprepRun;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::NspawnTwins;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::PlaybookPath;
using hostprep::testing::compat::ReadFile;
using hostprep::testing::compat::ReadHostprep;
using hostprep::testing::compat::Run;
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::TempDir;
using hostprep::testing::compat::Twins;
using hostprep::testing::compat::TwinsReset;

constexpr const char* kRepoDir = "/var/tmp/hostprep-signed-repo";

// What the test and the playbooks leave on a twin taken away again, gpg
// with it (the tree has none), and the lists fresh.
constexpr const char* kReset = R"SH(
dpkg --purge hostprep-probe gpg gpg-agent pinentry-curses gpgconf libassuan0 libnpth0 \
  >/dev/null 2>&1
rm -rf /var/tmp/hostprep-signed-repo /etc/apt/keyrings/hostprep-test.gpg \
  /etc/apt/keyrings/hostprep-test.gpg~ /etc/apt/sources.list.d/hostprep-signed.list \
  /etc/apt/sources.list.d/hostprep-signed.sources /root/.gnupg
apt-get update -qq >/dev/null 2>&1 || { echo "apt-get update failed"; exit 1; }
)SH";

// gpg and its agent installed (apt_key needs them on the host, as roles
// install gnupg first) and the signed repository unpacked from $1 (a base64 tar).
constexpr const char* kSetUp = R"SH(
DEBIAN_FRONTEND=noninteractive apt-get install -y -q gpg gpg-agent >/dev/null 2>&1 ||
  { echo "apt-get install gpg gpg-agent failed"; exit 1; }
mkdir -p /var/tmp/hostprep-signed-repo &&
  printf '%s' "$1" | base64 -d | tar -x -C /var/tmp/hostprep-signed-repo &&
  chmod -R a+rX /var/tmp/hostprep-signed-repo
)SH";

// Makes the signed repository on the controller in $1: a key for the run
// in a temp GNUPGHOME (ed25519, no passphrase), hostprep-probe 1.1 ($2)
// indexed, a Release listing the index's hash, signed into InRelease, the
// public key as key.gpg; key.asc (armored) and repo.b64 (the repository
// as a base64 tar) beside it.
constexpr const char* kMakeRepo = R"SH(
set -e
export GNUPGHOME="$1/gnupg"
mkdir -m 700 "$GNUPGHOME" "$1/repo"
gpg --batch --quiet --passphrase '' --quick-gen-key \
  'hostprep apt test <apt-test@hostprep.invalid>' ed25519 sign never 2>/dev/null
cd "$1/repo"
cp "$2" .
dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages
{
  echo "Origin: hostprep-test"
  echo "Label: hostprep-test"
  echo "Date: $(LC_ALL=C date -u -R -d '-1 day')"
  echo "SHA256:"
  printf ' %s %s Packages\n' "$(sha256sum <Packages | cut -c1-64)" "$(wc -c <Packages)"
} >Release
gpg --batch --quiet --clearsign -o InRelease Release
gpg --batch --export >key.gpg
gpg --batch --armor --export >"$1/key.asc"
gpgconf --kill all
tar -c . | base64 -w0 >"$1/repo.b64"
rm -rf "$GNUPGHOME"
)SH";

// The files under /etc/apt (keyrings and sources), the same on both twins.
void CheckSameApt(const Twins& twins) {
  CheckSameFiles(twins, {"/etc/apt/keyrings", "/etc/apt/sources.list.d", "/etc/apt/trusted.gpg",
                         "/etc/apt/trusted.gpg.d"});
}

// hostprep alone on node2 with `args`.
Run RunHostprep(const Twins& twins, const std::string& playbook, const std::string& args) {
  TempDir tmp;
  const std::string t = tmp.path().string();
  RunCommand("cd " + t + " && { " + HostprepRun(twins.hostprep) + " --limit " +
             twins.hostprep.name + " -o json --stats " + PlaybookPath(playbook) + " " + args +
             " >h.out 2>h.err; echo $? >h.rc; }");
  return ReadHostprep(ReadFile(tmp.path() / "h.out"), ReadFile(tmp.path() / "h.err"),
                      std::atoi(ReadFile(tmp.path() / "h.rc").c_str()), twins.hostprep.name);
}

// What Ansible 2.15's deb822_repository writes for apt_deb822.yml's task:
// the fields in the order of the arguments' names, the key's lines
// stripped and indented by four blanks, "." for its blank line.
std::string ExpectedSources(const std::string& armored) {
  std::string key;
  std::string trimmed = armored;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  size_t at = 0;
  while (at <= trimmed.size()) {
    size_t eol = trimmed.find('\n', at);
    if (eol == std::string::npos) eol = trimmed.size();
    const std::string line = trimmed.substr(at, eol - at);
    key += "    " + (line.empty() ? std::string(".") : line) + "\n";
    at = eol + 1;
  }
  return "Check-Valid-Until: no\n"
         "X-Repolib-Name: Hostprep Signed\n"
         "Signed-By:\n" +
         key +
         "Suites: ./\n"
         "Types: deb\n"
         "URIs: file:" +
         std::string(kRepoDir) + "\n";
}

TEST_CASE("nspawn compat: apt_key and apt_repository set up a signed repository as Ansible's do") {
  const Twins twins = NspawnTwins();
  TwinsReset reset(twins, kReset);

  TempDir made;
  const char* run_dir = std::getenv("HOSTPREP_NSPAWN_HOSTPREP");
  REQUIRE(run_dir != nullptr);
  const Output repo =
      RunCommand("sh -c " + SingleQuoted(kMakeRepo) + " sh " + SingleQuoted(made.path().string()) +
                 " " + SingleQuoted(std::string(run_dir) + "/extra/hostprep-probe_1.1_all.deb"));
  REQUIRE_MESSAGE(repo.exit_code == 0, repo.text);
  const std::string tarball = ReadFile(made.path() / "repo.b64");
  const std::string armored = ReadFile(made.path() / "key.asc");
  REQUIRE(!tarball.empty());
  for (const auto* node : {&twins.ansible, &twins.hostprep}) {
    const Output set_up = OnNode(*node, kSetUp, {tarball});
    REQUIRE_MESSAGE(set_up.exit_code == 0, node->name << ": " << set_up.text);
  }

  Both check = RunBoth(twins, "nspawn/apt_repository.yml", {"--check"});
  CheckSame(check, 0);
  CHECK(check.ansible.recap[kHost]["changed"] == 3);

  Both first = RunBoth(twins, "nspawn/apt_repository.yml");
  CheckSame(first, 0);
  CHECK(first.ansible.recap[kHost]["changed"] == check.ansible.recap[kHost]["changed"]);
  CheckSameApt(twins);
  const Output installed = OnNode(twins.hostprep, "dpkg-query -W hostprep-probe");
  CHECK(Has(installed.text, "hostprep-probe\t1.1"));

  Both again = RunBoth(twins, "nspawn/apt_repository.yml");
  CheckSame(again, 0);
  CHECK(again.ansible.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
  CheckSameApt(twins);

  // Taken away again: the line (a refresh), the key by its file's id.
  Both removed = RunBoth(twins, "nspawn/apt_repository_remove.yml");
  CheckSame(removed, 0);
  CHECK(removed.ansible.recap[kHost]["changed"] == 2);
  CheckSameApt(twins);
  CHECK(!Has(Files(twins.hostprep, {"/etc/apt/sources.list.d"}), "hostprep-signed"));
  Both removed_again = RunBoth(twins, "nspawn/apt_repository_remove.yml");
  CheckSame(removed_again, 0);
  CHECK(removed_again.ansible.recap[kHost]["changed"] == 0);
  CHECK(removed_again.hostprep.recap[kHost]["round_trips"] == 1);

  // deb822_repository: hostprep alone, against Ansible 2.15's file.
  TempDir vars;
  {
    nlohmann::json v = {{"signing_key", armored}};
    std::ofstream(vars.path() / "vars.json") << v.dump();
  }
  const std::string extra = "-e @" + SingleQuoted((vars.path() / "vars.json").string());
  const Run check822 = RunHostprep(twins, "nspawn/apt_deb822.yml", "--check " + extra);
  CHECK_MESSAGE(check822.exit_code == 0, check822.raw);
  CHECK(check822.recap.at(kHost).at("changed") == 1);
  const Run deb822 = RunHostprep(twins, "nspawn/apt_deb822.yml", extra);
  CHECK_MESSAGE(deb822.exit_code == 0, deb822.raw);
  CHECK(deb822.recap.at(kHost).at("changed") == 1);
  const Output written =
      OnNode(twins.hostprep,
             "cat /etc/apt/sources.list.d/hostprep-signed.sources; "
             "stat -c '%a' /etc/apt/sources.list.d/hostprep-signed.sources; "
             "test -e /etc/apt/sources.list.d/hostprep-signed.list && echo 'one-line source left'");
  CHECK(written.text == ExpectedSources(armored) + "644\n");
  // apt reads it: the lists come from the repository it names, verified by
  // the inline key.
  const Output apt = OnNode(twins.hostprep,
                            "apt-get update -q 2>&1 | grep -E '^(E|W):'; "
                            "apt-cache policy hostprep-probe | grep -c hostprep-signed-repo");
  CHECK(apt.text == "1\n");
  const Run again822 = RunHostprep(twins, "nspawn/apt_deb822.yml", extra);
  CHECK_MESSAGE(again822.exit_code == 0, again822.raw);
  CHECK(again822.recap.at(kHost).at("changed") == 0);
  CHECK(again822.recap.at(kHost).at("round_trips") == 1);
}

}  // namespace
