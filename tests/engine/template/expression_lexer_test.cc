#include "engine/template/expression_lexer.h"

#include <doctest/doctest.h>

#include <string>

namespace hostprep {
namespace {

// Tokens as "kind:text" words for compact comparisons.
std::string Lex(std::string_view text, size_t start = 0, size_t open = kBareExpression) {
  LexOutput out;
  SyntaxIssue issue;
  if (!LexExpression(text, start, open, &out, &issue)) {
    return "error@" + std::to_string(issue.pos) + ": " + issue.detail;
  }
  std::string s;
  for (const Token& t : out.tokens) {
    if (!s.empty()) s += " ";
    switch (t.kind) {
      case TokenKind::kName:
        s += "N:" + t.text;
        break;
      case TokenKind::kString:
        s += "S:" + t.text;
        break;
      case TokenKind::kInteger:
        s += "I:" + t.number.dump();
        break;
      case TokenKind::kFloat:
        s += "F:" + t.number.dump();
        break;
      case TokenKind::kOperator:
        s += t.text;
        break;
      case TokenKind::kEnd:
        s += "END@" + std::to_string(t.pos);
        break;
    }
  }
  return s;
}

TEST_CASE("lexer splits names numbers strings and operators") {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"a.b[0]", "N:a . N:b [ I:0 ] END@6"},
      {"x|default(1,true)", "N:x | N:default ( I:1 , N:true ) END@17"},
      {"1.5 2e3 3E-1 7", "F:1.5 F:2000.0 F:0.3 I:7 END@14"},
      {"a.0.1", "N:a . I:0 . I:1 END@5"},
      {"1.x", "I:1 . N:x END@3"},
      {"a//b**c", "N:a // N:b ** N:c END@7"},
      {"a==b!=c<=d>=e<f>g", "N:a == N:b != N:c <= N:d >= N:e < N:f > N:g END@17"},
      {"~ % - + * / = : , { }", "~ % - + * / = : , { } END@21"},
      {"'it\\'s' \"q\\\"\"", "S:it's S:q\" END@13"},
      {"'\\n\\t\\\\\\x41\\u00e9\\q'", "S:\n\t\\Aé\\q END@20"},
      {"  _x1  ", "N:_x1 END@7"},
      {"", "END@0"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Lex(c.text) == c.want);
  }
}

TEST_CASE("lexer reports bad input with its offset") {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"'abc", "error@0: unterminated string"},
      {"a $", "error@2: unexpected character '$'"},
      {"a \x01", "error@2: unexpected character (byte 0x01)"},
      {"a ! b", "error@2: unexpected character '!'"},
      {"'\\x4'", "error@1: bad \\x escape in string"},
      {"99999999999999999999", "error@0: integer literal too large"},
      {"(a]", "error@2: unexpected ']', expected ')'"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Lex(c.text) == c.want);
  }
}

TEST_CASE("lexer in template mode stops at the first balanced closing braces") {
  LexOutput out;
  SyntaxIssue issue;
  std::string text = "{{ {'a': {'b': 1}} }} tail";
  REQUIRE(LexExpression(text, 2, 0, &out, &issue));
  CHECK(out.end == 21);
  CHECK_FALSE(out.strip_after);
  CHECK(out.tokens.back().kind == TokenKind::kEnd);
  CHECK(out.tokens.back().pos == 19);

  text = "{{ x -}}  y";
  REQUIRE(LexExpression(text, 2, 0, &out, &issue));
  CHECK(out.strip_after);
  CHECK(out.end == 8);

  CHECK(Lex("{{ 'a}}' }}", 2, 0) == "S:a}} END@9");
  CHECK(Lex("x {{ a", 4, 2) == "error@2: unterminated '{{' (missing '}}')");
  CHECK(Lex("{{ (a }}", 2, 0) == "error@6: unexpected '}', expected ')'");
  CHECK(Lex("a }} b", 0) == "N:a } } N:b END@6");  // bare: braces are plain operators
}

}  // namespace
}  // namespace hostprep
