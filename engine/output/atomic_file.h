// Report files that CI jobs pick up (--junit, --results): written whole or
// not at all, so a reader never sees half a file.
#ifndef HOSTPREP_ENGINE_OUTPUT_ATOMIC_FILE_H_
#define HOSTPREP_ENGINE_OUTPUT_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace hostprep {

// Writes `content` to a temp file beside `path`, syncs it and renames it
// over `path`. On failure `path` is as it was, the temp file is gone and the
// error reads "OPTION PATH: reason" (OPTION names what asked for the file,
// such as "--junit").
[[nodiscard]] Status WriteFileAtomically(const std::string& option, const std::string& path,
                                         std::string_view content);

// Whether a file can be made at `path` later: its directory exists and is
// writable, and `path` is not a directory. "OPTION PATH: reason" when not.
// For options checked before any host is contacted.
[[nodiscard]] Status CheckWritablePath(const std::string& option, const std::string& path);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_ATOMIC_FILE_H_
