#include "engine/playbook/task_parser.h"

#include <doctest/doctest.h>

#include "engine/base/text.h"
#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

// A play whose task list starts on line 3; `tasks` is indented by 4.
std::string PlayWith(const std::string& tasks) { return "- hosts: all\n  tasks:\n" + tasks; }

TEST_CASE("task parser reports an unknown key with the nearest task key") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - sysctl: {values: {a: 1}}\n"
                        "      afer: modules\n"));
  CHECK(out.playbook == nullptr);
  CHECK(out.errors ==
        "DIR/site.yml:4:7: unknown key 'afer' in task 'sysctl' (did you mean 'after'?)\n"
        "          afer: modules\n"
        "          ^\n");
}

TEST_CASE("task parser suggests a module name for a misspelt module key") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: make dir\n"
                        "      fille: {path: /x}\n"));
  CHECK(out.errors ==
        "DIR/site.yml:3:7: task 'make dir' has no module (one of: ansible.posix.sysctl, command, "
        "file, kernel_module, "
        "service, sysctl)\n"
        "        - name: make dir\n"
        "          ^\n"
        "DIR/site.yml:4:7: unknown key 'fille' in task 'make dir' (did you mean 'file'?)\n"
        "          fille: {path: /x}\n"
        "          ^\n");
}

TEST_CASE("task parser refuses a task with two modules at the second module key") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: t\n"
                        "      file: {path: /x}\n"
                        "      command: ls\n"));
  CHECK(out.errors ==
        "DIR/site.yml:5:7: task 't' has two modules, 'file' and 'command': a task runs exactly "
        "one\n"
        "          command: ls\n"
        "          ^\n");
}

TEST_CASE("task parser reports each wrong filled at its value") {
  struct Case {
    std::string line;  // one key of task 't' (line 5, after name and module)
    std::string message;
  };
  const std::vector<Case> cases = {
      {"retries: three", "DIR/site.yml:5:16: 'retries' must be an integer, not 'three'"},
      {"retries: \"{{ n }}\"",
       "DIR/site.yml:5:16: 'retries' must be an integer, not '{{ n }}' (templates are not "
       "supported here)"},
      {"delay: -1", "DIR/site.yml:5:14: 'delay' must be 0 or more, not -1"},
      {"retries: 2.5", "DIR/site.yml:5:16: 'retries' must be an integer, not 2.5"},
      {"become: sure", "DIR/site.yml:5:15: 'become' must be a boolean (true or false), not 'sure'"},
      {"no_log: [yes]",
       "DIR/site.yml:5:15: 'no_log' must be a boolean (true or false), not a list"},
      {"ignore_errors: 1",
       "DIR/site.yml:5:22: 'ignore_errors' must be a boolean (true or false), not 1"},
      {"tags: {a: 1}",
       "DIR/site.yml:5:13: 'tags' must be a string or a list of strings, not a mapping"},
      {"notify: [[a]]",
       "DIR/site.yml:5:16: 'notify' must be a list of strings; this item is a list"},
      {"when: 3",
       "DIR/site.yml:5:13: 'when' must be an expression or a boolean (or a list of them), not 3"},
      {"when: [x, [y]]",
       "DIR/site.yml:5:17: 'when' must be an expression or a boolean, not a list"},
      {"vars: [a]", "DIR/site.yml:5:13: 'vars' must be a mapping, not a list"},
      {"become_user: {a: b}", "DIR/site.yml:5:20: 'become_user' must be a string, not a mapping"},
      {"id: a b",
       "DIR/site.yml:5:11: task id 'a b' may hold only letters, digits, '-', '_' and '.'"},
      {"loop: my_list",
       "DIR/site.yml:5:13: 'loop' must be a list, or a template that gives one (\"{{ my_list "
       "}}\"), "
       "not 'my_list'"},
      {"loop_control: {loop_var: x}", "DIR/site.yml:5:7: task 't': 'loop_control' needs a 'loop'"},
      {"register: my-result",
       "DIR/site.yml:5:17: 'register' name 'my-result' is not a valid variable name (use letters, "
       "digits and '_', not starting with a digit)"},
      {"register: item",
       "DIR/site.yml:5:17: 'register' name 'item' is reserved: it is the default loop variable; "
       "choose another name"},
      {"register: groups",
       "DIR/site.yml:5:17: 'register' name 'groups' is reserved: it is set by hostprep for every "
       "host; choose another name"},
      {"register: not",
       "DIR/site.yml:5:17: 'register' name 'not' is reserved: it is a word of the expression "
       "language; choose another name"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    PlaybookFixture fx;
    auto out = fx.Parse(PlayWith("    - name: t\n      file: {path: /x}\n      " + c.line + "\n"));
    CHECK(out.playbook == nullptr);
    CHECK(out.messages == c.message + "\n");
  }
}

TEST_CASE("task parser takes changed_when and failed_when on tasks with a result only") {
  PlaybookFixture fx;
  auto ok =
      fx.Parse(PlayWith("    - file: {path: /x}\n      changed_when: false\n"
                        "    - set_fact: {a: 1}\n      failed_when: a == 2\n"));
  CHECK(ok.messages == "");
  auto bad = fx.Parse(PlayWith("    - meta: noop\n      failed_when: true\n"));
  CHECK(bad.messages ==
        "DIR/site.yml:4:7: task 1: 'failed_when' is not supported on 'meta' (it has no result to "
        "judge)\n");
}

TEST_CASE("task parser names the loop variable when register would shadow it") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: t\n"
                        "      file: {path: \"{{ f }}\"}\n"
                        "      loop: [a]\n"
                        "      loop_control: {loop_var: f, pause: 1}\n"
                        "      register: f\n"));
  CHECK(out.messages ==
        "DIR/site.yml:6:35: 'loop_control.pause' is not supported (supported: loop_var, "
        "index_var, label, extended)\n"
        "DIR/site.yml:7:17: 'register' name 'f' is reserved: it is this task's loop variable; "
        "choose another name\n");
}

