// import_playbook as the playbook parser reads it (playbook.h): the
// imported plays take the import's place, under its vars, tags and when,
// with their own directory; and the mistakes reported, in the file they
// are in.
#include <doctest/doctest.h>

#include "engine/playbook/playbook.h"
#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;
using testing::TaskNames;

std::vector<std::string> WhenTexts(const TaskSpec& task) {
  std::vector<std::string> out;
  for (const Expression& e : task.when) out.push_back(e.text);
  return out;
}

TEST_CASE("import_playbook puts the imported plays in its place, in order") {
  PlaybookFixture fx;
  fx.Write("plays/base.yml",
           "- name: base one\n  hosts: all\n  tasks:\n    - name: b1\n      command: ls\n"
           "- name: base two\n  hosts: web\n  tasks:\n    - name: b2\n      command: ls\n");
  auto out = fx.Parse(
      "- name: first\n  hosts: all\n  tasks:\n    - name: f\n      command: ls\n"
      "- import_playbook: plays/base.yml\n"
      "- name: last\n  hosts: all\n  tasks:\n    - name: l\n      command: ls\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  std::vector<std::string> names, dirs;
  for (const Play& p : out.playbook->plays) {
    names.push_back(p.name);
    dirs.push_back(fx.WithoutDir(p.dir));
  }
  CHECK(names == std::vector<std::string>{"first", "base one", "base two", "last"});
  // Each play's relative paths (and playbook_dir) are those of its own file.
  CHECK(dirs == std::vector<std::string>{"DIR", "DIR/plays", "DIR/plays", "DIR"});
  CHECK(fx.WithoutDir(out.playbook->plays[1].location.file) == "DIR/plays/base.yml");
  CHECK(out.playbook->plays[1].location.line == 1);
  CHECK(out.playbook->plays[1].when.empty());
  CHECK(WhenTexts(out.playbook->plays[1].tasks[0]).empty());
}

TEST_CASE("import_playbook gives its plays its vars, tags and when, not to handlers") {
  PlaybookFixture fx;
  fx.Write("node.yml",
           "- hosts: all\n"
           "  vars: {role: node, port: 1}\n"
           "  tags: [own]\n"
           "  tasks:\n"
           "    - name: t\n      command: ls\n      when: ready\n      notify: h\n"
           "  handlers:\n    - name: h\n      command: ls\n");
  auto out = fx.Parse(
      "- ansible.builtin.import_playbook: node.yml\n"
      "  vars: {port: 2, extra: x}\n"
      "  tags: [node, own]\n"
      "  when: [\"kind == 'node'\", enabled]\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  REQUIRE(out.playbook->plays.size() == 1);
  const Play& play = out.playbook->plays[0];
  // The import's vars win over the play's own, as in Ansible.
  CHECK(play.vars == Value::parse(R"({"role":"node","port":2,"extra":"x"})"));
  CHECK(play.tags == std::vector<std::string>{"own", "node"});
  REQUIRE(play.tasks.size() == 1);
  CHECK(WhenTexts(play.tasks[0]) == std::vector<std::string>{"kind == 'node'", "enabled", "ready"});
  CHECK(play.tasks[0].tags == std::vector<std::string>{"own", "node"});
  REQUIRE(play.handlers.size() == 1);
  CHECK(WhenTexts(play.handlers[0]).empty());
  REQUIRE(play.when.size() == 2);
  CHECK(play.when[0].text == "kind == 'node'");
  CHECK(fx.WithoutDir(play.when[0].location.file) == "DIR/site.yml");
}

TEST_CASE("nested imports stack: the outer import's vars on top, its when first") {
  PlaybookFixture fx;
  fx.Write("a/inner.yml", "- hosts: all\n  tasks:\n    - name: t\n      command: ls\n");
  fx.Write("a/middle.yml",
           "- import_playbook: inner.yml\n"
           "  vars: {level: middle, from_middle: 1}\n"
           "  tags: middle\n"
           "  when: middle_ok\n");
  auto out = fx.Parse(
      "- import_playbook: a/middle.yml\n"
      "  vars: {level: outer}\n"
      "  tags: outer\n"
      "  when: outer_ok\n");
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  REQUIRE(out.playbook->plays.size() == 1);
  const Play& play = out.playbook->plays[0];
  CHECK(fx.WithoutDir(play.dir) == "DIR/a");
  CHECK(play.vars == Value::parse(R"({"level":"outer","from_middle":1})"));
  CHECK(play.tags == std::vector<std::string>{"middle", "outer"});
  CHECK(WhenTexts(play.tasks[0]) == std::vector<std::string>{"outer_ok", "middle_ok"});
  CHECK(TaskNames(play.tasks) == std::vector<std::string>{"t"});
}

TEST_CASE("import_playbook mistakes are reported where they are written") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"- import_playbook: missing.yml\n",
       "DIR/site.yml:1:20: playbook 'missing.yml' not found (looked for 'DIR/missing.yml')\n"},
      {"- import_playbook: \"{{ which }}.yml\"\n",
       "DIR/site.yml:1:20: 'import_playbook: {{ which }}.yml' is a template: templated playbook "
       "names are not supported (name the file)\n"},
      {"- import_playbook: other.yml var=1\n",
       "DIR/site.yml:1:20: 'import_playbook' takes one file name, not 'other.yml var=1' (Ansible "
       "ignores what follows the name: give variables under 'vars:')\n"},
      {"- import_playbook: other.yml\n  become: true\n",
       "DIR/site.yml:2:3: unknown key 'become' in an import_playbook (set play keywords in the "
       "imported plays)\n"},
      {"- import_playbook: other.yml\n  var: {a: 1}\n",
       "DIR/site.yml:2:3: unknown key 'var' in an import_playbook (did you mean 'vars'?) (set "
       "play keywords in the imported plays)\n"},
      {"- import_playbook: \"\"\n",
       "DIR/site.yml:1:20: 'import_playbook' names no file: give the playbook to import\n"},
      {"- import_playbook: empty.yml\n",
       "DIR/empty.yml: imported playbook 'empty.yml' is empty: write a list of plays\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    PlaybookFixture fx;
    fx.Write("other.yml", "- hosts: all\n  tasks: []\n");
    fx.Write("empty.yml", "# nothing yet\n");
    auto out = fx.Parse(c.text);
    CHECK(out.playbook == nullptr);
    CHECK(out.messages == c.message);
  }
}

