// Parses a Jinja2 template into a tree of statements, as Ansible's Jinja2
// environment reads it, and formats syntax errors for the user. Pure
// functions, thread-safe.
//
// Tags: "{{ expr }}", "{% statement %}", "{# comment #}", with Jinja's
// whitespace control: "-" after the opening or before the closing braces
// strips all whitespace on that side; "+" keeps it (against trim_blocks
// and lstrip_blocks). trim_blocks (on by default, as in Ansible) removes
// the first newline after a statement or comment tag; lstrip_blocks (off by
// default) removes the spaces and tabs before one at the start of a line.
// Newlines in the source ("\r\n", "\r") read as "\n"; one trailing newline
// is dropped before parsing, as Jinja does (the renderer puts back what
// Ansible puts back). A "{#" with no "#}" after it is kept as text (Jinja
// rejects it), so shell snippets such as "${#list[@]}" need no escaping.
//
// Statements: if/elif/else, for (else, a filtering `if`, tuple targets,
// `recursive`), set (also `set ns.attr` and block set with filters),
// macro, call, filter, with, block (rendered in place), raw, include,
// import, from ... import. `extends` and the extension tags (do, break,
// continue, trans, autoescape) are errors saying so.
#ifndef HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_PARSER_H_
#define HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_PARSER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/template/expression_parser.h"

namespace hostprep {

enum class StmtKind {
  kText,         // text
  kOutput,       // {{ expr }}
  kIf,           // if expr: body, else else_body (an elif is an kIf alone in else_body)
  kFor,          // for targets in expr [if cond] [recursive]: body, else else_body
  kSet,          // set targets = expr; set targets[0].name = expr (a namespace attribute)
  kSetBlock,     // set targets[0] [| filter]: body
  kMacro,        // macro name(targets with defaults): body
  kCallBlock,    // call[(targets with defaults)] expr (a kCall): body is `caller`
  kFilterBlock,  // filter chain: body through `filter`
  kWith,         // with targets = defaults: body
  kInclude,      // include expr [ignore missing] [with|without context]
  kImport,       // import expr as name
  kFromImport,   // from expr import targets as aliases
};

struct Stmt {
  StmtKind kind = StmtKind::kText;
  size_t pos = 0;                // offset of the tag in the source
  std::string text;              // kText
  std::unique_ptr<Node> expr;    // see StmtKind
  std::unique_ptr<Node> cond;    // kFor: the filtering `if`
  std::unique_ptr<Node> filter;  // kFilterBlock, kSetBlock: applied to a kName kBlockBody
  std::string name;              // kMacro, kImport: the name; kSet: the attribute
  std::vector<std::string> targets;
  std::vector<std::string> aliases;             // kFromImport
  std::vector<std::unique_ptr<Node>> defaults;  // per target (null: none)
  std::vector<Stmt> body;
  std::vector<Stmt> else_body;
  bool recursive = false;       // kFor
  bool ignore_missing = false;  // kInclude
};

// The variable name that stands for a filter block's rendered body.
inline constexpr std::string_view kBlockBody =
    "\x01"
    "body";

// How templates are read; Ansible's template module and its `#jinja2:`
// header may change these.
struct TemplateOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
  // Where errors say the template came from ("roles/x/templates/a.j2"):
  // when set, errors read "<origin>:<line>:<col>: ..." with the line and a
  // caret; else they quote the template as "... in '<text>' at column N".
  std::string origin;
};

struct ParsedTemplate {
  std::string source;  // the normalized source; node and statement offsets point into it
  std::string origin;
  std::vector<Stmt> body;
  // True when the template is one "{{ }}" block and nothing else: it
  // renders to the expression's native value (single()).
  bool single_expression = false;
  // Trailing "\n"s of the source as given, which Ansible restores.
  size_t trailing_newlines = 0;
  const Node* single() const { return single_expression ? body[0].expr.get() : nullptr; }
};

struct ParsedExpression {
  std::string source;
  std::unique_ptr<Node> root;
};

// True when `text` holds "{{", "{%" or "{#": anything a template would act on.
bool NeedsRendering(std::string_view text);

// Parses a template. Errors read
//   syntax error in '{{ a + }}': unexpected end of expression at column 8
//   unknown filter 'lowr' in '{{ x | lowr }}' at column 8 (did you mean 'lower'?)
//   a.j2:3:4: syntax error: 'endfor' without 'for'   (with options.origin)
// with a 1-based column within the quoted text. A template longer than 120
// characters is quoted by its offending block only.
Result<ParsedTemplate> ParseTemplate(std::string_view text, const TemplateOptions& options = {});

// Parses a bare expression (a `when:` condition); errors as above, quoting
// the expression.
Result<ParsedExpression> ParseExpression(std::string_view expr);

// Every expression node of a template, in order (for names it reads).
void VisitExpressions(const std::vector<Stmt>& body, void (*visit)(const Node&, void*), void* ctx);

// A 1-based line and column of `offset` in `text`, and the text of that line.
struct SourcePosition {
  size_t line = 1;
  size_t column = 1;
  std::string_view line_text;
};
SourcePosition PositionOf(std::string_view text, size_t offset);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_PARSER_H_
