// Templating: "{{ expr }}" inside any string, and bare expressions for `when`,
// `changed_when`, `failed_when`.
//
// Templates are Jinja2 as Ansible renders them: statements
// (template_parser.h), the full expression grammar (expression_parser.h),
// calls of macros, globals and methods, and the filters and tests of
// filters.h and predicates.h.
//
// Rendering is lazy and recursive: when a template uses a variable whose
// value is itself a string with "{{", that value is rendered then, with the
// same variables (a loop between variables is an error). So a variable whose
// value uses syntax this engine does not support only fails the templates
// that use it, and the error names the variable and where it came from.
//
// A string that is exactly one "{{ expr }}" (nothing before or after it)
// renders to the expression's native value (a list stays a list, a number a
// number); any other string renders to a string.
//
// All functions are pure and thread-safe given a Variables that is not being
// written. Errors are Status messages without a location: the caller, who
// knows where the template came from, prefixes it.
#ifndef HOSTPREP_ENGINE_TEMPLATE_TEMPLAR_H_
#define HOSTPREP_ENGINE_TEMPLATE_TEMPLAR_H_

#include <set>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/evaluator.h"
#include "engine/template/template_parser.h"
#include "engine/template/variables.h"

namespace hostprep {

// How a condition's value decides: Ansible 2.19's rule, or 2.14's.
enum class ConditionRule {
  // Ansible 2.19 (the default): the condition must give true or false.
  // `when: result.stdout` is an error, not a silent "non-empty means true".
  kBoolean,
  // Ansible 2.14, or 2.19 with allow_broken_conditionals: any value counts
  // by its truthiness, as 2.14.18 evaluates it: Jinja's (a non-empty string
  // is true, even "false") for a bare expression, Ansible's boolean strings
  // (Truthy in value.h) for one wrapped in "{{ }}"; an empty condition is
  // true.
  kTruthy,
};

class Templar {
 public:
  explicit Templar(const Variables& vars) : vars_(vars) {}

  // Renders every string inside `v` (recursively through lists and mappings;
  // mapping keys too). Non-string scalars are returned as they are.
  // Errors: "undefined variable 'x'", "unknown filter 'regex_replace'",
  // "in variable 'bin_dir' (from group_vars/all.yml): ...", syntax errors
  // with the offending text: "syntax error in '{{ a + }}' at column 8: unexpected
  // end of expression".
  Result<Value> Render(const Value& v) const;

  // Renders one string as Render does.
  Result<Value> RenderString(std::string_view text) const;

  // Renders a whole template file as Ansible's template module does: Jinja
  // statements, trim_blocks on, always text, the trailing newlines of the
  // source kept. Errors name options.origin with line and column. `loader`
  // finds what `{% include %}` and `{% import %}` name (null: nothing).
  Result<std::string> RenderDocument(std::string_view text, const TemplateOptions& options,
                                     const TemplateLoader* loader) const;

  // Evaluates a bare expression (no braces): `when: x is defined and y`.
  Result<Value> Evaluate(std::string_view expr) const;

  // Evaluates a condition (`when`, `changed_when`, `failed_when`, `until`).
  // A condition written with braces ("{{ x }}") is accepted too. Under
  // ConditionRule::kBoolean a value that is not a boolean, and an empty
  // condition, are errors that say how to write the condition instead.
  Result<bool> EvaluateCondition(std::string_view expr, ConditionRule rule) const;

 private:
  const Variables& vars_;
};

// The value of the `omit` variable: one per process, shaped as Ansible's
// ("__omit_place_holder__" and 40 random hex digits). A module argument
// that renders to exactly it is left out, as if it were not written.
const std::string& OmitToken();

// `args` without the mapping entries whose value is OmitToken(), also in
// nested mappings and in mappings inside lists, as Ansible's remove_omit
// (a list item that is the token stays).
Value WithoutOmitted(const Value& args);

// True when `text` contains a "{{" template.
bool IsTemplate(std::string_view text);

// Checks the syntax of every template inside `v` (or of one bare expression)
// without evaluating anything; for `hostprep validate`. The error names the
// bad text and the column within it.
Status CheckTemplateSyntax(const Value& v);
Status CheckExpressionSyntax(std::string_view expr);

// The top-level variable names that the templates inside `v` (or a bare
// expression) refer to: `x.y | default(z)` gives {x, z}. Used to find which
// tasks read a `register`ed result. Names bound inside an expression
// (none today) are excluded. Syntax errors give an empty set.
std::set<std::string> ReferencedVariables(const Value& v);
std::set<std::string> ReferencedVariablesInExpression(std::string_view expr);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_TEMPLAR_H_
