// What `hostprep version` prints: the release and the commit the binary was
// built from (git describe, "-dirty" when the tree had uncommitted changes).
#ifndef HOSTPREP_ENGINE_CLI_VERSION_H_
#define HOSTPREP_ENGINE_CLI_VERSION_H_

#include <string>

namespace hostprep {

// "hostprep 0.1.0 (commit 1a2b3c4d5e6f)".
std::string VersionLine();

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_VERSION_H_