TEST_CASE("task parser explains the Ansible keywords it does not support") {
  struct Case {
    std::string key;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"with_lines: ['cat x']",
       "'with_lines' is not supported (supported: with_items, with_list, with_dict, "
       "with_indexed_items, with_together, with_nested, with_cartesian, with_flattened, "
       "with_sequence, with_subelements, with_first_found, with_fileglob, and loop)"},
      {"async: 10", "'async' is not supported"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.key);
    PlaybookFixture fx;
    auto out = fx.Parse(PlayWith("    - name: t\n      command: ls\n      " + c.key + "\n"));
    CHECK(out.messages == "DIR/site.yml:5:7: " + c.message + "\n");
  }
}

TEST_CASE("task parser reads run_once on tasks and blocks, and refuses it on includes and meta") {
  PlaybookFixture fx;
  auto ok =
      fx.Parse(PlayWith("    - name: once\n      command: ls\n      run_once: true\n"
                        "    - name: not once\n      command: ls\n      run_once: false\n"
                        "    - block:\n        - command: ls\n        - set_fact: {a: 1}\n"
                        "        - meta: noop\n      run_once: true\n"));
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  std::vector<bool> once;
  for (const TaskSpec& t : ok.playbook->plays[0].tasks) {
    if (t.kind == TaskKind::kModule || t.kind == TaskKind::kSetFact) once.push_back(t.run_once);
  }
  CHECK(once == std::vector<bool>{true, false, true, true});
  auto bad =
      fx.Parse(PlayWith("    - include_tasks: \"{{ f }}.yml\"\n      run_once: true\n"
                        "    - meta: flush_handlers\n      run_once: yes\n"));
  CHECK(bad.messages ==
        "DIR/site.yml:4:17: task 1: 'run_once' is supported on modules, set_fact and "
        "include_vars, not on include_tasks: put it on the tasks that should run once\n"
        "DIR/site.yml:6:17: task 2: 'run_once' is supported on modules, set_fact and "
        "include_vars, not on meta: put it on the tasks that should run once\n");
}

