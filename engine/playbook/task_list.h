// Lists of tasks as Ansible composes them: a play's pre_tasks, tasks,
// post_tasks and handlers, a role's task and handler files, and the files
// `import_tasks` brings in where it stands. Each task gets what the things
// around it pass down (a role entry's or an import's `when`, `tags`, `vars`,
// `become`...), the role it belongs to and where its local files are found.
//
// Parse-time only: reads files under the playbook's directory and roles, and
// never contacts a host. Errors go to the FieldReader of the file they are
// in, and from there to the playbook's, anchored where the file is named.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_TASK_LIST_H_
#define HOSTPREP_ENGINE_PLAYBOOK_TASK_LIST_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/playbook.h"
#include "engine/playbook/task_parser.h"

namespace hostprep {

// What a container (a role entry, an import) passes down to every task in
// it, as Ansible's parents do: conditions ANDed before the task's own, tags
// added, vars under the task's own, and the task's own settings winning.
struct Inherited {
  std::vector<Expression> when;
  std::vector<std::string> tags;
  Value vars = Value::object();
  std::optional<bool> become;
  std::string become_template;  // TaskSpec::become_template
  SourceLocation become_location;
  std::string become_user;
  std::optional<std::vector<std::string>> become_flags;
  std::optional<BecomeMethod> become_method;
  std::optional<bool> ignore_errors;
  std::optional<bool> ignore_unreachable;
  std::optional<bool> no_log;
  std::optional<bool> check_mode;
  std::optional<bool> run_once;
  std::string delegate_to;  // "" = none
  SourceLocation delegate_location;
  std::optional<bool> delegate_facts;
  std::vector<Value> environment;  // outermost first

  // `outer` with this container's own settings added on top.
  Inherited Within(const Inherited& outer) const;
  // Applies these settings to a task parsed under them.
  void ApplyTo(TaskSpec* task) const;
};

// What every task of `play` (its own, its roles', included ones) gets from
// the play: its tags, its environment under the task's own, and (except
// handlers) an import_playbook's when before the task's own.
void InheritFromPlay(const Play& play, TaskSpec* task);

// Reads `key` of a container (an import, a role entry) into `out` when it
// is one that tasks inherit (when, tags, vars, become, become_user,
// ignore_errors, ignore_unreachable, no_log, check_mode, run_once, delegate_to, environment); false
// for any other key.
bool ReadInheritedKey(FieldReader* reader, const std::string& key, const YAML::Node& value,
                      const std::string& label, Inherited* out);

// Reads a `become:` value: a boolean into `out`, or a template into
// `templ` and `at` (TaskSpec::become_template). False (reported) for
// anything else.
bool ReadBecome(FieldReader* reader, const YAML::Node& value, const std::string& label,
                std::optional<bool>* out, std::string* templ, SourceLocation* at);

// Reads a `become_method:` value into `out`: sudo or su (short names or
// ansible.builtin.*). False (reported) for any other.
bool ReadBecomeMethod(FieldReader* reader, const YAML::Node& value,
                      std::optional<BecomeMethod>* out);

// Reads `become_flags:` into the options hostprep passes on: sudo's -H
// (--set-home) and -E (--preserve-env), su's -m (-p,
// --preserve-environment); -n and -S are hostprep's to choose and dropped,
// as is su's `-s SHELL` (hostprep's su always runs /bin/sh). Each method
// takes its own and leaves the other's out (remote_shell.h). False
// (reported) for any other word.
bool ReadBecomeFlags(FieldReader* reader, const YAML::Node& value, std::vector<std::string>* out);

// Reads `delegate_facts:` (TaskSpec::delegate_facts) into `out`.
bool ReadDelegateFacts(FieldReader* reader, const YAML::Node& value, std::optional<bool>* out);

// Reads an `environment:` value: a mapping of variable names to strings, or
// a template that renders to one. False (reported) when it is neither.
bool ReadEnvironment(FieldReader* reader, const YAML::Node& value, Value* out);

// Where a list of tasks is read.
struct TaskListScope {
  FieldReader* reader = nullptr;  // of the file the list is written in
  bool handlers = false;
  int role = -1;               // Play::roles index, -1 outside roles
  int role_instance = -1;      // TaskSpec::role_instance
  bool included_role = false;  // TaskSpec::included_role
  std::string role_name;
  std::string role_path;                // "" outside roles
  std::vector<std::string> role_paths;  // the role, then the roles depending on it
  Inherited inherited;
  std::vector<std::string> files;          // the files being read, outermost first (import cycles)
  std::shared_ptr<const BlockSpec> block;  // the block being read, null outside blocks
  BlockSection section = BlockSection::kBlock;
  bool dynamic = false;  // a file include_tasks reads when it runs
};

// What an `include_tasks` task needs to read its file when it runs: the
// name as written, the scope it is read in (the role, the file the include
// is written in, what the tasks inherit: the include's containers and its
// `apply`, never the include's own when and tags) and the include's own
// vars, which its tasks see as include parameters.
//
// An `include_role` names its role without templates, so the role's tasks
// are read with the playbook and kept here, to be inserted when it runs.
struct IncludeSpec {
  std::string file;  // a template; include_role: the role's name
  SourceLocation file_location;
  TaskListScope scope;  // reader is null: each read makes its own
  Value vars = Value::object();
  std::string playbook_dir;
  std::string role;                   // include_role: the role's name ("" for include_tasks)
  std::vector<TaskDraft> role_tasks;  // include_role: its tasks, dependencies' first
  int role_scope = -1;                // include_role: the role's Play::roles index
  // include_role's `public`: once it ran on a host, the role's defaults and
  // vars are the play's there, and its name is in role_names.
  bool public_role = false;
};

// The task file `target` names from where `scope` is, as Ansible finds it:
// absolute as it is; else beside the file being read (nested includes),
// then in a role under its tasks/ (handlers/) directory, outside roles
// under `playbook_dir`. "" when it is none of them.
std::string FindTaskFile(const std::string& target, const TaskListScope& scope,
                         const std::string& playbook_dir);
// The directories FindTaskFile looks in for a relative name, nearest first.
std::vector<std::string> TaskFileDirs(const TaskListScope& scope, const std::string& playbook_dir);

// A file an include may read, parsed before the run to find its mistakes;
// its notifications are checked once the play's handlers are known.
struct RoleRequest;  // role_loader.h

struct CheckedInclude {
  std::string path;
  SourceLocation at;  // the include that names it
  std::vector<TaskDraft> tasks;
};

class RoleLoader;

class TaskListParser {
 public:
  // `playbook_dir` is the base of paths outside roles.
  TaskListParser(const ModuleRegistry& modules, std::string playbook_dir);

