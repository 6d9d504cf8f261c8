#include "engine/template/filters.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "engine/base/text.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

using Args = std::vector<Value>;
using FilterFn = Result<Value> (*)(const Value&, const Args&);

Status FilterError(std::string_view filter, const std::string& what) {
  return Status::Error(std::string(filter) + ": " + what);
}

Status WrongType(std::string_view filter, std::string_view expected, const Value& got) {
  return FilterError(filter, "expected " + std::string(expected) + ", got " + TypeName(got));
}

Result<Value> Default(const Value& in, const Args& a) {
  // Only reached for a defined input; the evaluator handles undefined ones.
  // `default(v, true)` replaces falsy values with Python's truthiness, so the
  // string "no" is kept.
  return a[1].get<bool>() && !PyTruthy(in) ? a[0] : in;
}

// The items a Jinja filter iterates over: list items, string characters,
// mapping keys.
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

Result<Value> Join(const Value& in, const Args& a) {
  Result<Value> items = Iterable("join", in);
  if (!items.ok()) return items.status();
  std::string sep = ToText(a[0]), out;
  bool first = true;
  for (const Value& item : *items) {
    if (!first) out += sep;
    first = false;
    if (a[1].is_null()) {
      out += ToText(item);
    } else if (item.is_object() && item.contains(ToText(a[1]))) {
      out += ToText(item[ToText(a[1])]);
    } else {
      return FilterError("join", "an item has no attribute '" + ToText(a[1]) + "'");
    }
  }
  return Value(out);
}

std::string MapChars(std::string s, int (*fn)(int)) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(fn(c));
  }
  return s;
}

Result<Value> Lower(const Value& in, const Args&) {
  return Value(MapChars(ToText(in), std::tolower));
}
Result<Value> Upper(const Value& in, const Args&) {
  return Value(MapChars(ToText(in), std::toupper));
}

Result<Value> TrimFilter(const Value& in, const Args& a) {
  std::string s = ToText(in);
  if (a[0].is_null()) return Value(Trim(s));
  std::string chars = ToText(a[0]);
  size_t b = s.find_first_not_of(chars);
  if (b == std::string::npos) return Value("");
  return Value(s.substr(b, s.find_last_not_of(chars) - b + 1));
}

// Python's int(text, base), which allows surrounding whitespace, a sign, and
// a 0x/0o/0b prefix matching the base.
bool ParseInteger(std::string s, int base, long long* out) {
  s = Trim(s);
  std::string digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    neg = digits[0] == '-';
    digits.erase(0, 1);
  }
  if (digits.size() > 2 && digits[0] == '0') {
    char p = static_cast<char>(std::tolower(digits[1]));
    if ((p == 'x' && base == 16) || (p == 'o' && base == 8) || (p == 'b' && base == 2)) {
      digits.erase(0, 2);
    }
  }
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  if (digits.empty() || !std::isalnum(static_cast<unsigned char>(digits[0]))) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(digits.c_str(), &end, base);
  if (errno != 0 || *end != '\0') return false;
  *out = neg ? -v : v;
  return true;
}

// Python's float(text): decimal or exponent notation, inf and nan.
bool ParseFloat(const std::string& text, double* out) {
  std::string s = Trim(text);
  if (s.empty() || s.find_first_of("xXpP") != std::string::npos) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0';
}

Result<Value> Int(const Value& in, const Args& a) {
  long long base = a[1].is_number_integer() ? a[1].get<long long>() : -1;
  if (base != 2 && base != 8 && base != 10 && base != 16) {
    return FilterError("int", "base must be 2, 8, 10 or 16, got " + ToText(a[1]));
  }
  if (IsIntegral(in)) return Value(AsInteger(in));
  double d = 0;
  if (in.is_number_float()) d = in.get<double>();
  if (in.is_string()) {
    long long v = 0;
    if (ParseInteger(in.get<std::string>(), static_cast<int>(base), &v)) return Value(v);
    if (base != 10 || !ParseFloat(in.get<std::string>(), &d)) return a[0];
  }
  if (!in.is_number_float() && !in.is_string()) return a[0];
  if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return a[0];
  return Value(static_cast<long long>(d));
}