TEST_CASE("become_flags keeps -H and -E for sudo and refuses what would change how it runs") {
  PlaybookFixture fx;
  auto ok = fx.Parse(
      "- hosts: all\n  become_flags: -H -S -n\n  tasks:\n"
      "    - name: own\n      command: ls\n      become_flags: --preserve-env -E\n"
      "    - name: play's\n      command: ls\n"
      "    - block:\n        - command: ls\n      become_flags: -E\n");
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  const Play& play = ok.playbook->plays[0];
  CHECK(play.become_flags == std::vector<std::string>{"-H"});
  CHECK(play.tasks[0].become_flags == std::vector<std::string>{"--preserve-env", "-E"});
  CHECK_FALSE(play.tasks[1].become_flags.has_value());
  CHECK(play.tasks[2].become_flags == std::vector<std::string>{"-E"});
  auto bad = fx.Parse(PlayWith("    - command: ls\n      become_flags: -H -i\n"));
  CHECK(bad.messages ==
        "DIR/site.yml:4:21: 'become_flags' may hold sudo's -H (--set-home) and -E "
        "(--preserve-env), or su's -m (--preserve-environment), not '-i': hostprep runs 'sudo -n' "
        "('sudo -S' with --ask-become-pass) or 'su -s /bin/sh', and no shell\n");
}

TEST_CASE("become_method su is read at every level and tasks inherit it from blocks and roles") {
  PlaybookFixture fx;
  auto r = fx.Parse(
      "- hosts: all\n  become_method: ansible.builtin.su\n  become_flags: -p -s /bin/bash\n"
      "  tasks:\n"
      "    - name: own\n      command: ls\n      become_method: sudo\n"
      "    - name: the play's\n      command: ls\n"
      "    - block:\n        - command: ls\n      become_method: su\n"
      "      become_flags: --shell=/bin/zsh --preserve-environment\n");
  CHECK(r.errors == "");
  REQUIRE(r.playbook != nullptr);
  const Play& play = r.playbook->plays[0];
  CHECK(play.become_method == BecomeMethod::kSu);
  CHECK(play.become_flags == std::vector<std::string>{"-m"});
  CHECK(play.tasks[0].become_method == BecomeMethod::kSudo);
  CHECK_FALSE(play.tasks[1].become_method.has_value());
  CHECK(play.tasks[2].become_method == BecomeMethod::kSu);
  CHECK(play.tasks[2].become_flags == std::vector<std::string>{"-m"});
}

TEST_CASE(
    "task parser reads delegate_to on tasks, blocks and imports, and refuses it on includes") {
  PlaybookFixture fx;
  fx.Write("more.yml", "- command: ls\n- include_tasks: \"{{ f }}.yml\"\n");
  auto ok = fx.Parse(
      PlayWith("    - name: there\n      command: ls\n      delegate_to: \"{{ groups.all[0] }}\"\n"
               "      delegate_facts: false\n"
               "    - name: here\n      command: ls\n"
               "    - block:\n        - command: ls\n        - set_fact: {a: 1}\n"
               "        - command: ls\n          delegate_to: own\n      delegate_to: localhost\n"
               "    - import_tasks: more.yml\n      delegate_to: imported\n"));
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  std::vector<std::string> where;
  for (const TaskSpec& t : ok.playbook->plays[0].tasks) {
    if (!IsBlockMarker(t.kind)) where.push_back(t.delegate_to);
  }
  // An include that an import or block brings in runs on the host: its
  // tasks are the ones delegated.
  CHECK(where == std::vector<std::string>{"{{ groups.all[0] }}", "", "localhost", "localhost",
                                          "own", "imported", ""});
  CHECK(ok.playbook->plays[0].tasks[0].delegate_location.line == 5);
  auto bad =
      fx.Parse(PlayWith("    - include_tasks: \"{{ f }}.yml\"\n      delegate_to: x\n"
                        "    - meta: noop\n      delegate_to: x\n"
                        "    - command: ls\n      delegate_facts: maybe\n"));
  CHECK(bad.messages ==
        "DIR/site.yml:4:20: task 1: 'delegate_to' is supported on modules, set_fact and "
        "include_vars, not on include_tasks: put it on the tasks that should run elsewhere\n"
        "DIR/site.yml:6:20: task 2: 'delegate_to' is supported on modules, set_fact and "
        "include_vars, not on meta: put it on the tasks that should run elsewhere\n"
        "DIR/site.yml:8:23: 'delegate_facts' must be a boolean (true or false), not 'maybe'\n");
  // delegate_facts on a block reaches its tasks; a task's own wins.
  auto facts = fx.Parse(PlayWith(
      "    - block:\n        - set_fact: {a: 1}\n        - set_fact: {b: 1}\n"
      "          delegate_facts: false\n      delegate_to: peer\n      delegate_facts: true\n"));
  REQUIRE_MESSAGE(facts.playbook != nullptr, facts.messages);
  std::vector<std::optional<bool>> given;
  for (const TaskSpec& t : facts.playbook->plays[0].tasks)
    if (t.kind == TaskKind::kSetFact) given.push_back(t.delegate_facts);
  CHECK(given == std::vector<std::optional<bool>>{true, false});
}

