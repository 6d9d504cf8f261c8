#include "engine/template/expression_parser.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "engine/base/text.h"
#include "engine/template/filters.h"
#include "engine/template/filters_regex.h"
#include "engine/template/predicates.h"

namespace hostprep {
namespace {

using NodePtr = std::unique_ptr<Node>;

// Deeper nesting than this is garbage, and recursing further could exhaust
// the stack on hostile input.
constexpr int kMaxDepth = 300;

bool IsKeyword(const std::string& s) {
  return s == "and" || s == "or" || s == "not" || s == "in" || s == "is" || s == "if" ||
         s == "else";
}

const std::vector<std::string>& KnownMethods() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v = {
        // str
        "capitalize", "casefold", "center", "count", "endswith", "expandtabs", "find", "format",
        "index", "isalnum", "isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace",
        "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition", "replace", "rfind",
        "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith",
        "strip", "swapcase", "title", "upper", "zfill",
        // list and dict (the mutating ones only on a template's own variables)
        "append", "copy", "extend", "get", "insert", "items", "keys", "pop", "remove", "setdefault",
        "update", "values",
        // the loop object
        "cycle", "changed"};
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return names;
}

}  // namespace

const std::vector<std::string>& MethodNames() { return KnownMethods(); }

bool IsKnownMethod(std::string_view name) {
  return std::binary_search(KnownMethods().begin(), KnownMethods().end(), name);
}

ExpressionParser::NodePtr ExpressionParser::Expression(bool with_condexpr) {
  return CondExpr(with_condexpr);
}

ExpressionParser::NodePtr ExpressionParser::Tuple(bool with_condexpr) {
  size_t begin = Cur().pos;
  NodePtr first = CondExpr(with_condexpr);
  if (!first || !IsOp(",")) return first;
  std::vector<NodePtr> items;
  items.push_back(std::move(first));
  while (IsOp(",")) {
    Advance();
    if (AtEnd() || IsOp(")") || IsOp("=")) break;
    NodePtr item = CondExpr(with_condexpr);
    if (!item) return nullptr;
    items.push_back(std::move(item));
  }
  NodePtr n = Make(NodeKind::kList, begin);
  n->kids = std::move(items);
  return n;
}

ExpressionParser::NodePtr ExpressionParser::FilterChain(NodePtr input) {
  NodePtr node = Callable(NodeKind::kFilter, std::move(input), false);
  while (node && IsOp("|")) {
    Advance();
    node = Callable(NodeKind::kFilter, std::move(node), false);
  }
  return node;
}

std::nullptr_t ExpressionParser::Fail(std::string detail, size_t pos, IssueKind kind,
                                      std::string hint) {
  if (!failed_) *issue_ = {std::move(detail), pos, kind, std::move(hint)};
  failed_ = true;
  return nullptr;
}

std::string ExpressionParser::Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kString:
      return "string '" + t.text + "'";
    case TokenKind::kInteger:
    case TokenKind::kFloat:
      return "number " + t.number.dump();
    default:
      return "'" + t.text + "'";
  }
}

std::nullptr_t ExpressionParser::Unexpected() {
  return Fail("unexpected " + Describe(Cur()), Cur().pos);
}

bool ExpressionParser::Expect(std::string_view op) {
  if (IsOp(op)) {
    Advance();
    return true;
  }
  Fail("expected '" + std::string(op) + "' but found " + Describe(Cur()), Cur().pos);
  return false;
}

ExpressionParser::NodePtr ExpressionParser::Make(NodeKind kind, size_t begin) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->begin = begin;
  n->end = PrevEnd();
  return n;
}

ExpressionParser::NodePtr ExpressionParser::Join(NodeKind kind, NodePtr a, NodePtr b,
                                                 std::string name) {
  auto n = Make(kind, a->begin);
  n->name = std::move(name);
  n->kids.push_back(std::move(a));
  n->kids.push_back(std::move(b));
  return n;
}

