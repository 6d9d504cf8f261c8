// Jinja2's built-in tests and Ansible's (core, mathstuff, files, uri),
// with their semantics. Version comparison lives in predicates_version.cc.
#include "engine/template/predicates.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/base/text.h"
#include "engine/template/filters.h"
#include "engine/template/filters_internal.h"
#include "engine/template/filters_regex.h"
#include "engine/template/predicates_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

using Args = std::vector<Value>;
using TestFn = Result<bool> (*)(const Value&, const Args&);
using filters_internal::Opt;
using filters_internal::PyStr;
using filters_internal::Req;

Status TestError(std::string_view test, const std::string& what) {
  return Status::Error("test '" + std::string(test) + "' " + what);
}

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
Result<bool> Callable(const Value&, const Args&) { return false; }
Result<bool> Escaped(const Value&, const Args&) { return false; }

// Python's str.islower / isupper: some cased character, none of the other
// case.
Result<bool> CaseTest(const Value& in, bool lower) {
  std::string s = PyStr(in);
  std::string l = filters_internal::PyLower(s), u = filters_internal::PyUpper(s);
  bool cased = l != u || s != l || s != u;
  return cased && s == (lower ? l : u) && l != u;
}
Result<bool> Lower(const Value& in, const Args&) { return CaseTest(in, true); }
Result<bool> Upper(const Value& in, const Args&) { return CaseTest(in, false); }

// value % num == 0 with Python's modulo, for integers and floats.
Result<bool> Modulo(std::string_view test, const Value& in, const Value& num, double want) {
  if (!IsNumeric(in)) return TestError(test, "expects a number, got " + TypeName(in));
  if (!IsNumeric(num)) return TestError(test, "expects a number argument, got " + TypeName(num));
  if (AsDouble(num) == 0) return TestError(test, "division by zero");
  if (IsIntegral(in) && IsIntegral(num)) {
    long long n = AsInteger(num), r = AsInteger(in) % n;
    if (r != 0 && ((r < 0) != (n < 0))) r += n;
    return static_cast<double>(r) == want;
  }
  double n = AsDouble(num), r = std::fmod(AsDouble(in), n);
  if (r != 0 && ((r < 0) != (n < 0))) r += n;
  return r == want;
}
Result<bool> Even(const Value& in, const Args&) { return Modulo("even", in, 2, 0); }
Result<bool> Odd(const Value& in, const Args&) { return Modulo("odd", in, 2, 1); }
Result<bool> DivisibleBy(const Value& in, const Args& a) {
  return Modulo("divisibleby", in, a[0], 0);
}

Result<bool> Eq(const Value& in, const Args& a) { return ValuesEqual(in, a[0]); }
Result<bool> Ne(const Value& in, const Args& a) { return !ValuesEqual(in, a[0]); }
Result<bool> Order(const Value& in, const Value& other, std::string_view op) {
  Result<int> c = CompareValues(in, other, op);
  if (!c.ok()) return c.status();
  if (op == "<") return *c < 0;
  if (op == "<=") return *c <= 0;
  if (op == ">") return *c > 0;
  return *c >= 0;
}
Result<bool> Lt(const Value& in, const Args& a) { return Order(in, a[0], "<"); }
Result<bool> Le(const Value& in, const Args& a) { return Order(in, a[0], "<="); }
Result<bool> Gt(const Value& in, const Args& a) { return Order(in, a[0], ">"); }
Result<bool> Ge(const Value& in, const Args& a) { return Order(in, a[0], ">="); }
Result<bool> In(const Value& in, const Args& a) { return Contains(a[0], in); }
Result<bool> ContainsTest(const Value& in, const Args& a) { return Contains(in, a[0]); }

// Python's `is`: the singletons None, True and False, and small values
// CPython shares; containers are never the same object here.
Result<bool> SameAs(const Value& in, const Args& a) {
  if (in.is_array() || in.is_object()) return false;
  return in.type() == a[0].type() && in == a[0];
}

Result<bool> FilterTest(const Value& in, const Args&) {
  return in.is_string() && FindFilter(in.get<std::string>()) != nullptr;
}
Result<bool> TestTest(const Value& in, const Args&) {
  return in.is_string() && FindTest(in.get<std::string>()) != nullptr;
}

