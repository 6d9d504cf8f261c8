#include "engine/cli/version.h"

#include <fmt/format.h>

#include "engine/cli/version_commit.h"  // generated: build/generated/engine/cli

namespace hostprep {

std::string VersionLine() {
  return fmt::format("hostprep {} (commit {})", HOSTPREP_VERSION, HOSTPREP_COMMIT);
}

}  // namespace hostprep
