#include "engine/base/value.h"

#include <algorithm>
#include <cctype>

#include "engine/base/text.h"

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
      return PyRepr(v);
  }
}

namespace {

void AppendPyString(const std::string& raw, std::string* out) {
  const std::string s = FindInvalidUtf8(raw) == std::string::npos ? raw : ReplaceInvalidUtf8(raw);
  // Python picks double quotes only for a string with a single quote and
  // no double quote in it.
  const char quote =
      s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  out->push_back(quote);
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c < 0x20 || c == 0x7f) {
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else if (c == 0xc2 && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) < 0xa1 ||
                static_cast<unsigned char>(s[i + 1]) == 0xad)) {
      // U+0080..U+00A0 and U+00AD are not printable for Python: escaped.
      const unsigned char cp = static_cast<unsigned char>(s[++i]);
      out->append("\\x");
      out->push_back(kHex[cp >> 4]);
      out->push_back(kHex[cp & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back(quote);
}

void AppendPyRepr(const Value& v, std::string* out) {
  switch (v.type()) {
    case Value::value_t::null:
      out->append("None");
      return;
    case Value::value_t::boolean:
      out->append(v.get<bool>() ? "True" : "False");
      return;
    case Value::value_t::string:
      AppendPyString(v.get_ref<const std::string&>(), out);
      return;
    case Value::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v) {
        if (!first) out->append(", ");
        first = false;
        AppendPyRepr(item, out);
      }
      out->push_back(']');
      return;
    }
    case Value::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out->append(", ");
        first = false;
        AppendPyString(it.key(), out);
        out->append(": ");
        AppendPyRepr(it.value(), out);
      }
      out->push_back('}');
      return;
    }
    default:
      // Numbers: nlohmann prints the shortest round-trip form, as Python.
      out->append(v.dump(-1, ' ', false, Value::error_handler_t::replace));
  }
}

}  // namespace

std::string PyRepr(const Value& v) {
  std::string out;
  AppendPyRepr(v, &out);
  return out;
}

}  // namespace hostprep
