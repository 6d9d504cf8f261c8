// The task files `include_tasks` reads while a play runs. An include names
// its file per host (and per loop item), so the file is known only when the
// task runs: it is found from where the include is written, as Ansible
// finds it, parsed like any task file, its notifications linked to the
// play's handlers, once per include and file, and shared by every host
// that includes it. An include_role's tasks were read with the playbook:
// here they are linked to the play's handlers, once per include.
//
// Reads files on the controller, never contacts a host. Thread-safe: the
// workers of every host of a play call Load at once.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_INCLUDE_LOADER_H_
#define HOSTPREP_ENGINE_PLAYBOOK_INCLUDE_LOADER_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/registry.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// A task file as an include read it: immutable once loaded.
struct IncludedFile {
  std::string path;              // include_role: the role's name
  std::vector<TaskSpec> tasks;  // in file order, ids "<include id>/<own id>"
};

class IncludeLoader {
 public:
  // Borrows both; they must outlive the loader.
  IncludeLoader(const Play& play, const ModuleRegistry& modules);

  // The file `name` (the include's file name, rendered) stands for from
  // where `include` (a TaskKind::kInclude task of the play, or of a file
  // loaded here) is written, parsed; or why it cannot be: no such file, or
  // its mistakes, each as file:line:col with the line and a caret.
  Result<std::shared_ptr<const IncludedFile>> Load(const TaskSpec& include,
                                                   const std::string& name);

 private:
  using Key = std::pair<const TaskSpec*, std::string>;
  Result<std::shared_ptr<const IncludedFile>> Read(const TaskSpec& include,
                                                   const std::string& path) const;

  const Play& play_;
  const ModuleRegistry& modules_;
  std::mutex mu_;
  std::map<Key, Result<std::shared_ptr<const IncludedFile>>> loaded_;  // guarded by mu_
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_INCLUDE_LOADER_H_