TEST_CASE("task parser reports a missing included role and a stray rescue once each") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: group\n"
                        "      rescue:\n"
                        "        - command: ls\n"
                        "    - include_role: {name: other}\n"
                        "    - name: nothing to do\n"
                        "      become: true\n"));
  // No "has no module" for a task whose action is a keyword (include_role).
  CHECK(out.messages ==
        "DIR/site.yml:4:7: 'rescue' belongs to a block: write it beside 'block:', in the same "
        "mapping\n"
        "DIR/site.yml:6:28: role 'other' not found (looked in DIR/roles, /nonexistent/roles, DIR; "
        "set roles_path in ansible.cfg or ANSIBLE_ROLES_PATH for roles kept elsewhere)\n"
        "DIR/site.yml:7:7: task 'nothing to do' has no module (one of: ansible.posix.sysctl, "
        "command, file, "
        "kernel_module, service, sysctl)\n");
}

TEST_CASE("task parser takes a module's Ansible names, and points at hostprep's for others") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: t\n"
                        "      ansible.builtin.file: {path: /x, mde: '0644'}\n"));
  CHECK(out.messages ==
        "DIR/site.yml:4:40: task 't': unknown argument 'mde' for module 'file' (did you mean "
        "'mode'?)\n");
  auto ok =
      fx.Parse(PlayWith("    - name: t\n"
                        "      ansible.builtin.file: {path: /x, mode: '0644'}\n"));
  REQUIRE_MESSAGE(ok.playbook != nullptr, ok.messages);
  CHECK(ok.playbook->plays[0].tasks[0].module == "ansible.builtin.file");
  auto other =
      fx.Parse(PlayWith("    - name: t\n"
                        "      ansible.builtin.service: {name: nginx, state: started}\n"));
  CHECK(other.messages.rfind(
            "DIR/site.yml:4:7: 'ansible.builtin.service' is not supported yet with Ansible's "
            "arguments: hostprep's own 'service' module does that job with its own (see hostprep "
            "doc service)\n",
            0) == 0);
  // A full name hostprep has no module for: one error, a typo's correction
  // under the same collection.
  auto missing =
      fx.Parse(PlayWith("    - name: t\n"
                        "      ansible.builtin.fil: {path: /x}\n"
                        "    - community.general.ufw: {rule: allow}\n"));
  CHECK(missing.messages ==
        "DIR/site.yml:4:7: module 'ansible.builtin.fil' is not one hostprep has (did you mean "
        "'ansible.builtin.file'?): hostprep's modules are built in and nothing runs Python on "
        "the hosts, so there is no fallback (`hostprep modules` lists them with their Ansible "
        "names)\n"
        "DIR/site.yml:5:7: module 'community.general.ufw' is not one hostprep has: hostprep's "
        "modules are built in and nothing runs Python on the hosts, so there is no fallback "
        "(`hostprep modules` lists them with their Ansible names)\n");
}

