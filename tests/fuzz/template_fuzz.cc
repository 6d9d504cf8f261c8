// The template engine on arbitrary text: the lexer and parser of "{{ }}"
// blocks and bare expressions, and the evaluator with every filter and test,
// against a small fixed set of variables (numbers, strings, lists, mappings,
// variables that are templates themselves, a loop between two variables, a
// variable with a syntax error, a host's output that is not UTF-8).
//
// The text is rendered as a template (a string and a file), evaluated as a bare expression and as
// a condition, checked for syntax, scanned for the variables it reads, and
// stored as a variable that another template reads (lazy rendering). The
// syntax check and the renderings must agree: what passes the check never
// fails to render with a syntax error of its own, and what fails it never
// renders.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/templar.h"
#include "engine/template/template_parser.h"
#include "engine/template/variables.h"
#include "tests/fuzz/fuzz_util.h"

namespace hostprep {
namespace {

const Variables& BaseVars() {
  static const Variables* vars = [] {
    auto* v = new Variables;
    v->SetAll(Value::parse(R"({
      "name": "web", "count": 3, "ratio": 0.5, "flag": true, "off": false, "nothing": null,
      "empty": "", "words": ["a", "b", "c"], "nums": [3, 1, 2], "big": 9223372036854775807,
      "conf": {"port": 8080, "hosts": ["h1", "h2"], "tls": {"on": true}},
      "pairs": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
      "key": "port", "idx": 1, "text": "  Hello World  ", "b64": "aGVsbG8=",
      "tmpl": "{{ name }}-{{ count }}", "list_tmpl": ["{{ name }}", "{{ words }}"],
      "loop_a": "{{ loop_b }}", "loop_b": "{{ loop_a }}",
      "broken": "{{ 1 + }}", "uses_missing": "{{ missing }}"
    })"),
              "fuzz vars");
    // What a registered command may print: bytes that are not UTF-8.
    v->Set("binary", Value(std::string("\xff\xfe\0 out", 7)), "register");
    return v;
  }();
  return *vars;
}

// An error that comes from the text's own syntax, not from evaluating it (a
// variable's template is quoted "in variable 'x' ...: syntax error ...").
bool IsSyntaxError(const std::string& message) {
  return message.rfind("syntax error", 0) == 0 || message.rfind("unsupported syntax", 0) == 0 ||
         message.rfind("unknown filter", 0) == 0 || message.rfind("unknown test", 0) == 0;
}

void CheckRendered(const Result<Value>& r) {
  if (!r.ok()) {
    fuzz::RequireMessage(r.message());
    return;
  }
  (void)r->dump(-1, ' ', false, Value::error_handler_t::replace);
}

void FuzzTemplate(const std::string& text) {
  const Variables& vars = BaseVars();
  Templar templar(vars);

  const Status syntax = CheckTemplateSyntax(Value(text));
  if (!syntax.ok()) fuzz::RequireMessage(syntax.message());
  const Result<Value> rendered = templar.RenderString(text);
  CheckRendered(rendered);
  if (syntax.ok() && !rendered.ok()) {
    fuzz::Require(!IsSyntaxError(rendered.message()),
                  "a template that passes the syntax check renders without a syntax error");
  }
  if (!syntax.ok()) fuzz::Require(!rendered.ok(), "a template with a syntax error does not render");
  (void)ReferencedVariables(Value(text));

  // The text as a template file: Ansible's trailing newlines, trim_blocks,
  // a `#jinja2:` header, errors located in the file.
  TemplateOptions document;
  document.origin = "fuzz.j2";
  const Result<std::string> file = templar.RenderDocument(text, document, nullptr);
  if (!file.ok()) fuzz::RequireMessage(file.message());

  const Status expr_syntax = CheckExpressionSyntax(text);
  if (!expr_syntax.ok()) fuzz::RequireMessage(expr_syntax.message());
  const Result<Value> evaluated = templar.Evaluate(text);
  CheckRendered(evaluated);
  if (expr_syntax.ok() && !evaluated.ok()) {
    fuzz::Require(!IsSyntaxError(evaluated.message()),
                  "an expression that passes the syntax check evaluates without a syntax error");
  }
  if (!expr_syntax.ok()) {
    fuzz::Require(!evaluated.ok(), "an expression with a syntax error does not evaluate");
  }
  (void)ReferencedVariablesInExpression(text);

  for (ConditionRule rule : {ConditionRule::kBoolean, ConditionRule::kTruthy}) {
    const Result<bool> condition = templar.EvaluateCondition(text, rule);
    if (!condition.ok()) fuzz::RequireMessage(condition.message());
  }

  // The text as a variable's value, rendered lazily through another template
  // and inside a list.
  Variables scope(&vars);
  scope.Set("fuzz", Value(text), "fuzz input");
  Templar lazy(scope);
  CheckRendered(lazy.RenderString("{{ fuzz }}"));
  CheckRendered(lazy.RenderString("{{ fuzz | default('d') }}/{{ fuzz is defined }}"));
  CheckRendered(lazy.Render(Value::array({"{{ fuzz }}", Value::object({{text, text}})})));
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzTemplate(hostprep::fuzz::Text(data, size));
  return 0;
}
