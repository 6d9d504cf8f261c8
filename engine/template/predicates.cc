#include "engine/template/predicates.h"

#include <map>
#include <regex>

#include "engine/base/text.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

using Args = std::vector<Value>;
using TestFn = Result<bool> (*)(const Value&, const Args&);

Result<bool> None(const Value& in, const Args&) { return in.is_null(); }
Result<bool> String(const Value& in, const Args&) { return in.is_string(); }
Result<bool> Number(const Value& in, const Args&) { return IsNumeric(in); }
Result<bool> Integer(const Value& in, const Args&) { return in.is_number_integer(); }
Result<bool> Float(const Value& in, const Args&) { return in.is_number_float(); }
Result<bool> Boolean(const Value& in, const Args&) { return in.is_boolean(); }
Result<bool> Mapping(const Value& in, const Args&) { return in.is_object(); }
Result<bool> Sequence(const Value& in, const Args&) {
  return in.is_string() || in.is_array() || in.is_object();
}
Result<bool> True(const Value& in, const Args&) { return in.is_boolean() && in.get<bool>(); }
Result<bool> False(const Value& in, const Args&) { return in.is_boolean() && !in.get<bool>(); }

Result<bool> DivisibleBy(const Value& in, long long n, const char* test) {
  if (!IsIntegral(in)) {
    return Status::Error(std::string("test '") + test + "' expects an integer, got " +
                         TypeName(in));
  }
  if (n == 0) return Status::Error(std::string("test '") + test + "': division by zero");
  return AsInteger(in) % n == 0;
}
Result<bool> Even(const Value& in, const Args&) { return DivisibleBy(in, 2, "even"); }
Result<bool> Odd(const Value& in, const Args&) {
  Result<bool> even = DivisibleBy(in, 2, "odd");
  if (!even.ok()) return even;
  return !*even;
}
Result<bool> DivisibleByTest(const Value& in, const Args& a) {
  if (!IsIntegral(a[0])) {
    return Status::Error("test 'divisibleby' expects an integer argument, got " + TypeName(a[0]));
  }
  return DivisibleBy(in, AsInteger(a[0]), "divisibleby");
}

// Ansible's task result tests read keys of a registered result.
Result<bool> ResultKey(const Value& in, const char* test, const char* key) {
  if (!in.is_object()) {
    return Status::Error(std::string("test '") + test +
                         "' expects a registered task result (a mapping), got " + TypeName(in));
  }
  return in.contains(key) && PyTruthy(in[key]);
}
Result<bool> Failed(const Value& in, const Args&) { return ResultKey(in, "failed", "failed"); }
Result<bool> Succeeded(const Value& in, const Args&) {
  Result<bool> failed = ResultKey(in, "succeeded", "failed");
  if (!failed.ok()) return failed;
  return !*failed;
}
Result<bool> Changed(const Value& in, const Args&) { return ResultKey(in, "changed", "changed"); }
Result<bool> Skipped(const Value& in, const Args&) { return ResultKey(in, "skipped", "skipped"); }

Result<bool> Version(const Value& in, const Args& a) {
  int c = CompareVersions(ToText(in), ToText(a[0]));
  std::string op = ToText(a[1]);
  if (op == "==" || op == "=" || op == "eq") return c == 0;
  if (op == "!=" || op == "<>" || op == "ne") return c != 0;
  if (op == "<" || op == "lt") return c < 0;
  if (op == "<=" || op == "le") return c <= 0;
  if (op == ">" || op == "gt") return c > 0;
  if (op == ">=" || op == "ge") return c >= 0;
  return Status::Error("test 'version': unknown operator '" + op +
                       "'; use one of ==, !=, <, <=, >, >= (or eq, ne, lt, le, gt, ge)");
}

