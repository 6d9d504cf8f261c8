// What the VM tests share: the VM's run dir, a shell to drive the guest
// from the source directory, an inventory of it, and the round-trip check.
#ifndef HOSTPREP_TESTS_INTEGRATION_VM_VM_TEST_UTIL_H_
#define HOSTPREP_TESTS_INTEGRATION_VM_VM_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "tests/shell_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep::testing::vm {

inline std::string VmDir() {
  const char* dir = std::getenv("HOSTPREP_VM");
  REQUIRE_MESSAGE(dir != nullptr, "run through ctest: the vm_host fixture sets HOSTPREP_VM");
  return dir;
}

// Runs `script` with bash from the source directory. Set for the script: $HP
// the binary, $D the VM's run dir, $T the test's temp dir, HOSTPREP_FACTS_CACHE
// in $T, and X CMD... (run CMD on the guest as root).
inline Output VmShell(const std::string& temp, const std::string& script) {
  const std::string dir = VmDir();
  const std::string body =
      "set -u\nexport HOSTPREP_FACTS_CACHE=$T/facts\n"
      "X() { tests/vm/vmhost ssh $D \"$@\"; }\n" +
      script;
  return RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && HP=" + HOSTPREP_BINARY +
                    " D=" + dir + " T=" + temp + " bash -c " + SingleQuoted(body));
}

// An inventory of the VM alone, as `box`, at $T/inventory.ini (for VmShell).
constexpr const char* kBoxInventory = R"SH(
. $D/run.env
printf 'box ansible_host=127.0.0.1 ansible_port=%s ansible_user=root ansible_ssh_private_key_file=%s/id_ed25519\n' \
  "$PORT" "$D" >$T/box.ini
)SH";

// The --stats row of `box` says one round trip after connecting.
inline bool OneRoundTrip(const std::string& text) {
  const size_t recap = text.rfind("PLAY RECAP");
  if (recap == std::string::npos) return false;
  const std::string row = "\nbox" + std::string(23, ' ') + std::string(11, ' ') + "1 ";
  return text.find(row, recap) != std::string::npos;
}

}  // namespace hostprep::testing::vm

#endif  // HOSTPREP_TESTS_INTEGRATION_VM_VM_TEST_UTIL_H_
