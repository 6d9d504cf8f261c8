#include "engine/base/value.h"

#include <algorithm>
#include <cctype>

namespace hostprep {

std::string TypeName(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::boolean:
      return "boolean";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return "integer";
    case Value::value_t::number_float:
      return "float";
    case Value::value_t::string:
      return "string";
    case Value::value_t::array:
      return "list";
    case Value::value_t::object:
      return "mapping";
    default:
      return "value";
  }
}

std::optional<bool> AnsibleBoolean(const Value& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) {
    const double d = v.get<double>();
    if (d == 1) return true;
    if (d == 0) return false;
    return std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  const size_t first = s.find_first_not_of(" \t\r\n");
  const size_t last = s.find_last_not_of(" \t\r\n");
  s = first == std::string::npos ? "" : s.substr(first, last - first + 1);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "y" || s == "yes" || s == "on" || s == "1" || s == "true" || s == "t") return true;
  if (s == "n" || s == "no" || s == "off" || s == "0" || s == "false" || s == "f") return false;
  return std::nullopt;
}

bool Truthy(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return false;
    case Value::value_t::boolean:
      return v.get<bool>();
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return v.get<long long>() != 0;
    case Value::value_t::number_float:
      return v.get<double>() != 0.0;
    case Value::value_t::string: {
      std::string s = v.get<std::string>();
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return !(s.empty() || s == "false" || s == "no" || s == "off" || s == "0");
    }
    case Value::value_t::array:
    case Value::value_t::object:
      return !v.empty();
    default:
      return false;
  }
}

std::string ToText(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "";
    case Value::value_t::boolean:
      return v.get<bool>() ? "True" : "False";
    case Value::value_t::string:
      return v.get<std::string>();
    default:
      // A host's output may hold bytes that are not UTF-8: shown as U+FFFD
      // rather than thrown on.
      return v.dump(-1, ' ', false, Value::error_handler_t::replace);
  }
}

}  // namespace hostprep
