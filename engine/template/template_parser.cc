#include "engine/template/template_parser.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "engine/base/text.h"
#include "engine/template/expression_lexer.h"
#include "engine/template/template_scanner.h"
#include "engine/template/variables.h"

namespace hostprep {
namespace {

// Quoting a whole template file in an error would drown the message, so a
// long template is quoted by the block that holds the problem.
constexpr size_t kMaxQuoted = 120;
// Statements nested deeper than this are garbage (or an attack on the stack).
constexpr int kMaxBlockNesting = 100;

std::string Detail(const SyntaxIssue& issue) {
  switch (issue.kind) {
    case IssueKind::kSyntax:
      return "syntax error: " + issue.detail;
    case IssueKind::kUnsupported:
      return "unsupported syntax: " + issue.detail;
    case IssueKind::kUnknownName:
      return issue.detail + issue.hint;
  }
  return issue.detail;
}

}  // namespace

SourcePosition PositionOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  SourcePosition p;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      line_start = i + 1;
    }
  }
  size_t line_end = text.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = text.size();
  p.column = offset - line_start + 1;
  p.line_text = text.substr(line_start, line_end - line_start);
  return p;
}

Status FormatTemplateIssue(std::string_view text, const SyntaxIssue& issue, size_t block_begin,
                           const std::string& origin) {
  if (!origin.empty()) {
    SourcePosition p = PositionOf(text, issue.pos);
    return Status::Error(origin + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                         ": " + Detail(issue) + "\n    " + std::string(p.line_text) + "\n    " +
                         std::string(p.column - 1, ' ') + "^");
  }
  std::string_view quoted = text;
  size_t base = 0;
  if (text.size() > kMaxQuoted) {
    base = std::min(block_begin, issue.pos);
    size_t close = text.find("}}", std::max(issue.pos, base));
    size_t close2 = text.find("%}", std::max(issue.pos, base));
    close = std::min(close, close2);
    size_t end = close == std::string_view::npos ? text.size() : close + 2;
    quoted = text.substr(base, std::min(end - base, kMaxQuoted));
  }
  std::string where =
      "'" + std::string(quoted) + "' at column " + std::to_string(issue.pos - base + 1);
  switch (issue.kind) {
    case IssueKind::kSyntax:
      return Status::Error("syntax error in " + where + ": " + issue.detail);
    case IssueKind::kUnsupported:
      return Status::Error("unsupported syntax in " + where + ": " + issue.detail);
    case IssueKind::kUnknownName:
      return Status::Error(issue.detail + " in " + where + issue.hint);
  }
  return Status::Error(issue.detail);
}

namespace {

// Builds the statement tree from the scanner's pieces.
class TreeBuilder {
 public:
  TreeBuilder(std::vector<Piece>* pieces, SyntaxIssue* issue) : pieces_(*pieces), issue_(issue) {}

  bool Build(std::vector<Stmt>* body) {
    std::string end;
    if (!Body(body, {}, &end)) return false;
    if (!end.empty()) return Fail("'" + end + "' without a matching opening tag", end_pos_);
    return CheckCalls(*body);
  }

 private:
  bool Fail(std::string detail, size_t pos, IssueKind kind = IssueKind::kSyntax) {
    if (!failed_) *issue_ = {std::move(detail), pos, kind};
    failed_ = true;
    return false;
  }

  // Reads statements into `body` until a tag whose word is in `ends`
  // (returned in `*end`, its piece consumed) or the end of the template.
  bool Body(std::vector<Stmt>* body, const std::set<std::string>& ends, std::string* end) {
    if (++depth_ > kMaxBlockNesting) return Fail("statements nested too deeply", Pos());
    struct Leave {
      int* d;
      ~Leave() { --*d; }
    } leave{&depth_};
    end->clear();
    while (next_ < pieces_.size()) {
      Piece& p = pieces_[next_];
      if (p.kind == Piece::kText) {
        if (!p.text.empty()) body->push_back(Text(p));
        ++next_;
        continue;
      }
      if (p.kind == Piece::kOutput) {
        Stmt s;
        s.kind = StmtKind::kOutput;
        s.pos = p.pos;
        s.expr = ParseWhole(p);
        if (!s.expr) return false;
        body->push_back(std::move(s));
        ++next_;
        continue;
      }
      const std::string word = Word(p);
      if (ends.count(word)) {
        *end = word;
        end_pos_ = p.pos;
        return true;
      }
      if (IsEndWord(word)) {
        *end = word;
        end_pos_ = p.pos;
        return Fail("unexpected '" + word + "'" + Expecting(ends), WordPos(p));
      }
      ++next_;
      if (!Statement(p, word, body)) return false;
    }
    if (!ends.empty()) {
      return Fail("unexpected end of template" + Expecting(ends), Pos());
    }
    return true;
  }

