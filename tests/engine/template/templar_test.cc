#include "engine/template/templar.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

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
      {"  {{ flag }}  ", "true"},
      {"{{ conf }}", R"({"port":8080,"hosts":["h1","h2"],"tls":{"on":true}})"},
      {"{{ nothing }}", "null"},
      {"{{ ratio }}", "0.5"},
      {"{{- count -}}", "3"},
      {"{{ [1, 'x'] }}", R"([1,"x"])"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
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
      {"{{ words }}!", R"("[\"a\",\"b\",\"c\"]!")"},
      {"x {{ ratio }}", R"("x 0.5")"},
      {"a {{- ' b ' -}} c", R"("a b c")"},
      {"a {# a comment #}b", R"("a b")"},
      {"a  {#- comment -#}  b", R"("ab")"},
      {"{{ '{{' }} literal", R"("{{ literal")"},
      {"{{ {'a': {'b': 1}} }}", R"({"a":{"b":1}})"},
      {"{{ {'a': {'b': 1}}['a']['b'] }} }}", R"("1 }}")"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    CHECK(Show(t.RenderString(c.input)) == c.want);
  }
}

}  // namespace
}  // namespace hostprep
