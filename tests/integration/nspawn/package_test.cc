// The package module for real: the hostprep binary over SSH against the
// nspawn test host (Debian 12, its own dpkg database, apt seeing only the
// offline repository the harness built: hello, jq with libjq1 and libonig5,
// hostprep-probe 1.0, and hostprep-probe 1.1 kept aside in $D/extra until a
// test adds it). Each test first puts the packages back as the tree has them.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/nspawn/nspawn_test_util.h"

namespace {

using hostprep::testing::Box;
using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::Output;

// None of the repository's packages installed, 1.1 of the probe not in the
// repository, fresh package lists; PLAY NAME ARGS writes $T/p.yml with one
// task; Q PKG prints "PKG VERSION STATUS" (installed, or its configuration
// files left) or "PKG absent".
constexpr const char* kReset = R"SH(
$X dpkg --purge jq libjq1 libonig5 hello hostprep-probe >/dev/null 2>&1
$NH repo-remove $D $D/extra/hostprep-probe_1.1_all.deb
$X apt-get update -qq >/dev/null 2>&1 || echo "reset: apt-get update failed"
PLAY() { printf -- '- hosts: box\n  tasks:\n    - name: %s\n      %s\n' "$1" "$2" >$T/p.yml; }
Q() {
  r=$($X dpkg-query -W -f='${Package} ${Version} ${Status}' "$1" 2>/dev/null)
  case "$r" in *" installed" | *config-files) echo "$r" ;; *) echo "$1 absent" ;; esac
}
)SH";

Output Run(const std::string& script) { return Box(std::string(kReset) + script); }

TEST_CASE(
    "nspawn package: check mode predicts an install with its dependencies and installs nothing") {
  // In apt's order, dependencies first; the versions are the repository's
  // (jq may carry a security update).
  Output out = Run(R"SH(
v() { dpkg-deb -f $D/repo/$1_*.deb Version; }
PLAY "install jq" "package: {name: [jq]}"
RUN $T/p.yml --check --diff | tee $T/out
want="changed: [box] install jq => would install libonig5 $(v libonig5), libjq1 $(v libjq1), jq $(v jq)"
grep -qxF "$want" $T/out && echo "message names the three packages"
grep -A3 -xF "$want" $T/out | tail -n 3 |
  cmp -s - <(printf '  + %s %s\n' libonig5 "$(v libonig5)" libjq1 "$(v libjq1)" jq "$(v jq)") &&
  echo "diff lists the three packages"
Q jq; Q libjq1
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "message names the three packages\n"));
  CHECK(Has(out.text, "diff lists the three packages\n"));
  CHECK(Has(out.text, " changed=1 "));
  CHECK(Has(out.text, "exit 0\n"));
  CHECK(Has(out.text, "\njq absent\nlibjq1 absent\n"));
}

TEST_CASE("nspawn package: an install changes the host once and a re-run is ok") {
  Output out = Run(R"SH(
PLAY "install hello" "package: {name: [hello]}"
RUN $T/p.yml --diff
Q hello
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "changed: [box] install hello\n  + hello 2.10-3\n\nPLAY RECAP"));
  CHECK(Has(out.text, "exit 0\nhello 2.10-3 install ok installed\n"));
  CHECK(Count(out.text, " changed=1 ") == 1);
  CHECK(Count(out.text, " changed=0 ") == 1);
  CHECK(Count(out.text, "exit 0\n") == 2);
}

TEST_CASE("nspawn package: name=version installs that version and a newer pin upgrades") {
  Output out = Run(R"SH(
$NH repo-add $D $D/extra/hostprep-probe_1.1_all.deb
$X apt-get update -qq
PLAY "pin the probe" "package: {name: [hostprep-probe=1.0]}"
RUN $T/p.yml --diff
Q hostprep-probe
RUN $T/p.yml
PLAY "pin the probe" "package: {name: [hostprep-probe=1.1]}"
RUN $T/p.yml --diff
Q hostprep-probe
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "  + hostprep-probe 1.0\n"));
  CHECK(Has(out.text, "hostprep-probe 1.0 install ok installed\n"));
  CHECK(Has(out.text, "  ~ hostprep-probe 1.0 -> 1.1\n"));
  CHECK(Has(out.text, "hostprep-probe 1.1 install ok installed\n"));
  // Recaps: pin 1.0 (changed), again (ok), pin 1.1 (changed), again (ok).
  CHECK(Count(out.text, " changed=1 ") == 2);
  CHECK(Count(out.text, " changed=0 ") == 2);
  CHECK(Count(out.text, "exit 0\n") == 4);
}

TEST_CASE("nspawn package: absent removes an installed package and then is ok") {
  Output out = Run(R"SH(
$X apt-get install -y -qq hello >/dev/null 2>&1
Q hello
PLAY "no hello" "package: {name: [hello], state: absent}"
RUN $T/p.yml --diff
Q hello
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "hello 2.10-3 install ok installed\n"));
  CHECK(Has(out.text, "changed: [box] no hello\n  - hello 2.10-3\n"));
  // hello has no configuration files: nothing of it is left.
  CHECK(Has(out.text, "exit 0\nhello absent\n"));
  CHECK(Count(out.text, " changed=1 ") == 1);
  CHECK(Count(out.text, " changed=0 ") == 1);
}