  static bool IsEndWord(const std::string& w) {
    return w == "elif" || w == "else" || w.rfind("end", 0) == 0;
  }
  static std::string Expecting(const std::set<std::string>& ends) {
    if (ends.empty()) return "";
    std::string s = "; expected ";
    bool first = true;
    for (const std::string& e : ends) {
      s += (first ? "'" : " or '") + e + "'";
      first = false;
    }
    return s;
  }

  size_t Pos() const { return pieces_.empty() ? 0 : pieces_.back().end; }
  static Stmt Text(const Piece& p) {
    Stmt s;
    s.kind = StmtKind::kText;
    s.pos = p.pos;
    s.text = p.text;
    return s;
  }
  static std::string Word(const Piece& p) {
    const Token& t = p.lexed.tokens.front();
    return t.kind == TokenKind::kName ? t.text : "";
  }
  static size_t WordPos(const Piece& p) { return p.lexed.tokens.front().pos; }

  std::unique_ptr<Node> ParseWhole(const Piece& p) {
    std::unique_ptr<Node> n = ParseTokens(p.lexed.tokens, issue_);
    if (!n) failed_ = true;
    return n;
  }

  // The parser over a statement's tokens, past its word.
  ExpressionParser Over(const Piece& p) {
    ExpressionParser e(p.lexed.tokens, issue_);
    e.Advance();
    return e;
  }
  bool Done(ExpressionParser& e) {
    if (e.failed()) return Fail(issue_->detail, issue_->pos, issue_->kind);
    if (!e.AtEnd()) {
      e.Unexpected();
      failed_ = true;
      return false;
    }
    return true;
  }
  bool Sync(ExpressionParser& e) {
    if (e.failed()) failed_ = true;
    return !e.failed();
  }

  bool Statement(Piece& p, const std::string& word, std::vector<Stmt>* body);
  bool If(Piece& p, std::vector<Stmt>* body);
  bool For(Piece& p, std::vector<Stmt>* body);
  bool Set(Piece& p, std::vector<Stmt>* body);
  bool Macro(Piece& p, std::vector<Stmt>* body, bool call);
  bool FilterBlock(Piece& p, std::vector<Stmt>* body);
  bool FilteredBody(ExpressionParser& e, Stmt s, const char* end_word, std::vector<Stmt>* body);
  bool With(Piece& p, std::vector<Stmt>* body);
  bool Block(Piece& p, std::vector<Stmt>* body);
  bool Include(Piece& p, std::vector<Stmt>* body);
  bool Import(Piece& p, std::vector<Stmt>* body, bool from);
  bool Targets(ExpressionParser& e, std::vector<std::string>* names);
  bool Params(ExpressionParser& e, Stmt* s);
  bool CheckCalls(const std::vector<Stmt>& body);

