// Roles as ansible-playbook loads them for a play: found by name in the
// playbook's roles/ directory, ANSIBLE_ROLES_PATH (or Ansible's default
// roles path), or as a path; read from tasks/, handlers/, defaults/, vars/
// and meta/ (main, main.yml, main.yaml, main.json; defaults/main/ and
// vars/main/ may be directories of files); their meta dependencies loaded
// first; a role named twice with the same parameters runs once (unless its
// meta says allow_duplicates).
//
// Each role's tasks and handlers become the play's, carrying the role's
// scope (Play::roles): its name and path, and its defaults, vars and
// parameters merged along the chain of roles depending on it, as Ansible's
// Role.get_default_vars / get_vars / get_role_params merge them.
//
// `import_role` and `include_role` load roles the same way, with their own
// rules (RoleRequest): the role may read other files than main, it runs
// each time it is named unless told otherwise, and a role including it is
// its parent, as a role depending on it would be.
//
// Parse-time only: reads files, never contacts a host. Not thread-safe.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_ROLE_LOADER_H_
#define HOSTPREP_ENGINE_PLAYBOOK_ROLE_LOADER_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/playbook/field_reader.h"
#include "engine/playbook/playbook.h"
#include "engine/playbook/task_list.h"

namespace hostprep {

// What an `import_role` or `include_role` task asks for, its arguments read.
struct RoleRequest {
  std::string name;
  SourceLocation at;  // the role's name in the task
  // tasks_from, vars_from, defaults_from, handlers_from by the directory
  // they read ("tasks"...): the base name of a file there, main otherwise.
  std::map<std::string, std::string> from;
  bool allow_duplicates = true;  // unlike a role of `roles:`, runs each time named
  bool validate = true;          // rolespec_validate
  bool include = false;          // include_role (else import_role)
  bool public_role = false;      // include_role's `public`
  Value vars = Value::object();  // the task's `vars:`: the role entry's
};

class RoleLoader {
 public:
  // `play` receives the role scopes, and in Finish the play-wide defaults
  // and vars. All must outlive the loader.
  RoleLoader(TaskListParser* parser, std::string playbook_dir, Play* play);
  ~RoleLoader();

  // One entry of the play's `roles:` (a name, or a mapping with `role:`,
  // keywords and parameters) read with `reader`: loads the role and its
  // dependencies and appends their tasks (dependencies first) and handlers.
  // Errors (a role not found, a broken file) go to `reader`.
  void AddEntry(const YAML::Node& entry, FieldReader* reader, std::vector<TaskDraft>* tasks,
                std::vector<TaskDraft>* handlers);

  // The role `request` names, for a task written in `scope` (a role
  // including it is its parent): its tasks, its dependencies' first, are
  // appended to `tasks` under `inherited`. For import_role they are the
  // play's, where the task stands, and the role's defaults and vars join
  // the play's as a role of `roles:` does; for include_role they are what
  // the include inserts when it runs, and the role's variables stay its
  // own. Its handlers join late_handlers(). Errors go to `reader`. Returns
  // the Play::roles index of the role's own scope, -1 after an error.
  int AddTask(const RoleRequest& request, const TaskListScope& scope, const Inherited& inherited,
              FieldReader* reader, std::vector<TaskDraft>* tasks);

  // The handlers of the roles import_role and include_role load, which
  // Ansible puts after the play's own.
  std::vector<TaskDraft>& late_handlers() { return late_handlers_; }

  // The play-wide defaults and vars of every role of `roles:` and
  // `import_role`, in that order.
  void Finish();

 private:
  struct Role;
  struct Entry;

  // The role an entry names, loaded once per (path, parameters, when,
  // tags); nullptr after an error. `basedir` is the directory of the role
  // whose meta names it ("" for the play's roles).
  Role* Load(const YAML::Node& entry, FieldReader* reader, const std::string& basedir);
  Role* Load(const Entry& entry, FieldReader* reader, const std::string& basedir);
  bool ReadEntry(const YAML::Node& node, FieldReader* reader, Entry* out);
  std::string FindRole(const std::string& name, const std::string& basedir,
                       std::vector<std::string>* searched) const;
  void ReadFiles(Role* role, const Entry& entry, FieldReader* reader);
  std::string FindRoleFile(const Role& role, const Entry& entry, const std::string& dir,
                           FieldReader* reader) const;
  // Its meta/main.yml: dependencies, allow_duplicates, and (`read_specs`:
  // there is no meta/argument_specs.yml) its argument_specs.
  void ReadDependencies(Role* role, const std::string& meta_file, FieldReader* reader,
                        const SourceLocation& at, bool read_specs);
  Value ReadVarsDir(const std::string& dir, FieldReader* reader, const SourceLocation& at);

  // Appends the tasks and handlers of `role` (its dependencies first) under
  // the roles in `chain` (outermost first). Returns the Play::roles index
  // of the scope made for `role`.
  int Compile(Role* role, const std::vector<const Role*>& chain, const Inherited& outer,
              FieldReader* reader, const SourceLocation& at, std::vector<TaskDraft>* tasks,
              std::vector<TaskDraft>* handlers);
  Value Defaults(const Role& role, const std::vector<const Role*>& chain) const;
  Value Vars(const Role& role, const std::vector<const Role*>& chain) const;
  std::vector<const Role*> AllDependencies(const Role& role) const;

  TaskListParser& parser_;
  std::string playbook_dir_;
  Play& play_;
  std::vector<std::unique_ptr<Role>> roles_;  // every role loaded, by identity
  std::vector<const Role*> entries_;          // the roles the play names, in order
  std::vector<const Role*> imports_;          // the roles import_role names, in order
  std::vector<std::string> loading_;          // role paths being loaded (cycles)
  std::vector<const Role*> compiling_;        // roles being compiled (import cycles)
  // By Play::roles index: the role of that scope and the roles above it,
  // innermost last (the parents of a role it includes).
  std::vector<std::vector<const Role*>> chains_;
  std::vector<TaskDraft> late_handlers_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_ROLE_LOADER_H_
