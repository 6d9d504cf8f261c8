#include "engine/template/expression_parser.h"

#include <doctest/doctest.h>

#include <string>

namespace hostprep {
namespace {

// A tree as an S-expression, to check structure and precedence.
std::string Sexp(const Node* n) {
  if (!n) return "_";
  auto kids = [&](size_t from) {
    std::string s;
    for (size_t i = from; i < n->kids.size(); ++i) s += " " + Sexp(n->kids[i].get());
    return s;
  };
  switch (n->kind) {
    case NodeKind::kLiteral:
      return n->literal.dump();
    case NodeKind::kName:
      return n->name;
    case NodeKind::kGetAttr:
      return "(. " + Sexp(n->kids[0].get()) + " " + n->name + ")";
    case NodeKind::kGetItem:
      return "([]" + kids(0) + ")";
    case NodeKind::kSlice:
      return "(slice" + kids(0) + ")";
    case NodeKind::kList:
      return "(list" + kids(0) + ")";
    case NodeKind::kDict:
      return "(dict" + kids(0) + ")";
    case NodeKind::kNegate:
      return "(neg" + kids(0) + ")";
    case NodeKind::kPlus:
      return "(pos" + kids(0) + ")";
    case NodeKind::kNot:
      return "(not" + kids(0) + ")";
    case NodeKind::kAnd:
      return "(and" + kids(0) + ")";
    case NodeKind::kOr:
      return "(or" + kids(0) + ")";
    case NodeKind::kBinary:
      return "(" + n->name + kids(0) + ")";
    case NodeKind::kCompare: {
      std::string s = "(cmp " + Sexp(n->kids[0].get());
      for (size_t i = 0; i < n->ops.size(); ++i)
        s += " " + n->ops[i] + " " + Sexp(n->kids[i + 1].get());
      return s + ")";
    }
    case NodeKind::kCondExpr:
      return "(if" + kids(0) + ")";
    case NodeKind::kFilter:
      return "(|" + n->name + kids(0) + ")";
    case NodeKind::kTest:
      return std::string(n->negated ? "(is-not " : "(is ") + n->name + kids(0) + ")";
    case NodeKind::kCall:
      return "(call" + kids(0) + ")";
  }
  return "?";
}

std::string Parse(std::string_view text) {
  LexOutput out;
  SyntaxIssue issue;
  if (!LexExpression(text, 0, kBareExpression, &out, &issue)) return "lex error";
  std::unique_ptr<Node> n = ParseTokens(out.tokens, &issue);
  if (!n) return "error@" + std::to_string(issue.pos) + ": " + issue.detail + issue.hint;
  return Sexp(n.get());
}

TEST_CASE("parser follows Jinja precedence") {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"a or b and c", "(or a (and b c))"},
      {"not a and b", "(and (not a) b)"},
      {"not a == b", "(not (cmp a == b))"},
      {"a + b * c", "(+ a (* b c))"},
      {"a ~ b + c", "(+ (~ a b) c)"},
      {"a * b ~ c", "(~ (* a b) c)"},
      {"a - b - c", "(- (- a b) c)"},
      {"a ** b ** c", "(** (** a b) c)"},
      {"-a ** 2", "(** (neg a) 2)"},
      {"-a | abs", "(|abs (neg a))"},
      {"- a.b", "(neg (. a b))"},
      {"a + b | int", "(+ a (|int b _ _))"},
      {"a | d(1) | int > 2", "(cmp (|int (|default a 1 _) _ _) > 2)"},
      {"a is defined and b", "(and (is defined a) b)"},
      {"a is not none", "(is-not none a)"},
      {"x is divisibleby 3", "(is divisibleby x 3)"},
      {"v is version('1', operator='<')", "(is version v \"1\" \"<\" _ _)"},
      {"a < b <= c", "(cmp a < b <= c)"},
      {"a not in b", "(cmp a not in b)"},
      {"a in b == c", "(cmp a in b == c)"},
      {"a if b else c if d else e", "(if a b (if c d e))"},
      {"a if b", "(if a b _)"},
      {"a or b if c else d", "(if (or a b) c d)"},
      {"a.b[c].d", "(. ([] (. a b) c) d)"},
      {"a[1:2]", "(slice a 1 2 _)"},
      {"a[::-1]", "(slice a _ _ (neg 1))"},
      {"a[:]", "(slice a _ _ _)"},
      {"[1, (2), (3,)]", "(list 1 2 (list 3))"},
      {"{'k': v, 1: [w]}", "(dict \"k\" v 1 (list w))"},
      {"join", "join"},
      {"x | join(attribute='n', d=',')", "(|join x \",\" \"n\")"},
      {"true or False or none or None", "(or (or (or true false) null) null)"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Parse(c.text) == c.want);
  }
}

TEST_CASE("parser reports errors at the offending token") {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"a +", "error@3: unexpected end of expression"},
      {"and", "error@0: unexpected 'and'"},
      {"a b", "error@2: unexpected 'b'"},
      {"a 'b'", "error@2: unexpected string 'b'"},
      {"a 1", "error@2: unexpected number 1"},
      {"[1 2]", "error@3: expected ',' but found number 2"},
      {"{'a' 1}", "error@5: expected ':' but found number 1"},
      {"a.'x'", "error@2: expected an attribute name after '.' but found string 'x'"},
      {"a | 1", "error@4: expected a filter name but found number 1"},
      {"a is 1", "error@5: expected a test name but found number 1"},
      {"a | uper", "error@4: unknown filter 'uper' (did you mean 'upper'?)"},
      {"a is nonee", "error@5: unknown test 'nonee' (did you mean 'none'?)"},
      {"a is nanny", "error@5: unknown test 'nanny'"},
      {"f(1)", "(call f 1)"},
      {"a.b(1)", "(call (. a b) 1)"},
      {"a[0].nope(1)", "error@9: unknown method '.nope()'"},
      {"a[0](1)", "error@4: only functions, macros and methods can be called"},
      {"a | lower()()", "error@11: unexpected '('"},
      {"a[]", "error@2: unexpected ']'"},
      {"a if b else", "error@11: unexpected end of expression"},
  };
  for (const auto& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    CHECK(Parse(c.text) == c.want);
  }
}

TEST_CASE("parser records source spans and names") {
  LexOutput out;
  SyntaxIssue issue;
  std::string text = "a.b | default(c) ~ d[e]";
  REQUIRE(LexExpression(text, 0, kBareExpression, &out, &issue));
  std::unique_ptr<Node> n = ParseTokens(out.tokens, &issue);
  REQUIRE(n);
  CHECK(n->begin == 0);
  CHECK(n->end == text.size());
  const Node& filter = *n->kids[0];
  CHECK(text.substr(filter.begin, filter.end - filter.begin) == "a.b | default(c)");
  const Node& attr = *filter.kids[0];
  CHECK(text.substr(attr.begin, attr.end - attr.begin) == "a.b");
  std::vector<std::string> names;
  CollectNames(*n, &names);
  CHECK(names == std::vector<std::string>{"a", "c", "d", "e"});
}

}  // namespace
}  // namespace hostprep