  std::vector<Piece>& pieces_;
  size_t next_ = 0;
  size_t end_pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  SyntaxIssue* issue_;
  // Names that can be called: macros defined or imported anywhere in the
  // template (Jinja resolves them when called), and `caller` in call blocks.
  std::set<std::string> callables_;
  std::set<std::string> modules_;  // names of imported templates
};

bool TreeBuilder::Statement(Piece& p, const std::string& word, std::vector<Stmt>* body) {
  if (word == "if") return If(p, body);
  if (word == "for") return For(p, body);
  if (word == "set") return Set(p, body);
  if (word == "macro") return Macro(p, body, false);
  if (word == "call") return Macro(p, body, true);
  if (word == "filter") return FilterBlock(p, body);
  if (word == "with") return With(p, body);
  if (word == "block") return Block(p, body);
  if (word == "include") return Include(p, body);
  if (word == "import") return Import(p, body, false);
  if (word == "from") return Import(p, body, true);
  if (word == "extends") {
    return Fail("'{% extends %}' (template inheritance) is not supported by hostprep", WordPos(p),
                IssueKind::kUnsupported);
  }
  if (word == "do" || word == "break" || word == "continue" || word == "trans" ||
      word == "autoescape" || word == "debug") {
    return Fail("'{% " + word +
                    " %}' is a Jinja extension that Ansible does not enable; hostprep does not "
                    "support it either",
                WordPos(p), IssueKind::kUnsupported);
  }
  if (word.empty()) return Fail("expected a statement name after '{%'", WordPos(p));
  return Fail("unknown statement '" + word + "'", WordPos(p));
}

bool TreeBuilder::If(Piece& p, std::vector<Stmt>* body) {
  Stmt s;
  s.kind = StmtKind::kIf;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  s.expr = e.Expression();
  if (!Done(e)) return false;
  std::string end;
  if (!Body(&s.body, {"elif", "else", "endif"}, &end)) return false;
  Piece& closing = pieces_[next_++];
  if (end == "elif") {
    if (!If(closing, &s.else_body)) return false;
    body->push_back(std::move(s));
    return true;  // the nested if consumed the endif
  }
  if (end == "else") {
    ExpressionParser after = Over(closing);
    if (!Done(after)) return false;
    if (!Body(&s.else_body, {"endif"}, &end)) return false;
    ++next_;
  }
  body->push_back(std::move(s));
  return true;
}

bool TreeBuilder::Targets(ExpressionParser& e, std::vector<std::string>* names) {
  bool paren = e.IsOp("(");
  if (paren) e.Advance();
  while (true) {
    if (e.Cur().kind != TokenKind::kName) {
      e.Fail("expected a variable name but found " + ExpressionParser::Describe(e.Cur()),
             e.Cur().pos);
      return Sync(e);
    }
    names->push_back(e.Cur().text);
    e.Advance();
    if (!e.IsOp(",")) break;
    e.Advance();
  }
  if (paren && !e.Expect(")")) return Sync(e);
  return true;
}

bool TreeBuilder::For(Piece& p, std::vector<Stmt>* body) {
  Stmt s;
  s.kind = StmtKind::kFor;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  if (!Targets(e, &s.targets)) return false;
  if (!e.IsName("in")) {
    e.Fail("expected 'in' but found " + ExpressionParser::Describe(e.Cur()), e.Cur().pos);
    return Sync(e);
  }
  e.Advance();
  s.expr = e.Tuple(false);
  if (!s.expr) return Sync(e);
  if (e.IsName("if")) {
    e.Advance();
    s.cond = e.Expression();
    if (!s.cond) return Sync(e);
  }
  if (e.IsName("recursive")) {
    e.Advance();
    s.recursive = true;
  }
  if (!Done(e)) return false;
  std::string end;
  if (!Body(&s.body, {"else", "endfor"}, &end)) return false;
  Piece& closing = pieces_[next_++];
  if (end == "else") {
    ExpressionParser after = Over(closing);
    if (!Done(after)) return false;
    if (!Body(&s.else_body, {"endfor"}, &end)) return false;
    ++next_;
  }
  body->push_back(std::move(s));
  return true;
}

bool TreeBuilder::Set(Piece& p, std::vector<Stmt>* body) {
  Stmt s;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  if (e.Cur().kind == TokenKind::kName && e.Peek().kind == TokenKind::kOperator &&
      e.Peek().text == ".") {
    // {% set ns.attr = value %}: only a namespace() takes attributes.
    s.targets.push_back(e.Cur().text);
    e.Advance();
    e.Advance();
    if (e.Cur().kind != TokenKind::kName) {
      e.Fail("expected an attribute name", e.Cur().pos);
      return Sync(e);
    }
    s.name = e.Cur().text;
    e.Advance();
  } else if (!Targets(e, &s.targets)) {
    return false;
  }
  if (e.IsOp("=")) {
    e.Advance();
    s.kind = StmtKind::kSet;
    s.expr = e.Tuple();
    if (!s.expr) return Sync(e);
    if (!Done(e)) return false;
    body->push_back(std::move(s));
    return true;
  }
  if (s.targets.size() != 1 || !s.name.empty()) {
    e.Fail("expected '='", e.Cur().pos);
    return Sync(e);
  }
  s.kind = StmtKind::kSetBlock;
  if (e.IsOp("|")) e.Advance();
  return FilteredBody(e, std::move(s), "endset", body);
}

// The filter chain of a `filter` block or a block `set` (none when the
// tag ends first), then the body up to `end`.
bool TreeBuilder::FilteredBody(ExpressionParser& e, Stmt s, const char* end_word,
                               std::vector<Stmt>* body) {
  if (!e.AtEnd()) {
    auto input = std::make_unique<Node>();
    input->kind = NodeKind::kName;
    input->name = std::string(kBlockBody);
    s.filter = e.FilterChain(std::move(input));
    if (!s.filter) return Sync(e);
  }
  if (!Done(e)) return false;
  std::string end;
  if (!Body(&s.body, {end_word}, &end)) return false;
  ++next_;
  body->push_back(std::move(s));
  return true;
}

// Macro parameters: `(a, b=1)`; defaults are expressions.
bool TreeBuilder::Params(ExpressionParser& e, Stmt* s) {
  if (!e.Expect("(")) return Sync(e);
  while (!e.IsOp(")")) {
    if (e.Cur().kind != TokenKind::kName) {
      e.Fail("expected a parameter name but found " + ExpressionParser::Describe(e.Cur()),
             e.Cur().pos);
      return Sync(e);
    }
    s->targets.push_back(e.Cur().text);
    e.Advance();
    std::unique_ptr<Node> def;
    if (e.IsOp("=")) {
      e.Advance();
      def = e.Expression();
      if (!def) return Sync(e);
    } else if (!s->defaults.empty() && s->defaults.back()) {
      e.Fail("parameter without a default after one with a default", e.Cur().pos);
      return Sync(e);
    }
    s->defaults.push_back(std::move(def));
    if (e.IsOp(")")) break;
    if (!e.Expect(",")) return Sync(e);
  }
  e.Advance();
  return true;
}

bool TreeBuilder::Macro(Piece& p, std::vector<Stmt>* body, bool call) {
  Stmt s;
  s.kind = call ? StmtKind::kCallBlock : StmtKind::kMacro;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  if (call) {
    if (e.IsOp("(") && !Params(e, &s)) return false;
    s.expr = e.Expression();
    if (!s.expr) return Sync(e);
    if (s.expr->kind != NodeKind::kCall) {
      return Fail("'{% call %}' needs a macro call such as 'm(1)'", s.expr->begin);
    }
  } else {
    if (e.Cur().kind != TokenKind::kName) {
      e.Fail("expected a macro name but found " + ExpressionParser::Describe(e.Cur()), e.Cur().pos);
      return Sync(e);
    }
    s.name = e.Cur().text;
    callables_.insert(s.name);
    e.Advance();
    if (!Params(e, &s)) return false;
  }
  if (!Done(e)) return false;
  std::string end;
  callables_.insert("caller");
  if (!Body(&s.body, {call ? "endcall" : "endmacro"}, &end)) return false;
  ++next_;
  body->push_back(std::move(s));
  return true;
}

bool TreeBuilder::FilterBlock(Piece& p, std::vector<Stmt>* body) {
  Stmt s;
  s.kind = StmtKind::kFilterBlock;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  if (e.AtEnd()) {
    e.Fail("expected a filter name", e.Cur().pos);
    return Sync(e);
  }
  return FilteredBody(e, std::move(s), "endfilter", body);
}

bool TreeBuilder::With(Piece& p, std::vector<Stmt>* body) {
  Stmt s;
  s.kind = StmtKind::kWith;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  while (!e.AtEnd()) {
    if (e.Cur().kind != TokenKind::kName) {
      e.Fail("expected a variable name but found " + ExpressionParser::Describe(e.Cur()),
             e.Cur().pos);
      return Sync(e);
    }
    s.targets.push_back(e.Cur().text);
    e.Advance();
    if (!e.Expect("=")) return Sync(e);
    std::unique_ptr<Node> value = e.Expression();
    if (!value) return Sync(e);
    s.defaults.push_back(std::move(value));
    if (e.AtEnd()) break;
    if (!e.Expect(",")) return Sync(e);
  }
  std::string end;
  if (!Body(&s.body, {"endwith"}, &end)) return false;
  ++next_;
  body->push_back(std::move(s));
  return true;
}

// Without `extends`, a block renders where it stands.
bool TreeBuilder::Block(Piece& p, std::vector<Stmt>* body) {
  ExpressionParser e = Over(p);
  if (e.Cur().kind != TokenKind::kName) {
    e.Fail("expected a block name", e.Cur().pos);
    return Sync(e);
  }
  e.Advance();
  if (e.IsName("scoped")) e.Advance();
  if (e.IsName("required")) e.Advance();
  if (!Done(e)) return false;
  std::string end;
  if (!Body(body, {"endblock"}, &end)) return false;
  Piece& closing = pieces_[next_++];
  ExpressionParser after = Over(closing);
  if (after.Cur().kind == TokenKind::kName) after.Advance();
  return Done(after);
}

bool TreeBuilder::Include(Piece& p, std::vector<Stmt>* body) {
  Stmt s;
  s.kind = StmtKind::kInclude;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  s.expr = e.Expression();
  if (!s.expr) return Sync(e);
  if (e.IsName("ignore") && e.Peek().kind == TokenKind::kName && e.Peek().text == "missing") {
    e.Advance();
    e.Advance();
    s.ignore_missing = true;
  }
  if ((e.IsName("with") || e.IsName("without")) && e.Peek().kind == TokenKind::kName &&
      e.Peek().text == "context") {
    e.Advance();
    e.Advance();
  }
  if (!Done(e)) return false;
  body->push_back(std::move(s));
  return true;
}

bool TreeBuilder::Import(Piece& p, std::vector<Stmt>* body, bool from) {
  Stmt s;
  s.kind = from ? StmtKind::kFromImport : StmtKind::kImport;
  s.pos = p.pos;
  ExpressionParser e = Over(p);
  s.expr = e.Expression();
  if (!s.expr) return Sync(e);
  auto name = [&](std::string* out) {
    if (e.Cur().kind != TokenKind::kName) {
      e.Fail("expected a name but found " + ExpressionParser::Describe(e.Cur()), e.Cur().pos);
      return false;
    }
    *out = e.Cur().text;
    e.Advance();
    return true;
  };
  if (!from) {
    if (!e.IsName("as")) {
      e.Fail("expected 'as' but found " + ExpressionParser::Describe(e.Cur()), e.Cur().pos);
      return Sync(e);
    }
    e.Advance();
    if (!name(&s.name)) return Sync(e);
    modules_.insert(s.name);
  } else {
    if (!e.IsName("import")) {
      e.Fail("expected 'import' but found " + ExpressionParser::Describe(e.Cur()), e.Cur().pos);
      return Sync(e);
    }
    e.Advance();
    while (!e.AtEnd() && !e.IsName("with") && !e.IsName("without")) {
      std::string target, alias;
      if (!name(&target)) return Sync(e);
      alias = target;
      if (e.IsName("as")) {
        e.Advance();
        if (!name(&alias)) return Sync(e);
      }
      s.targets.push_back(target);
      s.aliases.push_back(alias);
      callables_.insert(alias);
      if (!e.IsOp(",")) break;
      e.Advance();
    }
  }
  if ((e.IsName("with") || e.IsName("without")) && e.Peek().kind == TokenKind::kName &&
      e.Peek().text == "context") {
    e.Advance();
    e.Advance();
  }
  if (!Done(e)) return false;
  body->push_back(std::move(s));
  return true;
}

// Jinja's own functions, and what Ansible adds to them, that hostprep has.
bool IsGlobalFunction(const std::string& name) {
  static const std::set<std::string> kNames = {"range", "dict", "namespace", "lookup", "query",
                                               "q",     "now",  "loop",      "caller"};
  return kNames.count(name) > 0;
}

// Jinja's functions that hostprep does not have: refused by name.
bool IsUnsupportedFunction(const std::string& name) {
  static const std::set<std::string> kNames = {"super", "lipsum", "cycler", "joiner", "undef"};
  return kNames.count(name) > 0;
}

// Why a lookup('plugin', ...) named with a literal cannot run: "" when
// hostprep has the plugin.
std::string UnknownLookup(const std::string& plugin) {
  const std::vector<std::string>& known = LookupNames();
  if (std::find(known.begin(), known.end(), plugin) != known.end()) return "";
  return "unknown lookup '" + plugin + "'" + DidYouMeanSuffix(plugin, known) + " (hostprep has " +
         fmt::format("{}", fmt::join(known, ", ")) + ")";
}

// Called names: "f" for f(), "m.f" for m.f() where f is no known method,
// and "lookup:x" for lookup('x', ...) (query and q too) naming its plugin
// with a literal.
void CollectCalls(const Node& n, std::vector<std::pair<std::string, size_t>>* calls) {
  if (n.kind == NodeKind::kCall && n.kids[0]->kind == NodeKind::kName) {
    const std::string& f = n.kids[0]->name;
    calls->emplace_back(f, n.kids[0]->begin);
    if ((f == "lookup" || f == "query" || f == "q") && n.kids.size() > 1 &&
        n.arg_names[0].empty() && n.kids[1]->kind == NodeKind::kLiteral &&
        n.kids[1]->literal.is_string()) {
      calls->emplace_back("lookup:" + n.kids[1]->literal.get<std::string>(), n.kids[1]->begin);
    }
  }
  if (n.kind == NodeKind::kCall && n.kids[0]->kind == NodeKind::kGetAttr &&
      !IsKnownMethod(n.kids[0]->name)) {
    calls->emplace_back(n.kids[0]->kids[0]->name + "." + n.kids[0]->name, n.kids[0]->end);
  }
  for (const auto& kid : n.kids) {
    if (kid) CollectCalls(*kid, calls);
  }
}

void CollectCallsVisitor(const Node& n, void* ctx) {
  CollectCalls(n, static_cast<std::vector<std::pair<std::string, size_t>>*>(ctx));
}

// A function name that is neither Jinja's nor Ansible's nor a macro of the
// template is refused here, before anything renders.
bool TreeBuilder::CheckCalls(const std::vector<Stmt>& body) {
  std::vector<std::pair<std::string, size_t>> calls;
  VisitExpressions(body, CollectCallsVisitor, &calls);
  for (const auto& [name, pos] : calls) {
    if (IsGlobalFunction(name) || callables_.count(name)) continue;
    if (IsUnsupportedFunction(name)) {
      return Fail("function '" + name + "()' is not supported by hostprep", pos,
                  IssueKind::kUnknownName);
    }
    if (name.starts_with("lookup:")) {
      const std::string unknown = UnknownLookup(name.substr(7));
      if (unknown.empty()) continue;
      return Fail(unknown, pos, IssueKind::kUnknownName);
    }
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      return Fail("unknown function '" + name + "()'", pos, IssueKind::kUnknownName);
    }
    if (!modules_.count(name.substr(0, dot))) {
      return Fail("unknown method '." + name.substr(dot + 1) + "()'", pos, IssueKind::kUnknownName);
    }
  }
  return true;
}

