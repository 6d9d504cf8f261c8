#include "engine/template/templar.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/base/text.h"
#include "engine/template/evaluator.h"
#include "engine/template/template_parser.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

// A broken invariant deep inside (a bad_alloc, a nlohmann type error we did
// not foresee) must not escape the API as an exception.
template <typename T, typename Fn>
Result<T> Guarded(Fn fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Error(std::string("internal error while templating: ") + e.what());
  }
}

Status CheckValue(const Value& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!NeedsRendering(s)) return Status::Ok();
    Result<ParsedTemplate> parsed = ParseTemplate(s);
    return parsed.status();
  }
  if (v.is_array() || v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (v.is_object()) {
        Status s = CheckValue(Value(it.key()));
        if (!s.ok()) return s;
      }
      Status s = CheckValue(it.value());
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

void CollectReferences(const Value& v, std::set<std::string>* out) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!NeedsRendering(s)) return;
    Result<ParsedTemplate> parsed = ParseTemplate(s);
    if (!parsed.ok()) return;
    std::vector<std::string> names;
    VisitExpressions(
        parsed->body,
        [](const Node& n, void* ctx) {
          CollectNames(n, static_cast<std::vector<std::string>*>(ctx));
        },
        &names);
    out->insert(names.begin(), names.end());
  } else if (v.is_array() || v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (v.is_object()) CollectReferences(Value(it.key()), out);
      CollectReferences(it.value(), out);
    }
  }
}

}  // namespace

Result<Value> Templar::Render(const Value& v) const {
  return Guarded<Value>([&] { return Evaluator(vars_).RenderValue(v); });
}

Result<Value> Templar::RenderString(std::string_view text) const {
  if (!NeedsRendering(text)) return Value(std::string(text));
  return Guarded<Value>([&] { return Evaluator(vars_).RenderText(text); });
}

Result<std::string> Templar::RenderDocument(std::string_view text, const TemplateOptions& options,
                                            const TemplateLoader* loader) const {
  return Guarded<std::string>(
      [&] { return Evaluator(vars_).RenderDocument(text, options, loader); });
}

Result<Value> Templar::Evaluate(std::string_view expr) const {
  return Guarded<Value>([&] { return Evaluator(vars_).EvaluateExpression(expr); });
}

namespace {

// What to write instead of a condition that gave `v`, by its type.
std::string ConditionAdvice(std::string_view text, const Value& v) {
  std::string expr = Trim(std::string(text));
  if (StartsWith(expr, "{{") && EndsWith(expr, "}}"))  // "{{ x }}": suggest bare expressions
    expr = Trim(expr.substr(2, expr.size() - 4));
  if (v.is_string()) {
    return fmt::format(
        "write '{0} | bool' for a yes/no string, or '{0} | length > 0' for "
        "\"not empty\"",
        expr);
  }
  if (v.is_array() || v.is_object()) return fmt::format("write '{} | length > 0'", expr);
  if (v.is_null()) return fmt::format("write '{} is not none'", expr);
  return fmt::format("write '{} != 0' or '{} | bool'", expr, expr);
}

const char kBrokenConditionalsHint[] =
    "(or set allow_broken_conditionals = true under [defaults] in ansible.cfg to count values by "
    "their truthiness, as Ansible 2.14 did)";

}  // namespace

// Ansible accepts a condition wrapped in "{{ }}" (2.19 with a deprecation
// warning); so does hostprep. Text around a "{{ }}" (`x == '{{ y }}'`) is
// refused: Ansible would render it and then evaluate the result as code,
// which breaks on quotes in values.
Result<bool> Templar::EvaluateCondition(std::string_view expr, ConditionRule rule) const {
  std::string text = Trim(expr);
  if (text.empty()) {
    if (rule == ConditionRule::kTruthy) return true;
    return Status::Error(std::string("the condition is empty; write true, or remove the key ") +
                         kBrokenConditionalsHint);
  }
  if (NeedsRendering(text)) {
    Result<ParsedTemplate> parsed = ParseTemplate(text);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->single_expression) {
      return Status::Error("condition '" + text +
                           "' mixes text and '{{ }}'; write it as a bare expression such as "
                           "\"x == y\"");
    }
  }
  const bool wrapped = NeedsRendering(text);
  Result<Value> v = wrapped ? RenderString(text) : Evaluate(text);
  if (!v.ok()) return v.status();
  if (v->is_boolean()) return v->get<bool>();
  // Ansible 2.14 evaluates a bare condition inside "{% if %}": Jinja's
  // truthiness, so the string "false" is true. A wrapped one is rendered
  // to text first and that text evaluated again: "false", "no", "0" and ""
  // are false there, which Truthy (Ansible's boolean strings) gives without
  // running the text as an expression.
  if (rule == ConditionRule::kTruthy) return wrapped ? Truthy(*v) : PyTruthy(*v);
  std::string shown = v->is_null() ? "None" : ToText(*v);
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  return Status::Error(fmt::format(
      "condition '{}' gave {} (type {}), not true or false, and a condition must be a boolean "
      "as in Ansible 2.19: {} {}",
      text, PyRepr(Value(shown)), PyTypeName(*v), ConditionAdvice(text, *v),
      kBrokenConditionalsHint));
}

const std::string& OmitToken() {
  static const std::string kToken = [] {
    std::random_device random;
    std::string token = "__omit_place_holder__";
    for (int i = 0; i < 40; ++i) token += "0123456789abcdef"[random() % 16];
    return token;
  }();
  return kToken;
}

Value WithoutOmitted(const Value& args) {
  if (args.is_array()) {
    Value out = Value::array();
    for (const Value& v : args) out.push_back(v.is_object() ? WithoutOmitted(v) : v);
    return out;
  }
  if (!args.is_object()) return args;
  Value out = Value::object();
  for (auto it = args.begin(); it != args.end(); ++it) {
    if (it.value().is_string() && it.value().get<std::string>() == OmitToken()) continue;
    out[it.key()] = WithoutOmitted(it.value());
  }
  return out;
}

// As Jinja2 (and Ansible) see it: an expression, a statement or a comment.
// A string with only "{%" is a template too: rendering it literally would
// run `echo {% if x %}a{% endif %}` as written where Ansible runs `echo a`.
bool IsTemplate(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos ||
         text.find("{#") != std::string_view::npos;
}

Status CheckTemplateSyntax(const Value& v) {
  Result<bool> r = Guarded<bool>([&]() -> Result<bool> {
    Status s = CheckValue(v);
    if (!s.ok()) return s;
    return true;
  });
  return r.status();
}

Status CheckExpressionSyntax(std::string_view expr) {
  Result<bool> r = Guarded<bool>([&]() -> Result<bool> {
    Result<ParsedExpression> parsed = ParseExpression(expr);
    if (!parsed.ok()) return parsed.status();
    return true;
  });
  return r.status();
}

std::set<std::string> ReferencedVariables(const Value& v) {
  std::set<std::string> out;
  try {
    CollectReferences(v, &out);
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

std::set<std::string> ReferencedVariablesInExpression(std::string_view expr) {
  std::set<std::string> out;
  try {
    Result<ParsedExpression> parsed = ParseExpression(expr);
    if (!parsed.ok()) return out;
    std::vector<std::string> names;
    CollectNames(*parsed->root, &names);
    out.insert(names.begin(), names.end());
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

}  // namespace hostprep