// Python's re.match (anchored at the start) and re.search, approximated
// with ECMAScript regular expressions.
Result<bool> Regex(const Value& in, const Args& a, bool anchored) {
  auto flags = std::regex::ECMAScript;
  if (PyTruthy(a[1])) flags |= std::regex::icase;
  if (PyTruthy(a[2])) flags |= std::regex::multiline;
  try {
    std::regex re(ToText(a[0]), flags);
    std::string s = ToText(in);
    auto match_flags =
        anchored ? std::regex_constants::match_continuous : std::regex_constants::match_default;
    return std::regex_search(s, re, match_flags);
  } catch (const std::exception& e) {
    return Status::Error("bad regular expression '" + ToText(a[0]) + "': " + e.what());
  }
}
Result<bool> Match(const Value& in, const Args& a) { return Regex(in, a, true); }
Result<bool> Search(const Value& in, const Args& a) { return Regex(in, a, false); }

struct TestEntry {
  CallableSpec spec;
  TestFn fn;  // null for defined and undefined, which the evaluator answers
};

CallableParam Opt(std::string name, Value def) { return {std::move(name), std::move(def), false}; }
CallableParam Req(std::string name) { return {std::move(name), Value(), true}; }

const std::map<std::string, TestEntry, std::less<>>& Entries() {
  static const auto* entries = [] {
    auto* m = new std::map<std::string, TestEntry, std::less<>>();
    auto add = [&](std::string name, std::vector<CallableParam> params, TestFn fn) {
      (*m)[name] = TestEntry{{name, std::move(params)}, fn};
    };
    std::vector<CallableParam> regex = {Req("pattern"), Opt("ignorecase", false),
                                        Opt("multiline", false)};
    add("defined", {}, nullptr);
    add("undefined", {}, nullptr);
    add("none", {}, None);
    add("string", {}, String);
    add("number", {}, Number);
    add("integer", {}, Integer);
    add("float", {}, Float);
    add("boolean", {}, Boolean);
    add("mapping", {}, Mapping);
    add("sequence", {}, Sequence);
    add("iterable", {}, Sequence);
    add("true", {}, True);
    add("false", {}, False);
    add("even", {}, Even);
    add("odd", {}, Odd);
    add("divisibleby", {Req("num")}, DivisibleByTest);
    add("failed", {}, Failed);
    add("succeeded", {}, Succeeded);
    add("success", {}, Succeeded);
    add("changed", {}, Changed);
    add("skipped", {}, Skipped);
    add("version", {Req("version"), Opt("operator", "eq")}, Version);
    add("match", regex, Match);
    add("search", regex, Search);
    return m;
  }();
  return *entries;
}

// Splits "1.20.3rc1" into 1, 20, 3, "rc", 1 as Python's LooseVersion does.
std::vector<Value> VersionParts(std::string_view v) {
  std::vector<Value> parts;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    if (std::isdigit(static_cast<unsigned char>(v[i]))) {
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      std::string digits(v.substr(i, j - i));
      parts.emplace_back(digits.size() > 18 ? 0 : std::stoll(digits));
    } else if (std::isalpha(static_cast<unsigned char>(v[i]))) {
      while (j < v.size() && std::isalpha(static_cast<unsigned char>(v[j]))) ++j;
      parts.emplace_back(std::string(v.substr(i, j - i)));
    } else {
      j = i + 1;
    }
    i = j;
  }
  return parts;
}

}  // namespace

const CallableSpec* FindTest(std::string_view name) {
  auto it = Entries().find(name);
  return it == Entries().end() ? nullptr : &it->second.spec;
}

const std::vector<std::string>& TestNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, entry] : Entries()) out.push_back(name);
    return out;
  }();
  return names;
}

Result<bool> ApplyTest(const CallableSpec& spec, const Value& input, const Args& args) {
  auto it = Entries().find(spec.name);
  if (it == Entries().end() || !it->second.fn || args.size() < spec.params.size() ||
      (!spec.varargs && args.size() != spec.params.size())) {
    return Status::Error("internal error: bad call of test '" + spec.name + "'");
  }
  return it->second.fn(input, args);
}

int CompareVersions(std::string_view a, std::string_view b) {
  std::vector<Value> x = VersionParts(a), y = VersionParts(b);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i] == y[i]) continue;
    if (x[i].is_number() != y[i].is_number()) return x[i].is_number() ? -1 : 1;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

}  // namespace hostprep
