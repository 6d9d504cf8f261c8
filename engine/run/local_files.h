// Where a task's local file (a template, a file to copy) is on the
// controller, found as Ansible's action plugins find it
// (DataLoader.path_dwim_relative_stack): for each of the task's search
// paths (its role, the roles depending on it, the directory of its task
// file), then the playbook's directory, first `<dir>/templates/<name>` (or
// `files/` for a file that is not rendered) unless the name already starts
// with that directory, then `<dir>/<name>`.
//
// Reads only the file system's metadata; thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_LOCAL_FILES_H_
#define HOSTPREP_ENGINE_RUN_LOCAL_FILES_H_

#include <string>
#include <vector>

namespace hostprep {

// The first candidate that exists; when none does, `<playbook_dir>/<name>`
// (for the module's "not found" message). An absolute `name` is itself.
std::string FindLocalFile(const std::string& name, bool is_template,
                          const std::vector<std::string>& search_paths,
                          const std::string& playbook_dir);

// Every candidate, in the order they are tried.
std::vector<std::string> LocalFileCandidates(const std::string& name, bool is_template,
                                             const std::vector<std::string>& search_paths,
                                             const std::string& playbook_dir);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_LOCAL_FILES_H_