Result<Value> Float(const Value& in, const Args& a) {
  if (IsNumeric(in)) return Value(AsDouble(in));
  double d = 0;
  if (in.is_string() && ParseFloat(in.get<std::string>(), &d)) return Value(d);
  return a[0];
}

// Ansible's bool filter: yes/on/1/true (any case) and 1 are true, the rest false.
Result<Value> Bool(const Value& in, const Args&) {
  if (in.is_boolean()) return in;
  if (in.is_string()) {
    std::string s = ToLower(Trim(in.get<std::string>()));
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

// Python's str.replace, including an empty `old` (insert between characters).
Result<Value> Replace(const Value& in, const Args& a) {
  std::string s = ToText(in), from = ToText(a[0]), to = ToText(a[1]);
  long long count = a[2].is_null() ? -1 : AsInteger(a[2]);
  if (!a[2].is_null() && !IsIntegral(a[2])) return WrongType("replace", "an integer count", a[2]);
  std::string out;
  if (from.empty()) {
    std::vector<std::string> chars = Utf8Chars(s);
    for (size_t i = 0; i <= chars.size(); ++i) {
      if (count < 0 || static_cast<long long>(i) < count) out += to;
      if (i < chars.size()) out += chars[i];
    }
    return Value(out);
  }
  size_t pos = 0;
  for (long long n = 0; count < 0 || n < count; ++n) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  return Value(out);
}

Result<Value> FirstOrLast(std::string_view name, const Value& in) {
  Result<Value> items = Iterable(name, in);
  if (!items.ok()) return items.status();
  if (items->empty()) return FilterError(name, "the " + TypeName(in) + " is empty");
  return name == "first" ? items->front() : items->back();
}
Result<Value> First(const Value& in, const Args&) { return FirstOrLast("first", in); }
Result<Value> Last(const Value& in, const Args&) { return FirstOrLast("last", in); }

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Result<Value> B64Encode(const Value& in, const Args&) {
  std::string s = ToText(in), out;
  for (size_t i = 0; i < s.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) n |= static_cast<unsigned char>(s[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < s.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kBase64[n & 63] : '=';
  }
  return Value(out);
}

Result<Value> B64Decode(const Value& in, const Args&) {
  std::string s = ToText(in), out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    const char* p = std::strchr(kBase64, c);
    if (c == '\0' || p == nullptr) return FilterError("b64decode", "not valid base64");
    acc = (acc << 6) | static_cast<unsigned>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return Value(out);
}

Result<Value> String(const Value& in, const Args&) { return Value(ToText(in)); }
Result<Value> List(const Value& in, const Args&) { return Iterable("list", in); }

Result<Value> Unique(const Value& in, const Args&) {
  Result<Value> items = Iterable("unique", in);
  if (!items.ok()) return items.status();
  Value out = Value::array();
  for (const Value& item : *items) {
    if (std::none_of(out.begin(), out.end(),
                     [&](const Value& o) { return ValuesEqual(o, item); })) {
      out.push_back(item);
    }
  }
  return out;
}

// Jinja's sort: case-insensitive for strings unless case_sensitive is set.
Result<Value> Sort(const Value& in, const Args& a) {
  Result<Value> items = Iterable("sort", in);
  if (!items.ok()) return items.status();
  std::vector<Value> keys, values(items->begin(), items->end());
  for (const Value& v : values) {
    Value key = v;
    if (!a[2].is_null())
      key = v.is_object() && v.contains(ToText(a[2])) ? v[ToText(a[2])] : Value();
    if (key.is_string() && !PyTruthy(a[1])) key = ToLower(key.get<std::string>());
    keys.push_back(key);
  }
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Status error;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    Result<int> c = CompareValues(keys[x], keys[y], "<");
    if (!c.ok() && error.ok()) error = c.status();
    return c.ok() && (PyTruthy(a[0]) ? *c > 0 : *c < 0);
  });
  if (!error.ok()) return error.WithContext("sort");
  Value out = Value::array();
  for (size_t i : order) out.push_back(values[i]);
  return out;
}

Result<Value> Reverse(const Value& in, const Args&) {
  Result<Value> items = Iterable("reverse", in);
  if (!items.ok()) return items.status();
  Value out = Value::array();
  for (auto it = items->rbegin(); it != items->rend(); ++it) out.push_back(*it);
  if (!in.is_string()) return out;
  std::string s;
  for (const Value& c : out) s += c.get<std::string>();
  return Value(s);
}

Result<Value> MinOrMax(std::string_view name, const Value& in) {
  Result<Value> items = Iterable(name, in);
  if (!items.ok()) return items.status();
  if (items->empty()) return FilterError(name, "the " + TypeName(in) + " is empty");
  Value best = items->front();
  for (const Value& v : *items) {
    Result<int> c = CompareValues(v, best, "<");
    if (!c.ok()) return c.status().WithContext(std::string(name));
    if (name == "min" ? *c < 0 : *c > 0) best = v;
  }
  return best;
}
Result<Value> Min(const Value& in, const Args&) { return MinOrMax("min", in); }
Result<Value> Max(const Value& in, const Args&) { return MinOrMax("max", in); }

Result<Value> Sum(const Value& in, const Args& a) {
  if (!in.is_array()) return WrongType("sum", "a list", in);
  if (!IsNumeric(a[1])) return WrongType("sum", "a number to start from", a[1]);
  bool integral = IsIntegral(a[1]);
  long long total = AsInteger(a[1]);
  double ftotal = AsDouble(a[1]);
  for (const Value& item : in) {
    Value v =
        a[0].is_null() ? item : (item.is_object() ? item.value(ToText(a[0]), Value()) : Value());
    if (!IsNumeric(v)) return WrongType("sum", "numbers", v);
    integral = integral && IsIntegral(v);
    total += AsInteger(v);
    ftotal += AsDouble(v);
  }
  return integral ? Value(total) : Value(ftotal);
}

Result<Value> Abs(const Value& in, const Args&) {
  if (IsIntegral(in)) return Value(std::llabs(AsInteger(in)));
  if (in.is_number()) return Value(std::fabs(in.get<double>()));
  return WrongType("abs", "a number", in);
}

Result<Value> Round(const Value& in, const Args& a) {
  if (!IsNumeric(in)) return WrongType("round", "a number", in);
  if (!IsIntegral(a[0])) return WrongType("round", "an integer precision", a[0]);
  std::string method = ToText(a[1]);
  double scale = std::pow(10.0, static_cast<double>(AsInteger(a[0])));
  double x = AsDouble(in) * scale;
  if (method == "common") {
    x = std::round(x);
  } else if (method == "floor") {
    x = std::floor(x);
  } else if (method == "ceil") {
    x = std::ceil(x);
  } else {
    return FilterError("round", "method must be 'common', 'floor' or 'ceil', got '" + method + "'");
  }
  return Value(x / scale);
}

// Python's os.path.basename and os.path.dirname.
Result<Value> Basename(const Value& in, const Args&) {
  std::string s = ToText(in);
  size_t slash = s.rfind('/');
  return Value(slash == std::string::npos ? s : s.substr(slash + 1));
}

Result<Value> Dirname(const Value& in, const Args&) {
  std::string s = ToText(in);
  size_t slash = s.rfind('/');
  if (slash == std::string::npos) return Value("");
  std::string head = s.substr(0, slash + 1);
  if (head.find_first_not_of('/') != std::string::npos) {
    while (!head.empty() && head.back() == '/') head.pop_back();
  }
  return Value(head);
}

Result<Value> Quote(const Value& in, const Args&) { return Value(ShellQuote(ToText(in))); }

// Invalid UTF-8 in a value must not throw out of dump().
std::string SafeDump(const Value& v) {
  return v.dump(-1, ' ', false, Value::error_handler_t::replace);
}

// Python's json.dumps layout (", " and ": "), which Ansible's to_json keeps.
std::string PyJson(const Value& v) {
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + PyJson(v[i]);
    return out + "]";
  }
  if (v.is_object()) {
    out = "{";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += (first ? "" : ", ") + SafeDump(Value(it.key())) + ": " + PyJson(it.value());
      first = false;
    }
    return out + "}";
  }
  return SafeDump(v);
}
Result<Value> ToJson(const Value& in, const Args&) { return Value(PyJson(in)); }