void VisitStmt(const Stmt& s, void (*visit)(const Node&, void*), void* ctx) {
  for (const std::unique_ptr<Node>* n : {&s.expr, &s.cond, &s.filter}) {
    if (*n) visit(**n, ctx);
  }
  for (const auto& d : s.defaults) {
    if (d) visit(*d, ctx);
  }
  VisitExpressions(s.body, visit, ctx);
  VisitExpressions(s.else_body, visit, ctx);
}

}  // namespace

void VisitExpressions(const std::vector<Stmt>& body, void (*visit)(const Node&, void*), void* ctx) {
  for (const Stmt& s : body) VisitStmt(s, visit, ctx);
}

bool NeedsRendering(std::string_view text) { return FindTag(text, 0) != std::string_view::npos; }

namespace {

// "#jinja2: trim_blocks: False, lstrip_blocks: True" on a template's first
// line changes how the rest is read, as Ansible's Templar does.
Status ApplyHeader(std::string_view* text, TemplateOptions* o) {
  constexpr std::string_view kHeader = "#jinja2:";
  if (!text->starts_with(kHeader)) return Status::Ok();
  size_t eol = text->find('\n');
  std::string_view line =
      text->substr(kHeader.size(),
                   eol == std::string_view::npos ? std::string_view::npos : eol - kHeader.size());
  *text = eol == std::string_view::npos ? std::string_view() : text->substr(eol + 1);
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
      v.remove_suffix(1);
    return std::string(v);
  };
  size_t start = 0;
  while (start <= line.size()) {
    size_t comma = line.find(',', start);
    std::string_view pair =
        line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    start = comma == std::string_view::npos ? line.size() + 1 : comma + 1;
    size_t colon = pair.find(':');
    if (colon == std::string_view::npos) {
      return Status::Error("the '#jinja2:' header needs key: value pairs, got '" + trim(pair) +
                           "'");
    }
    const std::string key = trim(pair.substr(0, colon)), value = trim(pair.substr(colon + 1));
    bool* flag = key == "trim_blocks"             ? &o->trim_blocks
                 : key == "lstrip_blocks"         ? &o->lstrip_blocks
                 : key == "keep_trailing_newline" ? &o->keep_trailing_newline
                                                  : nullptr;
    if (key == "newline_sequence" && (value == "'\\n'" || value == "\"\\n\"")) continue;
    if (!flag) {
      return Status::Error("the '#jinja2:' header sets '" + key +
                           "', which hostprep does not support (trim_blocks, lstrip_blocks and "
                           "keep_trailing_newline are)");
    }
    if (value != "True" && value != "False") {
      return Status::Error("the '#jinja2:' header sets '" + key + "' to '" + value +
                           "'; it takes True or False");
    }
    *flag = value == "True";
  }
  return Status::Ok();
}

}  // namespace