TEST_CASE(
    "nspawn package: latest is ok when up to date and upgrades when the repository gets a newer "
    "version") {
  Output out = Run(R"SH(
PLAY "newest probe" "package: {name: [hostprep-probe], state: latest}"
RUN $T/p.yml
Q hostprep-probe
RUN $T/p.yml
$NH repo-add $D $D/extra/hostprep-probe_1.1_all.deb
echo "-- 1.1 in the repository"
RUN $T/p.yml
PLAY "newest probe" "package: {name: [hostprep-probe], state: latest, update_cache: true}"
RUN $T/p.yml --diff
Q hostprep-probe
PLAY "newest probe" "package: {name: [hostprep-probe], state: latest}"
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "exit 0\nhostprep-probe 1.0 install ok installed\n"));
  // Without a refresh the lists do not know 1.1 yet: latest is what they have.
  CHECK(Has(out.text, "-- 1.1 in the repository\n"));
  CHECK(Has(out.text, "exit 0\nhostprep-probe 1.1 install ok installed\n"));
  // Recaps: install (changed), up to date (ok), 1.1 unseen (ok), refresh and
  // upgrade (changed), up to date again (ok).
  CHECK(Count(out.text, " changed=1 ") == 2);
  CHECK(Count(out.text, " changed=0 ") == 3);
  CHECK(Count(out.text, "exit 0\n") == 5);
}

TEST_CASE("nspawn package: an unknown package fails naming the package, the host and the task") {
  Output out = Run(R"SH(
PLAY "install the missing" "package: {name: [hostprep-no-such-package]}"
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text,
            "failed: [box] install the missing => No package matching "
            "'hostprep-no-such-package' is available (check the name, set update_cache: true, "
            "or add the repository that has it)\n"));
  CHECK(Has(out.text, " failed=1 "));
  CHECK(Has(out.text, "exit 2\n"));
}

TEST_CASE(
    "nspawn package: update_cache fills empty lists and cache_valid_time refreshes only stale "
    "lists") {
  Output out = Run(R"SH(
empty() { $X sh -c 'rm -f /var/lib/apt/lists/*_Packages* && touch -d "$1" /var/lib/apt/lists' sh "$1"; }
empty now
PLAY "hello" "package: {name: [hello]}"
RUN $T/p.yml
PLAY "hello" "package: {name: [hello], cache_valid_time: 86400}"
RUN $T/p.yml
empty "3 hours ago"
PLAY "hello" "package: {name: [hello], cache_valid_time: 3600}"
RUN $T/p.yml
Q hello
$X dpkg --purge hello >/dev/null
empty now
PLAY "hello" "package: {name: [hello], update_cache: true}"
RUN $T/p.yml
Q hello
)SH");
  INFO(out.text);
  // Empty lists: not found, and a day's validity does not refresh fresh lists.
  CHECK(Count(out.text, "failed: [box] hello => No package matching 'hello' is available") == 2);
  // Lists older than cache_valid_time are refreshed, then hello installs.
  CHECK(Count(out.text, "changed: [box] hello\n") == 2);
  CHECK(Count(out.text, "hello 2.10-3 install ok installed\n") == 2);
  CHECK(Count(out.text, "exit 2\n") == 2);
  CHECK(Count(out.text, "exit 0\n") == 2);
}

TEST_CASE(
    "nspawn package: a held dpkg lock is waited for, and a short lock_timeout fails clearly") {
  Output out = Run(R"SH(
hold() {  # holds dpkg's frontend lock as apt does (fcntl), for $1 seconds
  $X perl -MFcntl -e 'open(my $f, ">>", "/var/lib/dpkg/lock-frontend") or die $!;
    fcntl($f, F_SETLKW, pack("s s x4 q q i x4", F_WRLCK, SEEK_SET, 0, 0, 0)) or die $!;
    print "locked\n"; STDOUT->flush; sleep $ARGV[0]' "$1" &
  sleep 1
}
hold 6
$X apt-get install -y -q -o DPkg::Lock::Timeout=0 hello 2>&1 | grep -o "Could not get lock /var/lib/dpkg/lock-frontend"
PLAY "hello" "package: {name: [hello], lock_timeout: 60}"
RUN $T/p.yml
Q hello
wait
$X dpkg --purge hello >/dev/null
hold 8
PLAY "hello" "package: {name: [hello], lock_timeout: 1}"
RUN $T/p.yml
wait
Q hello
)SH");
  INFO(out.text);
  CHECK(Count(out.text, "locked\n") == 2);
  CHECK(Has(out.text, "Could not get lock /var/lib/dpkg/lock-frontend\n"));
  CHECK(Has(out.text, "changed: [box] hello\n"));
  CHECK(Has(out.text, "exit 0\nhello 2.10-3 install ok installed\n"));
  // apt's own words, after waiting lock_timeout seconds.
  CHECK(Has(out.text,
            "failed: [box] hello => non-zero return code 100: E: Unable to acquire "
            "the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process "
            "using it?\n"));
  CHECK(Has(out.text, "exit 2\n"));
  CHECK(Has(out.text, "hello absent\n"));
}

}  // namespace
