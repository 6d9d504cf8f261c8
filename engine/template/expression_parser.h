// The syntax tree of one Jinja expression and the recursive-descent parser
// that builds it from tokens, following Jinja2's precedence, lowest first:
//   a if c else b  <  or  <  and  <  not  <  comparison / in / not in
//   <  + -  <  ~  <  * / // %  <  **  <  unary - +  <  filter | and test is
//   <  postfix .attr [index] [a:b]  <  primary
// A filter binds to the operand just before it: `1 + x | int` is 1 + (x|int),
// `-x | abs` is (-x)|abs, `not x is defined` is not (x is defined).
// Filter and test names and their arguments are checked here, so
// `hostprep validate` reports them without evaluating anything.
#ifndef HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_PARSER_H_
#define HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_PARSER_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/value.h"
#include "engine/template/callable_spec.h"
#include "engine/template/expression_lexer.h"

namespace hostprep {

enum class NodeKind {
  kLiteral,   // literal
  kName,      // name
  kGetAttr,   // kids[0].name  (a.b, a.0)
  kGetItem,   // kids[0][kids[1]]
  kSlice,     // kids[0][kids[1]:kids[2]:kids[3]], absent parts are null
  kList,      // [kids...] and tuples (a, b)
  kDict,      // {kids[0]: kids[1], kids[2]: kids[3], ...}
  kNegate,    // -kids[0]
  kPlus,      // +kids[0]
  kNot,       // not kids[0]
  kAnd,       // kids[0] and kids[1]
  kOr,        // kids[0] or kids[1]
  kBinary,    // kids[0] name kids[1], name in + - * / // % ** ~
  kCompare,   // kids[0] ops[0] kids[1] ops[1] kids[2]... (chained like Python)
  kCondExpr,  // kids[0] if kids[1] else kids[2] (kids[2] null without else)
  kFilter,    // kids[0] | name(kids[1..]) with one kid per spec param, null = default
  kTest,      // kids[0] is [not] name(kids[1..]) likewise
};

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  size_t begin = 0;  // source span, for messages naming the expression
  size_t end = 0;
  Value literal;
  std::string name;
  std::vector<std::string> ops;  // kCompare: "==", "!=", "<", "<=", ">", ">=", "in", "not in"
  std::vector<std::unique_ptr<Node>> kids;
  bool negated = false;                // kTest: `is not`
  const CallableSpec* spec = nullptr;  // kFilter, kTest
};

// Parses the tokens of one expression (as produced by LexExpression) into a
// tree. Returns null and fills `issue` on an error, which includes unknown
// filters and tests, bad arguments, and unsupported Jinja (calls, blocks).
std::unique_ptr<Node> ParseTokens(const std::vector<Token>& tokens, SyntaxIssue* issue);

// Visits every kName node (the variables an expression reads).
void CollectNames(const Node& node, std::vector<std::string>* names);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_PARSER_H_
