#include "engine/playbook/task_list.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;
using testing::TaskNames;

TEST_CASE("import_tasks puts the file's tasks in its place, with its when, tags and vars") {
  PlaybookFixture fx;
  fx.Write("tasks/setup.yml",
           "- name: first\n  command: ls\n  vars: {own: 1, shared: task}\n"
           "- import_tasks: nested/more.yml\n  tags: [inner]\n");
  // Nested imports are found beside the importing file first.
  fx.Write("tasks/nested/more.yml", "- name: second\n  command: ls\n  when: b\n");
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - name: before\n      command: ls\n"
      "    - name: this name is not shown\n"
      "      import_tasks: tasks/setup.yml\n"
      "      when: a\n      tags: [outer]\n      vars: {shared: import, from_import: x}\n"
      "      become: true\n"
      "    - name: after\n      command: ls\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = out.playbook->plays[0].tasks;
  CHECK(TaskNames(tasks) == std::vector<std::string>{"before", "first", "second", "after"});
  CHECK(tasks[1].when.size() == 1);
  CHECK(tasks[1].when[0].text == "a");
  CHECK(tasks[1].tags == std::vector<std::string>{"outer"});
  CHECK(tasks[1].vars == Value::parse(R"({"shared":"task","from_import":"x","own":1})"));
  CHECK(tasks[1].become == true);
  CHECK(tasks[2].when.size() == 2);
  CHECK(tasks[2].when[1].text == "b");
  CHECK(tasks[2].tags == std::vector<std::string>{"outer", "inner"});
  CHECK(tasks[2].search_paths == std::vector<std::string>{fx.dir() + "/tasks/nested"});
}

TEST_CASE("import_tasks in a role reads the role's tasks directory") {
  PlaybookFixture fx;
  fx.Write("roles/r/tasks/main.yml", "- import_tasks: debian.yml\n");
  fx.Write("roles/r/tasks/debian.yml", "- name: on debian\n  command: ls\n");
  fx.Write("roles/r/handlers/main.yml", "- import_tasks: more.yml\n");
  fx.Write("roles/r/handlers/more.yml", "- name: reload\n  command: ls\n");
  auto out = fx.Parse("- hosts: all\n  roles: [r]\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  CHECK(TaskNames(out.playbook->plays[0].tasks) == std::vector<std::string>{"r : on debian"});
  CHECK(TaskNames(out.playbook->plays[0].handlers) == std::vector<std::string>{"r : reload"});
}

TEST_CASE("import_tasks errors name where the import is and what to do") {
  PlaybookFixture fx;
  fx.Write("self.yml", "- import_tasks: self.yml\n");
  fx.Write("list.yml", "not: a list\n");
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - import_tasks: missing.yml\n"
      "    - import_tasks: \"{{ os }}.yml\"\n"
      "    - import_tasks: list.yml\n      loop: [1, 2]\n"
      "    - import_tasks: self.yml\n"
      "    - import_tasks: list.yml\n      register: r\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/site.yml:3:21: 'import_tasks': no task file 'missing.yml' (looked in the importing "
        "file's directory and the playbook's)\n"
        "DIR/site.yml:4:21: 'import_tasks' names the file with a template ('{{ os }}.yml'): an "
        "import is read before any host is known (use 'include_tasks')\n"
        "DIR/list.yml:1:1: a task file must be a list of tasks, not a mapping\n"
        "DIR/site.yml:6:7: 'loop' cannot loop over 'import_tasks' (the import happens before the "
        "run): use 'include_tasks'\n"
        "DIR/self.yml:1:17: 'import_tasks' of 'DIR/self.yml' imports itself (through "
        "DIR/self.yml)\n"
        "DIR/list.yml:1:1: a task file must be a list of tasks, not a mapping\n"
        "DIR/site.yml:9:7: 'register' is not supported on 'import_tasks' (supported: name, when, "
        "tags, vars, become, become_user, become_method, ignore_errors, ignore_unreachable, "
        "no_log, check_mode, run_once, delegate_to, environment)\n");
}

