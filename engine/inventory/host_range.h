// Host names as inventories write them: an optional port ("web1:2222",
// "[2001:db8::1]:22") and ranges ("node[01:03]", "node[a:c]",
// "node[1:9:2]", several ranges multiply). Shared by the INI and YAML
// readers. Pure functions.
#ifndef HOSTPREP_ENGINE_INVENTORY_HOST_RANGE_H_
#define HOSTPREP_ENGINE_INVENTORY_HOST_RANGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace hostprep {

struct HostPattern {
  std::vector<std::string> names;  // expanded, in range order
  int port = 0;                    // 0 = none given
};

// Expands ranges as Ansible's expand_hostname_range does: [beg:end] or
// [beg:end:step], numeric (a leading zero in beg sets the width, and then
// end must have the same width) or single letters; an empty beg is 0.
// Errors: "host range 'node[3:1]' has begin > end", ...
Result<std::vector<std::string>> ExpandHostRanges(std::string_view pattern);

// Why `name` cannot be an inventory host name (a blank or a control
// character: it would break patterns and forge lines of output), or "".
std::string HostNameProblem(std::string_view name);

// Splits off a port and expands ranges. A bracketed IPv6 address
// ("[::1]:22") is an address, not a range. Refuses what HostNameProblem
// refuses.
Result<HostPattern> ParseHostPattern(std::string_view pattern);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_HOST_RANGE_H_
