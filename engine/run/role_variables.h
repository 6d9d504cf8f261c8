// The variables of a play's roles on one host, layered as Ansible layers
// them: every role's defaults below the inventory (Play::role_defaults),
// every role's vars above the play's (Play::role_vars), and for a role's
// own tasks that role's defaults above the other roles' defaults and its
// vars (with role_name and role_path) above the other roles' vars.
//
// Built once per host and play from the parsed Play; the templates in the
// values are rendered when a task uses them. Read-only once built; not
// copyable (the scopes point at each other).
#ifndef HOSTPREP_ENGINE_RUN_ROLE_VARIABLES_H_
#define HOSTPREP_ENGINE_RUN_ROLE_VARIABLES_H_

#include <memory>
#include <vector>

#include "engine/playbook/playbook.h"
#include "engine/template/variables.h"

namespace hostprep {

class RoleVariables {
 public:
  // `play_vars`: the host's scopes up to the play's vars. It and `play`
  // must outlive this.
  RoleVariables(const Play& play, const Variables* play_vars);
  RoleVariables(const RoleVariables&) = delete;
  RoleVariables& operator=(const RoleVariables&) = delete;

  // Every role's defaults: the fallback of the host's lowest scope.
  const Variables* defaults() const { return &defaults_; }
  // The play's scopes with every role's vars on top: what a task outside
  // roles (and the play's connection settings) sees.
  const Variables& play() const { return vars_; }
  // What a task's own scopes stack on: play() outside roles, its role's
  // scope for a role's task.
  const Variables& For(const TaskSpec& task) const;

  // A role an include_role with `public` ran: its defaults and vars join
  // every role's, above those there so far, as Ansible adds it to the play.
  void Expose(const RoleScope& role);

 private:
  struct Scope {
    explicit Scope(const Variables* parent) : vars(parent) {}
    Variables defaults;
    Variables vars;
  };

  Variables defaults_;
  Variables vars_;
  std::vector<std::unique_ptr<Scope>> scopes_;  // one per Play::roles entry
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_ROLE_VARIABLES_H_