TEST_CASE(
    "meta: flush_handlers is a flush, noop does nothing, the unsupported are refused by name") {
  PlaybookFixture fx;
  auto ok = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - command: ls\n    - meta: flush_handlers\n    - ansible.builtin.meta: noop\n");
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = ok.playbook->plays[0].tasks;
  REQUIRE(tasks.size() == 3);
  CHECK(tasks[1].kind == TaskKind::kFlushHandlers);
  CHECK_FALSE(tasks[1].implicit);
  CHECK(tasks[2].kind == TaskKind::kNoop);

  auto bad = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - meta: clear_facts\n"
      "    - meta: flush_handler\n"
      "    - meta: noop\n      when: x\n"
      "  handlers:\n    - meta: flush_handlers\n");
  CHECK(bad.playbook == nullptr);
  CHECK(bad.messages ==
        "DIR/site.yml:3:13: 'meta: clear_facts' is not supported yet (supported: "
        "flush_handlers, noop, end_host, end_play, end_batch, reset_connection)\n"
        "DIR/site.yml:4:13: unknown 'meta' action 'flush_handler' (one of: flush_handlers, noop, "
        "end_play, end_host, end_batch, end_role, reset_connection, clear_facts, "
        "clear_host_errors, refresh_inventory)\n"
        "DIR/site.yml:5:7: task 3: 'meta' takes no loop, register or notify, and 'when' only on "
        "flush_handlers, end_host, end_play, end_batch and reset_connection\n"
        "DIR/site.yml:8:7: 'meta: flush_handlers' cannot be a handler: handlers run at a flush\n");
}

TEST_CASE("include_tasks keeps its file, its own vars and what its tasks inherit for the run") {
  PlaybookFixture fx;
  fx.Write("roles/r/tasks/main.yml",
           "- include_tasks: \"setup-{{ ansible_os_family }}.yml\"\n"
           "  vars: {own: 1}\n"
           "  when: go\n"
           "- include_tasks:\n"
           "    file: extra.yml\n"
           "    apply: {tags: [applied], become: true}\n"
           "  tags: [always]\n");
  fx.Write("roles/r/tasks/setup-Debian.yml", "- name: debian\n  command: ls\n");
  fx.Write("roles/r/tasks/extra.yml", "- name: extra\n  command: ls\n");
  auto out = fx.Parse("- hosts: all\n  roles:\n    - role: r\n      tags: [role]\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = out.playbook->plays[0].tasks;
  CHECK(TaskNames(tasks) == std::vector<std::string>{"r : include_tasks", "r : include_tasks"});
  REQUIRE(tasks[0].include != nullptr);
  CHECK(tasks[0].kind == TaskKind::kInclude);
  CHECK(tasks[0].args == Value::parse(R"({"file":"setup-{{ ansible_os_family }}.yml"})"));
  CHECK(tasks[0].include->vars == Value::parse(R"({"own":1})"));
  CHECK(tasks[0].include->scope.role_path == fx.dir() + "/roles/r");
  // The include's own `when` and tags are its own; its tasks get what its
  // containers pass down, and `apply`.
  CHECK(tasks[0].when.size() == 1);
  CHECK(tasks[0].include->scope.inherited.when.empty());
  CHECK(tasks[0].include->scope.inherited.tags == std::vector<std::string>{"role"});
  CHECK(tasks[1].tags == std::vector<std::string>{"always", "role"});
  CHECK(tasks[1].include->scope.inherited.tags == std::vector<std::string>{"role", "applied"});
  CHECK(tasks[1].include->scope.inherited.become == true);
}

TEST_CASE("include_tasks errors show before the run: the files it can name are read") {
  PlaybookFixture fx;
  fx.Write("setup-Debian.yml", "- name: typo\n  command: ls\n  whne: x\n");
  fx.Write("setup-RedHat.yml", "- name: ok\n  command: ls\n  notify: restrat\n");
  fx.Write("other.yml", "not: tasks\n");  // not a match for setup-*.yml
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - include_tasks: missing.yml\n"
      "    - include_tasks: \"setup-{{ ansible_os_family }}.yml\"\n"
      "    - include_tasks: \"{{ anything }}\"\n"
      "    - include_tasks: other.yml\n      register: r\n"
      "    - include_tasks: {file: x.yml, aply: {}}\n"
      "    - include_tasks:\n"
      "  handlers:\n"
      "    - name: restart\n      command: ls\n"
      "    - include_tasks: setup-Debian.yml\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/site.yml:3:22: 'include_tasks': no task file 'missing.yml' (looked in DIR)\n"
        "DIR/setup-Debian.yml:3:3: unknown key 'whne' in task 'typo' (did you mean 'when'?)\n"
        "DIR/setup-RedHat.yml:3:11: task 'ok': 'notify' names no handler 'restrat' (did you "
        "mean 'restart'?)\n"
        "DIR/other.yml:1:1: a task file must be a list of tasks, not a mapping\n"
        "DIR/site.yml:7:7: task 4: 'register' is not supported on 'include_tasks' (it runs "
        "nothing on the host: put it on the included tasks, or under 'apply')\n"
        "DIR/site.yml:8:29: 'include_tasks': no task file 'x.yml' (looked in DIR)\n"
        "DIR/site.yml:8:36: unknown argument 'aply' of 'include_tasks' (one of: file, apply)\n"
        "DIR/site.yml:9:7: task 6: 'include_tasks' names no file (write 'include_tasks: "
        "tasks.yml')\n"
        "DIR/site.yml:13:7: handler 2: 'include_tasks' in handlers is not supported yet: use "
        "'import_tasks'\n");
}

