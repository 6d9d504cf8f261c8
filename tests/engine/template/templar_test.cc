#include "engine/template/templar.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "engine/base/text.h"

namespace hostprep {
namespace {

// A result as text for table comparisons: the value as JSON, or
// "error: <message>".
std::string Show(const Result<Value>& r) { return r.ok() ? r->dump() : "error: " + r.message(); }

struct Case {
  const char* input;
  const char* want;
};

Variables TestVars() {
  Variables vars;
  vars.SetAll(Value::parse(R"({
    "name": "web", "count": 3, "ratio": 0.5, "flag": true, "off": false, "nothing": null,
    "empty": "", "words": ["a", "b", "c"], "nums": [3, 1, 2],
    "conf": {"port": 8080, "hosts": ["h1", "h2"], "tls": {"on": true}},
    "key": "port", "idx": 1, "text": "  Hello World  "
  })"),
              "group_vars/all.yml");
  return vars;
}

TEST_CASE("templar renders a string without braces as it is") {
  Variables vars;
  Templar t(vars);
  for (const char* s : {"", "plain text", "a } b", "{ x }", "}} closing", "100%"}) {
    CAPTURE(s);
    CHECK(Show(t.RenderString(s)) == Value(s).dump());
  }
}

TEST_CASE("templar renders a single expression to its native value") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"{{ words }}", R"(["a","b","c"])"},
      {"{{ count }}", "3"},
      {"  {{ flag }}  ", "\"  True  \""},  // text around the block: a string
      {"{{ count }}\n", "\"3\\n\""},
      {"{{ conf }}", R"({"port":8080,"hosts":["h1","h2"],"tls":{"on":true}})"},
      {"{{ nothing }}", "null"},
      {"{{ ratio }}", "0.5"},
      {"{{- count -}}", "3"},
      {"{{ [1, 'x'] }}", R"([1,"x"])"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar renders text around expressions with ToText spelling") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"name={{ name }}", R"("name=web")"},
      {"{{ count }}{{ count }}", R"("33")"},
      {"flag={{ flag }} off={{ off }}", R"("flag=True off=False")"},
      {"[{{ nothing }}]", R"("[]")"},
      {"{{ words }}!", R"("['a', 'b', 'c']!")"},
      {"x {{ ratio }}", R"("x 0.5")"},
      {"a {{- ' b ' -}} c", R"("a b c")"},
      {"a {# a comment #}b", R"("a b")"},
      {"a  {#- comment -#}  b", R"("ab")"},
      {"n=${#list[@]} {{ count }}", R"("n=${#list[@]} 3")"},
      {"{{ '{{' }} literal", R"("{{ literal")"},
      {"{{ {'a': {'b': 1}} }}", R"({"a":{"b":1}})"},
      {"{{ {'a': {'b': 1}}['a']['b'] }} }}", R"("1 }}")"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar evaluates expressions with Jinja precedence") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"1 + 2 * 3", "7"},
      {"(1 + 2) * 3", "9"},
      {"2 ** 3 ** 2", "64"},  // Jinja's ** is left-associative
      {"-2 ** 2", "4"},       // and binds unary minus first
      {"7 // 2", "3"},
      {"-7 // 2", "-4"},
      {"-7 % 3", "2"},
      {"7 / 2", "3.5"},
      {"4 / 2", "2.0"},
      {"1 + 2.5", "3.5"},
      {"'a' ~ 2 * 3", R"("a6")"},  // * binds tighter than ~
      {"'a' + 'b'", R"("ab")"},
      {"[1] + [2]", "[1,2]"},
      {"'-' * 3", R"("---")"},
      {"1 + count | string | length", "2"},  // a filter binds to the operand before it
      {"words | length > 2", "true"},
      {"not flag", "false"},
      {"not off and flag", "true"},
      {"not count > 5", "true"},
      {"not name is defined", "false"},
      {"off or flag and off", "false"},
      {"flag or undefined_thing", "true"},  // short-circuit
      {"off and undefined_thing", "false"},
      {"empty or 'fallback'", R"("fallback")"},  // Python semantics: the operand
      {"name and count", "3"},
      {"1 < 2 < 3", "true"},
      {"3 > 2 > 2", "false"},
      {"1 == 1.0", "true"},
      {"true == 1", "true"},
      {"'abc' < 'abd'", "true"},
      {"[1, 2] < [1, 3]", "true"},
      {"'b' in words", "true"},
      {"'z' not in words", "true"},
      {"'ell' in text", "true"},
      {"'port' in conf", "true"},
      {"8080 in conf", "false"},
      {"'yes' if flag else 'no'", R"("yes")"},
      {"'yes' if off else 'no' if flag else 'never'", R"("no")"},
      {"'x' if off", "null"},
      {"conf.port + 1 if conf.tls.on else 0", "8081"},
      {"-count", "-3"},
      {"+count", "3"},
      {"- -count", "3"},
      {"(1, 2)", "[1,2]"},
      {"()", "[]"},
      {"{'a': 1, 'b': [count]}", R"({"a":1,"b":[3]})"},
      {"{1: 'one'}", R"({"1":"one"})"},
      {"[1, 2,]", "[1,2]"},
      {"'a' 'b'", R"("ab")"},
      {"true and True and not false and not False", "true"},
      {"none is none and None is none", "true"},
      {"'it\\'s' ~ \"\\t\"", R"("it's\t")"},
      {"1e3", "1000.0"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.Evaluate(c.input)) == c.want);
  }
}

TEST_CASE("templar resolves dotted paths subscripts and slices") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"conf.port", "8080"},          {"conf['port']", "8080"},
      {"conf[\"port\"]", "8080"},     {"conf[key]", "8080"},
      {"conf.hosts[0]", R"("h1")"},   {"conf.hosts[-1]", R"("h2")"},
      {"conf.hosts.1", R"("h2")"},    {"conf.tls.on", "true"},
      {"words[idx]", R"("b")"},       {"words[1:]", R"(["b","c"])"},
      {"words[:-1]", R"(["a","b"])"}, {"words[::-1]", R"(["c","b","a"])"},
      {"name[0]", R"("w")"},          {"name[1:]", R"("eb")"},
      {"name[::-1]", R"("bew")"},     {"[[1, 2], [3]][0][1]", "2"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.Evaluate(c.input)) == c.want);
  }
}

