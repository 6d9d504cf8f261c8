#include "engine/module/role_arg_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "engine/base/text.h"

namespace hostprep {

namespace {

bool Known(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Python's type() of a value, as Ansible's messages print it.
std::string PyType(const Value& v) {
  if (v.is_string()) return "<class 'str'>";
  if (v.is_boolean()) return "<class 'bool'>";
  if (v.is_number_integer()) return "<class 'int'>";
  if (v.is_number_float()) return "<class 'float'>";
  if (v.is_array()) return "<class 'list'>";
  if (v.is_object()) return "<class 'dict'>";
  return "<class 'NoneType'>";
}

// The option path of an error, Ansible's " found in a -> b" suffix.
std::string Context(const std::vector<std::string>& context) {
  std::string out;
  for (const std::string& c : context) out += (out.empty() ? "" : " -> ") + c;
  return out;
}

std::string WithContext(std::string msg, const std::vector<std::string>& context) {
  if (!context.empty()) msg += " found in " + Context(context);
  return msg;
}

// An integer as Python's int() reads a string: blanks around, a sign,
// digits (and underscores between them).
std::optional<long long> ParseInt(const std::string& text) {
  std::string t = Trim(text);
  t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
  if (t.empty()) return std::nullopt;
  size_t start = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  if (start == t.size() || t.find_first_not_of("0123456789", start) != std::string::npos)
    return std::nullopt;
  errno = 0;
  const long long n = std::strtoll(t.c_str(), nullptr, 10);
  if (errno != 0) return std::nullopt;
  return n;
}

std::optional<double> ParseFloat(const std::string& text) {
  const std::string t = Trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(t.c_str(), &end);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return d;
}

// Ansible's check_type_dict for a string: JSON when it starts with '{',
// else key=value pairs separated by blanks or commas.
std::optional<Value> ParseDict(const std::string& text) {
  const std::string t = Trim(text);
  if (StartsWith(t, "{")) {
    Value parsed = Value::parse(t, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    return parsed;
  }
  if (t.find('=') == std::string::npos) return std::nullopt;
  Value out = Value::object();
  std::string field;
  auto flush = [&]() -> bool {
    if (Trim(field).empty()) return true;
    const size_t eq = field.find('=');
    if (eq == std::string::npos) return false;
    out[Trim(field.substr(0, eq))] = Trim(field.substr(eq + 1));
    field.clear();
    return true;
  };
  for (char c : t) {
    if (c == ',' || c == ' ') {
      if (!flush()) return std::nullopt;
    } else {
      field += c;
    }
  }
  if (!flush()) return std::nullopt;
  return out;
}

// Converts `v` to `type` as Ansible's type checkers do; the error text of
// the checker when it cannot.
bool ConvertToType(const std::string& type, Value* v, std::string* error) {
  const Value& in = *v;
  auto cannot = [&](const char* what) {
    *error = fmt::format("{} cannot be converted to {}", PyType(in), what);
    return false;
  };
  if (type == "raw") return true;
  if (type == "str" || type == "path") {
    if (!in.is_string()) *v = ToText(in);
    return true;
  }
  if (type == "int") {
    if (in.is_number_integer() || in.is_boolean()) return true;
    if (in.is_string()) {
      if (std::optional<long long> n = ParseInt(in.get<std::string>())) {
        *v = *n;
        return true;
      }
    }
    return cannot("an int");
  }
  if (type == "float") {
    if (in.is_number_float()) return true;
    if (in.is_number_integer()) {
      *v = in.get<double>();
      return true;
    }
    if (in.is_string()) {
      if (std::optional<double> d = ParseFloat(in.get<std::string>())) {
        *v = *d;
        return true;
      }
    }
    return cannot("a float");
  }
  if (type == "bool") {
    if (in.is_boolean()) return true;
    if (in.is_string() || in.is_number()) {
      if (std::optional<bool> b = AnsibleBoolean(in)) {
        *v = *b;
        return true;
      }
      *error = fmt::format("The value '{}' is not a valid boolean", ToText(in));
      return false;
    }
    return cannot("a bool");
  }
  if (type == "list") {
    if (in.is_array()) return true;
    if (in.is_string()) {
      Value list = Value::array();
      for (const std::string& part : Split(in.get<std::string>(), ',')) list.push_back(part);
      *v = std::move(list);
      return true;
    }
    if (in.is_number() && !in.is_boolean()) {
      *v = Value::array({ToText(in)});
      return true;
    }
    return cannot("a list");
  }
  if (type == "dict") {
    if (in.is_object()) return true;
    if (in.is_string()) {
      if (std::optional<Value> d = ParseDict(in.get<std::string>())) {
        *v = std::move(*d);
        return true;
      }
      *error = "dictionary requested, could not parse JSON or key=value";
      return false;
    }
    return cannot("a dict");
  }
  if (type == "json" || type == "jsonarg") {
    if (in.is_object() || in.is_array()) *v = in.dump();
    if (v->is_string()) return true;
    return cannot("a json string");
  }
  return true;  // CheckRoleArgSpec refuses other types
}

std::string TypeOf(const Value& spec) {
  return spec.contains("type") && spec["type"].is_string() ? spec["type"].get<std::string>()
                                                           : "str";
}

// Names a spec lacks, by their path ("tls.bogus"), each with the names its
// level supports (and their aliases): Ansible's message lists those.
using Unsupported = std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>>;

void Validate(const Value& options, Value* params, std::vector<std::string> context,
              std::vector<std::string>* errors, Unsupported* unsupported);

// Type, elements and sub-options of one option's value.
void CheckValue(const std::string& name, const Value& spec, Value* value,
                const std::vector<std::string>& context, std::vector<std::string>* errors,
                Unsupported* unsupported) {
  const std::string type = TypeOf(spec);
  const Value original = *value;
  std::string error;
  if (!ConvertToType(type, value, &error)) {
    std::string msg = fmt::format("argument '{}' is of type {}", name, PyType(original));
    if (!context.empty()) msg += " found in '" + Context(context) + "'.";
    errors->push_back(msg + fmt::format(" and we were unable to convert to {}: {}", type, error));
    return;
  }
  const std::string elements = spec.contains("elements") ? spec["elements"].get<std::string>() : "";
  if (!elements.empty() && value->is_array()) {
    for (Value& element : *value) {
      const Value before = element;
      if (!ConvertToType(elements, &element, &error)) {
        std::string msg =
            fmt::format("Elements value for option '{}' is of type {}", name, PyType(before));
        if (!context.empty()) msg += " found in '" + Context(context) + "'.";
        errors->push_back(msg +
                          fmt::format(" and we were unable to convert to {}: {}", elements, error));
      }
    }
  }
  if (!spec.contains("options")) return;
  std::vector<std::string> inner = context;
  inner.push_back(name);
  if (value->is_object()) {
    Validate(spec["options"], value, inner, errors, unsupported);
  } else if (value->is_array() && elements == "dict") {
    for (Value& element : *value) {
      if (element.is_object()) Validate(spec["options"], &element, inner, errors, unsupported);
    }
  }
}

// ArgumentSpecValidator.validate on one level: unsupported names, required,
// defaults, types, choices, then the sub-options.
void Validate(const Value& options, Value* params, std::vector<std::string> context,
              std::vector<std::string>* errors, Unsupported* unsupported) {
  // Aliases name the same option.
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (!it.value().contains("aliases")) continue;
    for (const Value& alias : it.value()["aliases"]) {
      const std::string a = ToText(alias);
      if (params->contains(a) && !params->contains(it.key())) (*params)[it.key()] = (*params)[a];
      params->erase(a);
    }
  }
  for (auto it = params->begin(); it != params->end(); ++it) {
    if (options.contains(it.key())) continue;
    std::string path;
    for (const std::string& c : context) path += c + ".";
    auto& [names, aliases] = (*unsupported)[path + it.key()];
    for (auto o = options.begin(); o != options.end(); ++o) {
      names.insert(o.key());
      if (o.value().contains("aliases") && o.value()["aliases"].is_array())
        for (const Value& a : o.value()["aliases"]) aliases.insert(ToText(a));
    }
  }
  std::vector<std::string> missing;
  for (auto it = options.begin(); it != options.end(); ++it) {
    const bool required = it.value().contains("required") && Truthy(it.value()["required"]);
    if (required && !params->contains(it.key())) missing.push_back(it.key());
  }
  if (!missing.empty()) {
    std::sort(missing.begin(), missing.end());
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    errors->push_back(WithContext("missing required arguments: " + names, context));
  }
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (!params->contains(it.key()) && it.value().contains("default") &&
        !it.value()["default"].is_null()) {
      (*params)[it.key()] = it.value()["default"];
    }
  }
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (!params->contains(it.key()) || (*params)[it.key()].is_null()) continue;
    CheckValue(it.key(), it.value(), &(*params)[it.key()], context, errors, unsupported);
  }
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (!it.value().contains("choices") || !params->contains(it.key())) continue;
    const Value& choices = it.value()["choices"];
    const Value& value = (*params)[it.key()];
    auto allowed = [&](const Value& v) {
      return std::any_of(choices.begin(), choices.end(),
                         [&](const Value& c) { return c == v || ToText(c) == ToText(v); });
    };
    std::string listed;
    for (const Value& c : choices) listed += (listed.empty() ? "" : ", ") + ToText(c);
    if (value.is_array()) {
      std::string bad;
      for (const Value& v : value)
        if (!allowed(v)) bad += (bad.empty() ? "" : ", ") + ToText(v);
      if (!bad.empty()) {
        errors->push_back(
            WithContext(fmt::format("value of {} must be one or more of: {}. Got no match for: {}",
                                    it.key(), listed, bad),
                        context));
      }
    } else if (!value.is_null() && !allowed(value)) {
      errors->push_back(WithContext(
          fmt::format("value of {} must be one of: {}, got: {}", it.key(), listed, ToText(value)),
          context));
    }
  }
}