// Ansible's task result tests read keys of a registered result.
Result<const Value*> ResultOf(const Value& in, std::string_view test) {
  if (!in.is_object()) {
    return TestError(test, "expects a registered task result (a mapping), got " + TypeName(in));
  }
  return &in;
}
Result<bool> Key(const Value& in, std::string_view test, const char* key) {
  Result<const Value*> r = ResultOf(in, test);
  if (!r.ok()) return r.status();
  return in.contains(key) && PyTruthy(in[key]);
}
Result<bool> Failed(const Value& in, const Args&) { return Key(in, "failed", "failed"); }
Result<bool> Succeeded(const Value& in, const Args&) {
  Result<bool> failed = Key(in, "succeeded", "failed");
  if (!failed.ok()) return failed;
  return !*failed;
}
Result<bool> Unreachable(const Value& in, const Args&) {
  return Key(in, "unreachable", "unreachable");
}
Result<bool> Reachable(const Value& in, const Args&) {
  Result<bool> unreachable = Key(in, "reachable", "unreachable");
  if (!unreachable.ok()) return unreachable;
  return !*unreachable;
}
Result<bool> Skipped(const Value& in, const Args&) { return Key(in, "skipped", "skipped"); }
Result<bool> Changed(const Value& in, const Args&) {
  Result<const Value*> r = ResultOf(in, "changed");
  if (!r.ok()) return r.status();
  if (in.contains("changed")) return PyTruthy(in["changed"]);
  const Value results = in.value("results", Value());
  if (!results.is_array() || results.empty() || !results[0].is_object()) return false;
  for (const Value& res : results) {
    if (res.is_object() && PyTruthy(res.value("changed", Value(false)))) return true;
  }
  return false;
}
Result<bool> AsyncState(const Value& in, const char* key) {
  Result<const Value*> r = ResultOf(in, key);
  if (!r.ok()) return r.status();
  if (!in.contains(key)) return true;
  return ValuesEqual(in[key], Value(1));
}
Result<bool> Finished(const Value& in, const Args&) { return AsyncState(in, "finished"); }
Result<bool> Started(const Value& in, const Args&) { return AsyncState(in, "started"); }

Result<bool> RegexTest(const Value& in, const Value& pattern, const Value& icase,
                       const Value& multiline, const std::string& type, std::string_view test) {
  PyRegex::Mode mode = type == "match"       ? PyRegex::Mode::kMatch
                       : type == "fullmatch" ? PyRegex::Mode::kFullMatch
                                             : PyRegex::Mode::kSearch;
  Result<PyRegex> re = PyRegex::Compile(PyStr(pattern), PyTruthy(icase), PyTruthy(multiline));
  if (!re.ok()) return TestError(test, re.message());
  Result<std::optional<PyRegex::Match>> m = re->Find(PyStr(in), mode);
  if (!m.ok()) return TestError(test, m.message());
  return m->has_value();
}
Result<bool> Match(const Value& in, const Args& a) {
  return RegexTest(in, a[0], a[1], a[2], "match", "match");
}
Result<bool> Search(const Value& in, const Args& a) {
  return RegexTest(in, a[0], a[1], a[2], "search", "search");
}
Result<bool> Regex(const Value& in, const Args& a) {
  return RegexTest(in, a[0], a[1], a[2], PyStr(a[3]), "regex");
}

Result<bool> AnyAll(const Value& in, bool all, std::string_view test) {
  Result<Value> items = filters_internal::Iterable(test, in);
  if (!items.ok()) return TestError(test, "expects a list, got " + TypeName(in));
  for (const Value& v : *items) {
    if (PyTruthy(v) != all) return !all;
  }
  return all;
}
Result<bool> Any(const Value& in, const Args&) { return AnyAll(in, false, "any"); }
Result<bool> All(const Value& in, const Args&) { return AnyAll(in, true, "all"); }

