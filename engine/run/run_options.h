// What the user asked of a run, from the command line. Plain data.
#ifndef HOSTPREP_ENGINE_RUN_RUN_OPTIONS_H_
#define HOSTPREP_ENGINE_RUN_RUN_OPTIONS_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/value.h"
#include "engine/module/read_result.h"
#include "engine/transport/ssh_options.h"

namespace hostprep {

// Ansible's default text of {{ ansible_managed }}.
inline constexpr char kDefaultAnsibleManaged[] = "Ansible managed";

struct RunOptions {
  bool check = false;                  // --check: plan only, change nothing
  int verbosity = 0;                   // -v count (debug's verbosity)
  bool diff = false;                   // --diff: compute and show diffs
  std::vector<std::string> tags;       // --tags: run only tasks with one of these
  std::vector<std::string> skip_tags;  // --skip-tags
  // --start-at-task: a task name or glob (MatchesStartAt); the plays before
  // the first play that has it run nothing, and that play runs from it.
  std::string start_at_task;
  std::string limit;                   // --limit: a host pattern intersected with each play's
  // --shard I/N: each play keeps only its hosts whose name hashes to shard
  // I of N (ShardOfHost in host_selection.h); count 0 = no sharding.
  int shard_index = 0;  // 1..shard_count
  int shard_count = 0;
  // --retry-failed: each play keeps only these hosts; unset = no such limit.
  std::optional<std::set<std::string>> retry_hosts;
  Value extra_vars = Value::object();  // -e: highest precedence
  int forks = 0;                       // --forks: concurrent hosts; 0 = all (capped)
  // --strategy: how hosts pace each other in plays that do not say:
  // "free" (never wait) or "linear" (lock-step, PlaySettings::linear).
  std::string strategy = "free";
  int task_timeout = 0;                // --task-timeout seconds per command; 0 = none
  std::string facts_cache_dir;         // "" = no facts cache (see facts_cache.h)
  std::string connection;              // -c: overrides plays and inventory when set
  bool become = false;                 // -b: become for every play
  std::string become_user;             // --become-user
  std::optional<BecomeMethod> become_method;  // --become-method
  SshOptions ssh;                      // --private-key, --user, --known-hosts, ...
  // --allow-lookup-commands: the pipe and lines lookups may run shell
  // commands on the controller (controller_lookups.h).
  bool allow_lookup_commands = false;
  // --allow-broken-conditionals (ansible.cfg allow_broken_conditionals):
  // conditions count by truthiness as in Ansible 2.14 instead of having to
  // be booleans as in 2.19 (ConditionRule in templar.h).
  bool allow_broken_conditionals = false;
  // ansible.cfg's ansible_managed: the text of {{ ansible_managed }} in
  // template files (TemplateVars in local_templates.h).
  std::string ansible_managed = kDefaultAnsibleManaged;
};

// The most hosts run at once when --forks is not given: each host holds a
// connection (a few file descriptors) and a thread.
constexpr int kDefaultMaxForks = 256;

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_RUN_OPTIONS_H_
