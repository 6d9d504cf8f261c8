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

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
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
  kCall,      // kids[0](kids[1..]); arg_names[i] names kids[i + 1] ("" = positional)
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
  std::vector<std::string> arg_names;  // kCall
};

// Parses the tokens of one expression (as produced by LexExpression) into a
// tree. Returns null and fills `issue` on an error, which includes unknown
// filters, tests and methods, and bad arguments.
std::unique_ptr<Node> ParseTokens(const std::vector<Token>& tokens, SyntaxIssue* issue);

// The parser itself, for the statement parser, which reads the parts of a
// "{% %}" tag (targets, keywords, expressions) from one token list. Every
// method returning a node returns null after the first error, which it
// records in `issue`; later calls do not overwrite it.
class ExpressionParser {
 public:
  ExpressionParser(const std::vector<Token>& tokens, SyntaxIssue* issue)
      : t_(tokens), issue_(issue) {}

  // A full expression (`a if b else c`); with_condexpr false stops before
  // a trailing `if`, as a for loop's iterable does.
  std::unique_ptr<Node> Expression(bool with_condexpr = true);
  // Expressions separated by commas: one expression, or a kList tuple when
  // there is a comma (`{% set a = 1, 2 %}`).
  std::unique_ptr<Node> Tuple(bool with_condexpr = true);
  // A filter chain without input (`upper | replace('a', 'b')`), as in
  // `{% filter %}` and `{% set x | f %}`: the innermost input is `input`.
  std::unique_ptr<Node> FilterChain(std::unique_ptr<Node> input);
  // The arguments of a call after its "(", up to and including ")": kids
  // and arg_names of `call`.
  bool CallArguments(Node* call);

  const Token& Cur() const { return t_[i_]; }
  const Token& Peek() const { return t_[std::min(i_ + 1, t_.size() - 1)]; }
  void Advance() {
    if (i_ + 1 < t_.size()) ++i_;
  }
  bool IsOp(std::string_view op) const {
    return Cur().kind == TokenKind::kOperator && Cur().text == op;
  }
  bool IsName(std::string_view name) const {
    return Cur().kind == TokenKind::kName && Cur().text == name;
  }
  bool AtEnd() const { return Cur().kind == TokenKind::kEnd; }
  bool failed() const { return failed_; }
  // Consumes operator `op` or fails naming what was found instead.
  bool Expect(std::string_view op);
  std::nullptr_t Fail(std::string detail, size_t pos, IssueKind kind = IssueKind::kSyntax,
                      std::string hint = "");
  std::nullptr_t Unexpected();
  static std::string Describe(const Token& t);

 private:
  using NodePtr = std::unique_ptr<Node>;
  size_t PrevEnd() const { return i_ > 0 ? t_[i_ - 1].end : Cur().pos; }
  NodePtr Make(NodeKind kind, size_t begin);
  NodePtr Join(NodeKind kind, NodePtr a, NodePtr b, std::string name = "");
  bool TooDeep();

  NodePtr CondExpr(bool with_condexpr = true);
  NodePtr Or();
  NodePtr And();
  NodePtr Not();
  std::string CompareOp();
  NodePtr Compare();
  template <typename Next>
  NodePtr Binary(std::initializer_list<std::string_view> ops, Next next);
  NodePtr Math1();
  NodePtr Concat();
  NodePtr Math2();
  NodePtr Pow();
  NodePtr UnaryWithFilter();
  NodePtr Unary(bool with_filter);
  NodePtr Primary();
  NodePtr Sequence(NodeKind kind, std::string_view close, size_t begin, NodePtr first);
  NodePtr Postfix(NodePtr node);
  NodePtr Subscript(NodePtr node);
  NodePtr Call(NodePtr callee);
  NodePtr FilterExpr(NodePtr node);
  NodePtr Callable(NodeKind kind, NodePtr input, bool negated);
  bool BindArguments(Node* call, const Token& name_tok, std::vector<NodePtr> positional,
                     std::vector<std::pair<const Token*, NodePtr>> keyword);

  // Counts nesting for the functions that recurse into themselves.
  struct Depth {
    explicit Depth(int* d) : d_(d) { ++*d_; }
    ~Depth() { --*d_; }
    int* d_;
  };

  const std::vector<Token>& t_;
  size_t i_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  SyntaxIssue* issue_;
};

// The methods that calls such as `s.split(',')` may name, on any type
// (strings, lists, mappings, the loop object); checked at parse time.
bool IsKnownMethod(std::string_view name);
const std::vector<std::string>& MethodNames();  // sorted, for did-you-mean

// Visits every kName node (the variables an expression reads).
void CollectNames(const Node& node, std::vector<std::string>* names);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_PARSER_H_
