// Plays brought in by import_playbook, run: their files and playbook_dir
// are those of the imported file, and the import's `when` guards the fact
// gathering as Ansible's does, as well as every task.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;

TEST_CASE("an imported play finds its files beside the imported playbook") {
  testing::TempTree tree;
  tree.Write("plays/node.yml",
             "- hosts: all\n"
             "  gather_facts: false\n"
             "  tasks:\n"
             "    - include_tasks: tasks/setup.yml\n"
             "    - name: where\n"
             "      put: {path: /etc/where, content: \"{{ playbook_dir }} {{ level }}\"}\n");
  tree.Write("plays/tasks/setup.yml",
             "- name: setup\n  put: {path: /etc/setup, content: \"{{ level }}\"}\n");
  testing::SchedulerFixture f;
  f.path = tree.dir() + "/site.yml";
  Recorder rec;
  RunSummary s = f.Run(
      "- hosts: all\n"
      "  gather_facts: false\n"
      "  tasks:\n"
      "    - name: top\n"
      "      put: {path: /etc/top, content: \"{{ playbook_dir }}\"}\n"
      "- import_playbook: plays/node.yml\n"
      "  vars: {level: imported}\n",
      "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/top") == tree.dir());
  CHECK(f.hosts["h1"].Content("/etc/setup") == "imported");
  CHECK(f.hosts["h1"].Content("/etc/where") == tree.dir() + "/plays imported");
}

TEST_CASE("an import's when skips the fact gathering and the tasks of the hosts it is false for") {
  testing::TempTree tree;
  tree.Write("node.yml",
             "- hosts: all\n"
             "  tasks:\n"
             "    - name: mark\n"
             "      put: {path: /etc/mark, content: x}\n"
             "  handlers:\n"
             "    - name: never notified\n"
             "      run: \"true\"\n");
  testing::SchedulerFixture f;
  f.path = tree.dir() + "/site.yml";
  Recorder rec;
  RunSummary s = f.Run(
      "- import_playbook: node.yml\n"
      "  when: inventory_hostname != 'h2'\n",
      "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"ok Gathering Facts", "changed mark"});
  CHECK(rec.Lines("h2") == std::vector<std::string>{"skipped Gathering Facts", "skipped mark"});
  CHECK(f.hosts["h1"].Content("/etc/mark") == "x");
  CHECK(f.hosts["h2"].Content("/etc/mark") == std::nullopt);
  CHECK(s.stats["h2"].skipped == 2);
}

TEST_CASE("an import's when that cannot be evaluated fails the host at fact gathering") {
  testing::TempTree tree;
  tree.Write("node.yml",
             "- hosts: all\n  tasks:\n    - name: mark\n      put: {path: /m, content: x}\n");
  testing::SchedulerFixture f;
  f.path = tree.dir() + "/site.yml";
  Recorder rec;
  RunSummary s = f.Run("- import_playbook: node.yml\n  when: no_such_var\n", "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].task_id == "Gathering Facts");
  CHECK(rec.events[0].status == TaskStatus::kFailed);
  CHECK(rec.events[0].message.find("no_such_var") != std::string::npos);
  CHECK(f.hosts["h1"].Content("/m") == std::nullopt);
}

}  // namespace
}  // namespace hostprep
