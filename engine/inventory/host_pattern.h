// Pieces of Inventory::Match that are useful on their own. Pure functions.
#ifndef HOSTPREP_ENGINE_INVENTORY_HOST_PATTERN_H_
#define HOSTPREP_ENGINE_INVENTORY_HOST_PATTERN_H_

#include <string>
#include <string_view>
#include <vector>

namespace hostprep {

// Shell-style glob as Python's fnmatch (case-sensitive): '*', '?', and
// '[abc]', '[a-z]', '[!abc]' classes; an unclosed '[' is a literal.
bool GlobMatch(std::string_view pattern, std::string_view name);

// Splits a host pattern into terms: on ',' and on ':' outside brackets
// (so "web[0:2]" stays one term), trimming spaces and dropping empty terms.
// A piece that is exactly one of `keep_whole` (host names with ':', such as
// IPv6 addresses) is not split on ':'.
std::vector<std::string> SplitHostPattern(std::string_view pattern,
                                          const std::vector<std::string>& keep_whole);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_HOST_PATTERN_H_