void Merge(Value* into, const Value& from, bool recursive) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    auto existing = into->find(it.key());
    if (recursive && existing != into->end() && existing->is_object() && it->is_object()) {
      Merge(&*existing, *it, true);
    } else {
      (*into)[it.key()] = *it;
    }
  }
}

Result<Value> Combine(const Value& in, const Args& a) {
  if (!in.is_object()) return WrongType("combine", "a mapping", in);
  if (!a[0].is_object()) return WrongType("combine", "a mapping to combine with", a[0]);
  Value out = in;
  Merge(&out, a[0], PyTruthy(a[1]));
  return out;
}

Result<Value> Dict2Items(const Value& in, const Args& a) {
  if (!in.is_object()) return WrongType("dict2items", "a mapping", in);
  Value out = Value::array();
  for (auto it = in.begin(); it != in.end(); ++it) {
    out.push_back({{ToText(a[0]), it.key()}, {ToText(a[1]), it.value()}});
  }
  return out;
}

Result<Value> Items2Dict(const Value& in, const Args& a) {
  if (!in.is_array()) return WrongType("items2dict", "a list", in);
  Value out = Value::object();
  std::string k = ToText(a[0]), v = ToText(a[1]);
  for (const Value& item : in) {
    if (!item.is_object() || !item.contains(k) || !item.contains(v)) {
      return FilterError("items2dict", "every item needs the keys '" + k + "' and '" + v + "'");
    }
    out[ToText(item[k])] = item[v];
  }
  return out;
}