TEST_CASE("task parser gives a short name shared with an Ansible module by the arguments") {
  PlaybookFixture fx;
  struct Case {
    std::string task;
    std::string module;
    std::string key;
  };
  for (const Case& c : std::vector<Case>{
           // Ansible's arguments only: Ansible's module, shown as written.
           {"sysctl: {name: vm.swappiness, value: 1}", "ansible.posix.sysctl", "sysctl"},
           {"sysctl: name=vm.swappiness value=1 sysctl_set=yes", "ansible.posix.sysctl", "sysctl"},
           {"ansible.builtin.sysctl: {key: vm.swappiness, val: 1}", "ansible.builtin.sysctl", ""},
           // One of hostprep's own arguments: hostprep's module.
           {"sysctl: {name: vm.swappiness, value: 1, file: /etc/sysctl.d/x.conf}", "sysctl", ""},
           {"sysctl: {values: {vm.swappiness: 1}}", "sysctl", ""},
       }) {
    CAPTURE(c.task);
    auto out = fx.Parse(PlayWith("    - " + c.task + "\n"));
    REQUIRE_MESSAGE(out.playbook != nullptr, out.messages);
    const TaskSpec& task = out.playbook->plays[0].tasks[0];
    CHECK(task.module == c.module);
    CHECK(task.module_key == c.key);
    CHECK(task.DisplayName() == (c.key.empty() ? c.task.substr(0, c.task.find(':')) : c.key));
  }
  // Under its Ansible name the module takes Ansible's arguments only.
  auto bad = fx.Parse(
      PlayWith("    - ansible.posix.sysctl: {name: vm.swappiness, value: 1, file: /x.conf}\n"));
  CHECK(bad.messages ==
        "DIR/site.yml:3:61: task 'ansible.posix.sysctl': unknown argument 'file' for module "
        "'ansible.posix.sysctl'\n");
}

TEST_CASE("task parser refuses a task that is not a mapping") {
  PlaybookFixture fx;
  auto out = fx.Parse(PlayWith("    - just a string\n"));
  CHECK(out.messages == "DIR/site.yml:3:7: a task must be a mapping, not 'just a string'\n");
}

TEST_CASE("task parser reads every task key into the task spec") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: run it\n"
                        "      command: \"echo {{ x }}\"\n"
                        "      when: true\n"
                        "      loop: \"{{ things }}\"\n"
                        "      loop_control: {loop_var: thing}\n"
                        "      register: result\n"
                        "      become: yes\n"
                        "      become_user: postgres\n"
                        "      no_log: on\n"
                        "      ignore_errors: \"true\"\n"
                        "      retries: 3\n"
                        "      delay: 0\n"
                        "      tags: one\n"
                        "      changed_when: [result.rc == 2, \"'x' in result.stdout\"]\n"
                        "      failed_when: result.rc > 2\n"
                        "      vars: {x: 1}\n"));
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const TaskSpec& t = out.playbook->plays[0].tasks[0];
  CHECK(t.name == "run it");
  CHECK(t.id == "run-it");
  CHECK(t.args == Value::parse(R"({"cmd": "echo {{ x }}"})"));
  REQUIRE(t.when.size() == 1);
  CHECK(t.when[0].text == "true");
  CHECK(t.loop == std::optional<Value>(Value("{{ things }}")));
  CHECK(t.loop_location.line == 6);
  CHECK(t.loop_var == "thing");
  CHECK(t.register_as == "result");
  CHECK(t.become == std::optional<bool>(true));
  CHECK(t.become_user == "postgres");
  CHECK(t.no_log);
  CHECK(t.ignore_errors);
  CHECK(t.retries == 3);
  CHECK(t.delay == 0);
  CHECK(t.tags == std::vector<std::string>{"one"});
  REQUIRE(t.changed_when.size() == 2);
  CHECK(t.changed_when[1].text == "'x' in result.stdout");
  CHECK(t.changed_when[1].location.line == 16);
  REQUIRE(t.failed_when.size() == 1);
  CHECK(t.failed_when[0].text == "result.rc > 2");
  CHECK(t.vars == Value::parse(R"({"x": 1})"));
  CHECK(t.vars_origin == fx.dir() + "/site.yml:18 (task vars)");
}

