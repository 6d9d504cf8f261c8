// Shared by the integration tests that drive the hostprep binary over real SSH
// against the netns test hosts (tests/hosts/testhosts) that the ctest fixture
// `ssh_hosts` starts once; its run dir is in $HOSTPREP_TESTHOSTS.
#ifndef HOSTPREP_TESTS_INTEGRATION_SSH_TEST_UTIL_H_
#define HOSTPREP_TESTS_INTEGRATION_SSH_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "tests/shell_test_util.h"

namespace hostprep::testing {

inline std::string HostsDir() {
  const char* dir = std::getenv("HOSTPREP_TESTHOSTS");
  REQUIRE_MESSAGE(dir != nullptr,
                  "run through ctest: the ssh_hosts fixture sets HOSTPREP_TESTHOSTS");
  return dir;
}

// Runs `script` with sh from the source directory; $HP is the binary, $D the
// hosts' run dir, $TH the harness, $SSH the options every run needs.
inline Output Shell(const std::string& script) {
  const std::string dir = HostsDir();
  return RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && HP=" + HOSTPREP_BINARY +
                    " D=" + dir + " TH=tests/hosts/testhosts" + " SSH='-c ssh --known-hosts " +
                    dir + "/known_hosts --ssh-config none'" + " sh -c " + SingleQuoted(script));
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_INTEGRATION_SSH_TEST_UTIL_H_
