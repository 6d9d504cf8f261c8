// Unified diffs of text, as `diff -u` prints them, for --diff output.
#ifndef HOSTPREP_ENGINE_BASE_UNIFIED_DIFF_H_
#define HOSTPREP_ENGINE_BASE_UNIFIED_DIFF_H_

#include <string>

namespace hostprep {

// A unified diff turning `before` into `after`, line by line:
//
//   --- BEFORE_LABEL
//   +++ AFTER_LABEL
//   @@ -a,b +c,d @@
//    context
//   -removed
//   +added
//
// with `context` lines of context around each change (hunks closer than
// 2 * context lines are merged, as diff does) and "\ No newline at end of
// file" after a last line without one. Returns "" when the texts are equal.
//
// The edit script is minimal (Myers) while the texts differ in at most a few
// thousand lines; beyond that the differing middle is shown as one
// replacement, which is still a correct diff. Pure function, thread-safe.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_label, const std::string& after_label,
                        int context = 3);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_UNIFIED_DIFF_H_
