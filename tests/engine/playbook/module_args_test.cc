#include "engine/playbook/module_args.h"

#include <doctest/doctest.h>

#include "engine/base/text.h"
#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

// A play whose first task, 't', starts on line 3 with its module on line 4.
std::string Task(const std::string& module_lines) {
  return "- hosts: all\n  tasks:\n    - name: t\n" + module_lines;
}

TEST_CASE("module args errors point at the argument they are about") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(Task("      file:\n"
                    "        path: /x\n"
                    "        mdoe: '0644'\n"
                    "        state: dir\n"));
  CHECK(out.playbook == nullptr);
  CHECK(out.errors ==
        "DIR/site.yml:6:9: task 't': unknown argument 'mdoe' for module 'file' (did you mean "
        "'mode'?)\n"
        "            mdoe: '0644'\n"
        "            ^\n"
        "DIR/site.yml:7:9: task 't': argument 'state' must be one of absent, directory, file, "
        "touch, not 'dir'\n"
        "            state: dir\n"
        "            ^\n");
}

TEST_CASE("module args errors about the whole mapping point at the module key") {
  struct Case {
    std::string lines;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"      file: {state: absent}\n",
       "DIR/site.yml:4:7: task 't': missing required argument 'path' for module 'file'\n"},
      {"      file: /etc/x\n",
       "DIR/site.yml:4:7: task 't': arguments of 'file' must be a mapping or key=value words: "
       "'/etc/x' is not a key=value word\n"},
      {"      file: path=/etc/x state=directory mode=0750\n", ""},
      {"      command: [ls]\n",
       "DIR/site.yml:4:7: task 't': arguments of 'command' must be a mapping or a string, not a "
       "list\n"},
      {"      command:\n",
       "DIR/site.yml:4:7: task 't': missing required argument 'cmd' for module 'command'\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.lines);
    PlaybookFixture fx;
    auto out = fx.Parse(Task(c.lines));
    CHECK(out.messages == c.message);
  }
}

TEST_CASE("module args place the module's own Validate errors at their argument") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(Task("      file:\n"
                    "        dest: /etc/x\n"
                    "        state: directory\n"
                    "        content: hello\n"));
  CHECK(out.messages ==
        "DIR/site.yml:7:9: task 't': argument 'content' cannot be used with state 'directory'\n");
}

TEST_CASE("module args are normalised and remember where each argument was written") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(Task("      file:\n"
                    "        dest: /etc/x\n"
                    "        mode: '0600'\n"));
  REQUIRE(out.playbook != nullptr);
  const TaskSpec& t = out.playbook->plays[0].tasks[0];
  CHECK(t.module == "file");
  CHECK(t.module_location.line == 4);
  CHECK(t.module_location.column == 7);
  CHECK(t.args == Value::parse(R"({"path": "/etc/x", "mode": 384})"));
  REQUIRE(t.arg_locations.count("path") == 1);
  CHECK(t.arg_locations.at("path").line == 5);
  CHECK(t.arg_locations.at("path").column == 9);
  CHECK(t.arg_locations.at("mode").line == 6);
}

TEST_CASE("module args accept a free-form string for a module with a free-form argument") {
  PlaybookFixture fx;
  auto out =
      fx.Parse(Task("      command: ls -l /etc\n"
                    "    - command: {cmd: make, chdir: /src, creates: /src/out}\n"));
  REQUIRE(out.playbook != nullptr);
  const TaskSpec& free_form = out.playbook->plays[0].tasks[0];
  CHECK(free_form.args == Value::parse(R"({"cmd": "ls -l /etc"})"));
  CHECK(free_form.arg_locations.at("cmd").line == 4);
  CHECK(free_form.arg_locations.at("cmd").column == 16);
  const TaskSpec& mapping = out.playbook->plays[0].tasks[1];
  CHECK(mapping.args == Value::parse(R"({"cmd": "make", "chdir": "/src", "creates": "/src/out"})"));
}

TEST_CASE("module args keep templates for the host to render") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      Task("      file: {path: \"{{ dir }}/x\", mode: \"{{ mode }}\", state: \"{{ s }}\"}\n"));
  REQUIRE(out.playbook != nullptr);
  CHECK(out.playbook->plays[0].tasks[0].args ==
        Value::parse(R"({"path": "{{ dir }}/x", "mode": "{{ mode }}", "state": "{{ s }}"})"));
}

TEST_CASE("module args report a template syntax error at the string that holds it") {
  // The text after "syntax error in '" is the templar's (templar.h).
  PlaybookFixture fx;
  auto out =
      fx.Parse(Task("      file:\n"
                    "        path: /x\n"
                    "        content: \"{{ body\"\n"));
  CHECK(StartsWith(out.messages, "DIR/site.yml:6:18: task 't': syntax error in '"));
  CHECK(Split(out.messages, '\n').size() == 2);
}

}  // namespace
}  // namespace hostprep