void CheckSpec(const Value& options, const std::vector<std::string>& context,
               std::vector<std::string>* problems) {
  if (!options.is_object()) {
    problems->push_back(fmt::format(
        "{}'options' must be a mapping of option names, not {}",
        context.empty() ? "" : "option '" + Context(context) + "': ", TypeName(options)));
    return;
  }
  for (auto it = options.begin(); it != options.end(); ++it) {
    std::vector<std::string> path = context;
    path.push_back(it.key());
    const std::string where = "option '" + Context(path) + "': ";
    const Value& spec = it.value();
    if (spec.is_null()) continue;  // no attributes: a str, not required
    if (!spec.is_object()) {
      problems->push_back(where +
                          "must be a mapping of attributes (type, required, default...), "
                          "not " +
                          TypeName(spec));
      continue;
    }
    for (auto a = spec.begin(); a != spec.end(); ++a) {
      if (!Known(RoleArgAttributes(), a.key())) {
        std::string known;
        for (const std::string& k : RoleArgAttributes()) known += (known.empty() ? "" : ", ") + k;
        problems->push_back(
            fmt::format("{}unknown attribute '{}' (known: {})", where, a.key(), known));
      }
    }
    for (const char* key : {"type", "elements"}) {
      if (!spec.contains(key)) continue;
      const std::string type = ToText(spec[key]);
      if (!Known(RoleArgTypes(), type)) {
        std::string known;
        for (const std::string& k : RoleArgTypes()) known += (known.empty() ? "" : ", ") + k;
        problems->push_back(
            fmt::format("{}{} '{}' is not supported (supported: {})", where, key, type, known));
      }
    }
    if (spec.contains("elements") && TypeOf(spec) != "list")
      problems->push_back(where + "'elements' is for options of type list");
    if (spec.contains("choices") && !spec["choices"].is_array())
      problems->push_back(where + "'choices' must be a list");
    if (spec.contains("aliases") && !spec["aliases"].is_array())
      problems->push_back(where + "'aliases' must be a list");
    if (spec.contains("required") && Truthy(spec["required"]) && spec.contains("default") &&
        !spec["default"].is_null()) {
      problems->push_back(where + "required and default are mutually exclusive");
    }
    if (spec.contains("options")) CheckSpec(spec["options"], path, problems);
  }
}

}  // namespace