TEST_CASE("templar default covers undefined variables attributes keys and indexes") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"missing | default(1)", "1"},
      {"missing | d(1)", "1"},
      {"missing | default", R"("")"},
      {"conf.nope | default('x')", R"("x")"},
      {"conf.nope.deeper.still | default('x')", R"("x")"},
      {"missing.a.b | default('x')", R"("x")"},
      {"conf['nope'] | default(2)", "2"},
      {"words[10] | default('none')", R"("none")"},
      {"count.nope | default(0)", "0"},
      {"conf.port | default(1)", "8080"},
      {"empty | default('x')", R"("")"},
      {"empty | default('x', true)", R"("x")"},
      {"empty | default('x', boolean=true)", R"("x")"},
      {"off | default(true, true)", "true"},
      {"nothing | default(5)", "null"},
      {"missing | default(other_missing | default(3))", "3"},
      {"name | default(other_missing)", R"("web")"},
      {"name | default(other_missing, true)", R"("web")"},
      {"empty | default(other_missing, true)", "error: undefined variable 'other_missing'"},
      {"missing is defined", "false"},
      {"missing is undefined", "true"},
      {"missing is not defined", "true"},
      {"conf.nope is defined", "false"},
      {"conf.port is defined", "true"},
      {"words[5] is defined", "false"},
      {"missing.a.b is undefined", "true"},
      {"nothing is defined", "true"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.Evaluate(c.input)) == c.want);
  }
}