  // Where import_role and include_role load their roles (borrowed). Without
  // one (a file read while the play runs), they are refused.
  void set_roles(RoleLoader* roles) { roles_ = roles; }

  // The files includes named (or whose templated names matched) while
  // parsing, each once, in the order met.
  std::vector<CheckedInclude>& checked_includes() { return checked_; }

  // Appends the tasks of `list` (a task list; null reads as empty) to `out`.
  // `key` names the list in messages ("tasks", "pre_tasks").
  void Parse(const std::string& key, const YAML::Node& list, const TaskListScope& scope,
             std::vector<TaskDraft>* out);

  // Reads the task file `path` and appends its tasks; an error in it is
  // anchored at `at` in `scope.reader`'s file. `scope.reader` is replaced by
  // the file's own. False when the file could not be read as a task list.
  bool ParseFile(const std::string& path, const SourceLocation& at, TaskListScope scope,
                 std::vector<TaskDraft>* out);

 private:
  void Import(const YAML::Node& node, const TaskListScope& scope, std::vector<TaskDraft>* out);
  // A `block:` with its `rescue:` and `always:`: their tasks in order, each
  // section closed by an implicit marker task (TaskKind::kRescueStart...).
  void Block(const YAML::Node& node, const TaskListScope& scope, std::vector<TaskDraft>* out);
  void AddMarker(TaskKind kind, const TaskListScope& scope, const SourceLocation& at,
                 std::vector<TaskDraft>* out) const;
  // Completes an include_tasks task: its file and `apply`, then reads the
  // files it can name now (CheckIncludeFiles).
  void AddInclude(const YAML::Node& node, const TaskListScope& scope, TaskDraft* draft);
  void CheckIncludeFiles(const IncludeSpec& spec, const TaskListScope& scope);
  // import_role: the role's tasks where the task stands.
  void ImportRole(const YAML::Node& node, const TaskListScope& scope, std::vector<TaskDraft>* out);
  // Completes an include_role task: its role's tasks read now, kept for
  // when it runs.
  void AddIncludeRole(const YAML::Node& node, const TaskListScope& scope, TaskDraft* draft);
  // The arguments of an import_role or include_role task (under its key or
  // `args`) into `out`, and include_role's `apply` into `apply`. False when
  // there is no role to load.
  bool ReadRoleArgs(const YAML::Node& node, const TaskListScope& scope, RoleRequest* out,
                    Inherited* apply);
  bool CanLoadRoles(const YAML::Node& at, const std::string& action, const TaskListScope& scope);

  const ModuleRegistry& modules_;
  std::string playbook_dir_;
  RoleLoader* roles_ = nullptr;
  std::vector<CheckedInclude> checked_;
};

// The first of `dir`/main, main.yml, main.yaml, main.json that exists (a
// role's tasks/main.yml...), or "" when there is none. With `or_dir`, a
// directory `dir`/main counts (vars/main/ of several files).
std::string FindMainFile(const std::string& dir, const std::string& main, bool or_dir);

// `name` under `dir` ("" or "." for the current directory), normalized: how
// task files and roles name the files they read.
std::string JoinNormalized(const std::string& dir, const std::string& name);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_TASK_LIST_H_
