// The systemd-nspawn twins of the compat tests: two containers of
// tests/nspawn/nspawnhost booted from the same tree by the ctest fixture
// `nspawn_twins`, node1 for ansible-playbook (its run dir in
// $HOSTPREP_NSPAWN_ANSIBLE) and node2 for hostprep ($HOSTPREP_NSPAWN_HOSTPREP).
// Each has its own inventory (group `nspawn`, that one host), known_hosts
// and address; a command runs inside one with `nspawnhost exec`. Unlike the
// netns hosts they have systemd as PID 1, their own dpkg database and
// Python (for Ansible only), so the oracle covers services and packages.
#ifndef HOSTPREP_TESTS_INTEGRATION_NSPAWN_COMPAT_TWINS_TEST_UTIL_H_
#define HOSTPREP_TESTS_INTEGRATION_NSPAWN_COMPAT_TWINS_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace hostprep::testing::compat {

// The twin whose run dir the environment variable `env` names, by the host
// name it was booted with (NAME in its run.env).
inline Node NspawnNode(const char* env) {
  const char* dir = std::getenv(env);
  REQUIRE_MESSAGE(dir != nullptr,
                  "run through ctest: the nspawn_twins fixture sets " << env << " to a run dir");
  const std::string d = dir;
  std::ifstream run_env(d + "/run.env");
  std::string name;
  for (std::string line; std::getline(run_env, line);)
    if (line.rfind("NAME=", 0) == 0) name = line.substr(5);
  REQUIRE_MESSAGE(!name.empty(), d << "/run.env names no host (NAME=): is the twin up?");
  return {name, d + "/inventory.ini", d + "/known_hosts", "tests/nspawn/nspawnhost exec " + d};
}

inline Twins NspawnTwins() {
  Twins twins{NspawnNode("HOSTPREP_NSPAWN_ANSIBLE"), NspawnNode("HOSTPREP_NSPAWN_HOSTPREP")};
  // Both normalise to kHost: one name inside the other would be replaced
  // in part.
  REQUIRE(twins.ansible.name.find(twins.hostprep.name) == std::string::npos);
  REQUIRE(twins.hostprep.name.find(twins.ansible.name) == std::string::npos);
  return twins;
}

// Runs the shell script `reset` ($1... from `args`) on both twins when made
// and again when it goes out of scope, also after a failed check, and then
// removes ansible-playbook's remote temp dir: each test finds the twins as
// the tree has them and leaves them so.
class TwinsReset {
 public:
  TwinsReset(Twins twins, std::string reset, std::vector<std::string> args = {})
      : twins_(std::move(twins)), reset_(std::move(reset)), args_(std::move(args)) {
    Reset();
  }
  ~TwinsReset() { Reset(); }
  TwinsReset(const TwinsReset&) = delete;
  TwinsReset& operator=(const TwinsReset&) = delete;

 private:
  void Reset() const {
    // The reset's exit status, after the temp dir is gone.
    const std::string script = reset_ + "\nrc=$?\nrm -rf " + kAnsibleRemoteTemp + "\nexit $rc\n";
    for (const Node* node : {&twins_.ansible, &twins_.hostprep}) {
      const Output out = OnNode(*node, script, args_);
      CHECK_MESSAGE(out.exit_code == 0, node->name << ": reset: " << out.text);
    }
  }
  Twins twins_;
  std::string reset_;
  std::vector<std::string> args_;
};

}  // namespace hostprep::testing::compat

#endif  // HOSTPREP_TESTS_INTEGRATION_NSPAWN_COMPAT_TWINS_TEST_UTIL_H_