Result<ParsedTemplate> ParseTemplate(std::string_view text, const TemplateOptions& given) {
  TemplateOptions options = given;
  Status header = ApplyHeader(&text, &options);
  if (!header.ok()) {
    return options.origin.empty() ? header : header.WithContext(options.origin + ":1");
  }
  ParsedTemplate out;
  out.origin = options.origin;
  out.source = NormalizeNewlines(text);
  size_t n = out.source.size();
  while (n > 0 && out.source[n - 1] == '\n') --n;
  out.trailing_newlines = out.source.size() - n;
  if (!options.keep_trailing_newline && out.trailing_newlines > 0) out.source.pop_back();
  std::vector<Piece> pieces;
  SyntaxIssue issue;
  size_t block_begin = 0;
  if (!ScanTemplate(out.source, options, &pieces, &issue, &block_begin)) {
    return FormatTemplateIssue(out.source, issue, block_begin, options.origin);
  }
  TreeBuilder builder(&pieces, &issue);
  if (!builder.Build(&out.body)) {
    size_t begin = issue.pos;
    for (const Piece& p : pieces) {
      if (p.pos <= issue.pos) begin = p.pos;
    }
    return FormatTemplateIssue(out.source, issue, begin, options.origin);
  }
  // Only a template with nothing around its one block keeps the native type:
  // text around it, even a newline ("{{ item }}\n"), is part of the string.
  out.single_expression =
      out.body.size() == 1 && out.body[0].kind == StmtKind::kOutput && out.trailing_newlines == 0;
  return out;
}