TEST_CASE("templar reports runtime errors naming the thing") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"{{ missing }}", "error: undefined variable 'missing'"},
      {"x{{ missing }}", "error: undefined variable 'missing'"},
      {"{{ missing + 1 }}", "error: undefined variable 'missing'"},
      {"{{ conf.nope }}", "error: 'conf' has no attribute 'nope'"},
      {"{{ conf.tls.nope }}", "error: 'conf.tls' has no attribute 'nope'"},
      {"{{ conf.nope.deeper }}", "error: 'conf' has no attribute 'nope'"},
      {"{{ conf['nope'] }}", "error: 'conf' has no key 'nope'"},
      {"{{ words[3] }}", "error: index 3 is out of range for 'words' (it has 3 items)"},
      {"{{ words[-4] }}", "error: index -4 is out of range for 'words' (it has 3 items)"},
      {"{{ words.first }}", "error: 'words' has no attribute 'first' (it is a list)"},
      {"{{ count.x }}", "error: 'count' has no attribute 'x' (it is an integer)"},
      {"{{ count[0] }}", "error: 'count' is an integer and cannot be indexed"},
      {"{{ words['a'] }}", "error: 'words' is a list and cannot be indexed by a string"},
      {"{{ count[1:] }}", "error: 'count' is an integer and cannot be sliced"},
      {"{{ words[::0] }}", "error: slice step cannot be zero"},
      {"{{ 'a' ~ 1 + 2 }}", "error: unsupported operand types for +: string and integer"},
      {"{{ name + 1 }}", "error: unsupported operand types for +: string and integer"},
      {"{{ words - 1 }}", "error: unsupported operand types for -: list and integer"},
      {"{{ 1 / 0 }}", "error: division by zero"},
      {"{{ 1 // 0 }}", "error: division by zero"},
      {"{{ 1 % 0 }}", "error: division by zero"},
      {"{{ 9223372036854775807 + 1 }}", "error: integer overflow in '+'"},
      {"{{ 2 ** 64 }}", "error: integer overflow in '**'"},
      {"{{ 'x' * 100000000 }}", "error: repetition too large: 100000000 times"},
      {"{{ -name }}", "error: bad operand type for unary -: string"},
      {"{{ name < 1 }}", "error: '<' is not supported between string and integer"},
      {"{{ 1 in name }}", "error: 'in <string>' needs a string on the left, got integer"},
      {"{{ 1 in count }}", "error: 'in' needs a list, string or mapping on the right, got integer"},
      {"{{ {[1]: 2} }}", "error: a mapping key must be a string or number, not a list"},
      {"{{ count | length }}", "error: length: expected a string, list or mapping, got integer"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar reports syntax errors with the text and a column") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"{{ a + }}", "error: syntax error in '{{ a + }}' at column 8: unexpected end of expression"},
      {"{{ a", "error: syntax error in '{{ a' at column 1: unterminated '{{' (missing '}}')"},
      {"x {{ a }} {{ b",
       "error: syntax error in 'x {{ a }} {{ b' at column 11: unterminated '{{' (missing '}}')"},
      {"{{ }}", "error: syntax error in '{{ }}' at column 4: unexpected end of expression"},
      {"{{ 'abc }}", "error: syntax error in '{{ 'abc }}' at column 4: unterminated string"},
      {"{{ a $ b }}", "error: syntax error in '{{ a $ b }}' at column 6: unexpected character '$'"},
      {"{{ a b }}", "error: syntax error in '{{ a b }}' at column 6: unexpected 'b'"},
      {"{{ (a }}", "error: syntax error in '{{ (a }}' at column 7: unexpected '}', expected ')'"},
      {"{{ [a) }}", "error: syntax error in '{{ [a) }}' at column 6: unexpected ')', expected ']'"},
      {"{{ a. }}",
       "error: syntax error in '{{ a. }}' at column 7: expected an attribute name after '.' but "
       "found end of expression"},
      {"{{ a | }}",
       "error: syntax error in '{{ a | }}' at column 8: expected a filter name but found end of "
       "expression"},
      {"{{ a if }}",
       "error: syntax error in '{{ a if }}' at column 9: unexpected end of expression"},
      {"{{ 99999999999999999999 }}",
       "error: syntax error in '{{ 99999999999999999999 }}' at column 4: integer literal too "
       "large"},
      {"{{ a | join(x=1) }}",
       "error: syntax error in '{{ a | join(x=1) }}' at column 13: filter 'join' has no argument "
       "'x'"},
      {"{{ a | lower(1) }}",
       "error: syntax error in '{{ a | lower(1) }}' at column 8: filter 'lower' takes no "
       "arguments, got 1"},
      {"{{ a | replace('x') }}",
       "error: syntax error in '{{ a | replace('x') }}' at column 8: filter 'replace' needs "
       "argument 'new'"},
      {"{{ a | join(d=',', d=';') }}",
       "error: syntax error in '{{ a | join(d=',', d=';') }}' at column 20: filter 'join' got "
       "argument 'd' twice"},
      {"{{ a | default(boolean=true, 1) }}",
       "error: syntax error in '{{ a | default(boolean=true, 1) }}' at column 30: positional "
       "argument after a keyword argument"},
      {"{{ a | join(',', 'x', 1) }}",
       "error: syntax error in '{{ a | join(',', 'x', 1) }}' at column 8: filter 'join' takes at "
       "most 2 arguments, got 3"},
      {"{{ a is version }}",
       "error: syntax error in '{{ a is version }}' at column 9: test 'version' needs argument "
       "'version'"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar says which Jinja features hostprep does not support") {
  Variables vars = TestVars();
  Templar t(vars);
  Case cases[] = {
      {"{{ name.nope(',') }}",
       "error: unknown method '.nope()' in '{{ name.nope(',') }}' at column 13"},
      {"{{ lookalike('env', 'HOME') }}",
       "error: unknown function 'lookalike()' in '{{ lookalike('env', 'HOME') }}' at column 4"},
      {"{% extends 'base.j2' %}",
       "error: unsupported syntax in '{% extends 'base.j2' %}' at column 4: '{% extends %}' "
       "(template inheritance) is not supported by hostprep"},
      {"{{ name | regex_replacer('a', 'b') }}",
       "error: unknown filter 'regex_replacer' in '{{ name | regex_replacer('a', 'b') }}' at "
       "column 11 (did you mean 'regex_replace'?)"},
      {"{{ name | lowr }}",
       "error: unknown filter 'lowr' in '{{ name | lowr }}' at column 11 (did you mean 'lower'?)"},
      {"{{ name is strng }}",
       "error: unknown test 'strng' in '{{ name is strng }}' at column 12 (did you mean "
       "'string'?)"},
      {"{{ lookup('fle', 'motd') }}",
       "error: unknown lookup 'fle' (did you mean 'file'?) (hostprep has dict, env, file, "
       "fileglob, first_found, indexed_items, items, lines, list, nested, pipe, sequence, "
       "subelements, template, together, vars) in '{{ lookup('fle', 'motd') }}' at column 11"},
      {"{{ query('password', '/tmp/x') }}",
       "error: unknown lookup 'password' (hostprep has dict, env, file, fileglob, first_found, "
       "indexed_items, items, lines, list, nested, pipe, sequence, subelements, template, "
       "together, vars) in '{{ query('password', '/tmp/x') }}' at column 10"},
      {"{{ cycler(1, 2) }}",
       "error: function 'cycler()' is not supported by hostprep in '{{ cycler(1, 2) }}' at "
       "column 4"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar quotes only the offending block of a long template") {
  Variables vars = TestVars();
  Templar t(vars);
  std::string text = std::string(200, 'x') + " {{ a + }} tail";
  CHECK(Show(t.RenderString(text)) ==
        "error: syntax error in '{{ a + }}' at column 8: unexpected end of expression");
}

TEST_CASE("templar renders variables lazily and recursively") {
  Variables vars;
  vars.Set("prefix", "/usr/local", "group_vars/all.yml");
  vars.Set("bin_dir", "{{ prefix }}/bin", "group_vars/all.yml");
  vars.Set("tool", "{{ bin_dir }}/kubectl", "group_vars/k8s.yml");
  vars.Set("ports", "{{ [80, 443] }}", "play vars");
  vars.Set("dirs", Value::parse(R"(["{{ bin_dir }}", "/etc", {"deep": "{{ prefix }}/x"}])"),
           "play vars");
  vars.Set("bad", "{{ prefix.nope('/') }}", "group_vars/k8s.yml");
  vars.Set("uses_missing", "{{ nope }}/x", "group_vars/all.yml");
  vars.Set("uses_bad", "{{ bad }}", "host_vars/node1.yml");
  vars.Set("list_bad", Value::parse(R"(["ok", "{{ nope }}"])"), "play vars");
  vars.Set("literal_braces", "{{ '{{ x }}' }}", "play vars");
  Templar t(vars);
  Case cases[] = {
      {"{{ tool }}", R"("/usr/local/bin/kubectl")"},
      {"{{ ports }}", "[80,443]"},
      {"{{ ports[1] }}", "443"},
      {"{{ dirs }}", R"(["/usr/local/bin","/etc",{"deep":"/usr/local/x"}])"},
      {"{{ dirs[0] }}", R"("/usr/local/bin")"},
      {"{{ dirs[2].deep }}", R"("/usr/local/x")"},
      {"{{ dirs | join(',') }}", R"("/usr/local/bin,/etc,{'deep': '/usr/local/x'}")"},
      {"{{ dirs | length }}", "3"},
      {"{{ literal_braces }}", R"("{{ x }}")"},
      {"{{ prefix }}", R"("/usr/local")"},
      {"{{ list_bad[0] }}", R"("ok")"},
      {"{{ uses_missing | default('fallback') }}", R"("fallback")"},
      {"{{ uses_missing is defined }}", "false"},
      {"{{ list_bad[1] | default('d') }}", R"("d")"},
      {"{{ uses_missing }}",
       "error: in variable 'uses_missing' (from group_vars/all.yml): undefined variable 'nope'"},
      {"{{ bad }}",
       "error: in variable 'bad' (from group_vars/k8s.yml): unknown method "
       "'.nope()' in '{{ prefix.nope('/') }}' at column 15"},
      {"{{ uses_bad }}",
       "error: in variable 'uses_bad' (from host_vars/node1.yml): in variable 'bad' (from "
       "group_vars/k8s.yml): unknown method '.nope()' in "
       "'{{ prefix.nope('/') }}' at column 15"},
      {"{{ uses_bad | default(1) }}",
       "error: in variable 'uses_bad' (from host_vars/node1.yml): in variable 'bad' (from "
       "group_vars/k8s.yml): unknown method '.nope()' in "
       "'{{ prefix.nope('/') }}' at column 15"},
      {"{{ list_bad }}",
       "error: in variable 'list_bad' (from play vars): undefined variable 'nope'"},
      {"{{ list_bad[1] }}",
       "error: in variable 'list_bad' (from play vars): undefined variable 'nope'"},
      {"{{ prefix }} ok even though bad is broken", R"("/usr/local ok even though bad is broken")"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar never renders the templates inside data: facts, registered results, set_fact") {
  Variables vars;
  vars.Set("secret", "s3cret", "group_vars/all.yml");
  vars.Set("facts_name", "{{ secret }}", "facts", Trust::kData);
  vars.Set("result", Value::parse(R"({"stdout": "{{ secret }}", "lines": ["{{ secret }}"]})"),
           "a registered result", Trust::kData);
  vars.Set("operator", "{{ secret }}", "play vars");
  vars.Set("points_at_data", "{{ result.stdout }}", "play vars");
  Templar t(vars);
  Case cases[] = {
      {"{{ facts_name }}", R"("{{ secret }}")"},
      {"{{ result.stdout }}", R"("{{ secret }}")"},
      {"{{ result.lines[0] }}", R"("{{ secret }}")"},
      {"{{ result }}", R"({"stdout":"{{ secret }}","lines":["{{ secret }}"]})"},
      {"x{{ result.lines | first }}x", R"("x{{ secret }}x")"},
      {"{{ points_at_data }}", R"("{{ secret }}")"},
      {"{{ operator }}", R"("s3cret")"},
  };
  for (const Case& c : cases) {
    std::string input = c.input;
    CAPTURE(input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

TEST_CASE("templar detects loops between variables") {
  Variables vars;
  vars.Set("a", "{{ b }}", "vars.yml");
  vars.Set("b", "x{{ a }}", "vars.yml");
  vars.Set("self", "{{ self }}", "");
  vars.Set("nested", Value::parse(R"(["{{ nested[1] }}", "{{ nested[0] }}"])"), "vars.yml");
  Templar t(vars);
  CHECK(Show(t.RenderString("{{ a }}")) ==
        "error: in variable 'a' (from vars.yml): in variable 'b' (from vars.yml): recursive "
        "loop in variable 'a'");
  CHECK(Show(t.RenderString("{{ self }}")) ==
        "error: in variable 'self': recursive loop in variable 'self'");
  CHECK(Show(t.RenderString("{{ self | default(1) }}")) ==
        "error: in variable 'self': recursive loop in variable 'self'");
  CHECK(Show(t.RenderString("{{ nested[0] }}")) ==
        "error: in variable 'nested' (from vars.yml): recursive loop in variable 'nested'");
}

TEST_CASE("templar stops long chains of variables") {
  Variables vars;
  for (int i = 0; i < 100; ++i) {
    vars.Set("v" + std::to_string(i), "{{ v" + std::to_string(i + 1) + " }}", "");
  }
  vars.Set("v100", "end", "");
  Templar t(vars);
  Result<Value> r = t.RenderString("{{ v0 }}");
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("variables refer to each other more than 40 levels deep") !=
        std::string::npos);
  CHECK(Show(t.RenderString("{{ v70 }}")) == R"("end")");
}

TEST_CASE("templar sees the nearest scope of a variable") {
  Variables host;
  host.Set("dir", "/opt", "group_vars/all.yml");
  host.Set("path", "{{ dir }}/app", "group_vars/all.yml");
  Variables task(&host);
  task.Set("dir", "/srv", "task vars");
  CHECK(Show(Templar(host).RenderString("{{ path }}")) == R"("/opt/app")");
  CHECK(Show(Templar(task).RenderString("{{ path }}")) == R"("/srv/app")");
}

TEST_CASE("templar render walks lists and mappings including keys") {
  Variables vars = TestVars();
  Templar t(vars);
  Value in = Value::parse(R"({
    "path": "/srv/{{ name }}", "n": 5, "b": true, "z": null,
    "items": ["{{ count }}", "{{ count }}x", ["{{ words }}"]],
    "{{ name }}_key": {"inner": "{{ conf.port }}"}
  })");
  CHECK(Show(t.Render(in)) ==
        R"({"path":"/srv/web","n":5,"b":true,"z":null,"items":[3,"3x",[["a","b","c"]]],)"
        R"("web_key":{"inner":8080}})");
  CHECK(Show(t.Render(Value::parse(R"(["ok", "{{ missing }}"])"))) ==
        "error: undefined variable 'missing'");
  CHECK(Show(t.Render(Value(12))) == "12");
}

TEST_CASE("with allow_broken_conditionals a condition counts by Ansible 2.14 truthiness") {
  Variables vars = TestVars();
  vars.Set("cli_flag", "false", "-e");
  vars.Set("yes_text", "yes", "-e");
  Templar t(vars);
  struct Cond {
    const char* expr;
    bool want;
  } cases[] = {
      {"true", true},
      {"false", false},
      {"True", true},
      {"False", false},
      {"flag", true},
      {"off", false},
      {"{{ flag }}", true},
      {"{{ off }}", false},
      {" {{ count > 2 }} ", true},
      {"count > 5", false},
      {"name == 'web'", true},
      {"missing is defined", false},
      // Values checked with ansible-playbook 2.14.18: a bare string is true
      // when not empty, even "false"; wrapped in {{ }} it reads as a boolean.
      {"cli_flag", true},
      {"{{ cli_flag }}", false},
      {"cli_flag | bool", false},
      {"yes_text", true},
      {"not cli_flag", false},
      {"nothing", false},
      {"words", true},
      {"", true},
      {"empty", false},
      {"'no'", true},
      {"{{ 'no' }}", false},
      {"conf.tls.on and count == 3", true},
  };
  for (const Cond& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    Result<bool> r = t.EvaluateCondition(c.expr, ConditionRule::kTruthy);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  CHECK(t.EvaluateCondition("missing", ConditionRule::kTruthy).message() ==
        "undefined variable 'missing'");
  CHECK(t.EvaluateCondition("a +", ConditionRule::kTruthy).message() ==
        "syntax error in 'a +' at column 4: unexpected end of expression");
  CHECK(t.EvaluateCondition("name == '{{ name }}'", ConditionRule::kTruthy).message() ==
        "condition 'name == '{{ name }}'' mixes text and '{{ }}'; write it as a bare expression "
        "such as \"x == y\"");
  CHECK(t.EvaluateCondition("{{ a +", ConditionRule::kTruthy).message() ==
        "syntax error in '{{ a +' at column 1: unterminated '{{' (missing '}}')");
  CHECK(t.EvaluateCondition("x }}", ConditionRule::kTruthy).message() ==
        "syntax error in 'x }}' at column 3: unexpected '}'");
}

TEST_CASE("a condition must give a boolean, as in Ansible 2.19") {
  Variables vars = TestVars();
  vars.Set("cli_flag", "false", "-e");
  vars.Set("nothing_here", Value(), "-e");
  Templar t(vars);
  struct Cond {
    const char* expr;
    bool want;
  } ok[] = {
      {"true", true},
      {"False", false},
      {"{{ count > 2 }}", true},
      {"count > 5", false},
      {"cli_flag | bool", false},
      {"words | length > 0", true},
      {"not cli_flag", false},
      {"missing is defined", false},
  };
  for (const Cond& c : ok) {
    std::string expr = c.expr;
    CAPTURE(expr);
    Result<bool> r = t.EvaluateCondition(c.expr, ConditionRule::kBoolean);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  const char kHint[] =
      " (or set allow_broken_conditionals = true under [defaults] in ansible.cfg to count values "
      "by their truthiness, as Ansible 2.14 did)";
  struct Bad {
    const char* expr;
    std::string message;
  } bad[] = {
      {"cli_flag",
       "condition 'cli_flag' gave 'false' (type str), not true or false, and a condition must be "
       "a boolean as in Ansible 2.19: write 'cli_flag | bool' for a yes/no string, or "
       "'cli_flag | length > 0' for \"not empty\""},
      {"words",
       "condition 'words' gave \"['a', 'b', 'c']\" (type list), not true or false, and a "
       "condition must be a boolean as in Ansible 2.19: write 'words | length > 0'"},
      {"{{ count }}",
       "condition '{{ count }}' gave '3' (type int), not true or false, and a condition must be a "
       "boolean as in Ansible 2.19: write 'count != 0' or 'count | bool'"},
      {"name is defined and name",
       "condition 'name is defined and name' gave 'web' (type str), not true or false, and a "
       "condition must be a boolean as in Ansible 2.19: write 'name is defined and name | bool' "
       "for a yes/no string, or 'name is defined and name | length > 0' for \"not empty\""},
      {"nothing_here",
       "condition 'nothing_here' gave 'None' (type NoneType), not true or false, and a "
       "condition must be a boolean as in Ansible 2.19: write 'nothing_here is not none'"},
      {"  ", "the condition is empty; write true, or remove the key"},
  };
  for (const Bad& b : bad) {
    std::string expr = b.expr;
    CAPTURE(expr);
    CHECK(t.EvaluateCondition(b.expr, ConditionRule::kBoolean).message() == b.message + kHint);
  }
}

TEST_CASE("IsTemplate finds what Jinja2 sees: expressions, statements and comments") {
  CHECK(IsTemplate("a {{ b }}"));
  CHECK(IsTemplate("{{"));
  CHECK(IsTemplate("echo {% if x %}a{% endif %}"));  // never run as written
  CHECK(IsTemplate("{# note #}"));
  CHECK_FALSE(IsTemplate("a { b }"));
  CHECK_FALSE(IsTemplate("printf '%s' {}"));
  CHECK_FALSE(IsTemplate(""));
}

TEST_CASE("syntax checks parse without evaluating") {
  CHECK(CheckTemplateSyntax(Value::parse(R"({"a": "{{ undefined_here | default(1) }}",
                                            "b": ["{{ x.y[0] }}", 3, null]})"))
            .ok());
  CHECK(CheckTemplateSyntax(Value::parse(R"({"a": ["ok", {"b": "{{ x + }}"}]})")).message() ==
        "syntax error in '{{ x + }}' at column 8: unexpected end of expression");
  CHECK(CheckTemplateSyntax(Value::parse(R"({"{{ k | nope }}": 1})")).message() ==
        "unknown filter 'nope' in '{{ k | nope }}' at column 8");
  CHECK(CheckTemplateSyntax(Value("{% for x in y %}")).message() ==
        "syntax error in '{% for x in y %}' at column 17: unexpected end of template; expected "
        "'else' or 'endfor'");
  CHECK(CheckExpressionSyntax("x is defined and y | bool").ok());
  CHECK(CheckExpressionSyntax("lookup('vars', item) and q('env', 'HOME')").ok());
  CHECK(CheckExpressionSyntax("lookup('nope', 'x')")
            .message()
            .starts_with("unknown lookup 'nope' (hostprep has dict, env, file, "));
  CHECK(CheckExpressionSyntax("cycler(1, 2)").message() ==
        "function 'cycler()' is not supported by hostprep in 'cycler(1, 2)' at column 1");
  CHECK(CheckExpressionSyntax("x is defined and").message() ==
        "syntax error in 'x is defined and' at column 17: unexpected end of expression");
  CHECK(CheckExpressionSyntax("x | lenght > 1").message() ==
        "unknown filter 'lenght' in 'x | lenght > 1' at column 5 (did you mean 'length'?)");
}

TEST_CASE("a literal regular expression hostprep cannot run is refused by the syntax check") {
  CHECK(CheckTemplateSyntax(Value("{{ x | regex_replace('^(?P<k>\\w+)=', '\\g<k>: ') }}")).ok());
  CHECK(CheckExpressionSyntax("x is match('^v[0-9]+$')").ok());
  CHECK(CheckExpressionSyntax("x | regex_search(pattern)").ok());  // a variable: when rendered
  CHECK(CheckTemplateSyntax(Value("{{ x | regex_replace('(?<=a)b', 'c') }}")).message() ==
        "unsupported syntax in '{{ x | regex_replace('(?<=a)b', 'c') }}' at column 22: filter "
        "'regex_replace': bad pattern '(?<=a)b': lookbehind (?<=...) is not supported");
  CHECK(CheckExpressionSyntax("x is search('a(')").message() ==
        "unsupported syntax in 'x is search('a(')' at column 13: test 'search': bad pattern "
        "'a(': missing ), unterminated subpattern");
  CHECK(CheckExpressionSyntax("x | regex_findall('(?x) a b')").message() ==
        "unsupported syntax in 'x | regex_findall('(?x) a b')' at column 19: filter "
        "'regex_findall': bad pattern '(?x) a b': verbose patterns (?x) are not supported");
}

TEST_CASE("referenced variables are the top-level names an expression reads") {
  using Names = std::set<std::string>;
  CHECK(ReferencedVariablesInExpression("x.y | default(z)") == Names{"x", "z"});
  CHECK(ReferencedVariablesInExpression("a['b'] ~ 'c' ~ d[e].f") == Names{"a", "d", "e"});
  CHECK(ReferencedVariablesInExpression("r is failed or r.rc != 0") == Names{"r"});
  CHECK(ReferencedVariablesInExpression("'lit' if true else none") == Names{});
  CHECK(ReferencedVariablesInExpression("x +") == Names{});
  CHECK(ReferencedVariablesInExpression("items | join(sep)") == Names{"items", "sep"});
  CHECK(ReferencedVariables(Value::parse(R"({"{{ k }}": ["{{ a.b }}", "{{ c | d(e) }}", 1],
                                             "x": "plain {{ y }} {{ bad + }}"})")) ==
        Names{"a", "c", "e", "k"});
  CHECK(ReferencedVariables(Value("{{ reg.stdout }} and {{ other }}")) == Names{"other", "reg"});
}

TEST_CASE("templar gives an error or a value for random garbage") {
  Variables vars = TestVars();
  vars.Set("loop1", "{{ loop2 }}", "");
  vars.Set("loop2", "{{ loop1 ~ name }}", "");
  Templar t(vars);
  const std::string alphabet =
      "{}{}{}%#()[]'\"\\.,:|~+-*/<>=! \n\tabxyz0129_ifelsenotandoris"
      "nameconfwordscountdefaultjoinlengthloop1";
  const char* words[] = {" if ", " else ", " and ", " not ",  " is ",  " in ",     "{{",
                         "}}",   "{%",     "{#",    "#}",     " | ",   "default(", "**",
                         "//",   "name",   "conf.", "words[", "loop1", "'",        "\\u12"};
  std::mt19937 rng(12345);
  int values = 0, errors = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = i % 2 ? "{{ " : "";
    int len = static_cast<int>(rng() % 24);
    for (int k = 0; k < len; ++k) {
      if (rng() % 3 == 0) {
        s += words[rng() % (sizeof(words) / sizeof(words[0]))];
      } else {
        s += alphabet[rng() % alphabet.size()];
      }
    }
    if (i % 4 == 1) s += " }}";
    Result<Value> r = t.RenderString(s);
    Result<Value> e = t.Evaluate(s);
    (void)t.EvaluateCondition(s, ConditionRule::kBoolean);
    (void)CheckTemplateSyntax(Value(s));
    (void)ReferencedVariables(Value(s));
    if (r.ok()) {
      ++values;
    } else {
      ++errors;
      CHECK_FALSE(r.message().empty());
    }
  }
  CHECK(values > 100);
  CHECK(errors > 100);
}

TEST_CASE("templar survives hostile nesting") {
  Variables vars;
  Templar t(vars);
  std::string deep = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  CHECK(t.RenderString(deep).message().find("expression nested too deeply") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  CHECK(t.Evaluate(nots + "true").message().find("expression nested too deeply") !=
        std::string::npos);
  std::string minus(5000, '-');
  CHECK(t.Evaluate(minus + "1").message().find("expression nested too deeply") !=
        std::string::npos);
  CHECK(Show(t.Evaluate(std::string(50, '(') + "1" + std::string(50, ')'))) == "1");
}

// Found while fuzzing the templates: a list or mapping holding a string
// that is not UTF-8 (a lone surrogate escape, a host's binary output in a
// registered result) made nlohmann's dump() throw, reported as "internal
// error while templating".
TEST_CASE("templar renders lists and mappings holding bytes that are not UTF-8") {
  Variables vars;
  vars.Set("out", Value::object({{"stdout", "\xff\xfe bin"}}), "register");
  Templar t(vars);
  Result<Value> text = t.RenderString("[{{ out }}]");
  REQUIRE_MESSAGE(text.ok(), text.message());
  CHECK(text->get<std::string>() == "[{'stdout': '\xef\xbf\xbd\xef\xbf\xbd bin'}]");
  // A lone surrogate is no character: what stands for it must be UTF-8.
  Result<Value> lone = t.RenderString("{{ ['\\ud800'] | string }}");
  REQUIRE_MESSAGE(lone.ok(), lone.message());
  CHECK(StartsWith(lone->get<std::string>(), "['"));
  CHECK(FindInvalidUtf8(lone->get<std::string>()) == std::string::npos);
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("omit: arguments rendered to the omit token are left out, as Ansible's remove_omit") {
  Variables vars;
  vars.Set("omit", OmitToken(), "hostprep");
  vars.Set("mode", "0640", "play vars");
  Result<Value> args = Templar(vars).Render(Value::parse(
      R"({"path": "/x", "mode": "{{ mode | default(omit) }}", "owner": "{{ owner | default(omit) }}",
          "nested": {"keep": 1, "drop": "{{ omit }}"}, "items": [{"a": "{{ omit }}", "b": 2}, "{{ omit }}"],
          "text": "a {{ omit }}"})"));
  REQUIRE(args.ok());
  const Value out = WithoutOmitted(*args);
  CHECK(out["mode"] == "0640");
  CHECK(!out.contains("owner"));
  CHECK(out["nested"] == Value::parse(R"({"keep": 1})"));
  CHECK(out["items"][0] == Value::parse(R"({"b": 2})"));
  // A list item and a token inside other text stay, as in Ansible.
  CHECK(out["items"][1] == OmitToken());
  CHECK(out["text"] == "a " + OmitToken());
  CHECK(OmitToken().rfind("__omit_place_holder__", 0) == 0);
  CHECK(OmitToken().size() == 21 + 40);
}

}  // namespace
}  // namespace hostprep
