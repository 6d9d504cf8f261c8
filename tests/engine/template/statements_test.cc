// Jinja statements and expressions, each rendered by hostprep and compared
// with what Ansible 2.14's Templar (Jinja2 3.1) gave for the same template
// and variables (generated with /usr/bin/python3 and pasted here).
#include <doctest/doctest.h>

#include <string>

#include "engine/template/templar.h"

namespace hostprep {
namespace {

Variables OracleVars() {
  Variables vars;
  vars.SetAll(
      Value::parse(
          R"json({"users": [{"name": "ann", "shell": "/bin/bash", "groups": ["adm", "sudo"]}, {"name": "bob", "shell": "/bin/sh", "groups": []}], "conf": {"port": 22, "listen": ["0.0.0.0", "::"], "debug": false}, "flag": true, "n": 3, "name": "web01.example.com", "empty": [], "none": null, "mirrors": {"docker.io": ["https://m1", "https://m2"], "quay.io": []}})json"),
      "vars");
  return vars;
}

std::string Render(const Templar& t, const std::string& text, const TemplateOptions& o = {}) {
  Result<std::string> r = t.RenderDocument(text, o, nullptr);
  return r.ok() ? *r : "error: " + r.message();
}

TEST_CASE("statements render byte for byte as Ansible's Jinja2 renders them") {
  Variables vars = OracleVars();
  Templar t(vars);
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"{% if flag %}yes{% else %}no{% endif %}", "yes"},
      {"{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}", "mid"},
      {"{% for u in users %}{{ u.name }}:{{ u.shell }}\n{% endfor %}",
       "ann:/bin/bash\nbob:/bin/sh\n"},
      {"{% for u in users %}\n{{ loop.index }}/{{ loop.length }} {{ u.name }}{% if not loop.last "
       "%},{% endif %}\n{% endfor %}\n",
       "1/2 ann,2/2 bob\n"},
      {"{% for u in users if u.groups %}{{ u.name }}{% else %}none{% endfor %}", "ann"},
      {"{% for x in empty %}{{ x }}{% else %}empty{% endfor %}", "empty"},
      {"{% for k, v in conf.items() %}{{ k }}={{ v }};{% endfor %}",
       "port=22;listen=['0.0.0.0', '::'];debug=False;"},
      {"{% for k in conf %}{{ k }} {% endfor %}", "port listen debug "},
      {"{% for reg, eps in mirrors.items() %}[{{ reg }}]\n{% for e in eps %}  endpoint = \"{{ e "
       "}}\"\n{% endfor %}{% endfor %}",
       "[docker.io]\n  endpoint = \"https://m1\"\n  endpoint = \"https://m2\"\n[quay.io]\n"},
      {"{% set x = n * 2 %}{{ x }}{% set a, b = [1, 2] %}{{ a + b }}", "63"},
      {"{% set ns = namespace(found=false) %}{% for u in users %}{% if u.name == 'bob' %}{% set "
       "ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
       "True"},
      {"{% set block %}\n  inner {{ n }}\n{% endset %}[{{ block }}]", "[  inner 3\n]"},
      {"{% set up | upper %}abc{% endset %}{{ up }}", "ABC"},
      {"{% macro line(k, v='x') %}{{ k }} = {{ v }}{% endmacro %}{{ line('a') }}\n{{ line('b', 2) "
       "}}\n{{ line(v=3, k='c') }}",
       "a = x\nb = 2\nc = 3"},
      {"{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}body {{ n }}{% endcall %}",
       "<body 3>"},
      {"{% filter upper %}hello {{ name }}{% endfilter %}", "HELLO WEB01.EXAMPLE.COM"},
      {"{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}"},
      {"a\n{% if flag %}\nb\n{% endif %}\nc\n", "a\nb\nc\n"},
      {"a\n  {%- if flag %}\nb\n  {%- endif %}\nc", "abc"},
      {"x {{- ' y ' -}} z", "x y z"},
      {"{# comment #}\nline\n", "line\n"},
      {"{% with a = 1, b = n %}{{ a + b }}{% endwith %}", "4"},
      {"{% for i in range(3) %}{{ i }}{{ loop.cycle('a', 'b') }}{% endfor %}", "0a1b2a"},
      {"{% for u in users %}{{ loop.previtem.name if loop.previtem is defined else '-' }}{% endfor "
       "%}",
       "-ann"},
      {"{{ name.split('.')[0] }} {{ name.upper() }} {{ name.startswith('web') }} {{ '%s-%d' % "
       "('a', 3) }}",
       "web01 WEB01.EXAMPLE.COM True a-3"},
      {"{{ conf.get('port') }} {{ conf.get('nope', 'd') }} {{ conf.keys() | list | join(',') }}",
       "22 d port,listen,debug"},
      {"{{ users | map(attribute='name') | join(', ') }}", "ann, bob"},
      {"{{ users | selectattr('groups') | map(attribute='name') | list }}", "['ann']"},
      {"{{ [3, 1, 2] | sort | join(' ') }} {{ 'a,b' ~ 1 }} {{ 7 // 2 }} {{ 2 ** 10 }} {{ 7 % 3 }}",
       "1 2 3 a,b1 3 1024 1"},
      {"{{ conf.listen }} {{ conf }} {{ none }}",
       "['0.0.0.0', '::'] {'port': 22, 'listen': ['0.0.0.0', '::'], 'debug': False} "},
      {"{% for u in users %}{% for g in u.groups %}{{ u.name }}.{{ g }}{{ loop.depth }} {% endfor "
       "%}{% endfor %}",
       "ann.adm1 ann.sudo1 "},
      {"{%- for u in users %}\n  - {{ u.name }}\n{%- endfor %}\n", "  - ann  - bob\n"},
      {"{{ 'yes' if flag else 'no' }} {{ (n > 1) | ternary('many', 'one') }}", "yes many"},
      {"{% set l = [] %}{% for u in users %}{% set _ = l.append(u.name) %}{% endfor %}{{ l | "
       "join('+') }}",
       "ann+bob"},
      {"{% for a in [[1, 2], [3]] %}{% for b in a %}{{ b }}{% endfor %}|{% endfor %}", "12|3|"},
      {"{% if 'adm' in users[0].groups and users | length == 2 %}ok{% endif %}", "ok"},
      {"{{ '  pad  '.strip() }}|{{ 'a-b-c'.rsplit('-', 1) | join(' ') }}|{{ 'x'.center(5) }}|{{ "
       "'{}:{}'.format('h', 1) }}",
       "pad|a-b c|  x  |h:1"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Render(t, c.text) == c.want);
  }
}

TEST_CASE("template errors name the file, line and column") {
  Variables vars = OracleVars();
  Templar t(vars);
  TemplateOptions o;
  o.origin = "roles/ssh/templates/sshd_config.j2";
  CHECK(Render(t, "Port 22\n{% if flag %}\n{{ nope }}\n{% endif %}\n", o) ==
        "error: roles/ssh/templates/sshd_config.j2:3:4: undefined variable 'nope'");
  CHECK(Render(t, "a\n{% for x in users %}\n{{ x }}\n", o) ==
        "error: roles/ssh/templates/sshd_config.j2:3:8: syntax error: unexpected end of template; "
        "expected 'else' or 'endfor'\n    {{ x }}\n           ^");
  CHECK(Render(t, "{{ users | lowr }}", o) ==
        "error: roles/ssh/templates/sshd_config.j2:1:12: unknown filter 'lowr' (did you mean "
        "'lower'?)\n    {{ users | lowr }}\n               ^");
}

TEST_CASE("lstrip_blocks and keep_trailing_newline change whitespace as in Jinja") {
  Variables vars = OracleVars();
  Templar t(vars);
  TemplateOptions o;
  o.lstrip_blocks = true;
  CHECK(Render(t, "a\n    {% if flag %}\n  b\n    {% endif %}\nc", o) == "a\n  b\nc");
  CHECK(Render(t, "a\n    {%+ if flag %}\nb{% endif %}", o) == "a\n    b");
  o.lstrip_blocks = false;
  o.trim_blocks = false;
  CHECK(Render(t, "{% if flag %}\nb{% endif %}\n", o) == "\nb\n");
}

TEST_CASE("a #jinja2 header on the first line changes how the template is read") {
  Variables vars = OracleVars();
  Templar t(vars);
  CHECK(
      Render(t, "#jinja2: lstrip_blocks: True\na\n    {% if flag %}\n  b\n    {% endif %}\nc\n") ==
      "a\n  b\nc\n");
  CHECK(
      Render(t,
             "#jinja2: trim_blocks: False, lstrip_blocks: False\n{% if flag %}\nb{% endif %}\n") ==
      "\nb\n");
  CHECK(Render(t, "#jinja2: block_start_string: '[%'\n") ==
        "error: the '#jinja2:' header sets 'block_start_string', which hostprep does not support "
        "(trim_blocks, lstrip_blocks and keep_trailing_newline are)");
  CHECK(Render(t, "#jinja2: trim_blocks: yes\n") ==
        "error: the '#jinja2:' header sets 'trim_blocks' to 'yes'; it takes True or False");
}

TEST_CASE("runaway templates stop with an error") {
  Variables vars = OracleVars();
  Templar t(vars);
  CHECK(Render(t, "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}")
            .find("macros call each other more than 100 levels deep") != std::string::npos);
  CHECK(Render(t, "{{ range(1000000) | length }}") ==
        "error: range() of 1000000 items is too big (at most 100000)");
  CHECK(Render(t, "{% include 'other.j2' %}") ==
        "error: 'other.j2' cannot be included here: only a template file (the template module, "
        "or file's template) can include or import other templates");
}

}  // namespace
}  // namespace hostprep
