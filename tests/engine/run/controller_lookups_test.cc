#include "engine/run/controller_lookups.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <string>

#include "engine/run/run_options.h"
#include "engine/template/templar.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

// A playbook directory with a role, as the lookups find files in them.
struct Fixture {
  testing::TempTree tree;
  std::string pb = tree.dir() + "/pb";
  std::string role = pb + "/roles/r";
  Fixture() {
    tree.Write("pb/files/a.txt", "  hello\n\n");
    tree.Write("pb/files/b.txt", "B\n");
    tree.Write("pb/files/braces.txt", "x{{ secret }}\n");
    tree.Write("pb/roles/r/files/a.txt", "role-a\n");
    tree.Write("pb/roles/r/templates/t.j2",
               "{{ who }} {% for i in range(2) %}{{ i }}{% endfor %}\n"
               "{{ extra | default(\"none\") }}\n");
    tree.Write("pb/roles/r/templates/inc.j2", "[{% include 'part.j2' %}]\n");
    tree.Write("pb/templates/part.j2", "part {{ who }}");
  }
};

// Renders `text` as a task of the playbook (in the role when `in_role`)
// with the lookups of a run; "error: ..." when it fails.
std::string Render(const Fixture& f, const std::string& text, bool in_role = false,
                   bool allow_commands = false) {
  const ControllerLookups lookups(f.pb, allow_commands, kDefaultAnsibleManaged);
  Variables play;
  play.SetLookups(&lookups);
  play.Set("who", "W", "play vars");
  play.Set("secret", "S", "play vars");
  play.Set("lst", Value::parse("[1, 2]"), "play vars");
  play.Set("d", Value::parse(R"({"a": 1, "b": 2})"), "play vars");
  play.Set("uses_missing", "{{ nope }}", "play vars");
  play.Set("answer", "{{ secret }}", "a registered result", Trust::kData);
  Variables task(&play);
  Value paths = Value::array();
  if (in_role) paths.push_back(f.role);
  paths.push_back(f.pb);
  task.Set("ansible_search_path", paths, "hostprep", Trust::kData);
  Result<Value> r = Templar(task).RenderString(text);
  if (!r.ok()) return "error: " + r.message();
  return r->is_string() ? r->get<std::string>() : r->dump();
}

struct Case {
  std::string input;
  std::string want;
};

// Expected values are ansible-playbook 2.14's for the same tree.
TEST_CASE("lookups read files, templates and variables as Ansible's plugins do") {
  Fixture f;
  setenv("HOSTPREP_LOOKUP_TEST", "from-env", 1);
  unsetenv("HOSTPREP_LOOKUP_UNSET");
  const Case cases[] = {
      {"{{ lookup('file', 'a.txt') }}", "  hello"},
      {"{{ lookup('file', 'a.txt', 'b.txt') }}", "  hello,B"},
      {"{{ query('file', 'a.txt', 'b.txt') }}", R"(["  hello","B"])"},
      {"{{ q('file', 'b.txt') }}", R"(["B"])"},
      {"{{ lookup('file', 'a.txt', rstrip=False) }}", "  hello\n\n"},
      {"{{ lookup('file', 'a.txt', lstrip=True) }}", "hello"},
      {"{{ lookup('file', 'a.txt', wantlist=True) }}", R"(["  hello"])"},
      {"{{ lookup('file', '" + f.pb + "/files/b.txt') }}", "B"},
      // What a file holds is data: never rendered.
      {"{{ lookup('file', 'braces.txt') }}", "x{{ secret }}"},
      {"{{ lookup('file', 'nope.txt', errors='ignore') }}", "null"},
      {"{{ query('file', 'nope.txt', errors='warn') }}", "[]"},
      {"{{ lookup('env', 'HOSTPREP_LOOKUP_TEST') }}", "from-env"},
      {"{{ lookup('env', 'HOSTPREP_LOOKUP_UNSET') }}", ""},
      {"{{ query('env', 'HOSTPREP_LOOKUP_UNSET') }}", R"([""])"},
      {"{{ lookup('env', 'HOSTPREP_LOOKUP_UNSET', default='d') }}", "d"},
      {"{{ lookup('vars', 'who') }}", "W"},
      {"{{ lookup('vars', 'who', 'lst') }}", R"(["W",[1,2]])"},
      {"{{ lookup('vars', 'lst') }}", "[1,2]"},
      {"{{ lookup('vars', 'nope', default='dv') }}", "dv"},
      {"{{ lookup('vars', 'uses_missing', default='dv') }}", "dv"},
      {"{{ lookup('vars', 'answer') }}", "{{ secret }}"},
      {"{{ lookup('vars', 'w' ~ 'ho') }}", "W"},
      {"{{ lookup('items', lst, [3]) }}", "[1,2,3]"},
      {"{{ lookup('dict', d) }}", R"([{"key":"a","value":1},{"key":"b","value":2}])"},
      {"{{ lookup('indexed_items', ['a', 'b']) }}", R"([[0,"a"],[1,"b"]])"},
      {"{{ lookup('sequence', 'start=1 end=3') }}", "1,2,3"},
      {"{{ query('sequence', 'start=1 end=3') }}", R"(["1","2","3"])"},
      {"{{ lookup('list', ['x', 'y']) }}", R"(["x","y"])"},
      {"{{ query('together', [1, 2], ['a', 'b']) }}", R"([[1,"a"],[2,"b"]])"},
      {"{{ query('nested', [1, 2], ['a']) }}", R"([[1,"a"],[2,"a"]])"},
      {"{{ lookup('fileglob', '*.nothing') }}", "[]"},
      {"{{ query('fileglob', 'b.txt') }}", R"([")" + f.pb + R"(/files/b.txt"])"},
      {"{{ lookup('template', 'roles/r/templates/t.j2') }}", "W 01none\n"},
      {"{{ lookup('first_found', ['nope.txt', 'b.txt']) }}", f.pb + "/files/b.txt"},
      {"{{ lookup('first_found', {'files': ['nope', 'b.txt'], 'paths': ['files']}) }}",
       f.pb + "/files/b.txt"},
      {"{{ lookup('first_found', 'zzz', files=['nope', 'b.txt'], paths=['files']) }}",
       f.pb + "/files/b.txt"},
      {"{{ lookup('first_found', {'files': ['nope'], 'skip': true}) }}", "[]"},
      {"{{ lookup('first_found', 'nope', skip=True) }}", "[]"},
  };
  for (const Case& c : cases) {
    const std::string& input = c.input;
    CAPTURE(input);
    CHECK(Render(f, c.input) == c.want);
  }
}

