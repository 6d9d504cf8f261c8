#include "engine/template/value_ops.h"

#include <cmath>
#include <limits>

namespace hostprep {

std::string PyTypeName(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "NoneType";
    case Value::value_t::boolean:
      return "bool";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return "int";
    case Value::value_t::number_float:
      return "float";
    case Value::value_t::string:
      return "str";
    case Value::value_t::array:
      return "list";
    default:
      return "dict";
  }
}

bool PyTruthy(const Value& v) {
  // Only strings differ from Ansible's Truthy: any non-empty string is true.
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return Truthy(v);
}

bool IsNumeric(const Value& v) { return v.is_number() || v.is_boolean(); }
bool IsIntegral(const Value& v) { return v.is_number_integer() || v.is_boolean(); }

double AsDouble(const Value& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  return 0.0;
}

long long AsInteger(const Value& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_integer()) return v.get<long long>();
  return 0;
}

bool ValuesEqual(const Value& a, const Value& b) {
  if (IsNumeric(a) && IsNumeric(b)) {
    if (IsIntegral(a) && IsIntegral(b)) return AsInteger(a) == AsInteger(b);
    return AsDouble(a) == AsDouble(b);
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!ValuesEqual(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !ValuesEqual(it.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

Result<int> CompareValues(const Value& a, const Value& b, std::string_view op) {
  if (IsNumeric(a) && IsNumeric(b)) {
    if (IsIntegral(a) && IsIntegral(b)) {
      long long x = AsInteger(a), y = AsInteger(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    double x = AsDouble(a), y = AsDouble(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_array() && b.is_array()) {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (ValuesEqual(a[i], b[i])) continue;
      return CompareValues(a[i], b[i], op);
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  return Status::Error("'" + std::string(op) + "' is not supported between " + TypeName(a) +
                       " and " + TypeName(b));
}

namespace {

// Repetition beyond this is a mistake (or fuzz), not a template.
constexpr size_t kMaxRepeat = 1 << 20;

Status Unsupported(std::string_view op, const Value& a, const Value& b) {
  return Status::Error("unsupported operand types for " + std::string(op) + ": " + TypeName(a) +
                       " and " + TypeName(b));
}

Status Overflow(std::string_view op) {
  return Status::Error("integer overflow in '" + std::string(op) + "'");
}

// "ab" * 3 and [1] * 3.
Result<Value> Repeat(const Value& seq, long long n) {
  size_t unit = seq.is_string() ? seq.get_ref<const std::string&>().size() : seq.size();
  if (n > 0 && unit > 0 && static_cast<size_t>(n) > kMaxRepeat / unit) {
    return Status::Error("repetition too large: " + std::to_string(n) + " times");
  }
  if (seq.is_string()) {
    std::string out;
    for (long long i = 0; i < n; ++i) out += seq.get_ref<const std::string&>();
    return Value(out);
  }
  Value out = Value::array();
  for (long long i = 0; i < n; ++i) {
    for (const Value& item : seq) out.push_back(item);
  }
  return out;
}

Result<Value> IntegerOp(std::string_view op, long long x, long long y) {
  long long r = 0;
  if (op == "+") {
    if (__builtin_add_overflow(x, y, &r)) return Overflow(op);
  } else if (op == "-") {
    if (__builtin_sub_overflow(x, y, &r)) return Overflow(op);
  } else if (op == "*") {
    if (__builtin_mul_overflow(x, y, &r)) return Overflow(op);
  } else if (op == "//" || op == "%") {
    if (y == 0) return Status::Error("division by zero");
    if (x == std::numeric_limits<long long>::min() && y == -1) {
      if (op == "%") return Value(0);
      return Overflow(op);
    }
    long long q = x / y, m = x % y;
    if (m != 0 && ((m < 0) != (y < 0))) {  // Python floors; C++ truncates
      --q;
      m += y;
    }
    r = op == "//" ? q : m;
  } else if (op == "**") {
    if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
    r = 1;
    for (long long i = 0; i < y; ++i) {
      if (__builtin_mul_overflow(r, x, &r)) return Overflow(op);
      if (r == 0 || r == 1) break;
    }
    if (r == 1 && x == -1 && y % 2 == 1) r = -1;
  }
  return Value(r);
}

Result<Value> FloatOp(std::string_view op, double x, double y) {
  if (op == "+") return Value(x + y);
  if (op == "-") return Value(x - y);
  if (op == "*") return Value(x * y);
  if (op == "/" || op == "//" || op == "%") {
    if (y == 0) return Status::Error("division by zero");
    if (op == "/") return Value(x / y);
    if (op == "//") return Value(std::floor(x / y));
    double m = std::fmod(x, y);
    if (m != 0 && ((m < 0) != (y < 0))) m += y;
    return Value(m);
  }
  if (x == 0 && y < 0) return Status::Error("0.0 cannot be raised to a negative power");
  return Value(std::pow(x, y));
}

}  // namespace

Result<Value> Arithmetic(std::string_view op, const Value& a, const Value& b) {
  if (op == "~") {
    // Python's str(): None is "None" here, though a template prints None
    // as nothing (Ansible's finalize).
    auto str = [](const Value& v) { return v.is_null() ? std::string("None") : ToText(v); };
    return Value(str(a) + str(b));
  }
  if (IsNumeric(a) && IsNumeric(b)) {
    if (IsIntegral(a) && IsIntegral(b) && op != "/")
      return IntegerOp(op, AsInteger(a), AsInteger(b));
    return FloatOp(op, AsDouble(a), AsDouble(b));
  }
  if (op == "+" && a.is_string() && b.is_string()) {
    return Value(a.get_ref<const std::string&>() + b.get_ref<const std::string&>());
  }
  if (op == "+" && a.is_array() && b.is_array()) {
    Value out = a;
    for (const Value& item : b) out.push_back(item);
    return out;
  }
  if (op == "*" && (a.is_string() || a.is_array()) && IsIntegral(b)) return Repeat(a, AsInteger(b));
  if (op == "*" && (b.is_string() || b.is_array()) && IsIntegral(a)) return Repeat(b, AsInteger(a));
  return Unsupported(op, a, b);
}

Result<bool> Contains(const Value& haystack, const Value& needle) {
  if (haystack.is_array()) {
    for (const Value& item : haystack) {
      if (ValuesEqual(item, needle)) return true;
    }
    return false;
  }
  if (haystack.is_string()) {
    if (!needle.is_string()) {
      return Status::Error("'in <string>' needs a string on the left, got " + TypeName(needle));
    }
    return haystack.get_ref<const std::string&>().find(needle.get_ref<const std::string&>()) !=
           std::string::npos;
  }
  if (haystack.is_object()) {
    if (needle.is_array() || needle.is_object()) return false;
    return haystack.contains(ToText(needle));
  }
  return Status::Error("'in' needs a list, string or mapping on the right, got " +
                       TypeName(haystack));
}

std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (i + n > s.size()) n = 1;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) n = 1;
    }
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

size_t Utf8Length(std::string_view s) { return Utf8Chars(s).size(); }

}  // namespace hostprep