// convert_bool reads boolean-like values (yes, off, 1); others fall back
// to Python's truthiness, as Ansible's TypeError fallback does.
Result<bool> Truthy(const Value& in, const Args& a) {
  if (PyTruthy(a[0])) {
    std::optional<bool> b = AnsibleBoolean(in);
    if (b) return *b;
  }
  return PyTruthy(in);
}
Result<bool> Falsy(const Value& in, const Args& a) {
  Result<bool> t = Truthy(in, a);
  if (!t.ok()) return t;
  return !*t;
}

Result<bool> SubsetOf(const Value& small, const Value& big, std::string_view test) {
  Result<Value> s = filters_internal::Iterable(test, small);
  Result<Value> b = filters_internal::Iterable(test, big);
  if (!s.ok() || !b.ok()) return TestError(test, "expects lists");
  for (const Value& v : *s) {
    if (std::none_of(b->begin(), b->end(), [&](const Value& o) { return ValuesEqual(o, v); })) {
      return false;
    }
  }
  return true;
}
Result<bool> Subset(const Value& in, const Args& a) { return SubsetOf(in, a[0], "subset"); }
Result<bool> Superset(const Value& in, const Args& a) { return SubsetOf(a[0], in, "superset"); }
Result<bool> Nan(const Value& in, const Args&) {
  return in.is_number_float() && std::isnan(in.get<double>());
}

Result<bool> VaultEncrypted(const Value& in, const Args&) {
  return in.is_string() && StartsWith(in.get<std::string>(), "$ANSIBLE_VAULT;");
}

// The uri tests: urlparse gives a scheme for "name:" prefixes.
std::string SchemeOf(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(s[0])))
    return "";
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  return ToLower(s.substr(0, colon));
}
Result<bool> IsUri(const Value& in, const Value& schemes) {
  if (!in.is_string()) return false;
  if (!PyTruthy(schemes)) return true;
  Result<bool> r = Contains(schemes, Value(SchemeOf(in.get<std::string>())));
  return r.ok() && *r;
}
Result<bool> Uri(const Value& in, const Args& a) { return IsUri(in, a[0]); }
Result<bool> Urn(const Value& in, const Args&) { return IsUri(in, Value::array({"urn"})); }
Result<bool> Url(const Value& in, const Args& a) {
  Result<bool> uri = IsUri(in, a[0]);
  if (!uri.ok() || !*uri) return uri;
  const std::string& s = in.get_ref<const std::string&>();
  std::string scheme = SchemeOf(s);
  std::string rest = scheme.empty() ? s : s.substr(scheme.size() + 1);
  return (rest.size() > 2 && rest.compare(0, 2, "//") == 0) || scheme == "file";
}

// The path tests (Ansible's files.py) on the controller's filesystem.
Result<bool> StatTest(const Value& in, int kind) {
  std::string p = PyStr(in);
  struct stat st;
  switch (kind) {
    case 0:
      return ::stat(p.c_str(), &st) == 0;
    case 1:
      return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    case 2:
      return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    case 3:
      return ::lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
    default:
      return ::lstat(p.c_str(), &st) == 0;
  }
}
Result<bool> Exists(const Value& in, const Args&) { return StatTest(in, 0); }
Result<bool> File(const Value& in, const Args&) { return StatTest(in, 1); }
Result<bool> Directory(const Value& in, const Args&) { return StatTest(in, 2); }
Result<bool> Link(const Value& in, const Args&) { return StatTest(in, 3); }
Result<bool> LinkExists(const Value& in, const Args&) { return StatTest(in, 4); }
Result<bool> Abs(const Value& in, const Args&) { return StartsWith(PyStr(in), "/"); }
Result<bool> SameFile(const Value& in, const Args& a) {
  struct stat x, y;
  std::string p = PyStr(in), q = PyStr(a[0]);
  if (::stat(p.c_str(), &x) != 0) return TestError("same_file", "cannot stat '" + p + "'");
  if (::stat(q.c_str(), &y) != 0) return TestError("same_file", "cannot stat '" + q + "'");
  return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}
