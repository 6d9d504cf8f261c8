// The filter registry and the filters on single values: conversions (int,
// float, bool, string, list), length, first/last, ternary and friends. The
// other themes live in filters_*.cc and register through
// filters_internal.h.
#include "engine/template/filters.h"

#include <pthread.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace filters_internal {

const Value& Unset() {
  static const Value* unset = new Value({{"\x01hostprep-unset\x01", true}});
  return *unset;
}
bool IsUnset(const Value& v) { return v.is_object() && v == Unset(); }

CallableParam Opt(std::string name, Value def) { return {std::move(name), std::move(def), false}; }
CallableParam Req(std::string name) { return {std::move(name), Value(), true}; }

Status FilterError(std::string_view filter, const std::string& what) {
  return Status::Error(std::string(filter) + ": " + what);
}

Status WrongType(std::string_view filter, std::string_view expected, const Value& got) {
  return FilterError(filter, "expected " + std::string(expected) + ", got " + TypeName(got));
}

Result<Value> Iterable(std::string_view filter, const Value& in) {
  if (in.is_array()) return in;
  Value out = Value::array();
  if (in.is_string()) {
    for (std::string& c : Utf8Chars(in.get_ref<const std::string&>())) out.push_back(c);
  } else if (in.is_object()) {
    for (auto it = in.begin(); it != in.end(); ++it) out.push_back(it.key());
  } else {
    return WrongType(filter, "a list, string or mapping", in);
  }
  return out;
}

const Value* GetItem(const Value& v, const Value& key) {
  if (v.is_object()) {
    if (!key.is_string()) {
      if (!IsNumeric(key)) return nullptr;
      auto it = v.find(ToText(key));  // keys of mappings from YAML are text here
      return it == v.end() ? nullptr : &*it;
    }
    auto it = v.find(key.get_ref<const std::string&>());
    return it == v.end() ? nullptr : &*it;
  }
  if (v.is_array() && IsIntegral(key)) {
    long long i = AsInteger(key), n = static_cast<long long>(v.size());
    if (i < 0) i += n;
    return i >= 0 && i < n ? &v[static_cast<size_t>(i)] : nullptr;
  }
  return nullptr;
}

const Value* GetAttribute(const Value& v, std::string_view dotted) {
  const Value* cur = &v;
  for (const std::string& part : Split(dotted, '.')) {
    Value key(part);
    if (!cur->is_object() && !part.empty() && part.size() < 19 &&
        part.find_first_not_of("0123456789") == std::string::npos) {
      key = std::stoll(part);
    }
    cur = GetItem(*cur, key);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

Result<long long> IntArg(std::string_view filter, std::string_view what, const Value& v) {
  if (!IsIntegral(v)) return WrongType(filter, "an integer " + std::string(what), v);
  return AsInteger(v);
}

// Python's int(text, base): surrounding whitespace, a sign, a prefix that
// matches the base (any of 0x/0o/0b with base 0), single underscores
// between digits.
bool ParseInteger(std::string s, int base, long long* out) {
  std::string digits = Trim(s);
  bool neg = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    neg = digits[0] == '-';
    digits.erase(0, 1);
  }
  if (digits.size() > 1 && digits[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
    int prefixed = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (prefixed != 0 && (base == prefixed || base == 0)) {
      base = prefixed;
      digits.erase(0, 2);
      if (!digits.empty() && digits[0] == '_') digits.erase(0, 1);
    }
  }
  if (base == 0) {
    base = 10;
    if (digits.size() > 1 && digits[0] == '0' &&
        digits.find_first_not_of("0_") != std::string::npos)
      return false;  // Python refuses "012" with base 0
  }
  std::string clean;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (digits[i] != '_') {
      clean += digits[i];
    } else if (i == 0 || i + 1 == digits.size() || digits[i + 1] == '_') {
      return false;
    }
  }
  if (clean.empty() || !std::isalnum(static_cast<unsigned char>(clean[0]))) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(clean.c_str(), &end, base);
  if (errno != 0 || *end != '\0' || v > (neg ? 9223372036854775808ULL : 9223372036854775807ULL))
    return false;
  *out = neg ? static_cast<long long>(0 - v) : static_cast<long long>(v);
  return true;
}

bool ParseFloat(const std::string& text, double* out) {
  std::string s = Trim(text), clean;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
  std::string rest = ToLower(s.substr(i));
  if (rest == "inf" || rest == "infinity" || rest == "nan") {
    *out = std::strtod((clean + rest).c_str(), nullptr);
    return true;
  }
  // digits [. digits] [e [sign] digits], underscores only between digits.
  bool any_digit = false, seen_dot = false, seen_exp = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      any_digit = true;
      clean += c;
    } else if (c == '_') {
      if (i == 0 || i + 1 >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i - 1])) ||
          !std::isdigit(static_cast<unsigned char>(s[i + 1])))
        return false;
    } else if (c == '.' && !seen_dot && !seen_exp) {
      seen_dot = true;
      clean += c;
    } else if ((c == 'e' || c == 'E') && any_digit && !seen_exp) {
      seen_exp = true;
      clean += c;
      if (i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) clean += s[++i];
      if (i + 1 >= s.size()) return false;
    } else {
      return false;
    }
  }
  if (!any_digit) return false;
  *out = std::strtod(clean.c_str(), nullptr);
  return true;
}

