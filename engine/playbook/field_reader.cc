#include "engine/playbook/field_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <tuple>

#include "engine/base/text.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

std::string DescribeForError(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (ToValue(node).is_string()) return fmt::format("'{}'", node.Scalar());
  return node.Scalar();
}

namespace {

// A field that holds a template can only be known per host; the fields read
// here are needed before any host is, so say why the template is refused.
std::string TemplateHint(const YAML::Node& node) {
  if (node.IsScalar() && IsTemplate(node.Scalar())) return " (templates are not supported here)";
  return "";
}

}  // namespace

FieldReader::FieldReader(std::string file, std::string dir)
    : file_(std::move(file)), dir_(std::move(dir)) {}

SourceLocation FieldReader::At(const YAML::Node& node) const { return LocationOf(file_, node); }

std::string FieldReader::Resolve(const std::string& path) const {
  std::filesystem::path p(path);
  if (p.is_absolute() || dir_.empty()) return path;
  return (std::filesystem::path(dir_) / p).string();
}

void FieldReader::Error(const YAML::Node& node, std::string message) {
  Error(At(node), std::move(message));
}

void FieldReader::Error(const SourceLocation& location, std::string message) {
  items_.push_back({location.line, location.column, {location, std::move(message)}});
}

void FieldReader::Adopt(const Diagnostics& other, const SourceLocation& anchor) {
  for (const Diagnostic& d : other.items()) {
    const SourceLocation& at = anchor.known() ? anchor : d.location;
    items_.push_back({at.line, at.column, d});
  }
}

void FieldReader::Flush(Diagnostics* diags) {
  std::stable_sort(items_.begin(), items_.end(), [](const Held& a, const Held& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  for (Held& held : items_) diags->Add(held.diagnostic.location, held.diagnostic.message);
  items_.clear();
}

bool FieldReader::ReadBool(const std::string& key, const YAML::Node& node, bool* out) {
  if (node.IsScalar()) {
    // Quoted "yes" and "true" are accepted too: users quote them to be safe.
    const std::string text = ToLower(node.Scalar());
    if (text == "true" || text == "yes" || text == "on") {
      *out = true;
      return true;
    }
    if (text == "false" || text == "no" || text == "off") {
      *out = false;
      return true;
    }
  }
  Error(node, fmt::format("'{}' must be a boolean (true or false), not {}{}", key,
                          DescribeForError(node), TemplateHint(node)));
  return false;
}

bool FieldReader::ReadInt(const std::string& key, const YAML::Node& node, int min, int max,
                          int* out) {
  Value v = node.IsScalar() ? ScalarToValue(node.Scalar(), false) : Value();
  if (!v.is_number_integer()) {
    Error(node, fmt::format("'{}' must be an integer, not {}{}", key, DescribeForError(node),
                            TemplateHint(node)));
    return false;
  }
  const long long n = v.get<long long>();
  if (n < min || n > max) {
    Error(node, max == INT32_MAX
                    ? fmt::format("'{}' must be {} or more, not {}", key, min, n)
                    : fmt::format("'{}' must be between {} and {}, not {}", key, min, max, n));
    return false;
  }
  *out = static_cast<int>(n);
  return true;
}

bool FieldReader::ReadString(const std::string& key, const YAML::Node& node, std::string* out) {
  if (!node.IsScalar()) {
    Error(node, fmt::format("'{}' must be a string, not {}", key, DescribeForError(node)));
    return false;
  }
  *out = node.Scalar();
  return true;
}

bool FieldReader::ReadStringList(const std::string& key, const YAML::Node& node,
                                 std::vector<std::string>* out,
                                 std::vector<SourceLocation>* locations) {
  if (node.IsScalar()) {
    out->push_back(node.Scalar());
    if (locations != nullptr) locations->push_back(At(node));
    return true;
  }
  if (!node.IsSequence()) {
    Error(node, fmt::format("'{}' must be a string or a list of strings, not {}", key,
                            DescribeForError(node)));
    return false;
  }
  bool ok = true;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      Error(item, fmt::format("'{}' must be a list of strings; this item is {}", key,
                              DescribeForError(item)));
      ok = false;
      continue;
    }
    out->push_back(item.Scalar());
    if (locations != nullptr) locations->push_back(At(item));
  }
  return ok;
}

bool FieldReader::ReadMapping(const std::string& key, const YAML::Node& node, Value* out) {
  if (node.IsNull()) {
    *out = Value::object();
    return true;
  }
  if (!node.IsMap()) {
    Error(node, fmt::format("'{}' must be a mapping, not {}", key, DescribeForError(node)));
    return false;
  }
  *out = ToValue(node);
  return true;
}

bool FieldReader::ReadConditions(const std::string& key, const YAML::Node& node,
                                 const std::string& context, std::vector<Expression>* out) {
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) items.push_back(item);
  } else {
    items.push_back(node);
  }
  bool ok = true;
  for (const YAML::Node& item : items) {
    Value v = item.IsScalar() ? ToValue(item) : Value();
    if (!v.is_string() && !v.is_boolean()) {
      Error(item,
            fmt::format("'{}' must be an expression or a boolean{}, not {}", key,
                        node.IsSequence() ? "" : " (or a list of them)", DescribeForError(item)));
      ok = false;
      continue;
    }
    Expression expr;
    expr.text = v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.get<std::string>();
    expr.location = At(item);
    if (!AddExpression(std::move(expr), item, context, out)) ok = false;
  }
  return ok;
}

bool FieldReader::AddExpression(Expression expr, const YAML::Node& at, const std::string& context,
                                std::vector<Expression>* out) {
  // EvaluateCondition accepts "{{ x }}" too, so check that form as a template.
  Status syntax = IsTemplate(expr.text) ? CheckTemplateSyntax(Value(expr.text))
                                        : CheckExpressionSyntax(expr.text);
  if (!syntax.ok()) {
    Error(at, fmt::format("{}: {}", context, syntax.message()));
    return false;
  }
  out->push_back(std::move(expr));
  return true;
}

void FieldReader::CheckTemplates(const YAML::Node& node, const std::string& context) {
  if (node.IsScalar()) {
    if (!IsTemplate(node.Scalar())) return;
    Status syntax = CheckTemplateSyntax(Value(node.Scalar()));
    if (!syntax.ok()) Error(node, fmt::format("{}: {}", context, syntax.message()));
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) CheckTemplates(item, context);
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      CheckTemplates(kv.first, context);
      CheckTemplates(kv.second, context);
    }
  }
}

}  // namespace hostprep