TEST_CASE("lookups in a role find the role's files and templates first") {
  Fixture f;
  const Case cases[] = {
      {"{{ lookup('file', 'a.txt') }}", "role-a"},
      {"{{ lookup('file', 'b.txt') }}", "B"},
      {"{{ lookup('template', 't.j2') }}", "W 01none\n"},
      {"{{ lookup('template', 't.j2', template_vars={'extra': 'E'}) }}", "W 01E\n"},
      {"{{ lookup('template', 'inc.j2') }}", "[part W]\n"},
      {"{{ lookup('first_found', ['nope.txt', 'a.txt']) }}", f.role + "/files/a.txt"},
  };
  for (const Case& c : cases) {
    const std::string& input = c.input;
    CAPTURE(input);
    CHECK(Render(f, c.input, /*in_role=*/true) == c.want);
  }
}

TEST_CASE("lookups say what they could not find or do") {
  Fixture f;
  const Case cases[] = {
      {"{{ lookup('file', 'nope.txt') }}",
       "error: lookup('file'): could not locate file in lookup: nope.txt (looked in " + f.pb +
           "/files/nope.txt, " + f.pb + "/nope.txt)"},
      {"{{ lookup('template', 'nope.j2') }}",
       "error: lookup('template'): the template file nope.j2 could not be found for the lookup"},
      {"{{ lookup('vars', 'nope') }}",
       "error: lookup('vars'): no variable found with this name: nope"},
      {"{{ lookup('file', 'a.txt', strip=True) }}",
       "error: lookup('file'): unknown option 'strip' for the file lookup (it has lstrip, rstrip)"},
      {"{{ lookup('items', [1], flat=1) }}",
       "error: lookup('items'): the items lookup takes no options"},
      {"{{ lookup('file', 'a.txt', errors='loud') }}",
       "error: lookup('file'): errors must be strict, warn or ignore, not 'loud'"},
      {"{{ lookup('pipe', 'echo hi') }}",
       "error: lookup('pipe'): the pipe lookup runs a shell command on this machine; hostprep "
       "runs it only when allowed with --allow-lookup-commands"},
      {"{{ lookup('first_found', files=['b.txt']) }}",
       "error: lookup('first_found'): no file was found when using first_found (tried 0 names in "
       "the task's search paths)"},
      {"{{ lookup(42) }}",
       "error: lookup() needs the lookup's name as its first argument, such as "
       "lookup('file', 'motd.txt')"},
  };
  for (const Case& c : cases) {
    const std::string& input = c.input;
    CAPTURE(input);
    CHECK(Render(f, c.input) == c.want);
  }
}

TEST_CASE("pipe and lines run a command in the playbook's directory only when allowed") {
  Fixture f;
  CHECK(Render(f, "{{ lookup('pipe', 'pwd') }}", false, true) == f.pb);
  CHECK(Render(f, "{{ lookup('pipe', 'printf \"a\\n\\n\"') }}", false, true) == "a");
  CHECK(Render(f, "{{ query('lines', 'printf \"a\\nb\\r\\nc\"') }}", false, true) ==
        R"(["a","b","c"])");
  CHECK(Render(f, "{{ lookup('pipe', 'echo oops >&2; exit 3') }}", false, true) ==
        "error: lookup('pipe'): the pipe lookup's command 'echo oops >&2; exit 3' exited with 3: "
        "oops");
}

TEST_CASE("a template outside a run cannot call lookups") {
  Variables vars;
  CHECK(Templar(vars).RenderString("{{ lookup('env', 'HOME') }}").message() ==
        "lookup('env') cannot run here: lookups run only in a play's tasks and variables");
}

}  // namespace
}  // namespace hostprep
