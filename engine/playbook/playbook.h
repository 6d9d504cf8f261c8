// The parsed playbook: plays, tasks and handlers, with the source location of
// everything a later error may need to point at. Built by ParsePlaybook, then
// immutable and shared read-only by every host's run.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_PLAYBOOK_H_
#define HOSTPREP_ENGINE_PLAYBOOK_PLAYBOOK_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/source.h"
#include "engine/base/value.h"
#include "engine/facts/fact_subset.h"
#include "engine/module/registry.h"

namespace hostprep {

// A bare expression (when, changed_when, failed_when) and where it was written.
struct Expression {
  std::string text;
  SourceLocation location;
};

// What a task does: run a module, or steer the run (`meta:`).
enum class TaskKind {
  kModule,
  kSetFact,          // `set_fact`: args are the facts to set on the host, no I/O
  kIncludeVars,      // `include_vars`: variables read from files on the controller
  kFlushHandlers,    // `meta: flush_handlers`, and the flushes Ansible adds after
                     // pre_tasks, after roles and tasks, and after post_tasks
  kNoop,             // `meta: noop`
  kEndHost,          // `meta: end_host`: the host runs nothing more in this play
  kEndPlay,          // `meta: end_play`: every host stops; the next play runs
  kEndBatch,         // `meta: end_batch`: the batch's hosts stop; the next batch runs
  kResetConnection,  // `meta: reset_connection`: the host's connection is opened anew
  kRoleComplete,     // the end of a role's tasks (Ansible's implicit role_complete):
                     // once a task of the role ran, the role's later occurrences are
                     // skipped on that host, unless the role allows duplicates
  kInclude,          // `include_tasks`: a file of tasks read when the task runs, named
                     // per host (and per loop item); its tasks run next on that host
  // Where a block's sections end (implicit tasks, TaskSpec::block is the
  // block): the rescue tasks follow kRescueStart, the always tasks
  // kAlwaysStart, and kBlockEnd closes the block. Their order in the list is
  // what a failure in the block jumps along.
  kRescueStart,
  kAlwaysStart,
  kBlockEnd,
};

// The kinds of task `run_once` applies to: those with a result to share.
inline bool RunsOnce(TaskKind kind) {
  return kind == TaskKind::kModule || kind == TaskKind::kSetFact || kind == TaskKind::kIncludeVars;
}

// The kinds of task `delegate_to` applies to: those that run on a host, or
// (set_fact, include_vars) run on the controller for one.
inline bool Delegates(TaskKind kind) { return RunsOnce(kind); }

inline bool IsBlockMarker(TaskKind kind) {
  return kind == TaskKind::kRescueStart || kind == TaskKind::kAlwaysStart ||
         kind == TaskKind::kBlockEnd;
}

// The section of a block a task is written in.
enum class BlockSection { kBlock, kRescue, kAlways };

// A `block:` as written: where it is, what it has, and the block it is in.
// Shared by its tasks (TaskSpec::block: the innermost block) and immutable.
struct BlockSpec {
  SourceLocation location;
  bool has_rescue = false;
  bool has_always = false;
  std::shared_ptr<const BlockSpec> parent;  // null at the top
  BlockSection parent_section = BlockSection::kBlock;
};

struct IncludeSpec;  // task_list.h: what an include_tasks task needs to load its file

struct TaskSpec {
  std::string name;         // as written; "" when unnamed (display falls back to the module)
  std::string id;           // `id:` or a slug of the name (or module name), unique in the play
  SourceLocation location;  // the task's first key
  bool is_handler = false;
  size_t index = 0;  // position among the play's tasks (or handlers), from 0

  TaskKind kind = TaskKind::kModule;
  bool implicit = false;           // added by hostprep (a section's flush), not written
  std::string module;              // "file", "command", ... ("meta" for the other kinds)
  // The module key as written when it names another module than `module`
  // (`sysctl:` run by ansible.posix.sysctl): what a task without a name
  // shows, as Ansible shows it. Empty otherwise.
  std::string module_key;
  SourceLocation module_location;  // the module key
  Value args = Value::object();    // normalised with templates pending (NormalizeArgs)
  // Location of each top-level argument key, for errors found per host once
  // templates are rendered. Missing keys fall back to module_location.
  std::map<std::string, SourceLocation> arg_locations;

