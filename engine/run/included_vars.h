// The variables `include_vars` reads on the controller, as Ansible's
// include_vars action reads them: one file (found in a role's vars/, then
// beside the task's file and the playbook, as Ansible's _find_needle does),
// or every file of a directory (a role's vars/<dir>, else beside the task's
// file), walked in sorted order, filtered by extension, `files_matching`
// and `ignore_files`, to `depth` directories. Later files replace earlier
// keys; `name` nests them all under one variable.
//
// Reads files only; no host. Thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_INCLUDED_VARS_H_
#define HOSTPREP_ENGINE_RUN_INCLUDED_VARS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

struct IncludedVars {
  Value vars = Value::object();    // the variables, with their templates pending
  std::vector<std::string> files;  // the files read, in order
};

// Where the task that reads them stands.
struct IncludeVarsContext {
  std::vector<std::string> search_paths;  // TaskSpec::search_paths
  std::string role_path;                  // "" outside roles
  std::string task_dir;                   // the directory of the task's file
  std::string playbook_dir;
};

// `args`: include_vars' arguments, rendered (file, dir or _raw_params;
// name, depth, files_matching, ignore_files, extensions,
// ignore_unknown_extensions). Errors: no such file or directory (with
// where it was looked for), a file that is not a mapping, a YAML error
// (file:line:col), a vault-encrypted file.
Result<IncludedVars> LoadIncludedVars(const Value& args, const IncludeVarsContext& where);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_INCLUDED_VARS_H_
