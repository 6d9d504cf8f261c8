// import_role and include_role as the playbook reads them (role_loader.h,
// task_list.h): where the role's tasks go, what they inherit, which
// handlers their notifications reach, and the mistakes reported.
#include <doctest/doctest.h>

#include "engine/playbook/role_loader.h"
#include "engine/playbook/task_list.h"
#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;
using testing::TaskNames;

void WriteWebRole(PlaybookFixture* fx) {
  fx->Write("roles/base/tasks/main.yml", "- name: base task\n  command: ls\n");
  fx->Write("roles/web/meta/main.yml", "dependencies: [base]\n");
  fx->Write("roles/web/defaults/main.yml", "web_port: 80\n");
  fx->Write("roles/web/defaults/alt.yml", "web_port: 81\n");
  fx->Write("roles/web/vars/main.yml", "web_user: www\n");
  fx->Write("roles/web/tasks/main.yml", "- name: install\n  command: ls\n  notify: restart web\n");
  fx->Write("roles/web/tasks/config.yml", "- name: config\n  command: ls\n  notify: restart web\n");
  fx->Write("roles/web/handlers/main.yml", "- name: restart web\n  command: ls\n");
}

TEST_CASE("import_role puts the role's tasks where it stands and shares its variables") {
  PlaybookFixture fx;
  WriteWebRole(&fx);
  auto out = fx.Parse(
      "- hosts: all\n"
      "  tasks:\n"
      "    - name: first\n      command: ls\n"
      "    - import_role:\n        name: web\n"
      "      vars: {web_user: admin}\n"
      "      when: web_wanted\n"
      "      tags: [web]\n"
      "    - name: last\n      command: ls\n"
      "  handlers:\n    - name: play handler\n      command: ls\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(TaskNames(play.tasks) ==
        std::vector<std::string>{"first", "base : base task", "web : install", "last"});
  // The import's keywords reach every task of the role, its dependency's too.
  for (size_t i : {1, 2}) {
    CAPTURE(i);
    REQUIRE(play.tasks[i].when.size() == 1);
    CHECK(play.tasks[i].when[0].text == "web_wanted");
    CHECK(play.tasks[i].tags == std::vector<std::string>{"web"});
    CHECK(play.tasks[i].vars == Value::parse(R"({"web_user":"admin"})"));
  }
  // As a role of `roles:`: in role_names, its variables the play's, its
  // handlers after the play's own.
  CHECK(play.role_names == std::vector<std::string>{"web"});
  CHECK(play.role_defaults == Value::parse(R"({"web_port":80})"));
  CHECK(play.role_vars == Value::parse(R"({"web_user":"www"})"));
  CHECK(TaskNames(play.handlers) == std::vector<std::string>{"play handler", "web : restart web"});
  CHECK(play.tasks[2].notify == std::vector<std::string>{play.handlers[1].id});
}

