#include "engine/run/role_variables.h"

namespace hostprep {

RoleVariables::RoleVariables(const Play& play, const Variables* play_vars) : vars_(play_vars) {
  defaults_.SetAll(play.role_defaults, "role defaults");
  vars_.SetAll(play.role_vars, "role vars");
  for (const RoleScope& role : play.roles) {
    auto scope = std::make_unique<Scope>(&vars_);
    scope->defaults.SetAll(role.defaults, "role '" + role.name + "' defaults");
    scope->defaults.SetFallback(&defaults_);
    scope->vars.SetAll(role.vars, "role '" + role.name + "' vars");
    scope->vars.Set("role_name", role.name, "hostprep");
    scope->vars.Set("role_path", role.path, "hostprep");
    scope->vars.SetFallback(&scope->defaults);
    scopes_.push_back(std::move(scope));
  }
}

void RoleVariables::Expose(const RoleScope& role) {
  defaults_.SetAll(role.defaults, "role '" + role.name + "' defaults (public)");
  vars_.SetAll(role.vars, "role '" + role.name + "' vars (public)");
}

const Variables& RoleVariables::For(const TaskSpec& task) const {
  if (task.role < 0 || static_cast<size_t>(task.role) >= scopes_.size()) return vars_;
  return scopes_[static_cast<size_t>(task.role)]->vars;
}

}  // namespace hostprep
