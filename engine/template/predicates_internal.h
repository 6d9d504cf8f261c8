// Shared by the test files (predicates*.cc), not part of the template API.
#ifndef HOSTPREP_ENGINE_TEMPLATE_PREDICATES_INTERNAL_H_
#define HOSTPREP_ENGINE_TEMPLATE_PREDICATES_INTERNAL_H_

#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep::predicates_internal {

// Ansible's version / version_compare test: args are version, operator,
// strict, version_type (loose, strict, semver/semantic).
Result<bool> VersionTest(const Value& in, const std::vector<Value>& args);

}  // namespace hostprep::predicates_internal

#endif  // HOSTPREP_ENGINE_TEMPLATE_PREDICATES_INTERNAL_H_