bool ExpressionParser::TooDeep() {
  if (depth_ <= kMaxDepth) return false;
  Fail("expression nested too deeply", Cur().pos);
  return true;
}

ExpressionParser::NodePtr ExpressionParser::CondExpr(bool with_condexpr) {
  Depth guard(&depth_);
  if (TooDeep()) return nullptr;
  NodePtr body = Or();
  while (body && with_condexpr && IsName("if")) {
    Advance();
    NodePtr cond = Or();
    if (!cond) return nullptr;
    NodePtr otherwise;
    if (IsName("else")) {
      Advance();
      if (!(otherwise = CondExpr())) return nullptr;
    }
    NodePtr n = Join(NodeKind::kCondExpr, std::move(body), std::move(cond));
    n->kids.push_back(std::move(otherwise));
    body = std::move(n);
  }
  return body;
}

ExpressionParser::NodePtr ExpressionParser::Or() {
  NodePtr left = And();
  while (left && IsName("or")) {
    Advance();
    NodePtr right = And();
    if (!right) return nullptr;
    left = Join(NodeKind::kOr, std::move(left), std::move(right));
  }
  return left;
}

ExpressionParser::NodePtr ExpressionParser::And() {
  NodePtr left = Not();
  while (left && IsName("and")) {
    Advance();
    NodePtr right = Not();
    if (!right) return nullptr;
    left = Join(NodeKind::kAnd, std::move(left), std::move(right));
  }
  return left;
}

ExpressionParser::NodePtr ExpressionParser::Not() {
  Depth guard(&depth_);
  if (TooDeep()) return nullptr;
  if (!IsName("not")) return Compare();
  size_t begin = Cur().pos;
  Advance();
  NodePtr operand = Not();
  if (!operand) return nullptr;
  NodePtr n = Make(NodeKind::kNot, begin);
  n->kids.push_back(std::move(operand));
  return n;
}

// The comparison operator at the cursor ("" if none), consuming it.
std::string ExpressionParser::CompareOp() {
  static constexpr std::string_view kOps[] = {"==", "!=", "<", "<=", ">", ">="};
  for (std::string_view op : kOps) {
    if (IsOp(op)) {
      Advance();
      return std::string(op);
    }
  }
  if (IsName("in")) {
    Advance();
    return "in";
  }
  if (IsName("not") && Peek().kind == TokenKind::kName && Peek().text == "in") {
    Advance();
    Advance();
    return "not in";
  }
  return "";
}

ExpressionParser::NodePtr ExpressionParser::Compare() {
  NodePtr left = Math1();
  if (!left) return nullptr;
  NodePtr cmp;
  for (std::string op = CompareOp(); !op.empty(); op = CompareOp()) {
    NodePtr right = Math1();
    if (!right) return nullptr;
    if (!cmp) {
      cmp = Make(NodeKind::kCompare, left->begin);
      cmp->kids.push_back(std::move(left));
    }
    cmp->ops.push_back(op);
    cmp->kids.push_back(std::move(right));
    cmp->end = PrevEnd();
  }
  return cmp ? std::move(cmp) : std::move(left);
}

// One level of left-associative binary operators.
template <typename Next>
ExpressionParser::NodePtr ExpressionParser::Binary(std::initializer_list<std::string_view> ops,
                                                   Next next) {
  NodePtr left = (this->*next)();
  while (left) {
    auto it = std::find_if(ops.begin(), ops.end(), [&](std::string_view op) { return IsOp(op); });
    if (it == ops.end()) break;
    Advance();
    NodePtr right = (this->*next)();
    if (!right) return nullptr;
    left = Join(NodeKind::kBinary, std::move(left), std::move(right), std::string(*it));
  }
  return left;
}

ExpressionParser::NodePtr ExpressionParser::Math1() {
  return Binary({"+", "-"}, &ExpressionParser::Concat);
}

