// Shared by the tests that drive the hostprep binary over real SSH against
// the systemd-nspawn test host of tests/nspawn/nspawnhost (one container,
// `box`, booted once per ctest run by the fixture `nspawn_host`; its run dir
// is in $HOSTPREP_NSPAWN).
#ifndef HOSTPREP_TESTS_INTEGRATION_NSPAWN_NSPAWN_TEST_UTIL_H_
#define HOSTPREP_TESTS_INTEGRATION_NSPAWN_NSPAWN_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "tests/shell_test_util.h"

namespace hostprep::testing {

inline std::string NspawnDir() {
  const char* dir = std::getenv("HOSTPREP_NSPAWN");
  REQUIRE_MESSAGE(dir != nullptr,
                  "run through ctest: the nspawn_host fixture sets HOSTPREP_NSPAWN");
  return dir;
}

// Runs `script` with bash from the source directory, in a fresh temp dir $T
// (removed afterwards, also when the script fails). Set for the script: $HP the
// binary, $D the run dir, $NH the harness, $X "run this inside the container",
// and RUN PLAYBOOK [ARGS...], which runs the playbook against the host over
// SSH and then prints "exit N".
inline Output Box(const std::string& script) {
  const std::string dir = NspawnDir();
  std::string body =
      "set -u\nT=$(mktemp -d)\ntrap 'rm -rf \"$T\"' EXIT\n"
      "RUN() { p=$1; shift; $HP run \"$p\" -i $D/inventory.ini -c ssh --known-hosts "
      "$D/known_hosts --ssh-config none \"$@\"; echo \"exit $?\"; }\n" +
      script;
  return RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && HP=" + HOSTPREP_BINARY +
                    " D=" + dir + " NH=tests/nspawn/nspawnhost X='tests/nspawn/nspawnhost exec " +
                    dir + "' bash -c " + SingleQuoted(body));
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_INTEGRATION_NSPAWN_NSPAWN_TEST_UTIL_H_