  std::vector<std::string> after;  // ids of tasks this one waits for
  SourceLocation after_location;
  std::vector<Expression> when;  // all must hold (a list in YAML is ANDed)
  std::optional<Value> loop;     // a list, or a template string that renders to one
  SourceLocation loop_location;
  // "" for `loop`; for `with_<lookup>` the lookup that shapes the rendered
  // value into items ("items", "dict", "sequence"...: engine/run/loop_items.h).
  std::string loop_lookup;
  std::string loop_var = "item";    // loop_control.loop_var
  std::string index_var;            // loop_control.index_var ("" = none)
  std::optional<Value> loop_label;  // loop_control.label: a template shown for each item
  bool loop_extended = false;       // loop_control.extended: ansible_loop is set
  std::string register_as;          // "" = not registered
  std::vector<std::string> notify;  // handler names (or ids); linked: the ids they reach
  std::vector<std::string> listen;  // a handler's topics: `notify` naming one reaches it
  SourceLocation notify_location;
  std::optional<bool> become;
  // `become` written as a template ("{{ use_sudo }}"), in place of a
  // literal one: rendered for each host, and each loop item, with the
  // task's variables when it runs, as Ansible templates it.
  std::string become_template;
  SourceLocation become_location;
  std::string become_user;
  // become_flags, checked (ReadBecomeFlags); unset: the play's.
  std::optional<std::vector<std::string>> become_flags;
  std::optional<BecomeMethod> become_method;  // unset: the play's
  std::vector<std::string> tags;
  bool no_log = false;
  bool ignore_errors = false;
  // ignore_unreachable: a lost connection does not end the host's run: the
  // result is unreachable (and registered so), counted ok and ignored, and
  // the next task connects again, as in Ansible.
  std::optional<bool> ignore_unreachable;  // unset: the play's, else false
  // run_once: the first host of the batch still in the play runs it; its
  // registered result and facts go to every host of the batch (Scheduler).
  bool run_once = false;
  // delegate_to: the host the task's module runs on instead (its
  // connection, its facts), a template rendered per host and loop item;
  // "" = the host itself. Variables stay the host's, as do its results.
  std::string delegate_to;
  SourceLocation delegate_location;
  // delegate_facts: the values a delegated set_fact or include_vars sets
  // go to the delegated host instead (HostVarsBoard::Give), as in Ansible.
  std::optional<bool> delegate_facts;
  // check_mode: false runs the task for real even under --check (a read-only
  // query whose result later tasks need); true never changes anything.
  std::optional<bool> check_mode;
  int retries = 0;                // extra attempts after a failure
  bool retries_set = false;       // `retries` was written (until's default is 3)
  std::vector<Expression> until;  // retry until all hold (Ansible's until)
  int delay = 5;                  // seconds between attempts
  std::vector<Expression> changed_when;
  std::vector<Expression> failed_when;
  // The module arguments that are bare expressions (debug's var, assert's
  // that; ArgDef::expression), for their syntax and the variables they read.
  std::vector<Expression> arg_expressions;
  Value vars = Value::object();  // task vars
  std::string vars_origin;       // "playbooks/site.yml:12 (task vars)"
  // `environment`: the play's, its containers' and its own, outermost
  // first, each a mapping or a template that renders to one; merged when
  // the task runs and given to the commands it runs as data (`env NAME=value`).
  std::vector<Value> environment;
  SourceLocation environment_location;

  // From a role: its scope in Play::roles (-1 outside roles) and its name,
  // which output puts before the task's ("common : install packages").
  int role = -1;
  std::string role_name;
  // The role as loaded (the same role with the same parameters is one
  // instance wherever it occurs), -1 outside roles: see kRoleComplete.
  int role_instance = -1;
  // Read for an include_role (its role's tasks and handlers, and those of
  // the roles under it). Ansible adds such a role's handlers to the play
  // when the include runs, so a notification from its tasks reaches the
  // role's own handler of that name, and others reach it only when no
  // handler loaded with the play has that name.
  bool included_role = false;
  // Where a local file the task names (a template, a file to copy) is
  // looked for, nearest first: the role and the roles that depend on it,
  // then the directory of the file the task is written in. The playbook's
  // directory is searched after these.
  std::vector<std::string> search_paths;
  // kInclude: the file's name (a template), where it is looked for and what
  // its tasks inherit. Shared: copies of the task share it.
  std::shared_ptr<const IncludeSpec> include;
  // The innermost block the task is in (null outside blocks) and in which
  // of its sections; for a kRescueStart/kAlwaysStart/kBlockEnd, its block.
  std::shared_ptr<const BlockSpec> block;
  BlockSection block_section = BlockSection::kBlock;