Result<bool> Mount(const Value& in, const Args&) {
  std::string p = PyStr(in);
  struct stat st, parent;
  if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return false;
  if (::lstat((p + "/..").c_str(), &parent) != 0) return false;
  return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

struct TestEntry {
  CallableSpec spec;
  TestFn fn;  // null for defined and undefined, which the evaluator answers
};

const std::map<std::string, TestEntry, std::less<>>& Entries() {
  static const auto* entries = [] {
    auto* m = new std::map<std::string, TestEntry, std::less<>>();
    auto add = [&](std::vector<std::string> names, std::vector<CallableParam> params, TestFn fn) {
      for (const std::string& name : names) (*m)[name] = TestEntry{{name, params}, fn};
    };
    std::vector<CallableParam> regex = {Opt("pattern", ""), Opt("ignorecase", false),
                                        Opt("multiline", false)};
    std::vector<CallableParam> other = {Req("other")};
    add({"defined", "undefined"}, {}, nullptr);
    add({"none"}, {}, None);
    add({"string"}, {}, String);
    add({"number"}, {}, Number);
    add({"integer"}, {}, Integer);
    add({"float"}, {}, Float);
    add({"boolean"}, {}, Boolean);
    add({"mapping"}, {}, Mapping);
    add({"sequence", "iterable"}, {}, Sequence);
    add({"true"}, {}, True);
    add({"false"}, {}, False);
    add({"callable"}, {}, Callable);
    add({"escaped"}, {}, Escaped);
    add({"lower"}, {}, Lower);
    add({"upper"}, {}, Upper);
    add({"even"}, {}, Even);
    add({"odd"}, {}, Odd);
    add({"divisibleby"}, {Req("num")}, DivisibleBy);
    add({"eq", "equalto", "=="}, other, Eq);
    add({"ne", "!="}, other, Ne);
    add({"lt", "lessthan", "<"}, other, Lt);
    add({"le", "<="}, other, Le);
    add({"gt", "greaterthan", ">"}, other, Gt);
    add({"ge", ">="}, other, Ge);
    add({"in"}, {Req("seq")}, In);
    add({"sameas"}, other, SameAs);
    add({"filter"}, {}, FilterTest);
    add({"test"}, {}, TestTest);
    add({"failed", "failure"}, {}, Failed);
    add({"succeeded", "success", "successful"}, {}, Succeeded);
    add({"unreachable"}, {}, Unreachable);
    add({"reachable"}, {}, Reachable);
    add({"changed", "change"}, {}, Changed);
    add({"skipped", "skip"}, {}, Skipped);
    add({"finished"}, {}, Finished);
    add({"started"}, {}, Started);
    add({"match"}, regex, Match);
    add({"search"}, regex, Search);
    std::vector<CallableParam> regex_typed = regex;
    regex_typed.push_back(Opt("match_type", "search"));
    add({"regex"}, regex_typed, Regex);
    add({"version", "version_compare"},
        {Req("version"), Opt("operator", "eq"), Opt("strict", nullptr),
         Opt("version_type", nullptr)},
        predicates_internal::VersionTest);
    add({"any"}, {}, Any);
    add({"all"}, {}, All);
    add({"truthy"}, {Opt("convert_bool", false)}, Truthy);
    add({"falsy"}, {Opt("convert_bool", false)}, Falsy);
    add({"subset", "issubset"}, {Req("b")}, Subset);
    add({"superset", "issuperset"}, {Req("b")}, Superset);
    add({"contains"}, {Req("value")}, ContainsTest);
    add({"nan", "isnan"}, {}, Nan);
    add({"vault_encrypted"}, {}, VaultEncrypted);
    add({"uri"}, {Opt("schemes", nullptr)}, Uri);
    add({"url"}, {Opt("schemes", nullptr)}, Url);
    add({"urn"}, {}, Urn);
    add({"exists"}, {}, Exists);
    add({"file", "is_file"}, {}, File);
    add({"directory", "is_dir"}, {}, Directory);
    add({"link", "is_link"}, {}, Link);
    add({"link_exists"}, {}, LinkExists);
    add({"abs", "is_abs"}, {}, Abs);
    add({"same_file", "is_same_file"}, {Req("other")}, SameFile);
    add({"mount", "is_mount"}, {}, Mount);
    return m;
  }();
  return *entries;
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

}  // namespace hostprep