ExpressionParser::NodePtr ExpressionParser::Concat() {
  return Binary({"~"}, &ExpressionParser::Math2);
}

ExpressionParser::NodePtr ExpressionParser::Math2() {
  return Binary({"*", "/", "//", "%"}, &ExpressionParser::Pow);
}

ExpressionParser::NodePtr ExpressionParser::Pow() {
  return Binary({"**"}, &ExpressionParser::UnaryWithFilter);
}

ExpressionParser::NodePtr ExpressionParser::UnaryWithFilter() { return Unary(true); }

ExpressionParser::NodePtr ExpressionParser::Unary(bool with_filter) {
  Depth guard(&depth_);
  if (TooDeep()) return nullptr;
  NodePtr node;
  if (IsOp("-") || IsOp("+")) {
    size_t begin = Cur().pos;
    NodeKind kind = IsOp("-") ? NodeKind::kNegate : NodeKind::kPlus;
    Advance();
    NodePtr operand = Unary(false);
    if (!operand) return nullptr;
    node = Make(kind, begin);
    node->kids.push_back(std::move(operand));
  } else {
    node = Primary();
  }
  if (node) node = Postfix(std::move(node));
  if (node && with_filter) node = FilterExpr(std::move(node));
  return node;
}

ExpressionParser::NodePtr ExpressionParser::Primary() {
  const Token& tok = Cur();
  size_t begin = tok.pos;
  switch (tok.kind) {
    case TokenKind::kName: {
      if (IsKeyword(tok.text)) return Unexpected();
      Advance();
      NodePtr n = Make(NodeKind::kLiteral, begin);
      if (tok.text == "true" || tok.text == "True") {
        n->literal = true;
      } else if (tok.text == "false" || tok.text == "False") {
        n->literal = false;
      } else if (tok.text == "none" || tok.text == "None") {
        n->literal = nullptr;
      } else {
        n->kind = NodeKind::kName;
        n->name = tok.text;
      }
      return n;
    }
    case TokenKind::kString: {
      // Adjacent string literals join, as in Python and Jinja.
      std::string s;
      while (Cur().kind == TokenKind::kString) {
        s += Cur().text;
        Advance();
      }
      NodePtr n = Make(NodeKind::kLiteral, begin);
      n->literal = std::move(s);
      return n;
    }
    case TokenKind::kInteger:
    case TokenKind::kFloat: {
      Advance();
      NodePtr n = Make(NodeKind::kLiteral, begin);
      n->literal = tok.number;
      return n;
    }
    case TokenKind::kOperator:
      if (tok.text == "(") {
        Advance();
        if (IsOp(")")) return Sequence(NodeKind::kList, ")", begin, nullptr);
        NodePtr inner = CondExpr();
        if (!inner) return nullptr;
        if (IsOp(",")) return Sequence(NodeKind::kList, ")", begin, std::move(inner));
        if (!Expect(")")) return nullptr;
        return inner;
      }
      if (tok.text == "[") {
        Advance();
        return Sequence(NodeKind::kList, "]", begin, nullptr);
      }
      if (tok.text == "{") {
        Advance();
        return Sequence(NodeKind::kDict, "}", begin, nullptr);
      }
      return Unexpected();
    case TokenKind::kEnd:
      return Unexpected();
  }
  return Unexpected();
}

// The rest of a list, tuple or dict literal after its opening bracket (and,
// for a tuple, its first item), up to and including `close`.
ExpressionParser::NodePtr ExpressionParser::Sequence(NodeKind kind, std::string_view close,
                                                     size_t begin, NodePtr first) {
  std::vector<NodePtr> items;
  if (first) {
    items.push_back(std::move(first));
    if (!Expect(",")) return nullptr;
  }
  while (!IsOp(close)) {
    NodePtr item = CondExpr();
    if (!item) return nullptr;
    items.push_back(std::move(item));
    if (kind == NodeKind::kDict) {
      if (!Expect(":")) return nullptr;
      NodePtr value = CondExpr();
      if (!value) return nullptr;
      items.push_back(std::move(value));
    }
    if (IsOp(close)) break;
    if (!Expect(",")) return nullptr;
  }
  Advance();
  NodePtr n = Make(kind, begin);
  n->kids = std::move(items);
  return n;
}

