// Shared by the integration tests that drive the hostprep binary over real SSH
// against the netns test hosts (tests/hosts/testhosts) that the ctest fixture
// `ssh_hosts` starts once; its run dir is in $HOSTPREP_TESTHOSTS.
#ifndef HOSTPREP_TESTS_INTEGRATION_SSH_TEST_UTIL_H_
#define HOSTPREP_TESTS_INTEGRATION_SSH_TEST_UTIL_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <doctest/doctest.h>

namespace hostprep::testing {

struct Output {
  int exit_code = -1;
  std::string text;  // stdout and stderr together
};

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
  std::string cmd = std::string("cd ") + HOSTPREP_SOURCE_DIR + " && HP=" + HOSTPREP_BINARY +
                    " D=" + dir + " TH=tests/hosts/testhosts" +
                    " SSH='-c ssh --known-hosts " + dir + "/known_hosts --ssh-config none'" +
                    " sh -c '";
  for (char c : script) cmd += c == '\'' ? std::string("'\\''") : std::string(1, c);
  cmd += "' 2>&1";
  Output out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.text.append(buf.data(), n);
  int status = pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

inline size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_INTEGRATION_SSH_TEST_UTIL_H_
