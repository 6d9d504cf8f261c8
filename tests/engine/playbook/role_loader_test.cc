#include "engine/playbook/role_loader.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;
using testing::TaskNames;

TEST_CASE("roles run between pre_tasks and tasks, dependencies first, flushed as Ansible does") {
  PlaybookFixture fx;
  fx.Write("roles/base/tasks/main.yml", "- name: base task\n  command: ls\n");
  fx.Write("roles/web/meta/main.yml", "galaxy_info: {author: someone}\ndependencies:\n  - base\n");
  fx.Write("roles/web/tasks/main.yml", "- name: install\n  command: ls\n  notify: restart web\n");
  fx.Write("roles/web/handlers/main.yml", "- name: restart web\n  command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  post_tasks:\n    - name: post\n      command: ls\n"
      "  tasks:\n    - name: main\n      command: ls\n"
      "  roles:\n    - web\n"
      "  pre_tasks:\n    - name: pre\n      command: ls\n"
      "  handlers:\n    - name: play handler\n      command: ls\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(TaskNames(play.tasks) == std::vector<std::string>{"pre", "FLUSH", "base : base task",
                                                          "web : install", "main", "FLUSH",
                                                          "post"});
  CHECK(TaskNames(play.handlers) == std::vector<std::string>{"web : restart web", "play handler"});
  CHECK(play.role_names == std::vector<std::string>{"web"});
  REQUIRE(play.roles.size() == 2);
  CHECK(play.roles[0].name == "base");
  CHECK(play.roles[1].name == "web");
  CHECK(play.tasks[3].role == 1);
  CHECK(play.tasks[3].notify == std::vector<std::string>{"restart-web"});
  // Local files: the role's directory, then its task file's.
  CHECK(play.tasks[3].search_paths ==
        std::vector<std::string>{fx.dir() + "/roles/web", fx.dir() + "/roles/web/tasks"});
  CHECK(play.tasks[2].search_paths == std::vector<std::string>{fx.dir() + "/roles/base",
                                                               fx.dir() + "/roles/web",
                                                               fx.dir() + "/roles/base/tasks"});
}