// A call: a function (`range(3)`), a macro, or a method (`s.split(',')`).
// Which functions and macros exist is known only with the whole template
// (macros, imports), so the template parser checks names; methods are
// checked here.
ExpressionParser::NodePtr ExpressionParser::Call(NodePtr callee) {
  // `m.name()` on a plain name may call a macro of an imported template
  // (`{% import 'x.j2' as m %}`): the template parser checks those.
  if (callee->kind == NodeKind::kGetAttr && !IsKnownMethod(callee->name) &&
      callee->kids[0]->kind != NodeKind::kName) {
    return Fail("unknown method '." + callee->name + "()'", Cur().pos, IssueKind::kUnknownName,
                DidYouMeanSuffix(callee->name, KnownMethods()));
  }
  if (callee->kind != NodeKind::kName && callee->kind != NodeKind::kGetAttr) {
    return Fail("only functions, macros and methods can be called", Cur().pos);
  }
  Advance();  // (
  NodePtr n = Make(NodeKind::kCall, callee->begin);
  n->kids.push_back(std::move(callee));
  if (!CallArguments(n.get())) return nullptr;
  n->end = PrevEnd();
  return n;
}

bool ExpressionParser::CallArguments(Node* call) {
  bool keywords = false;
  while (!IsOp(")")) {
    std::string key;
    size_t at = Cur().pos;
    if (IsOp("*") || IsOp("**")) {
      Fail("'*' and '**' arguments are not supported by hostprep", at, IssueKind::kUnsupported);
      return false;
    }
    if (Cur().kind == TokenKind::kName && Peek().kind == TokenKind::kOperator &&
        Peek().text == "=") {
      key = Cur().text;
      Advance();
      Advance();
      keywords = true;
    } else if (keywords) {
      Fail("positional argument after a keyword argument", at);
      return false;
    }
    if (!key.empty() &&
        std::find(call->arg_names.begin(), call->arg_names.end(), key) != call->arg_names.end()) {
      Fail("argument '" + key + "' given twice", at);
      return false;
    }
    NodePtr arg = CondExpr();
    if (!arg) return false;
    call->kids.push_back(std::move(arg));
    call->arg_names.push_back(std::move(key));
    if (IsOp(")")) break;
    if (!Expect(",")) return false;
  }
  Advance();  // )
  return true;
}

ExpressionParser::NodePtr ExpressionParser::Postfix(NodePtr node) {
  while (node) {
    if (IsOp(".")) {
      Advance();
      if (Cur().kind != TokenKind::kName && Cur().kind != TokenKind::kInteger) {
        return Fail("expected an attribute name after '.' but found " + Describe(Cur()), Cur().pos);
      }
      std::string name = Cur().kind == TokenKind::kName ? Cur().text : Cur().number.dump();
      Advance();
      NodePtr n = Make(NodeKind::kGetAttr, node->begin);
      n->name = std::move(name);
      n->kids.push_back(std::move(node));
      node = std::move(n);
    } else if (IsOp("[")) {
      node = Subscript(std::move(node));
    } else if (IsOp("(")) {
      node = Call(std::move(node));
    } else {
      break;
    }
  }
  return node;
}

ExpressionParser::NodePtr ExpressionParser::Subscript(NodePtr node) {
  Advance();  // [
  NodePtr parts[3];
  bool slice = false;
  if (!IsOp(":") && !(parts[0] = CondExpr())) return nullptr;
  for (int k = 1; k < 3 && IsOp(":"); ++k) {
    slice = true;
    Advance();
    if (!IsOp("]") && !IsOp(":") && !(parts[k] = CondExpr())) return nullptr;
  }
  if (!Expect("]")) return nullptr;
  NodePtr n = Make(slice ? NodeKind::kSlice : NodeKind::kGetItem, node->begin);
  n->kids.push_back(std::move(node));
  n->kids.push_back(std::move(parts[0]));
  if (slice) {
    n->kids.push_back(std::move(parts[1]));
    n->kids.push_back(std::move(parts[2]));
  }
  return n;
}