Result<ParsedExpression> ParseExpression(std::string_view expr) {
  ParsedExpression out;
  out.source = std::string(expr);
  LexOutput lexed;
  SyntaxIssue issue;
  if (!LexExpression(expr, 0, kBareExpression, &lexed, &issue)) {
    return FormatTemplateIssue(expr, issue, 0, "");
  }
  out.root = ParseTokens(lexed.tokens, &issue);
  if (!out.root) return FormatTemplateIssue(expr, issue, 0, "");
  std::vector<std::pair<std::string, size_t>> calls;
  CollectCalls(*out.root, &calls);
  for (const auto& [name, pos] : calls) {
    if (IsGlobalFunction(name) && name != "caller" && name != "loop" && name != "super") continue;
    const size_t dot = name.find('.');
    if (name.starts_with("lookup:")) {
      const std::string unknown = UnknownLookup(name.substr(7));
      if (unknown.empty()) continue;
      issue = {unknown, pos, IssueKind::kUnknownName};
    } else if (IsUnsupportedFunction(name)) {
      issue = {"function '" + name + "()' is not supported by hostprep", pos,
               IssueKind::kUnknownName};
    } else {
      issue = {dot == std::string::npos ? "unknown function '" + name + "()'"
                                        : "unknown method '." + name.substr(dot + 1) + "()'",
               pos, IssueKind::kUnknownName};
    }
    return FormatTemplateIssue(expr, issue, 0, "");
  }
  return out;
}

}  // namespace hostprep
