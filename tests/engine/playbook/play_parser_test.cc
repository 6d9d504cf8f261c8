#include "engine/playbook/play_parser.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

// A play with `keys` (indented by 2) after `hosts: all` on line 1 and a
// one-task list.
std::string PlayWithKeys(const std::string& keys) {
  return "- hosts: all\n" + keys + "  tasks:\n    - command: ls\n";
}

TEST_CASE("play parser reads serial as counts and percentages") {
  struct Case {
    std::string serial;
    std::string expected;  // JSON of Play::serial
  };
  const std::vector<Case> cases = {
      {"0", "[]"},
      {"2", "[2]"},
      {"\"3\"", "[3]"},
      {"\"30%\"", "[\"30%\"]"},
      {"[1, 5, \"50%\"]", "[1, 5, \"50%\"]"},
      {"100%", "[\"100%\"]"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.serial);
    PlaybookFixture fx;
    auto out = fx.Parse(PlayWithKeys("  serial: " + c.serial + "\n"));
    CHECK(out.errors == "");
    REQUIRE(out.playbook != nullptr);
    CHECK(Value(out.playbook->plays[0].serial) == Value::parse(c.expected));
  }
}

TEST_CASE("play parser reports each wrong play field at its value") {
  struct Case {
    std::string line;  // on line 2
    std::string message;
  };
  const std::vector<Case> cases = {
      {"serial: fast",
       "DIR/site.yml:2:11: 'serial' must be a number of hosts, a percentage such as '30%', or a "
       "list of them, not 'fast'"},
      {"serial: -1",
       "DIR/site.yml:2:11: 'serial' must be a number of hosts, a percentage such as '30%', or a "
       "list of them, not -1"},
      {"serial: 150%",
       "DIR/site.yml:2:11: 'serial' percentage must be between 1% and 100%, not 150%"},
      {"serial: [2, 0]",
       "DIR/site.yml:2:15: a batch size in a 'serial' list must be at least 1, not 0"},
      {"max_fail_percentage: 150",
       "DIR/site.yml:2:24: 'max_fail_percentage' must be between 0 and 100, not 150"},
      {"max_fail_percentage: \"30%\"",
       "DIR/site.yml:2:24: 'max_fail_percentage' must be an integer, not '30%'"},
      {"connection: paramiko",
       "DIR/site.yml:2:15: 'connection' must be 'local' or 'ssh', not 'paramiko'"},
      {"order: sorted",
       "DIR/site.yml:2:10: 'order' must be 'dag' or 'sequential', not 'sorted' ('order' sets the "
       "order of tasks; Ansible's host orders are not supported)"},
      {"gather_facts: maybe",
       "DIR/site.yml:2:17: 'gather_facts' must be a boolean (true or false), not 'maybe'"},
      {"any_errors_fatal: [true]",
       "DIR/site.yml:2:21: 'any_errors_fatal' must be a boolean (true or false), not a list"},
      {"vars: [a, b]", "DIR/site.yml:2:9: 'vars' must be a mapping, not a list"},
      {"handlers: {a: b}",
       "DIR/site.yml:2:13: 'handlers' must be a list of handlers, not a mapping"},
      {"hots: all", "DIR/site.yml:2:3: unknown key 'hots' in play 1 (did you mean 'hosts'?)"},
      {"command: ls",
       "DIR/site.yml:2:3: unknown key 'command' in play 1: a module runs in a task (under "
       "'tasks')"},
      {"roles: [common]",
       "DIR/site.yml:2:11: role 'common' not found (looked in DIR/roles, /nonexistent/roles, "
       "DIR; set roles_path in ansible.cfg or ANSIBLE_ROLES_PATH for roles kept elsewhere)"},
      {"roles: common", "DIR/site.yml:2:10: 'roles' must be a list of roles, not 'common'"},
      {"strategy: debug",
       "DIR/site.yml:2:13: 'strategy: debug' is not supported: hostprep has Ansible's 'linear' "
       "(every task on every host of the batch before the next) and 'free' (hosts never wait "
       "for each other)"},
      {"port: 70000", "DIR/site.yml:2:9: 'port' must be a port number (1 to 65535), not 70000"},
      {"become_method: doas",
       "DIR/site.yml:2:18: 'become_method: doas' is not supported: hostprep becomes another "
       "user with sudo or su; write one of them or leave it out (sudo)"},
      {"become_flags: -i",
       "DIR/site.yml:2:17: 'become_flags' may hold sudo's -H (--set-home) and -E "
       "(--preserve-env), or su's -m (--preserve-environment), not '-i': hostprep runs 'sudo -n' "
       "('sudo -S' with --ask-become-pass) or 'su -s /bin/sh', and no shell"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    PlaybookFixture fx;
    auto out = fx.Parse(PlayWithKeys("  " + c.line + "\n"));
    CHECK(out.playbook == nullptr);
    CHECK(out.messages == c.message + "\n");
  }
}

TEST_CASE("play parser reads the play's own keys") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- name: nodes\n"
      "  hosts: [kube_control_plane, \"kube_node:!node3\"]\n"
      "  connection: local\n"
      "  become: no\n"
      "  become_user: admin\n"
      "  gather_facts: false\n"
      "  max_fail_percentage: 20\n"
      "  any_errors_fatal: yes\n"
      "  order: sequential\n"
      "  remote_user: \"{{ login }}\"\n"
      "  port: 2222\n"
      "  become_method: sudo\n"
      "  strategy: free\n"
      "  gather_subset: [\"!all\", min]\n"
      "  tasks:\n"
      "    - command: ls\n"
      "      become_method: sudo\n"
      "- hosts: etcd\n"
      "  tasks:\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  REQUIRE(out.playbook->plays.size() == 2);
  const Play& play = out.playbook->plays[0];
  CHECK(play.name == "nodes");
  CHECK(play.location.line == 1);
  CHECK(play.hosts == "kube_control_plane:kube_node:!node3");
  CHECK(play.connection == "local");
  CHECK(play.become == std::optional<bool>(false));
  CHECK(play.become_user == "admin");
  CHECK(!play.gather_facts);
  CHECK(play.max_fail_percentage == 20);
  CHECK(play.any_errors_fatal);
  CHECK(play.order == PlayOrder::kSequential);
  CHECK(play.remote_user == "{{ login }}");
  CHECK(play.port == "2222");

  const Play& bare = out.playbook->plays[1];
  CHECK(bare.hosts == "etcd");
  CHECK(bare.connection == "");
  CHECK(!bare.become.has_value());
  CHECK(bare.gather_facts);
  CHECK(bare.max_fail_percentage == -1);
  CHECK(bare.order == PlayOrder::kSequential);  // file order, as in Ansible
  CHECK(bare.tasks.empty());
}