  // "name" if set, else "module" (with the id if that differs), after the
  // role's name for a role's task: for output.
  std::string DisplayName() const;
};

// A role as the tasks written in it see it (one per role and chain of roles
// depending on it that the play runs): its name, its directory, and its
// variables merged as Ansible merges them for those tasks. Host-independent;
// the values keep their templates, rendered when a task uses them.
struct RoleScope {
  std::string name;                  // role_name
  std::string path;                  // role_path: the role's directory, absolute
  Value defaults = Value::object();  // its dependencies', its parents', its own defaults/
  Value vars = Value::object();      // parents', dependencies', the entry's `vars:`, its vars/
  Value params = Value::object();    // parents' and its own role parameters
};

// The order of a play's tasks on each host. kSequential (the default, and
// Ansible's): as written, top to bottom; `after` may only name a task above.
// kDag (`order: dag`, hostprep's own): a graph from `after`, registered
// results and resources; tasks with no path between them keep file order.
enum class PlayOrder { kDag, kSequential };

// A play keyword written as a template (`any_errors_fatal: "{{ fatal |
// default(true) }}"`): its field keeps its default until the run renders it
// (engine/run/play_keywords.h).
struct PlayKeywordTemplate {
  std::string key;  // gather_facts, any_errors_fatal, serial, max_fail_percentage, become...
  std::string text;
  SourceLocation location;
};

struct Play {
  std::string name;
  SourceLocation location;
  std::string hosts;  // a host pattern (inventory.h: Inventory::Match)
  SourceLocation hosts_location;
  std::string connection;  // "" = from inventory (default ssh), "local", "ssh"
  std::optional<bool> become;
  std::string become_user;
  std::vector<std::string> become_flags;  // checked (ReadBecomeFlags)
  // Unset: --become-method (ansible.cfg's), else the host's
  // ansible_become_method, else sudo.
  std::optional<BecomeMethod> become_method;
  // `remote_user` and `port` (templates allowed): the login of hosts whose
  // inventory sets no ansible_user (ansible_port), as in Ansible, where
  // connection variables win over play keywords.
  std::string remote_user;
  std::string port;
  // The directory of the file the play is written in (its playbook's, or
  // an imported playbook's): playbook_dir, and the base of its relative
  // paths, as Ansible sets its basedir per play.
  std::string dir = ".";
  // dir as an absolute, normal path: the `playbook_dir` variable.
  std::string AbsoluteDir() const;
  // An import_playbook's `when`: before every task's own, not handlers'.
  std::vector<Expression> when;
  bool gather_facts = true;
  // `gather_subset`, resolved: which of Ansible's fact collectors the play's
  // gathering runs (all by default).
  FactSubset gather_subset = FactSubset::All();
  std::vector<Value> serial;     // batch sizes: integers or "30%" strings; empty = all
  int max_fail_percentage = -1;  // -1 = unset (any failure fails only that host)
  bool any_errors_fatal = false;
  // `strategy`: "linear" (lock-step, ansible.builtin.linear), "free", or ""
  // when the play does not say (the run's --strategy, free by default).
  std::string strategy;
  bool ignore_unreachable = false;  // inherited by every task (TaskSpec::ignore_unreachable)
  std::vector<PlayKeywordTemplate> keyword_templates;  // written as templates, in file order
  PlayOrder order = PlayOrder::kSequential;
  std::vector<std::string> tags;        // inherited by every task
  std::vector<Value> environment;       // `environment`, under every task's own
  Value vars = Value::object();         // play vars, then vars_files merged on top
  std::vector<std::string> vars_files;  // resolved paths, already merged into vars
  // pre_tasks, the roles' tasks, tasks and post_tasks, in the order they
  // run, with a kFlushHandlers task after each section (Ansible's order).
  std::vector<TaskSpec> tasks;
  // The roles' handlers (dependencies first), then the play's.
  std::vector<TaskSpec> handlers;
  std::vector<RoleScope> roles;         // TaskSpec::role indexes this
  std::vector<std::string> role_names;  // the roles of `roles:`, for `role_names`
  // Every role of `roles:` (with its dependencies): their defaults merged,
  // the lowest precedence of all, and their vars merged, above play vars,
  // as Ansible exposes them to every task of the play.
  Value role_defaults = Value::object();
  Value role_vars = Value::object();

  // The name, or the hosts pattern for an unnamed play (as Ansible shows it).
  const std::string& DisplayName() const { return name.empty() ? hosts : name; }
};

struct Playbook {
  std::string path;  // as given on the command line
  std::string dir;   // directory of path: base for relative paths (vars_files, src, template)
  std::vector<Play> plays;
};

// Reads, parses and validates a playbook without contacting any host:
// YAML syntax, duplicate keys, the schema of plays and tasks (unknown keys
// with "did you mean", wrong types), exactly one module key per task, module
// arguments (spec and the module's Validate, templates pending), duplicate
// ids, `after` and `notify` naming nothing, `register` names, template and
// expression syntax, vars_files loading. Every error found is added to
// `diags` as file:line:col; returns nullptr when there was any. Dependency
// cycles are checked by the graph (graph/task_graph.h), not here.
std::unique_ptr<Playbook> ParsePlaybook(const std::string& path, const ModuleRegistry& modules,
                                        Diagnostics* diags);

// As ParsePlaybook, from text in memory; `path` names it in locations and
// gives the base directory.
std::unique_ptr<Playbook> ParsePlaybookString(const std::string& text, const std::string& path,
                                              const ModuleRegistry& modules, Diagnostics* diags);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_PLAYBOOK_H_
