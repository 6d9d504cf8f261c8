// Ansible's lookup plugins as hostprep runs them: on the controller, for
// `lookup()` and `query()` in templates (Lookups in variables.h).
//
// file, template, first_found and fileglob find their files where Ansible
// does, in `ansible_search_path` (the task's role, the roles depending on
// it, the directory of its task file, then the playbook's directory; the
// playbook's directory alone outside a task) with files/ or templates/
// tried first (local_files.h). env reads this process' environment, vars
// the task's variables. items, list, dict, indexed_items, together,
// nested, subelements and sequence are the with_* loops' (loop_items.h).
// pipe and lines run a shell command on this machine, in the playbook's
// directory: only when the operator allowed it (--allow-lookup-commands),
// as the command is whatever the playbook and its variables make it.
//
// Reads the controller's file system and environment; pipe and lines run
// processes. Thread-safe: one instance serves every host of a run.
#ifndef HOSTPREP_ENGINE_RUN_CONTROLLER_LOOKUPS_H_
#define HOSTPREP_ENGINE_RUN_CONTROLLER_LOOKUPS_H_

#include <string>
#include <vector>

#include "engine/template/variables.h"

namespace hostprep {

class ControllerLookups : public Lookups {
 public:
  // `playbook_dir`: where files are found outside a task and where pipe
  // runs; `allow_commands`: whether pipe and lines may run;
  // `managed_format`: ansible.cfg's ansible_managed, for the template lookup.
  ControllerLookups(std::string playbook_dir, bool allow_commands, std::string managed_format)
      : playbook_dir_(std::move(playbook_dir)),
        allow_commands_(allow_commands),
        managed_format_(std::move(managed_format)) {}

  Result<Value> Run(const std::string& name, const Value& terms, const Value& options,
                    const Variables& vars) const override;

 private:
  std::vector<std::string> SearchPaths(const Variables& vars) const;
  Result<Value> File(const Value& terms, const Value& options, const Variables& vars) const;
  Result<Value> Template(const Value& terms, const Value& options, const Variables& vars) const;
  Result<Value> FirstFoundLookup(const Value& terms, const Value& options,
                                 const Variables& vars) const;
  Result<Value> Command(const std::string& name, const Value& terms) const;

  std::string playbook_dir_;
  bool allow_commands_;
  std::string managed_format_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_CONTROLLER_LOOKUPS_H_