double PyRoundHalfEven(double x) {
  double r = std::round(x);
  if (std::fabs(x - std::trunc(x)) == 0.5) r = 2.0 * std::round(x / 2.0);
  return r;
}

std::string PyStr(const Value& v) { return v.is_null() ? "None" : ToText(v); }

std::string PyFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  return PyRepr(Value(d));
}

namespace {

// Lower and upper case pairs beyond ASCII that Python maps: Latin-1,
// Latin Extended-A (even/odd pairs), Greek and Cyrillic capitals.
char32_t LowerCodePoint(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c >= 0x100 && c <= 0x137 && c % 2 == 0) return c + 1;
  if (c >= 0x139 && c <= 0x148 && c % 2 == 1) return c + 1;
  if (c >= 0x14A && c <= 0x177 && c % 2 == 0) return c + 1;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E && c % 2 == 1) return c + 1;
  if ((c >= 0x391 && c <= 0x3A9 && c != 0x3A2)) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

char32_t UpperCodePoint(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x101 && c <= 0x137 && c % 2 == 1) return c - 1;
  if (c >= 0x13A && c <= 0x148 && c % 2 == 0) return c - 1;
  if (c >= 0x14B && c <= 0x177 && c % 2 == 1) return c - 1;
  if (c >= 0x17A && c <= 0x17E && c % 2 == 0) return c - 1;
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

std::string EncodeUtf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// Maps the two-byte UTF-8 characters (and ASCII) through `fn`; the rest,
// including invalid bytes, is kept as it is. ß upper-cases to "SS".
std::string MapCase(std::string_view s, char32_t (*fn)(char32_t), bool upper) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(fn(c));
    } else if (c >= 0xC2 && c <= 0xDF && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      char32_t cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      ++i;
      out += upper && cp == 0xDF ? std::string("SS") : EncodeUtf8(fn(cp));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string PyLower(std::string_view s) { return MapCase(s, LowerCodePoint, false); }
std::string PyUpper(std::string_view s) { return MapCase(s, UpperCodePoint, true); }

namespace {

struct StackCall {
  const std::function<Status()>* fn;
  Status result;
};

void* RunStackCall(void* arg) {
  auto* call = static_cast<StackCall*>(arg);
  call->result = (*call->fn)();
  return nullptr;
}

}  // namespace

Status RunWithLargeStack(size_t size, const std::function<Status()>& fn) {
  // std::regex matches by recursion, about one frame per character: a long
  // subject on an ordinary stack would overflow. The stack is reserved, not
  // committed, so only what the match uses costs memory.
  if (size < 4096) return fn();
  StackCall call{&fn, Status::Ok()};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, std::min<size_t>(size * 1024 + (64u << 20), size_t{4} << 30));
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, RunStackCall, &call);
  pthread_attr_destroy(&attr);
  if (rc != 0) return Status::Error("cannot start a thread for a regular expression");
  pthread_join(thread, nullptr);
  return call.result;
}