ExpressionParser::NodePtr ExpressionParser::FilterExpr(NodePtr node) {
  while (node) {
    if (IsOp("|")) {
      Advance();
      node = Callable(NodeKind::kFilter, std::move(node), false);
    } else if (IsName("is")) {
      Advance();
      bool negated = IsName("not");
      if (negated) Advance();
      node = Callable(NodeKind::kTest, std::move(node), negated);
    } else {
      break;
    }
  }
  return node;
}

// A filter or test name and its arguments: `join(',')`, `default(1, true)`,
// `version('1.2', operator='>=')`, and a test's one bare argument
// (`x is divisibleby 3`).
ExpressionParser::NodePtr ExpressionParser::Callable(NodeKind kind, NodePtr input, bool negated) {
  bool filter = kind == NodeKind::kFilter;
  const char* what = filter ? "filter" : "test";
  if (Cur().kind != TokenKind::kName) {
    return Fail(std::string("expected a ") + what + " name but found " + Describe(Cur()),
                Cur().pos);
  }
  const Token& name_tok = Cur();
  const CallableSpec* spec = filter ? FindFilter(name_tok.text) : FindTest(name_tok.text);
  if (!spec && filter) {
    // Filters Jinja or Ansible has and hostprep refuses by name, with why.
    static const std::map<std::string, std::string, std::less<>> kRefused = {
        {"urlize", "it writes HTML links, which no configuration file needs"},
        {"win_basename", "Windows paths are not supported"},
        {"win_dirname", "Windows paths are not supported"},
        {"win_splitdrive", "Windows paths are not supported"},
    };
    if (auto it = kRefused.find(name_tok.text); it != kRefused.end()) {
      return Fail("filter '" + name_tok.text + "' is not supported by hostprep: " + it->second,
                  name_tok.pos, IssueKind::kUnsupported);
    }
  }
  if (!spec) {
    return Fail(std::string("unknown ") + what + " '" + name_tok.text + "'", name_tok.pos,
                IssueKind::kUnknownName,
                DidYouMeanSuffix(name_tok.text, filter ? FilterNames() : TestNames()));
  }
  Advance();
  std::vector<NodePtr> positional;
  std::vector<std::pair<const Token*, NodePtr>> keyword;
  if (IsOp("(")) {
    Advance();
    while (!IsOp(")")) {
      const Token* key = nullptr;
      if (Cur().kind == TokenKind::kName && Peek().kind == TokenKind::kOperator &&
          Peek().text == "=") {
        key = &Cur();
        Advance();
        Advance();
      } else if (!keyword.empty()) {
        return Fail("positional argument after a keyword argument", Cur().pos);
      }
      NodePtr arg = CondExpr();
      if (!arg) return nullptr;
      if (key) {
        keyword.emplace_back(key, std::move(arg));
      } else {
        positional.push_back(std::move(arg));
      }
      if (IsOp(")")) break;
      if (!Expect(",")) return nullptr;
    }
    Advance();
  } else if (!filter && (Cur().kind == TokenKind::kString || Cur().kind == TokenKind::kInteger ||
                         Cur().kind == TokenKind::kFloat || IsOp("[") || IsOp("{") ||
                         (Cur().kind == TokenKind::kName && !IsKeyword(Cur().text)))) {
    NodePtr arg = Primary();
    if (arg) arg = Postfix(std::move(arg));
    if (!arg) return nullptr;
    positional.push_back(std::move(arg));
  }
  NodePtr n = Make(kind, input->begin);
  n->name = spec->name;
  n->spec = spec;
  n->negated = negated;
  n->kids.push_back(std::move(input));
  if (!BindArguments(n.get(), name_tok, std::move(positional), std::move(keyword))) return nullptr;
  // A regular expression written as a literal is compiled now, so a pattern
  // hostprep cannot run (lookbehind...) or a broken one fails validation.
  static const std::set<std::string, std::less<>> kRegexFilters = {"regex_replace", "regex_search",
                                                                   "regex_findall"};
  static const std::set<std::string, std::less<>> kRegexTests = {"match", "search", "regex"};
  if ((filter ? kRegexFilters : kRegexTests).count(spec->name) > 0 && n->kids.size() > 1 &&
      n->kids[1] && n->kids[1]->kind == NodeKind::kLiteral && n->kids[1]->literal.is_string()) {
    Result<PyRegex> re = PyRegex::Compile(n->kids[1]->literal.get<std::string>(), false, false);
    if (!re.ok()) {
      return Fail(std::string(what) + " '" + spec->name + "': " + re.message(), n->kids[1]->begin,
                  IssueKind::kUnsupported);
    }
  }
  return n;
}

