// include_tasks through the whole run: files named per host and per item,
// their tasks run where the include stands, read ahead in the first round
// trip, failing where Ansible fails.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;
using testing::RoundTrips;

// The recorded lines of `host`, one string, so a failure shows them.

// A scheduler fixture whose playbook lives in a temp dir, beside the task
// files the test writes.
struct IncludeFixture : testing::SchedulerFixture {
  IncludeFixture() : dir(tree.dir()) { path = dir + "/site.yml"; }
  void Write(const std::string& name, const std::string& text) { tree.Write(name, text); }
  testing::TempTree tree;
  const std::string& dir;
};

TEST_CASE("include_tasks runs the file its name renders to on each host, where it stands") {
  IncludeFixture f;
  f.Write("setup-h1.yml", "- {name: one, put: {path: /etc/os, content: \"h1\\n\"}}\n");
  f.Write("setup-h2.yml",
          "- {name: two, put: {path: /etc/os, content: \"h2\\n\"}}\n"
          "- {name: three, put: {path: /etc/more, content: \"m\\n\"}}\n");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: before, put: {path: /etc/before, content: "b\n"}}
    - include_tasks: "setup-{{ inventory_hostname }}.yml"
    - {name: after, put: {path: /etc/after, content: "a\n"}}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") ==
        "changed before, ok include_tasks, changed include_tasks/one, changed after");
  CHECK(rec.Joined("h2") ==
        "changed before, ok include_tasks, changed include_tasks/two, changed include_tasks/three, "
        "changed after");
  for (const TaskEvent& e : rec.events) {
    if (e.task_id == "include_tasks")
      CHECK(e.message == "included: " + f.dir + "/setup-" + e.host + ".yml");
  }
  CHECK(f.hosts["h2"].Content("/etc/os") == "h2\n");
  // As Ansible counts them: the include is ok.
  CHECK(s.stats["h2"].ok == 5);
}

TEST_CASE("a looped include runs its file once per item, with the item and its vars on top") {
  IncludeFixture f;
  f.Write("item.yml",
          "- name: write\n"
          "  put: {path: \"/etc/{{ item }}\", content: \"{{ item }} {{ x }}\\n\"}\n"
          "  vars: {x: task}\n"
          "- include_tasks: nested.yml\n");
  f.Write("nested.yml",
          "- {name: deeper, put: {path: \"/etc/{{ item }}.d\", content: \"{{ x }}\"}}\n");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  vars: {x: play}
  tasks:
    - include_tasks: item.yml
      loop: [a, b]
      vars: {x: include}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") ==
        "ok include_tasks, ok include_tasks, changed include_tasks/write, ok "
        "include_tasks/include_tasks, changed include_tasks/include_tasks/deeper, changed "
        "include_tasks/write, ok include_tasks/include_tasks, changed "
        "include_tasks/include_tasks/deeper");
  // Include parameters are above the included task's own vars, as in Ansible.
  CHECK(f.hosts["h1"].Content("/etc/a") == "a include\n");
  CHECK(f.hosts["h1"].Content("/etc/b.d") == "include");
  // Each file included counts as one ok (2 + 2 nested), like Ansible's recap.
  CHECK(s.stats["h1"].ok == 8);
  CHECK(s.stats["h1"].changed == 4);
}

TEST_CASE("an unchanged re-run through includes costs one round trip") {
  IncludeFixture f;
  f.Write("outer.yml",
          "- {name: a, put: {path: /etc/a, content: \"a\\n\"}}\n"
          "- include_tasks: \"inner-{{ kind }}.yml\"\n"
          "  loop: [1, 2]\n");
  f.Write("inner-x.yml", "- {name: b, put: {path: \"/etc/b{{ item }}\", content: \"b\\n\"}}\n");
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - set_fact: {kind: x}
    - include_tasks: outer.yml
    - {name: c, put: {path: /etc/c, content: "c\n"}}
)";
  Recorder first;
  f.Run(play, "h1,", &first);
  CHECK(f.hosts["h1"].Content("/etc/b2") == "b\n");
  Recorder second;
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &second); }) == 1);
  CHECK(second.Lines("h1").size() == 8);
}

TEST_CASE("an include that names no file fails its host, saying where it looked") {
  IncludeFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  vars: {os: Plan9}
  tasks:
    - include_tasks: "setup-{{ os }}.yml"
    - {name: never, put: {path: /etc/x, content: "x"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "failed include_tasks");
  CHECK(rec.events[0].message == f.dir +
                                     "/site.yml:6:22: include_tasks: no task file "
                                     "'setup-Plan9.yml' (looked in " +
                                     f.dir + ")");
}

TEST_CASE("an included file's mistakes fail the include with their file:line:col") {
  IncludeFixture f;
  // A name that is all template is not matched before the run.
  f.Write("bad-h1.yml", "- name: typo\n  put: {path: /etc/x, contnt: x}\n");
  Recorder rec;
  f.Run(
      "- hosts: all\n  gather_facts: false\n  tasks:\n"
      "    - include_tasks: \"{{ name }}\"\n      vars: {name: bad-h1.yml}\n",
      "h1,", &rec);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].status == TaskStatus::kFailed);
  CHECK(rec.events[0].message == "include_tasks: " + f.dir + "/bad-h1.yml has an error:\n" + f.dir +
                                     "/bad-h1.yml:2:23: task 'typo': unknown argument 'contnt' for "
                                     "module 'put' (did you mean 'content'?)\n"
                                     "      put: {path: /etc/x, contnt: x}\n"
                                     "                          ^\n");
}

TEST_CASE("tags select an include, its tasks keep their own tags, and apply's") {
  IncludeFixture f;
  f.Write("tagged.yml",
          "- {name: plain, put: {path: /etc/p, content: p}}\n"
          "- {name: own, put: {path: /etc/o, content: o}, tags: [web]}\n");
  f.options.tags = {"web"};
  Recorder rec;
  f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: tagged.yml
    - include_tasks: tagged.yml
      tags: [web]
    - include_tasks:
        file: tagged.yml
        apply: {tags: [web]}
      tags: always
)",
        "h1,", &rec);
  CHECK(rec.Joined("h1") ==
        "ok include_tasks-2, changed include_tasks-2/own, ok include_tasks-3, changed "
        "include_tasks-3/plain, ok include_tasks-3/own");
}

TEST_CASE("include_vars ahead of a task lets its state be read in the first round trip") {
  IncludeFixture f;
  f.Write("vars/site.yml", "conf_dir: /etc/app\n");
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - include_vars: site.yml
    - {name: config, put: {path: "{{ conf_dir }}/main.conf", content: "x\n"}}
)";
  f.hosts["h1"].AddFile("/etc/app/main.conf", "x\n");
  Recorder rec;
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &rec); }) == 1);
  CHECK(rec.Joined("h1") == "ok include_vars, ok config");
}

TEST_CASE("a handler notified by an included task runs at the flush") {
  IncludeFixture f;
  f.Write("notify.yml", "- {name: conf, put: {path: /etc/c, content: c}, notify: reload}\n");
  Recorder rec;
  f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: notify.yml
    - {name: last, put: {path: /etc/l, content: l}}
  handlers:
    - {name: reload, run: "true"}
)",
        "h1,", &rec);
  CHECK(rec.Joined("h1") ==
        "ok include_tasks, changed include_tasks/conf, changed last, changed reload");
}

}  // namespace
}  // namespace hostprep