TEST_CASE("include_role keeps the role's tasks for the run, read from the files it names") {
  PlaybookFixture fx;
  WriteWebRole(&fx);
  auto out = fx.Parse(
      "- hosts: all\n"
      "  tasks:\n"
      "    - include_role:\n"
      "        name: web\n"
      "        tasks_from: subdir/config.yml\n"
      "        defaults_from: alt\n"
      "        apply: {tags: [applied], become: true}\n"
      "      vars: {web_user: admin}\n"
      "      when: web_wanted\n"
      "      tags: [always]\n"
      "      loop: [1, 2]\n"
      "    - name: named\n      include_role: name=web\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(TaskNames(play.tasks) == std::vector<std::string>{"include_role : web", "named"});
  const TaskSpec& include = play.tasks[0];
  CHECK(include.kind == TaskKind::kInclude);
  REQUIRE(include.include != nullptr);
  const IncludeSpec& spec = *include.include;
  CHECK(spec.role == "web");
  CHECK(spec.vars == Value::parse(R"({"web_user":"admin"})"));
  std::vector<std::string> names;
  for (const TaskDraft& d : spec.role_tasks) names.push_back(d.spec.DisplayName());
  // tasks_from is the base name of a file in tasks/, as in Ansible 2.14;
  // the dependency runs once on a host (its end marks it done there).
  CHECK(names == std::vector<std::string>{"base : base task", "end of role base", "web : config"});
  for (const TaskDraft& d : spec.role_tasks) {
    if (d.spec.implicit) continue;
    CAPTURE(d.spec.DisplayName());
    // apply reaches them; the include's own when and tags do not.
    CHECK(d.spec.when.empty());
    CHECK(d.spec.tags == std::vector<std::string>{"applied"});
    CHECK(d.spec.become == true);
  }
  // The role's variables stay its own, read from defaults/alt.yml; the
  // include's vars are the role entry's (below its vars/, as in Ansible).
  CHECK(play.role_names.empty());
  CHECK(play.role_defaults == Value::object());
  const RoleScope& web = play.roles[static_cast<size_t>(spec.role_tasks.back().spec.role)];
  CHECK(web.defaults == Value::parse(R"({"web_port":81})"));
  CHECK(web.vars == Value::parse(R"({"web_user":"www"})"));
}

TEST_CASE("a role's included role sees its parent's variables, as a dependency would") {
  PlaybookFixture fx;
  WriteWebRole(&fx);
  fx.Write("roles/node/defaults/main.yml", "node_flavour: worker\n");
  fx.Write("roles/node/tasks/main.yml", "- import_role: {name: web, tasks_from: config}\n");
  auto out = fx.Parse("- hosts: all\n  roles: [node]\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(TaskNames(play.tasks) == std::vector<std::string>{"base : base task", "web : config"});
  const RoleScope& web = play.roles[static_cast<size_t>(play.tasks[1].role)];
  CHECK(web.defaults == Value::parse(R"({"node_flavour":"worker","web_port":80})"));
  CHECK(play.tasks[1].search_paths == std::vector<std::string>{fx.dir() + "/roles/web",
                                                               fx.dir() + "/roles/node",
                                                               fx.dir() + "/roles/web/tasks"});
  CHECK(play.role_names == std::vector<std::string>{"node", "web"});
}

TEST_CASE("each include of a role notifies its own handlers, as Ansible's do") {
  PlaybookFixture fx;
  WriteWebRole(&fx);
  auto out = fx.Parse(
      "- hosts: all\n"
      "  tasks:\n"
      "    - import_role: {name: web}\n"
      "    - include_role: {name: web, tasks_from: config}\n"
      "      vars: {web_user: a}\n"
      "    - include_role: {name: web, tasks_from: config}\n"
      "      vars: {web_user: b}\n"
      "    - name: play task\n      command: ls\n      notify: restart web\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  REQUIRE(play.handlers.size() == 3);
  CHECK(TaskNames(play.tasks) == std::vector<std::string>{"base : base task", "end of role base",
                                                          "web : install", "include_role : web",
                                                          "include_role : web", "play task"});
  // The play's tasks reach the handler loaded with the play (the import's).
  CHECK(play.tasks[2].notify == std::vector<std::string>{play.handlers[0].id});
  CHECK(play.tasks[5].notify == std::vector<std::string>{play.handlers[0].id});
  // Each include's tasks reach their own copy.
  for (size_t i : {3, 4}) {
    CAPTURE(i);
    REQUIRE(play.tasks[i].include != nullptr);
    const TaskDraft& config = play.tasks[i].include->role_tasks.back();
    CHECK(config.spec.included_role);
    CHECK(config.spec.role_instance == play.handlers[i - 2].role_instance);
  }
}

TEST_CASE("import_role and include_role mistakes are reported where they are written") {
  PlaybookFixture fx;
  WriteWebRole(&fx);
  fx.Write("roles/self/tasks/main.yml", "- import_role: {name: self}\n");
  fx.Write("steps.yml", "- include_role: {name: web}\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  tasks:\n"
      "    - import_role: {name: web, tasks_from: nothing}\n"
      "    - import_role: {name: web}\n      loop: [1]\n"
      "    - include_role: {name: \"{{ role }}\"}\n"
      "    - include_role: {name: web, public: maybe, colour: red}\n"
      "    - import_role: {name: web, apply: {tags: [x]}}\n"
      "    - include_role: web\n"
      "    - import_role: {name: self}\n"
      "    - include_tasks: steps.yml\n"
      "    - include_role: {name: web}\n      register: r\n"
      "  handlers:\n    - import_role: {name: web}\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/site.yml:3:27: role 'web': 'tasks_from' names 'nothing', which is not in "
        "DIR/roles/web/tasks (tried the name alone and with .yml, .yaml, .json)\n"
        "DIR/site.yml:5:7: 'loop' cannot loop over 'import_role' (the import happens before "
        "the run): use 'include_role'\n"
        "DIR/site.yml:6:28: role name '{{ role }}' is a template: roles are read before any host "
        "is known, so write the name\n"
        "DIR/site.yml:7:41: 'public' must be a boolean (true or false), not 'maybe'\n"
        "DIR/site.yml:7:48: unknown argument 'colour' of 'include_role' (one of: name, "
        "tasks_from, vars_from, defaults_from, handlers_from, allow_duplicates, "
        "rolespec_validate, apply, public)\n"
        "DIR/site.yml:8:32: unknown argument 'apply' of 'import_role' (one of: name, "
        "tasks_from, vars_from, defaults_from, handlers_from, allow_duplicates, "
        "rolespec_validate): only 'include_role' takes it\n"
        "DIR/site.yml:9:21: 'include_role' takes the role's 'name' and its options (write "
        "'include_role: {name: ROLE}' or 'include_role: name=ROLE'), not 'web'\n"
        "DIR/roles/self/tasks/main.yml:1:23: role 'self' imports itself (self -> self): a role "
        "cannot be read inside itself\n"
        "DIR/steps.yml:1:3: 'include_role' in a file that 'include_tasks' reads is not supported "
        "yet: read that file with 'import_tasks', or name the role where the include stands\n"
        "DIR/site.yml:13:7: task 13: 'register' is not supported "
        "on 'include_role' (it runs nothing on the host: put it on the included tasks, or "
        "under 'apply')\n"
        "DIR/site.yml:15:7: 'import_role' cannot be a handler (as in Ansible): notify the "
        "role's own handlers\n");
}

}  // namespace
}  // namespace hostprep
