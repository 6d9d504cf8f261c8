#include "engine/run/role_variables.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TEST_CASE("role variables layer defaults under the inventory and vars over the play's") {
  Play play;
  play.role_defaults = Value::parse(R"({"port": 80, "colour": "grey", "only_default": 1})");
  play.role_vars = Value::parse(R"({"colour": "red", "shared": "role vars"})");
  RoleScope web;
  web.name = "web";
  web.path = "/srv/roles/web";
  web.defaults = Value::parse(R"({"port": 8080})");
  web.vars = Value::parse(R"({"shared": "web vars"})");
  play.roles.push_back(web);

  Variables inventory;
  inventory.Set("colour", "inventory blue", "inventory");
  inventory.Set("shared", "inventory", "inventory");
  Variables play_vars(&inventory);
  play_vars.Set("shared", "play", "play vars");
  RoleVariables roles(play, &play_vars);
  inventory.SetFallback(roles.defaults());

  TaskSpec outside;
  TaskSpec in_web;
  in_web.role = 0;
  const Variables& a = roles.For(outside);
  const Variables& b = roles.For(in_web);
  CHECK(&a == &roles.play());
  // Outside the role: every role's defaults and vars, as Ansible exposes them.
  CHECK(a.Find("port")->value == 80);
  CHECK(a.Find("colour")->value == "red");
  CHECK(a.Find("shared")->value == "role vars");
  CHECK(a.Find("role_name") == nullptr);
  // In the role: its own defaults over the others', its vars over all.
  CHECK(b.Find("port")->value == 8080);
  CHECK(b.Find("only_default")->value == 1);
  CHECK(b.Find("shared")->value == "web vars");
  CHECK(b.Find("role_name")->value == "web");
  CHECK(b.Find("role_path")->value == "/srv/roles/web");
}

}  // namespace
}  // namespace hostprep