TEST_CASE("role variables merge as Ansible's: defaults, vars, entry vars and parameters") {
  PlaybookFixture fx;
  fx.Write("roles/base/defaults/main.yml", "http_port: 80\nbase_only: b\n");
  fx.Write("roles/base/vars/main.yml", "base_var: 1\n");
  fx.Write("roles/base/tasks/main.yml", "- command: ls\n");
  fx.Write("roles/app/meta/main.yml", "dependencies:\n  - role: base\n    http_port: 8080\n");
  fx.Write("roles/app/defaults/main/10-first.yml", "http_port: 81\nlevel: one\n");
  fx.Write("roles/app/defaults/main/20-second.yml", "level: two\n");
  fx.Write("roles/app/vars/main.yml", "app_var: x\n");
  fx.Write("roles/app/tasks/main.yml", "- command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  roles:\n"
      "    - role: app\n"
      "      vars: {entry_var: e, app_var: from-entry}\n"
      "      flavour: blue\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  REQUIRE(play.roles.size() == 2);
  const RoleScope& base = play.roles[0];
  const RoleScope& app = play.roles[1];
  // The dependency sees its own defaults over its parent's, and the
  // parameters the parent gave it over the parent's own.
  CHECK(base.defaults == Value::parse(R"({"http_port":80,"level":"two","base_only":"b"})"));
  CHECK(base.params == Value::parse(R"({"flavour":"blue","http_port":8080})"));
  CHECK(base.vars == Value::parse(R"({"entry_var":"e","app_var":"x","base_var":1})"));
  CHECK(app.defaults == Value::parse(R"({"http_port":81,"base_only":"b","level":"two"})"));
  CHECK(app.vars == Value::parse(R"({"base_var":1,"entry_var":"e","app_var":"x"})"));
  CHECK(app.params == Value::parse(R"({"flavour":"blue"})"));
  // Play-wide, every role's defaults and vars.
  CHECK(play.role_defaults == Value::parse(R"({"http_port":81,"base_only":"b","level":"two"})"));
  CHECK(play.role_vars == Value::parse(R"({"base_var":1,"entry_var":"e","app_var":"x"})"));
}

TEST_CASE("a role named again is compiled again, ended where it may be skipped at run time") {
  PlaybookFixture fx;
  fx.Write("roles/common/tasks/main.yml", "- name: common task\n  command: ls\n");
  fx.Write("roles/common/handlers/main.yml", "- name: common handler\n  command: ls\n");
  fx.Write("roles/twice/tasks/main.yml", "- name: twice task\n  command: ls\n");
  fx.Write("roles/twice/meta/main.yml", "allow_duplicates: true\n");
  fx.Write("roles/a/meta/main.yml", "dependencies: [common]\n");
  fx.Write("roles/b/meta/main.yml", "dependencies: [common]\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  roles:\n"
      "    - a\n    - b\n"
      "    - {role: common, colour: red}\n"
      "    - twice\n    - twice\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  std::vector<std::string> shown;
  for (const TaskSpec& t : play.tasks) {
    shown.push_back(t.kind == TaskKind::kRoleComplete
                        ? "END " + std::to_string(t.role_instance)
                        : t.DisplayName() + " " + std::to_string(t.role_instance));
  }
  // common (instance 0) occurs twice with the same parameters: the end of
  // its first occurrence decides whether the second runs. With other
  // parameters it is another instance; a role that allows duplicates has no
  // end; an end no occurrence follows is dropped.
  CHECK(shown == std::vector<std::string>{"common : common task 0", "END 0",
                                          "common : common task 0", "common : common task 3",
                                          "twice : twice task 4", "twice : twice task 4"});
  // One instance's handlers once.
  CHECK(play.handlers.size() == 2);
}

TEST_CASE(
    "a role entry's when, tags and become reach every task of the role and its dependencies") {
  PlaybookFixture fx;
  fx.Write("roles/base/tasks/main.yml", "- name: base\n  command: ls\n  tags: [own]\n");
  fx.Write("roles/app/meta/main.yml",
           "dependencies:\n  - {role: base, when: \"base_wanted\", tags: [dep]}\n");
  fx.Write("roles/app/tasks/main.yml", "- name: app\n  command: ls\n  when: app_ready\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  roles:\n"
      "    - role: app\n      when: \"ansible_os_family == 'Debian'\"\n"
      "      tags: [apps]\n      become: true\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  REQUIRE(play.tasks.size() == 2);
  auto whens = [](const TaskSpec& t) {
    std::vector<std::string> out;
    for (const Expression& e : t.when) out.push_back(e.text);
    return out;
  };
  CHECK(whens(play.tasks[0]) ==
        std::vector<std::string>{"ansible_os_family == 'Debian'", "base_wanted"});
  CHECK(play.tasks[0].tags == std::vector<std::string>{"own", "apps", "dep"});
  CHECK(play.tasks[0].become == true);
  CHECK(whens(play.tasks[1]) ==
        std::vector<std::string>{"ansible_os_family == 'Debian'", "app_ready"});
  CHECK(play.tasks[1].tags == std::vector<std::string>{"apps"});
}

TEST_CASE(
    "a play's handler wins over a role's of the same name, which 'role : name' still reaches") {
  PlaybookFixture fx;
  fx.Write("roles/web/tasks/main.yml",
           "- name: a\n  command: ls\n  notify: restart\n"
           "- name: b\n  command: ls\n  notify: \"web : restart\"\n");
  fx.Write("roles/web/handlers/main.yml", "- name: restart\n  command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n  roles: [web]\n"
      "  handlers:\n    - name: restart\n      command: ls\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  REQUIRE(play.handlers.size() == 2);
  CHECK(play.tasks[0].notify == std::vector<std::string>{play.handlers[1].id});
  CHECK(play.tasks[1].notify == std::vector<std::string>{play.handlers[0].id});
}

TEST_CASE("role errors name the file and line, and every one is reported") {
  PlaybookFixture fx;
  fx.Write("roles/loop_a/meta/main.yml", "dependencies: [loop_b]\n");
  fx.Write("roles/loop_b/meta/main.yml", "dependencies: [loop_a]\n");
  fx.Write("roles/broken/tasks/main.yml", "- name: bad\n  comand: ls\n");
  fx.Write("roles/specs/meta/argument_specs.yml", "argument_specs: [main]\n");
  fx.Write("roles/specs/tasks/main.yml", "- command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  roles:\n"
      "    - loop_a\n"
      "    - broken\n"
      "    - specs\n"
      "    - {role: \"{{ chosen }}\"}\n"
      "    - role: web\n      connection: local\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/roles/loop_b/meta/main.yml:1:16: role 'loop_a' depends on itself "
        "(DIR/roles/loop_a -> DIR/roles/loop_b -> DIR/roles/loop_a)\n"
        "DIR/roles/broken/tasks/main.yml:1:3: task 'bad' has no module (one of: "
        "ansible.posix.sysctl, command, file, "
        "kernel_module, service, sysctl)\n"
        "DIR/roles/broken/tasks/main.yml:2:3: unknown key 'comand' in task 'bad' (did you mean "
        "'command'?)\n"
        "DIR/roles/specs/meta/argument_specs.yml:1:17: 'argument_specs' must be a mapping of "
        "entry points (main, or a tasks_from name) to their specs, not a list\n"
        "DIR/site.yml:6:7: role name '{{ chosen }}' is a template: roles are found before any "
        "host is known, so write the name\n"
        "DIR/site.yml:7:7: role 'web' not found (looked in DIR/roles, /nonexistent/roles, DIR; "
        "set roles_path in ansible.cfg or ANSIBLE_ROLES_PATH for roles kept elsewhere)\n"
        "DIR/site.yml:8:7: 'connection' is not supported on a task: set it on the play\n");
}

TEST_CASE("roles are found on ANSIBLE_ROLES_PATH and by path") {
  PlaybookFixture fx;
  fx.Write("shared/ntp/tasks/main.yml", "- name: ntp\n  command: ls\n");
  fx.Write("elsewhere/users/tasks/main.yml", "- name: users\n  command: ls\n");
  setenv("ANSIBLE_ROLES_PATH", (fx.dir() + "/nothing:" + fx.dir() + "/shared").c_str(), 1);
  auto out = fx.Parse("- hosts: all\n  roles: [ntp, elsewhere/users]\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  CHECK(TaskNames(out.playbook->plays[0].tasks) ==
        std::vector<std::string>{"ntp : ntp", "users : users"});
  CHECK(out.playbook->plays[0].roles[0].path == fx.dir() + "/shared/ntp");
}

}  // namespace
}  // namespace hostprep