TEST_CASE("play parser asks for hosts when a play has none") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- name: nodes\n"
      "  tasks: []\n"
      "- hosts: \"\"\n");
  CHECK(out.errors ==
        "DIR/site.yml:1:3: play 'nodes' has no 'hosts': name the hosts it runs on (e.g. 'hosts: "
        "all')\n"
        "    - name: nodes\n"
        "      ^\n"
        "DIR/site.yml:3:10: 'hosts' names no hosts: give a host, a group or a pattern (e.g. "
        "'hosts: all')\n"
        "    - hosts: \"\"\n"
        "             ^\n");
}

TEST_CASE("play parser merges vars_files over play vars in order") {
  PlaybookFixture fx;
  fx.Write("vars/common.yml", "b: 2\nc: 2\nlist: [1, 2]\n");
  fx.Write("vars/extra.yml", "c: 3\n");
  fx.Write("vars/empty.yml", "");
  auto out =
      fx.Parse(PlayWithKeys("  vars_files:\n"
                            "    - vars/common.yml\n"
                            "    - vars/extra.yml\n"
                            "    - vars/empty.yml\n"
                            "  vars: {a: 1, b: 1}\n"));
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(play.vars == Value::parse(R"({"a": 1, "b": 2, "c": 3, "list": [1, 2]})"));
  CHECK(play.vars_files == std::vector<std::string>{fx.dir() + "/vars/common.yml",
                                                    fx.dir() + "/vars/extra.yml",
                                                    fx.dir() + "/vars/empty.yml"});
}

TEST_CASE("play parser reports vars_files it cannot use") {
  PlaybookFixture fx;
  fx.Write("vars/list.yml", "- a\n- b\n");
  fx.Write("vars/broken.yml", "a: [1, 2\n");
  auto out =
      fx.Parse(PlayWithKeys("  vars_files:\n"
                            "    - \"vars/{{ os }}.yml\"\n"
                            "    - vars/missing.yml\n"
                            "    - vars/list.yml\n"
                            "    - vars/broken.yml\n"));
  CHECK(out.messages ==
        "DIR/site.yml:3:7: vars file 'vars/{{ os }}.yml' is a template: templated vars_files are "
        "not supported yet (list the files, or use inventory group_vars)\n"
        "DIR/site.yml:4:7: vars file 'vars/missing.yml' not found (looked for "
        "'DIR/vars/missing.yml')\n"
        "DIR/vars/list.yml:1:1: a vars file must be a mapping of variable names to values, not a "
        "list\n"
        "DIR/vars/broken.yml:2:1: invalid YAML: end of sequence flow not found\n");
}

TEST_CASE("play parser shows the line of a vars file error with a caret") {
  PlaybookFixture fx;
  fx.Write("vars.yml", "a: 1\na: 2\n");
  auto out = fx.Parse(PlayWithKeys("  vars_files: vars.yml\n"));
  CHECK(out.errors ==
        "DIR/vars.yml:2:1: duplicate key 'a' (first defined on line 1)\n"
        "    a: 2\n"
        "    ^\n");
}

TEST_CASE("play parser gives every task and handler the play's tags") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n"
      "  tags: [prestage, b]\n"
      "  tasks:\n"
      "    - command: ls\n"
      "      tags: [b, c]\n"
      "    - command: pwd\n"
      "  handlers:\n"
      "    - command: date\n");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(play.tags == std::vector<std::string>{"prestage", "b"});
  CHECK(play.tasks[0].tags == std::vector<std::string>{"b", "c", "prestage"});
  CHECK(play.tasks[1].tags == std::vector<std::string>{"prestage", "b"});
  CHECK(play.handlers[0].tags == std::vector<std::string>{"prestage", "b"});
}

}  // namespace
}  // namespace hostprep
