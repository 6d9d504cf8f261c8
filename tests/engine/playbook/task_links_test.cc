#include "engine/playbook/task_links.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

std::string PlayWith(const std::string& body) { return "- hosts: all\n" + body; }

std::vector<std::string> Ids(const std::vector<TaskSpec>& tasks) {
  std::vector<std::string> ids;
  for (const TaskSpec& t : tasks) ids.push_back(t.id);
  return ids;
}

TEST_CASE("task ids come from id, else the name, else the module, made unique with suffixes") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - name: Swap Off!\n"
                        "      command: swapoff -a\n"
                        "    - command: ls\n"
                        "    - command: pwd\n"
                        "    - name: swap off\n"
                        "      command: /bin/true\n"
                        "    - id: my.id_1\n"
                        "      command: date\n"
                        "  handlers:\n"
                        "    - name: swap off\n"
                        "      command: /bin/true\n"));
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  const Play& play = out.playbook->plays[0];
  CHECK(Ids(play.tasks) ==
        std::vector<std::string>{"swap-off", "command", "command-2", "swap-off-2", "my.id_1"});
  CHECK(Ids(play.handlers) == std::vector<std::string>{"swap-off-3"});
}

TEST_CASE("task display names fall back to the module and its id") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - name: list\n"
                        "      command: ls\n"
                        "    - command: ls\n"
                        "    - command: pwd\n"
                        "    - id: when\n"
                        "      command: date\n"));
  REQUIRE(out.playbook != nullptr);
  std::vector<std::string> names;
  for (const TaskSpec& t : out.playbook->plays[0].tasks) names.push_back(t.DisplayName());
  CHECK(names ==
        std::vector<std::string>{"list", "command", "command (command-2)", "command (when)"});
}

TEST_CASE("task links refuse an explicit id used twice") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - id: modules\n"
                        "      command: ls\n"
                        "    - id: modules\n"
                        "      command: pwd\n"));
  CHECK(out.errors ==
        "DIR/site.yml:5:11: duplicate task id 'modules' (first used on line 3)\n"
        "        - id: modules\n"
        "              ^\n");
}

TEST_CASE("task links refuse an explicit id that another task derives from its name") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - name: modules\n"
                        "      command: ls\n"
                        "    - id: modules\n"
                        "      command: pwd\n"));
  CHECK(out.messages ==
        "DIR/site.yml:5:11: task id 'modules' is also the id task 'modules' on line 3 gets from "
        "its name: give one of them another 'id'\n");
}

TEST_CASE("task links report what is wrong with each after entry") {
  struct Case {
    std::string after;  // the value of `after` of task 'late' (line 10)
    std::string message;
  };
  const std::vector<Case> cases = {
      {"modles",
       "DIR/site.yml:10:14: task 'late': 'after' names no task 'modles' (did you mean "
       "'modules'?)"},
      {"[modules, kernel setup]",
       "DIR/site.yml:10:24: task 'late': 'after' names no task 'kernel setup' (did you mean "
       "'kernel-setup', the id of task 'kernel setup'?)"},
      {"nothing-like-it",
       "DIR/site.yml:10:14: task 'late': 'after' names no task "
       "'nothing-like-it'"},
      {"late", "DIR/site.yml:10:14: task 'late': 'after' names the task itself"},
      {"restart",
       "DIR/site.yml:10:14: task 'late': 'after' cannot name handler 'restart': a handler runs "
       "when notified (use 'notify')"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.after);
    PlaybookFixture fx;
    auto out =
        fx.Parse(PlayWith("  tasks:\n"
                          "    - id: modules\n"
                          "      command: ls\n"
                          "    - name: kernel setup\n"
                          "      command: ls\n"
                          "    - name: late\n"
                          "      command: ls\n"
                          "      notify: restart\n"
                          "      after: " +
                          c.after +
                          "\n"
                          "  handlers:\n"
                          "    - name: restart\n"
                          "      service: {name: x, state: restarted}\n"));
    CHECK(out.messages == c.message + "\n");
  }
}