TEST_CASE("a block lays out its sections with markers, its keywords reaching every task") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - name: the block's name is not shown\n"
      "      when: a\n      tags: [t]\n      become: true\n"
      "      block:\n        - {name: one, command: ls}\n"
      "      rescue:\n        - {name: two, command: ls, when: b}\n"
      "      always:\n        - {name: three, command: ls}\n"
      "    - {name: after, command: ls}\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = out.playbook->plays[0].tasks;
  std::vector<std::string> layout;
  for (const TaskSpec& t : tasks) layout.push_back(t.implicit ? t.name : t.DisplayName());
  CHECK(layout == std::vector<std::string>{"one", "block rescue", "two", "block always", "three",
                                           "block end", "after"});
  REQUIRE(tasks[0].block != nullptr);
  CHECK(tasks[0].block == tasks[2].block);
  CHECK(tasks[0].block->has_rescue);
  CHECK(tasks[2].block_section == BlockSection::kRescue);
  CHECK(tasks[4].block_section == BlockSection::kAlways);
  CHECK(tasks[2].when.size() == 2);  // the block's, then its own
  CHECK(tasks[2].when[0].text == "a");
  CHECK(tasks[4].tags == std::vector<std::string>{"t"});
  CHECK(tasks[4].become == true);
  CHECK(tasks[6].block == nullptr);
}

TEST_CASE("block errors name the key and what a block takes") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - block:\n        - command: ls\n      resuce:\n        - command: ls\n"
      "    - block:\n        - command: ls\n      throttle: 2\n"
      "  handlers:\n    - block:\n        - command: ls\n");
  CHECK(out.messages ==
        "DIR/site.yml:5:7: 'resuce' is not supported on a block (supported: name, block, rescue, "
        "always, when, tags, vars, become, become_user, become_method, ignore_errors, "
        "ignore_unreachable, no_log, check_mode, run_once, delegate_to, environment) (did you "
        "mean 'rescue'?)\n"
        "DIR/site.yml:9:7: 'throttle' is not supported on a block (supported: name, block, "
        "rescue, always, when, tags, vars, become, become_user, become_method, ignore_errors, "
        "ignore_unreachable, no_log, check_mode, run_once, delegate_to, environment)\n"
        "DIR/site.yml:11:7: a block in handlers is not supported yet: list the handlers one by "
        "one\n");
}

TEST_CASE("include_tasks is refused where tasks do not run in file order") {
  PlaybookFixture fx;
  fx.Write("more.yml", "- command: ls\n");
  auto out = fx.Parse("- hosts: all\n  order: dag\n  tasks:\n    - include_tasks: more.yml\n");
  CHECK(out.messages ==
        "DIR/site.yml:4:7: 'include_tasks' is not supported in a play with 'order: dag' (its "
        "tasks run where the include stands: use 'import_tasks', or 'order: sequential')\n");
}

}  // namespace
}  // namespace hostprep
