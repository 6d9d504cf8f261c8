// Role argument specs: read and checked when the playbook is read, and the
// validation task Ansible puts at the start of a role.
#include "engine/playbook/role_arg_specs.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;
using testing::TaskNames;

constexpr char kSpecs[] = R"(argument_specs:
  main:
    short_description: the web role
    description: "Shows {{ like_this }} in its docs"
    options:
      web_port:
        type: int
        required: true
        description: the port
      web_mode:
        choices: [prod, dev]
  setup:
    options:
      setup_dir: {type: path}
)";

TEST_CASE("a role with an argument spec checks its arguments first, after its dependencies") {
  PlaybookFixture fx;
  fx.Write("roles/base/tasks/main.yml", "- name: base task\n  command: ls\n");
  fx.Write("roles/web/meta/main.yml", "dependencies: [base]\n");
  fx.Write("roles/web/meta/argument_specs.yml", kSpecs);
  fx.Write("roles/web/tasks/main.yml", "- name: install\n  command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n"
      "  roles:\n    - role: web\n      web_mode: \"{{ mode }}\"\n      tags: [web]\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(TaskNames(play.tasks) ==
        std::vector<std::string>{
            "base : base task", "web : Validating arguments against arg spec 'main' - the web role",
            "web : install"});
  const TaskSpec& check = play.tasks[1];
  CHECK(check.module == "validate_argument_spec");
  CHECK(check.tags == std::vector<std::string>{"always", "web"});
  CHECK(check.location.line == 3);
  // The documentation is left out: only what the check reads is rendered.
  CHECK(check.args["argument_spec"] ==
        Value::parse(R"({"web_port": {"type": "int", "required": true},
                         "web_mode": {"choices": ["prod", "dev"]}})"));
  CHECK(check.args["provided_arguments"] ==
        Value::parse(R"({"web_port": "{{ web_port | default(omit) }}",
                         "web_mode": "{{ web_mode | default(omit) }}"})"));
  CHECK(check.args["validate_args_context"]["argument_spec_name"] == "main");
}

TEST_CASE("an entry point without a spec gets no check, and meta/main.yml specs count") {
  PlaybookFixture fx;
  fx.Write("roles/web/meta/argument_specs.yml", kSpecs);
  fx.Write("roles/web/tasks/main.yml", "- name: install\n  command: ls\n");
  fx.Write("roles/web/tasks/setup.yml", "- name: setup\n  command: ls\n");
  fx.Write("roles/web/tasks/other.yml", "- name: other\n  command: ls\n");
  fx.Write("roles/db/meta/main.yml",
           "argument_specs:\n  main:\n    options:\n      db_name: {required: true}\n");
  fx.Write("roles/db/tasks/main.yml", "- name: db\n  command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - import_role: {name: web, tasks_from: setup}\n"
      "    - import_role: {name: web, tasks_from: other}\n"
      "    - import_role: {name: web, rolespec_validate: false}\n"
      "    - import_role: {name: db}\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  CHECK(TaskNames(out.playbook->plays[0].tasks) ==
        std::vector<std::string>{"web : Validating arguments against arg spec 'setup'",
                                 "web : setup", "web : other", "web : install",
                                 "db : Validating arguments against arg spec 'main'", "db : db"});
}

TEST_CASE("argument spec problems and role parameters that cannot pass are found when read") {
  PlaybookFixture fx;
  fx.Write("roles/web/meta/argument_specs.yml", kSpecs);
  fx.Write("roles/web/tasks/main.yml", "- command: ls\n");
  fx.Write("roles/bad/meta/argument_specs.yml",
           "argument_specs:\n  main:\n    options:\n      port: {type: integer}\n");
  fx.Write("roles/bad/tasks/main.yml", "- command: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n  roles:\n"
      "    - {role: web, web_port: eighty, web_mode: test, web_user: x}\n"
      "    - {role: web, web_port: \"{{ port }}\"}\n"
      "    - bad\n");
  CHECK(out.messages ==
        "DIR/site.yml:3:7: role 'web': its parameters do not pass its argument spec 'main' "
        "(every host would fail the role's first task): argument 'web_port' is of type "
        "<class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted "
        "to an int; value of web_mode must be one of: prod, dev, got: test; web_user. Supported "
        "parameters include: web_mode, web_port.\n"
        "DIR/roles/bad/meta/argument_specs.yml:4:7: argument spec 'main': option 'port': type "
        "'integer' is not supported (supported: str, int, float, bool, list, dict, path, raw, "
        "jsonarg, json)\n");
}

}  // namespace
}  // namespace hostprep
