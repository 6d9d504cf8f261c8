#include "engine/template/template_parser.h"

#include <doctest/doctest.h>

#include <string>

namespace hostprep {
namespace {

// Parts as "text|{expr span}" for compact comparisons.
std::string Parts(std::string_view text) {
  Result<ParsedTemplate> r = ParseTemplate(text);
  if (!r.ok()) return "error: " + r.message();
  std::string s = r->single_expression ? "single:" : "";
  for (const Stmt& p : r->body) {
    if (p.kind == StmtKind::kOutput) {
      s += "{" + r->source.substr(p.expr->begin, p.expr->end - p.expr->begin) + "}";
    } else if (p.kind == StmtKind::kText) {
      s += "[" + p.text + "]";
    } else {
      s += "<stmt>";
    }
  }
  return s;
}

TEST_CASE("template parser splits text and expressions") {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"{{ a }}", "single:{a}"},        {" \n{{ a.b | int }}\t", "[ \n]{a.b | int}[\t]"},
      {"x{{ a }}", "[x]{a}"},           {"{{ a }}{{ b }}", "{a}{b}"},
      {"a {{ b }} c", "[a ]{b}[ c]"},   {"a\n  {{- b -}}\n  c", "[a]{b}[c]"},
      {"a {# note #} b", "[a ][ b]"},  // the text around a comment: two pieces, as in Jinja
      {"a {#- note -#} b", "[a][b]"},   {"{# only #}{{ x }}", "single:{x}"},
      {"${#a} {#- b", "[${#a} {#- b]"},  // no "#}": not a comment
      {"{ {a} }", "[{ {a} }]"},         {"}} {", "[}} {]"},
      {"{{ '}}' }}", "single:{'}}'}"},  {"{{ {'a': 1} }}", "single:{{'a': 1}}"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Parts(c.text) == c.want);
  }
}

TEST_CASE("template parser formats errors with text and column") {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"{{ a + }}", "error: syntax error in '{{ a + }}' at column 8: unexpected end of expression"},
      {"ab {{ x", "error: syntax error in 'ab {{ x' at column 4: unterminated '{{' (missing '}}')"},
      {"{% if x %}a",
       "error: syntax error in '{% if x %}a' at column 12: unexpected end of "
       "template; expected 'elif' or 'else' or 'endif'"},
      {"{% endfor %}", "error: syntax error in '{% endfor %}' at column 4: unexpected 'endfor'"},
      {"{%", "error: syntax error in '{%' at column 1: unterminated '{%' (missing '%}')"},
      {"{% do x %}",
       "error: unsupported syntax in '{% do x %}' at column 4: '{% do %}' is a "
       "Jinja extension that Ansible does not enable; hostprep does not support "
       "it either"},
      {"{{ f(1) }}", "error: unknown function 'f()' in '{{ f(1) }}' at column 4"},
      {"{{ s.nope() }}", "error: unknown method '.nope()' in '{{ s.nope() }}' at column 10"},
      {"{{ x | nope }}", "error: unknown filter 'nope' in '{{ x | nope }}' at column 8"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Parts(c.text) == c.want);
  }
}

TEST_CASE("template parser quotes a long template by the offending block") {
  std::string head(150, 'h');
  CHECK(Parts(head + "{{ ok }} {{ 1 + }} tail") ==
        "error: syntax error in '{{ 1 + }}' at column 8: unexpected end of expression");
  CHECK(Parts(head + "{{ x") ==
        "error: syntax error in '{{ x' at column 1: unterminated '{{' "
        "(missing '}}')");
  std::string long_block = "{{ " + std::string(200, 'a') + " + }}";
  std::string want = "error: syntax error in '" + long_block.substr(0, 120) +
                     "' at column 207: unexpected end of expression";
  CHECK(Parts(long_block) == want);
}

TEST_CASE("bare expressions parse to one tree and quote the expression in errors") {
  Result<ParsedExpression> r = ParseExpression("a and b");
  REQUIRE(r.ok());
  CHECK(r->root->kind == NodeKind::kAnd);
  CHECK(ParseExpression("a and").message() ==
        "syntax error in 'a and' at column 6: unexpected end of expression");
  CHECK(ParseExpression("").message() ==
        "syntax error in '' at column 1: unexpected end of expression");
  CHECK(ParseExpression("'x").message() == "syntax error in ''x' at column 1: unterminated string");
}

TEST_CASE("NeedsRendering spots every kind of tag") {
  CHECK(NeedsRendering("{{"));
  CHECK(NeedsRendering("a {% b"));
  CHECK(NeedsRendering("a {# b"));
  CHECK_FALSE(NeedsRendering("a { b } {"));
  CHECK_FALSE(NeedsRendering(""));
  CHECK_FALSE(NeedsRendering("{"));
}

}  // namespace
}  // namespace hostprep