namespace {

Result<Value> Int(const Value& in, const Args& a) {
  if (!IsIntegral(a[1])) return WrongType("int", "an integer base", a[1]);
  long long base = AsInteger(a[1]);
  if (base != 0 && (base < 2 || base > 36)) {
    return FilterError("int", "base must be 0 or between 2 and 36, got " + ToText(a[1]));
  }
  if (IsIntegral(in)) return Value(AsInteger(in));
  double d = 0;
  if (in.is_number_float()) {
    d = in.get<double>();
  } else if (in.is_string()) {
    const std::string& s = in.get_ref<const std::string&>();
    long long v = 0;
    if (ParseInteger(s, static_cast<int>(base), &v)) return Value(v);
    if (!ParseFloat(s, &d)) return a[0];
    std::string digits = Trim(s);
    if (digits.find_first_not_of("+-0123456789_") == std::string::npos) {
      return FilterError("int", "'" + digits + "' does not fit in 64 bits");
    }
  } else {
    return a[0];
  }
  if (std::isnan(d)) return FilterError("int", "cannot convert float NaN to integer");
  if (std::isinf(d)) return FilterError("int", "cannot convert float infinity to integer");
  if (std::fabs(d) >= 9.2e18) return FilterError("int", PyFloat(d) + " does not fit in 64 bits");
  return Value(static_cast<long long>(d));
}

Result<Value> Float(const Value& in, const Args& a) {
  if (IsNumeric(in)) return Value(AsDouble(in));
  double d = 0;
  if (in.is_string() && ParseFloat(in.get<std::string>(), &d)) return Value(d);
  return a[0];
}

// Ansible's bool filter (to_bool): none and booleans as they are;
// yes/on/1/true (any case) and the number 1 are true, the rest false.
Result<Value> Bool(const Value& in, const Args&) {
  if (in.is_boolean() || in.is_null()) return in;
  if (in.is_string()) {
    std::string s = PyLower(in.get<std::string>());
    return Value(s == "yes" || s == "on" || s == "1" || s == "true");
  }
  if (IsNumeric(in)) return Value(AsDouble(in) == 1.0);
  return Value(false);
}

Result<Value> Length(const Value& in, const Args&) {
  if (in.is_string())
    return Value(static_cast<long long>(Utf8Length(in.get_ref<const std::string&>())));
  if (in.is_array() || in.is_object()) return Value(static_cast<long long>(in.size()));
  return WrongType("length", "a string, list or mapping", in);
}

Result<Value> FirstOrLast(std::string_view name, const Value& in) {
  Result<Value> items = Iterable(name, in);
  if (!items.ok()) return items.status();
  if (items->empty()) return FilterError(name, "the " + TypeName(in) + " is empty");
  return name == "first" ? items->front() : items->back();
}
Result<Value> First(const Value& in, const Args&) { return FirstOrLast("first", in); }
Result<Value> Last(const Value& in, const Args&) { return FirstOrLast("last", in); }

Result<Value> String(const Value& in, const Args&) { return Value(PyStr(in)); }
Result<Value> List(const Value& in, const Args&) { return Iterable("list", in); }
Result<Value> Lower(const Value& in, const Args&) { return Value(PyLower(ToText(in))); }
Result<Value> Upper(const Value& in, const Args&) { return Value(PyUpper(ToText(in))); }

Result<Value> Default(const Value& in, const Args& a) {
  // Only reached for a defined input; the evaluator handles undefined ones.
  return PyTruthy(a[1]) && !PyTruthy(in) ? a[0] : in;
}

Result<Value> Ternary(const Value& in, const Args& a) {
  if (in.is_null() && !a[2].is_null()) return a[2];
  return PyTruthy(in) ? a[0] : a[1];
}

// Reached for defined values only: the evaluator reports undefined ones.
Result<Value> Mandatory(const Value& in, const Args&) { return in; }

Result<Value> TypeDebug(const Value& in, const Args&) { return Value(PyTypeName(in)); }

// Jinja's attr reads Python attributes, never items: values here have none
// (Jinja gives undefined, which Ansible reports when used).
Result<Value> Attr(const Value& in, const Args& a) {
  return FilterError("attr", "the " + TypeName(in) + " has no attribute " + PyRepr(a[0]) +
                                 " (use an index: x[" + PyRepr(a[0]) + "])");
}

Result<Value> Items(const Value& in, const Args&) {
  if (in.is_null()) return Value::array();
  if (!in.is_object()) return WrongType("items", "a mapping", in);
  Value out = Value::array();
  for (auto it = in.begin(); it != in.end(); ++it) out.push_back({it.key(), it.value()});
  return out;
}

Result<Value> Abs(const Value& in, const Args&) {
  if (IsIntegral(in)) {
    long long v = AsInteger(in);
    if (v == std::numeric_limits<long long>::min()) return FilterError("abs", "integer overflow");
    return Value(v < 0 ? -v : v);
  }
  if (in.is_number()) return Value(std::fabs(in.get<double>()));
  return WrongType("abs", "a number", in);
}

// Python's round(x, n): half to even on the exact binary value, which
// printf's correctly rounded conversion gives.
double PyRound(double x, long long n) {
  if (!std::isfinite(x)) return x;
  if (n >= 0) {
    if (n > 330) return x;
    std::vector<char> buf(400 + static_cast<size_t>(n));
    std::snprintf(buf.data(), buf.size(), "%.*f", static_cast<int>(n), x);
    return std::strtod(buf.data(), nullptr);
  }
  if (n < -330) return 0.0 * x;
  double scale = std::pow(10.0, static_cast<double>(-n));
  double y = x / scale, r = std::round(y);
  if (std::fabs(y - std::trunc(y)) == 0.5) r = 2.0 * std::round(y / 2.0);
  return r * scale;
}

Result<Value> Round(const Value& in, const Args& a) {
  if (!IsNumeric(in)) return WrongType("round", "a number", in);
  Result<long long> precision = IntArg("round", "precision", a[0]);
  if (!precision.ok()) return precision.status();
  std::string method = ToText(a[1]);
  if (method != "common" && method != "floor" && method != "ceil") {
    return FilterError("round", "method must be 'common', 'floor' or 'ceil', got '" + method + "'");
  }
  if (method == "common") {
    if (IsIntegral(in) && *precision >= 0) return Value(AsInteger(in));
    return Value(PyRound(AsDouble(in), *precision));
  }
  double scale = std::pow(10.0, static_cast<double>(std::clamp(*precision, -400LL, 400LL)));
  double x = AsDouble(in) * scale;
  x = method == "floor" ? std::floor(x) : std::ceil(x);
  return Value(x / scale);
}

}  // namespace

void AddCoreFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"default", {Opt("default_value", ""), Opt("boolean", false)}}, Default, {"d"}},
      {{"int", {Opt("default", 0), Opt("base", 10)}}, Int, {}},
      {{"float", {Opt("default", 0.0)}}, Float, {}},
      {{"bool", {}}, Bool, {}},
      {{"length", {}}, Length, {"count"}},
      {{"first", {}}, First, {}},
      {{"last", {}}, Last, {}},
      {{"string", {}}, String, {}},
      {{"list", {}}, List, {}},
      {{"lower", {}}, Lower, {}},
      {{"upper", {}}, Upper, {}},
      {{"ternary", {Req("true_val"), Req("false_val"), Opt("none_val", nullptr)}}, Ternary, {}},
      {{"mandatory", {Opt("msg", nullptr)}}, Mandatory, {}},
      {{"type_debug", {}}, TypeDebug, {}},
      {{"attr", {Req("name")}}, Attr, {}},
      {{"items", {}}, Items, {}},
      {{"abs", {}}, Abs, {}},
      {{"round", {Opt("precision", 0), Opt("method", "common")}}, Round, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace filters_internal

namespace {

using filters_internal::FilterEntry;

const std::vector<FilterEntry>& Entries() {
  static const auto* entries = [] {
    auto* all = new std::vector<FilterEntry>();
    filters_internal::AddCoreFilters(all);
    filters_internal::AddTextFilters(all);
    filters_internal::AddFormatFilters(all);
    filters_internal::AddCollectionFilters(all);
    filters_internal::AddHigherOrderFilters(all);
    filters_internal::AddSetFilters(all);
    filters_internal::AddDataFilters(all);
    filters_internal::AddYamlFilters(all);
    filters_internal::AddHashFilters(all);
    filters_internal::AddRandomFilters(all);
    filters_internal::AddRegexFilters(all);
    filters_internal::AddPathFilters(all);
    return all;
  }();
  return *entries;
}

const std::map<std::string, const FilterEntry*, std::less<>>& ByName() {
  static const auto* by_name = [] {
    auto* m = new std::map<std::string, const FilterEntry*, std::less<>>();
    for (const FilterEntry& e : Entries()) {
      (*m)[e.spec.name] = &e;
      for (const std::string& alias : e.aliases) (*m)[alias] = &e;
    }
    return m;
  }();
  return *by_name;
}

}  // namespace

const CallableSpec* FindFilter(std::string_view name) {
  auto it = ByName().find(name);
  return it == ByName().end() ? nullptr : &it->second->spec;
}

const std::vector<std::string>& FilterNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, entry] : ByName()) out.push_back(name);
    return out;
  }();
  return names;
}

Result<Value> ApplyFilter(const CallableSpec& spec, const Value& input,
                          const std::vector<Value>& args) {
  auto it = ByName().find(spec.name);
  if (it == ByName().end() || args.size() < spec.params.size() ||
      (!spec.varargs && args.size() != spec.params.size())) {
    return Status::Error("internal error: bad call of filter '" + spec.name + "'");
  }
  return it->second->fn(input, args);
}

}  // namespace hostprep