struct FilterEntry {
  CallableSpec spec;
  FilterFn fn;
  std::vector<std::string> aliases;
};

CallableParam Opt(std::string name, Value def) { return {std::move(name), std::move(def), false}; }
CallableParam Req(std::string name) { return {std::move(name), Value(), true}; }

const std::vector<FilterEntry>& Entries() {
  static const std::vector<FilterEntry> entries = {
      {{"default", {Opt("default_value", ""), Opt("boolean", false)}}, Default, {"d"}},
      {{"join", {Opt("d", ""), Opt("attribute", nullptr)}}, Join, {}},
      {{"lower", {}}, Lower, {}},
      {{"upper", {}}, Upper, {}},
      {{"trim", {Opt("chars", nullptr)}}, TrimFilter, {}},
      {{"int", {Opt("default", 0), Opt("base", 10)}}, Int, {}},
      {{"float", {Opt("default", 0.0)}}, Float, {}},
      {{"bool", {}}, Bool, {}},
      {{"length", {}}, Length, {"count"}},
      {{"replace", {Req("old"), Req("new"), Opt("count", nullptr)}}, Replace, {}},
      {{"first", {}}, First, {}},
      {{"last", {}}, Last, {}},
      {{"b64encode", {}}, B64Encode, {}},
      {{"b64decode", {}}, B64Decode, {}},
      {{"string", {}}, String, {}},
      {{"list", {}}, List, {}},
      {{"unique", {}}, Unique, {}},
      {{"sort", {Opt("reverse", false), Opt("case_sensitive", false), Opt("attribute", nullptr)}},
       Sort,
       {}},
      {{"reverse", {}}, Reverse, {}},
      {{"min", {}}, Min, {}},
      {{"max", {}}, Max, {}},
      {{"sum", {Opt("attribute", nullptr), Opt("start", 0)}}, Sum, {}},
      {{"abs", {}}, Abs, {}},
      {{"round", {Opt("precision", 0), Opt("method", "common")}}, Round, {}},
      {{"basename", {}}, Basename, {}},
      {{"dirname", {}}, Dirname, {}},
      {{"quote", {}}, Quote, {}},
      {{"to_json", {}}, ToJson, {}},
      {{"combine", {Req("other"), Opt("recursive", false)}}, Combine, {}},
      {{"dict2items", {Opt("key_name", "key"), Opt("value_name", "value")}}, Dict2Items, {}},
      {{"items2dict", {Opt("key_name", "key"), Opt("value_name", "value")}}, Items2Dict, {}},
  };
  return entries;
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

Result<Value> ApplyFilter(const CallableSpec& spec, const Value& input, const Args& args) {
  auto it = ByName().find(spec.name);
  if (it == ByName().end() || args.size() < spec.params.size() ||
      (!spec.varargs && args.size() != spec.params.size())) {
    return Status::Error("internal error: bad call of filter '" + spec.name + "'");
  }
  return it->second->fn(input, args);
}

}  // namespace hostprep