TEST_CASE("an error in an imported playbook names that file, with its line and caret") {
  PlaybookFixture fx;
  fx.Write("plays/node.yml",
           "- hosts: all\n"
           "  tasks:\n"
           "    - name: t\n"
           "      comand: ls\n");
  auto out = fx.Parse(
      "- hosts: all\n  tasks:\n    - name: x\n      command: ls\n      retries: many\n"
      "- import_playbook: plays/node.yml\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/site.yml:5:16: 'retries' must be an integer, not 'many'\n"
        "DIR/plays/node.yml:3:7: task 't' has no module (one of: ansible.posix.sysctl, command, "
        "file, kernel_module, "
        "service, sysctl)\n"
        "DIR/plays/node.yml:4:7: unknown key 'comand' in task 't' (did you mean 'command'?)\n");
  CHECK(out.errors.find("          comand: ls\n          ^\n") != std::string::npos);
}

TEST_CASE("a playbook that imports itself, directly or not, is refused with the cycle") {
  PlaybookFixture fx;
  fx.Write("a.yml", "- import_playbook: sub/b.yml\n");
  fx.Write("sub/b.yml", "- import_playbook: ../a.yml\n");
  auto out = fx.Parse("- import_playbook: a.yml\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/sub/b.yml:1:20: playbook '../a.yml' imports itself: DIR/a.yml -> DIR/sub/b.yml -> "
        "DIR/a.yml\n");

  auto itself = fx.Parse("- hosts: all\n  tasks: []\n- import_playbook: site.yml\n");
  CHECK(itself.playbook == nullptr);
  CHECK(itself.messages ==
        "DIR/site.yml:3:20: playbook 'site.yml' imports itself: DIR/site.yml -> DIR/site.yml\n");
}

}  // namespace
}  // namespace hostprep
