// Play keywords written as templates (Play::keyword_templates), rendered as
// Ansible renders them: hosts, gather_facts, serial, max_fail_percentage and strategy when
// the play starts, with the play's variables and no host's (PlaybookExecutor
// post-validates the play with VariableManager.get_vars(play=...), so
// inventory variables are not there); become and become_user for each host,
// with its variables (Ansible templates them for each task on each host).
//
// any_errors_fatal is rendered with the play's variables as well. Ansible
// 2.14 leaves it as written and its linear strategy takes the template's
// text, which is never empty, as true: a templated any_errors_fatal is
// always on there, whatever it renders to. hostprep uses the value (README,
// "Differs on purpose").
//
// Pure: no I/O.
#ifndef HOSTPREP_ENGINE_RUN_PLAY_KEYWORDS_H_
#define HOSTPREP_ENGINE_RUN_PLAY_KEYWORDS_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/playbook/playbook.h"
#include "engine/run/controller_lookups.h"
#include "engine/run/run_options.h"
#include "engine/template/variables.h"

namespace hostprep {

// The variables of a play before any host, as Ansible's get_vars(play=...)
// gives them, lowest first: its roles' defaults, the magic variables that
// are the same for every host (and `groups`), its vars and vars_files, its
// roles' vars, -e; with the controller's lookups (files found from the
// play's directory), as Ansible templates play keywords with them. Borrows
// `play` and `groups`; not copyable.
class PlayScope {
 public:
  PlayScope(const Play& play, const Value& groups, const RunOptions& options);
  PlayScope(const PlayScope&) = delete;
  PlayScope& operator=(const PlayScope&) = delete;
  const Variables& vars() const { return extra_; }

 private:
  ControllerLookups lookups_;
  Variables defaults_;
  Variables magic_;
  Variables vars_;
  Variables roles_;
  Variables extra_;
};

// What the scheduler runs a play with.
struct PlaySettings {
  std::string hosts;  // the host pattern, rendered when written as a template
  bool gather_facts = true;
  bool any_errors_fatal = false;
  std::vector<Value> serial;  // as Play::serial
  int max_fail_percentage = -1;
  // strategy: linear (the play's, else the run's --strategy): every task
  // on every host of the batch before the next (HostVarsBoard::AwaitTurn).
  bool linear = false;
};

// The play's keywords as written, those written as templates rendered with
// `vars` (a PlayScope's); `strategy`, when the play has none, is
// `default_strategy` (RunOptions::strategy). Errors name the keyword's file:line:col, what it
// rendered to and what it takes.
Result<PlaySettings> ResolvePlaySettings(const Play& play, const Variables& vars,
                                         const std::string& default_strategy = "free");

// The play's host pattern for listings and checks that have no run: rendered
// with the play's variables (PlayScope) when written as a template; as
// written when that fails.
std::string PlayPattern(const Play& play, const Value& groups, const RunOptions& options);

// The play's become and become_user for one host: as written, or rendered
// with `host_vars`. Errors as ResolvePlaySettings.
struct PlayBecome {
  std::optional<bool> become;
  std::string user;
};
Result<PlayBecome> ResolvePlayBecome(const Play& play, const Variables& host_vars);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_PLAY_KEYWORDS_H_