const std::vector<std::string>& RoleArgTypes() {
  static const std::vector<std::string> kTypes = {"str",  "int",  "float", "bool",    "list",
                                                  "dict", "path", "raw",   "jsonarg", "json"};
  return kTypes;
}

const std::vector<std::string>& RoleArgAttributes() {
  static const std::vector<std::string> kAttributes = {"type",
                                                       "required",
                                                       "default",
                                                       "choices",
                                                       "elements",
                                                       "options",
                                                       "aliases",
                                                       "description",
                                                       "no_log",
                                                       "version_added",
                                                       "apply_defaults",
                                                       "deprecated_aliases",
                                                       "removed_in_version",
                                                       "removed_at_date",
                                                       "removed_from_collection"};
  return kAttributes;
}

std::vector<std::string> CheckRoleArgSpec(const Value& options) {
  std::vector<std::string> problems;
  CheckSpec(options, {}, &problems);
  return problems;
}

std::vector<std::string> ValidateRoleArgs(const Value& options, const Value& provided) {
  std::vector<std::string> errors;
  Unsupported unsupported;
  Value params = provided.is_object() ? provided : Value::object();
  // An option with no attributes (null) is a str, not required.
  Value spec = Value::object();
  for (auto it = options.begin(); it != options.end(); ++it)
    spec[it.key()] = it.value().is_null() ? Value::object() : it.value();
  Validate(spec, &params, {}, &errors, &unsupported);
  if (!unsupported.empty()) {
    // One message for them all, listing what the last one's level supports.
    std::string names, supported, aliases;
    for (const auto& [path, level] : unsupported) names += (names.empty() ? "" : ", ") + path;
    const auto& [level_names, level_aliases] = unsupported.rbegin()->second;
    for (const std::string& k : level_names) supported += (supported.empty() ? "" : ", ") + k;
    for (const std::string& a : level_aliases) aliases += (aliases.empty() ? "" : ", ") + a;
    if (!aliases.empty()) supported += " (" + aliases + ")";
    errors.push_back(fmt::format("{}. Supported parameters include: {}.", names, supported));
  }
  return errors;
}

}  // namespace hostprep
