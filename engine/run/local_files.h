// Where a task's local file (a template, a file to copy) is on the
// controller, found as Ansible's action plugins find it
// (DataLoader.path_dwim_relative_stack): for each of the task's search
// paths (its role, the roles depending on it, the directory of its task
// file), then the playbook's directory, first `<dir>/<subdir>/<name>`
// (`templates/` for a template, `files/` for a file to copy, `vars/` for
// include_vars) unless the name already starts with that directory, then
// `<dir>/<name>`.
//
// Reads only the file system (FindLocalFile only its metadata); thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_LOCAL_FILES_H_
#define HOSTPREP_ENGINE_RUN_LOCAL_FILES_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/module/read_result.h"

namespace hostprep {

// The first candidate that exists; when none does, `<playbook_dir>/<name>`
// (for the module's "not found" message). An absolute `name` is itself.
std::string FindLocalFile(const std::string& name, const std::string& subdir,
                          const std::vector<std::string>& search_paths,
                          const std::string& playbook_dir);

// The content of a regular file on the controller (symlinks followed);
// nullopt when it is missing, unreadable or not a regular file.
std::optional<std::string> ReadControllerFile(const std::string& path);

// The type and permission bits of a path on the controller, symlinks
// followed; kMissing when it does not exist or cannot be read.
FileInfo StatControllerFile(const std::string& path);

// Every candidate, in the order they are tried.
std::vector<std::string> LocalFileCandidates(const std::string& name, const std::string& subdir,
                                             const std::vector<std::string>& search_paths,
                                             const std::string& playbook_dir);

// with_first_found as Ansible's first_found lookup: `terms` (rendered;
// names, lists of them, or {files, paths, skip} mappings, whose files split
// on , and ; and paths on , : and ;) tried in order in the task's search
// paths under `subdir`; a list of the first file that exists (absolute), or
// empty when none does and a mapping said skip. Errors: nothing found.
Result<Value> FirstFound(const Value& terms, const std::string& subdir,
                         const std::vector<std::string>& search_paths,
                         const std::string& playbook_dir);

// with_fileglob as Ansible's fileglob lookup: each pattern matched in the
// directory its path names (found in the search paths under files/), or for
// a bare pattern in each search path's files/ and the path itself, the
// first that matches; regular files only, sorted (Ansible keeps the order
// the file system lists them in).
Value FileGlob(const Value& patterns, const std::vector<std::string>& search_paths,
               const std::string& playbook_dir);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_LOCAL_FILES_H_