bool ExpressionParser::BindArguments(Node* call, const Token& name_tok,
                                     std::vector<NodePtr> positional,
                                     std::vector<std::pair<const Token*, NodePtr>> keyword) {
  const auto& params = call->spec->params;
  std::string what =
      (call->kind == NodeKind::kFilter ? "filter '" : "test '") + name_tok.text + "'";
  std::vector<NodePtr> extra;
  if (call->spec->varargs) {
    while (positional.size() > params.size()) {
      extra.insert(extra.begin(), std::move(positional.back()));
      positional.pop_back();
    }
  }
  if (positional.size() > params.size()) {
    Fail(what + " takes " +
             (params.empty() ? std::string("no arguments")
                             : "at most " + std::to_string(params.size()) + " argument" +
                                   (params.size() == 1 ? "" : "s")) +
             ", got " + std::to_string(positional.size()),
         name_tok.pos);
    return false;
  }
  std::vector<NodePtr> bound(params.size());
  for (size_t k = 0; k < positional.size(); ++k) bound[k] = std::move(positional[k]);
  for (auto& [key, arg] : keyword) {
    // A name of its own: clang before 16 cannot capture a structured binding.
    const std::string& name = key->text;
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const CallableParam& p) { return p.name == name; });
    if (it == params.end()) {
      Fail(what + " has no argument '" + key->text + "'", key->pos);
      return false;
    }
    size_t k = static_cast<size_t>(it - params.begin());
    if (bound[k]) {
      Fail(what + " got argument '" + key->text + "' twice", key->pos);
      return false;
    }
    bound[k] = std::move(arg);
  }
  for (size_t k = 0; k < params.size(); ++k) {
    if (params[k].required && !bound[k]) {
      Fail(what + " needs argument '" + params[k].name + "'", name_tok.pos);
      return false;
    }
  }
  for (NodePtr& b : bound) call->kids.push_back(std::move(b));
  for (NodePtr& e : extra) call->kids.push_back(std::move(e));
  call->end = PrevEnd();
  return true;
}

std::unique_ptr<Node> ParseTokens(const std::vector<Token>& tokens, SyntaxIssue* issue) {
  if (tokens.empty()) {
    *issue = {"empty expression", 0};
    return nullptr;
  }
  ExpressionParser parser(tokens, issue);
  std::unique_ptr<Node> n = parser.Expression();
  if (!n) return nullptr;
  if (!parser.AtEnd()) return parser.Unexpected();
  return n;
}

void CollectNames(const Node& node, std::vector<std::string>* names) {
  if (node.kind == NodeKind::kName) names->push_back(node.name);
  for (const auto& kid : node.kids) {
    if (kid) CollectNames(*kid, names);
  }
}

}  // namespace hostprep
