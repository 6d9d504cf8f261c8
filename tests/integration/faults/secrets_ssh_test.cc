// Secrets over real SSH (label `faults`): a value marked !secret and the
// sudo password are planted, and every output format of a run that uses
// them is searched for them: text with -v and --diff, JSON events, the
// --trace file and error messages. The host gets the real value.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::Section;
using hostprep::testing::Shell;

TEST_CASE("secrets: a !secret value and the sudo password never reach any output") {
  // node3's sudo wants a password (the fixture's --sudo-password-host).
  Output out = Shell(R"SH(
T=$(mktemp -d)
trap 'rm -rf $T; for n in node1 node3; do $TH exec $D $n rm -f /etc/hpfault-secret.conf; done' EXIT
export HOSTPREP_BECOME_PASSWORD=$(cat $D/become-password)
run() { $HP run tests/integration/testdata/faults/secrets.yml -i $D/inventory.ini --limit node1,node3 \
  $SSH -e ansible_user=hpuser -e @tests/integration/testdata/faults/secret-vars.yml "$@"; }
run -vv --diff --trace $T/trace.json >$T/text 2>&1; echo "text exit $?" >>$T/text
run --output json --diff >$T/json 2>&1
run --check --diff -vv >$T/check 2>&1
echo "== counts"
for f in text json check trace.json; do
  printf '%s secret %s password %s marked %s\n' $f "$(grep -c 'Zq7-planted-secret-91' $T/$f)" \
    "$(grep -cF "$HOSTPREP_BECOME_PASSWORD" $T/$f)" "$(grep -c '\*\*\*\*\*\*\*\*' $T/$f)"
done
echo "== host"
$TH exec $D node3 cat /etc/hpfault-secret.conf
echo "== text"; cat $T/text
echo "== end"
)SH");
  INFO(out.text);
  const std::string counts = Section(out.text, "counts");
  CHECK(Has(counts, "text secret 0 password 0 marked "));
  CHECK(Has(counts, "json secret 0 password 0 marked "));
  CHECK(Has(counts, "check secret 0 password 0 marked "));
  CHECK(Has(counts, "trace.json secret 0 password 0 marked "));
  // The text shows where a secret was, and every task ran.
  const std::string text = Section(out.text, "text");
  CHECK(Has(text, "token is ********"));
  CHECK(Has(text, "+password=********"));
  CHECK(Has(text, "bad password ********"));
  CHECK(Count(text, "changed: [node3] read it back as root") == 1);
  CHECK(Has(text, "text exit 0"));
  // The host has the real value.
  CHECK(Section(out.text, "host") == "password=Zq7-planted-secret-91\n");
}

}  // namespace