TEST_CASE("task links refuse an after that names an id several tasks derive from one name") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - name: fetch\n"
                        "      command: ls\n"
                        "    - name: fetch\n"
                        "      command: pwd\n"
                        "    - name: use\n"
                        "      command: date\n"
                        "      after: [fetch, fetch-2]\n"));
  CHECK(out.messages ==
        "DIR/site.yml:9:15: task 'use': 'after' names 'fetch', which the tasks on lines 3 and 5 "
        "get from their names: give them distinct 'id's\n");
}

TEST_CASE("task links let a handler wait for tasks and other handlers") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - name: config\n"
                        "      file: {path: /etc/x}\n"
                        "      notify: [reload, restart]\n"
                        "  handlers:\n"
                        "    - name: reload\n"
                        "      command: systemctl daemon-reload\n"
                        "      after: config\n"
                        "    - name: restart\n"
                        "      service: {name: x, state: restarted}\n"
                        "      after: reload\n"));
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  CHECK(out.playbook->plays[0].handlers[1].after == std::vector<std::string>{"reload"});
}

TEST_CASE("task links report notify entries that name no handler") {
  struct Case {
    std::string handlers;
    std::string notify;
    std::string message;
  };
  const std::string kRestart =
      "  handlers:\n"
      "    - name: restart containerd\n"
      "      id: restart\n"
      "      service: {name: containerd, state: restarted}\n";
  const std::vector<Case> cases = {
      {kRestart, "restart containred",
       "DIR/site.yml:7:15: task 'config': 'notify' names no handler 'restart containred' (did "
       "you mean 'restart containerd'?)"},
      {"", "restart containerd",
       "DIR/site.yml:7:15: task 'config': 'notify' names no handler 'restart containerd' (the "
       "play has no handlers)"},
      {kRestart, "other",
       "DIR/site.yml:7:15: task 'config': 'notify' names task 'other', which is not a handler "
       "(move it under 'handlers')"},
      {kRestart, "restart", ""},
      {kRestart, "[restart containerd, restart]", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.notify);
    PlaybookFixture fx;
    auto out =
        fx.Parse(PlayWith("  tasks:\n"
                          "    - name: other\n"
                          "      command: ls\n"
                          "    - name: config\n"
                          "      file: {path: /etc/x}\n"
                          "      notify: " +
                          c.notify + "\n" + c.handlers));
    CHECK(out.messages == (c.message.empty() ? "" : c.message + "\n"));
  }
}

TEST_CASE("task links refuse two handlers with the same name") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(PlayWith("  tasks:\n"
                        "    - command: ls\n"
                        "  handlers:\n"
                        "    - name: restart\n"
                        "      command: a\n"
                        "    - name: restart\n"
                        "      id: restart-again\n"
                        "      command: b\n"));
  CHECK(out.messages ==
        "DIR/site.yml:7:7: duplicate handler name 'restart' (first used on line 5): 'notify' "
        "could not tell them apart\n");
}

TEST_CASE("task links in file order refuse an after that names a task below, and dag takes it") {
  const std::string tasks =
      "  tasks:\n"
      "    - name: config\n"
      "      command: ls\n"
      "      after: [packages]\n"
      "    - name: packages\n"
      "      command: ls\n";
  PlaybookFixture fx;
  auto out = fx.Parse(PlayWith(tasks));
  CHECK(out.messages ==
        "DIR/site.yml:5:15: task 'config': 'after' names task 'packages', which comes below it: "
        "tasks run in file order (move the task below it, or set 'order: dag' on the play)\n");
  PlaybookFixture dag;
  CHECK(dag.Parse(PlayWith("  order: dag\n" + tasks)).messages == "");
}

}  // namespace
}  // namespace hostprep