TEST_CASE("task parser leaves defaults for keys a task does not give") {
  PlaybookFixture fx;
  auto out = fx.Parse(PlayWith("    - command: ls\n"));
  REQUIRE(out.playbook != nullptr);
  const TaskSpec& t = out.playbook->plays[0].tasks[0];
  CHECK(t.name == "");
  CHECK(t.id == "command");
  CHECK(t.DisplayName() == "command");
  CHECK(!t.become.has_value());
  CHECK(!t.loop.has_value());
  CHECK(t.loop_var == "item");
  CHECK(t.retries == 0);
  CHECK(t.delay == 5);
  CHECK(t.when.empty());
  CHECK(t.vars == Value::object());
}

TEST_CASE("task parser checks the syntax of templates in the name and expressions in when") {
  // The messages after the prefix come from the templar (templar.h); the
  // parser's part is the location, the task, and going on after the error.
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("    - name: \"copy {{ item\"\n"
                        "      command: ls\n"
                        "      when: x ==\n"
                        "    - name: t\n"
                        "      command: ls\n"
                        "      failed_when: [ok, \"(a\"]\n"));
  const std::vector<std::string> lines = Split(out.messages, '\n');
  REQUIRE(lines.size() == 4);  // three, and "" after the last newline
  CHECK(StartsWith(lines[0], "DIR/site.yml:3:13: task 'copy {{ item': syntax error in '"));
  CHECK(StartsWith(lines[1], "DIR/site.yml:5:13: task 'copy {{ item': syntax error in '"));
  CHECK(StartsWith(lines[2], "DIR/site.yml:8:25: task 't': syntax error in '"));
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("task parser reads the with_ loops and loop_control, and refuses two loops") {
  testing::PlaybookFixture fx;
  auto ok = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - command: echo {{ i }} {{ n }}\n"
      "      with_dict: {a: 1}\n"
      "      loop_control: {loop_var: i, index_var: n, label: \"{{ i.key }}\", extended: true}\n");
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  const TaskSpec& t = ok.playbook->plays[0].tasks[0];
  CHECK(t.loop_lookup == "dict");
  CHECK(*t.loop == Value::parse(R"({"a": 1})"));
  CHECK(t.loop_var == "i");
  CHECK(t.index_var == "n");
  CHECK(*t.loop_label == "{{ i.key }}");
  CHECK(t.loop_extended);

  auto bad = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - command: ls\n      loop: [a]\n      with_items: [b]\n"
      "    - command: ls\n      with_items: [a]\n      loop_control: {loop_var: x, index_var: "
      "x}\n");
  CHECK(bad.messages ==
        "DIR/site.yml:5:19: task 'command' has two loops ('loop' and 'with_items'): a task "
        "loops once\n"
        "DIR/site.yml:8:7: task 'command': 'index_var' and 'loop_var' are both 'x'\n");
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("task parser reads set_fact as a mapping or key=value words, and checks the names") {
  testing::PlaybookFixture fx;
  auto ok = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - set_fact: {a: \"{{ b }}\", cacheable: true}\n"
      "    - set_fact: x=1 y=\"two words\"\n");
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = ok.playbook->plays[0].tasks;
  CHECK(tasks[0].kind == TaskKind::kSetFact);
  CHECK(tasks[0].args == Value::parse(R"({"a": "{{ b }}"})"));
  CHECK(tasks[1].args == Value::parse(R"({"x": "1", "y": "two words"})"));

  auto bad = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - set_fact: {1x: 1, item: 2}\n"
      "    - set_fact: justaword\n"
      "    - set_fact: {}\n"
      "    - command: ls\n      args: [a]\n"
      "    - args: {chdir: /}\n");
  CHECK(bad.messages ==
        "DIR/site.yml:3:18: task 1: '1x' is not a valid variable name (use letters, digits and "
        "'_', not starting with a digit)\n"
        "DIR/site.yml:3:25: task 1: 'item' is reserved: it is the default loop variable\n"
        "DIR/site.yml:4:17: task 2: 'set_fact' takes a mapping or key=value words: 'justaword' "
        "is not a key=value word\n"
        "DIR/site.yml:5:17: task 3: 'set_fact' sets no variable\n"
        "DIR/site.yml:7:13: 'args' must be a mapping of the module's arguments, not a list\n"
        "DIR/site.yml:8:7: task 5 has no module (one of: ansible.posix.sysctl, command, file, "
        "kernel_module, service, "
        "sysctl)\n"
        "DIR/site.yml:8:13: task 5: 'args' needs a module to give them to\n");
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("notify reaches the handler of that name and every handler listening to it") {
  testing::PlaybookFixture fx;
  auto ok = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - command: ls\n      notify: [restart, changed]\n"
      "  handlers:\n"
      "    - {name: restart, command: ls}\n"
      "    - {name: reload, command: ls, listen: changed}\n"
      "    - {name: check, command: ls, listen: [changed, restart]}\n");
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  CHECK(ok.playbook->plays[0].tasks[0].notify ==
        std::vector<std::string>{"restart", "check", "reload"});

  auto bad = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - command: ls\n      listen: x\n      notify: chnaged\n"
      "  handlers:\n    - {name: h, command: ls, listen: changed}\n");
  CHECK(bad.messages ==
        "DIR/site.yml:4:15: task 'command': only a handler listens (move it under 'handlers')\n"
        "DIR/site.yml:5:15: task 'command': 'notify' names no handler 'chnaged' (did you mean "
        "'changed'?)\n");
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("task parser reads until, and whether retries was written (until's default is 3)") {
  testing::PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - command: ls\n      register: r\n      until: r.rc == 0\n"
      "    - command: ls\n      register: s\n      until: [s.rc == 0, s.stdout]\n"
      "      retries: 0\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = out.playbook->plays[0].tasks;
  REQUIRE(tasks[0].until.size() == 1);
  CHECK(tasks[0].until[0].text == "r.rc == 0");
  CHECK_FALSE(tasks[0].retries_set);
  CHECK(tasks[1].until.size() == 2);
  CHECK(tasks[1].retries_set);
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

using testing::PlaybookFixture;

TEST_CASE("include_vars takes a name or its arguments, and says what is wrong with them") {
  PlaybookFixture fx;
  auto ok = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - include_vars: \"{{ ansible_os_family }}.yml\"\n"
      "    - ansible.builtin.include_vars: {dir: vars/conf.d, files_matching: '^a', depth: 1}\n"
      "    - include_vars:\n        name: ns\n      args: {file: x.yml}\n");
  CHECK(ok.errors == "");
  REQUIRE(ok.playbook != nullptr);
  const std::vector<TaskSpec>& tasks = ok.playbook->plays[0].tasks;
  CHECK(tasks[0].kind == TaskKind::kIncludeVars);
  CHECK(tasks[0].args == Value::parse(R"({"_raw_params":"{{ ansible_os_family }}.yml"})"));
  CHECK(tasks[1].args == Value::parse(R"({"dir":"vars/conf.d","files_matching":"^a","depth":1})"));
  CHECK(tasks[2].args == Value::parse(R"({"name":"ns","file":"x.yml"})"));

  auto bad = fx.Parse(
      "- hosts: all\n  tasks:\n"
      "    - include_vars: {fiel: x.yml}\n"
      "    - include_vars: {file: a.yml, dir: b}\n"
      "    - include_vars: {file: a.yml, hash_behaviour: merge}\n"
      "    - include_vars: {file: a.yml, name: 'not a name'}\n");
  CHECK(bad.messages ==
        "DIR/site.yml:3:7: task 1: 'include_vars' names no file or directory\n"
        "DIR/site.yml:3:22: unknown argument 'fiel' of 'include_vars' (did you mean 'file'?)\n"
        "DIR/site.yml:4:7: task 2: 'include_vars' takes one of a name, 'file' and 'dir'\n"
        "DIR/site.yml:5:51: 'hash_behaviour' other than 'replace' is not supported (the files' "
        "keys replace earlier values)\n"
        "DIR/site.yml:6:35: task 4: 'name' 'not a name' is not a valid variable name\n");
}

}  // namespace
}  // namespace hostprep
