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

Result<bool> NoneTest(const Value& in, const Args&) { return in.is_null(); }
Result<bool> StringTest(const Value& in, const Args&) { return in.is_string(); }
Result<bool> NumberTest(const Value& in, const Args&) { return IsNumeric(in); }
Result<bool> IntegerTest(const Value& in, const Args&) { return in.is_number_integer(); }
Result<bool> FloatTest(const Value& in, const Args&) { return in.is_number_float(); }
Result<bool> BooleanTest(const Value& in, const Args&) { return in.is_boolean(); }
Result<bool> MappingTest(const Value& in, const Args&) { return in.is_object(); }
Result<bool> SequenceTest(const Value& in, const Args&) {
  return in.is_string() || in.is_array() || in.is_object();
}
Result<bool> TrueTest(const Value& in, const Args&) { return in.is_boolean() && in.get<bool>(); }
Result<bool> FalseTest(const Value& in, const Args&) { return in.is_boolean() && !in.get<bool>(); }
Result<bool> CallableTest(const Value&, const Args&) { return false; }
Result<bool> EscapedTest(const Value&, const Args&) { return false; }

// Python's str.islower / isupper: some cased character, none of the other
// case.
Result<bool> CaseTest(const Value& in, bool lower) {
  std::string s = PyStr(in);
  std::string l = filters_internal::PyLower(s), u = filters_internal::PyUpper(s);
  bool cased = l != u || s != l || s != u;
  return cased && s == (lower ? l : u) && l != u;
}
Result<bool> LowerTest(const Value& in, const Args&) { return CaseTest(in, true); }
Result<bool> UpperTest(const Value& in, const Args&) { return CaseTest(in, false); }

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
Result<bool> EvenTest(const Value& in, const Args&) { return Modulo("even", in, 2, 0); }
Result<bool> OddTest(const Value& in, const Args&) { return Modulo("odd", in, 2, 1); }
Result<bool> DivisibleByTest(const Value& in, const Args& a) {
  return Modulo("divisibleby", in, a[0], 0);
}

Result<bool> EqTest(const Value& in, const Args& a) { return ValuesEqual(in, a[0]); }
Result<bool> NeTest(const Value& in, const Args& a) { return !ValuesEqual(in, a[0]); }
Result<bool> Order(const Value& in, const Value& other, std::string_view op) {
  Result<int> c = CompareValues(in, other, op);
  if (!c.ok()) return c.status();
  if (op == "<") return *c < 0;
  if (op == "<=") return *c <= 0;
  if (op == ">") return *c > 0;
  return *c >= 0;
}
Result<bool> LtTest(const Value& in, const Args& a) { return Order(in, a[0], "<"); }
Result<bool> LeTest(const Value& in, const Args& a) { return Order(in, a[0], "<="); }
Result<bool> GtTest(const Value& in, const Args& a) { return Order(in, a[0], ">"); }
Result<bool> GeTest(const Value& in, const Args& a) { return Order(in, a[0], ">="); }
Result<bool> InTest(const Value& in, const Args& a) { return Contains(a[0], in); }
Result<bool> ContainsTest(const Value& in, const Args& a) { return Contains(in, a[0]); }

// Python's `is`: the singletons None, True and False, and small values
// CPython shares; containers are never the same object here.
Result<bool> SameAsTest(const Value& in, const Args& a) {
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
Result<bool> FailedTest(const Value& in, const Args&) { return Key(in, "failed", "failed"); }
Result<bool> SucceededTest(const Value& in, const Args&) {
  Result<bool> failed = Key(in, "succeeded", "failed");
  if (!failed.ok()) return failed;
  return !*failed;
}
Result<bool> UnreachableTest(const Value& in, const Args&) {
  return Key(in, "unreachable", "unreachable");
}
Result<bool> ReachableTest(const Value& in, const Args&) {
  Result<bool> unreachable = Key(in, "reachable", "unreachable");
  if (!unreachable.ok()) return unreachable;
  return !*unreachable;
}
Result<bool> SkippedTest(const Value& in, const Args&) { return Key(in, "skipped", "skipped"); }
Result<bool> ChangedTest(const Value& in, const Args&) {
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
Result<bool> FinishedTest(const Value& in, const Args&) { return AsyncState(in, "finished"); }
Result<bool> StartedTest(const Value& in, const Args&) { return AsyncState(in, "started"); }

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
Result<bool> MatchTest(const Value& in, const Args& a) {
  return RegexTest(in, a[0], a[1], a[2], "match", "match");
}
Result<bool> SearchTest(const Value& in, const Args& a) {
  return RegexTest(in, a[0], a[1], a[2], "search", "search");
}
Result<bool> RegexTest(const Value& in, const Args& a) {
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
Result<bool> AnyTest(const Value& in, const Args&) { return AnyAll(in, false, "any"); }
Result<bool> AllTest(const Value& in, const Args&) { return AnyAll(in, true, "all"); }

// convert_bool reads boolean-like values (yes, off, 1); others fall back
// to Python's truthiness, as Ansible's TypeError fallback does.
Result<bool> TruthyTest(const Value& in, const Args& a) {
  if (PyTruthy(a[0])) {
    std::optional<bool> b = AnsibleBoolean(in);
    if (b) return *b;
  }
  return PyTruthy(in);
}
Result<bool> FalsyTest(const Value& in, const Args& a) {
  Result<bool> t = TruthyTest(in, a);
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
Result<bool> SubsetTest(const Value& in, const Args& a) { return SubsetOf(in, a[0], "subset"); }
Result<bool> SupersetTest(const Value& in, const Args& a) { return SubsetOf(a[0], in, "superset"); }
Result<bool> NanTest(const Value& in, const Args&) {
  return in.is_number_float() && std::isnan(in.get<double>());
}

Result<bool> VaultEncryptedTest(const Value& in, const Args&) {
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
Result<bool> UriTest(const Value& in, const Args& a) { return IsUri(in, a[0]); }
Result<bool> UrnTest(const Value& in, const Args&) { return IsUri(in, Value::array({"urn"})); }
Result<bool> UrlTest(const Value& in, const Args& a) {
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
Result<bool> ExistsTest(const Value& in, const Args&) { return StatTest(in, 0); }
Result<bool> FileTest(const Value& in, const Args&) { return StatTest(in, 1); }
Result<bool> DirectoryTest(const Value& in, const Args&) { return StatTest(in, 2); }
Result<bool> LinkTest(const Value& in, const Args&) { return StatTest(in, 3); }
Result<bool> LinkExistsTest(const Value& in, const Args&) { return StatTest(in, 4); }
Result<bool> AbsTest(const Value& in, const Args&) { return StartsWith(PyStr(in), "/"); }
Result<bool> SameFileTest(const Value& in, const Args& a) {
  struct stat x, y;
  std::string p = PyStr(in), q = PyStr(a[0]);
  if (::stat(p.c_str(), &x) != 0) return TestError("same_file", "cannot stat '" + p + "'");
  if (::stat(q.c_str(), &y) != 0) return TestError("same_file", "cannot stat '" + q + "'");
  return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}
Result<bool> MountTest(const Value& in, const Args&) {
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

const std::map<std::string, TestEntry, std::less<>>& TestEntries() {
  static const auto* entries = [] {
    auto* m = new std::map<std::string, TestEntry, std::less<>>();
    auto add = [&](std::vector<std::string> names, std::vector<CallableParam> params, TestFn fn) {
      for (const std::string& name : names) (*m)[name] = TestEntry{{name, params}, fn};
    };
    std::vector<CallableParam> regex = {Opt("pattern", ""), Opt("ignorecase", false),
                                        Opt("multiline", false)};
    std::vector<CallableParam> other = {Req("other")};
    add({"defined", "undefined"}, {}, nullptr);
    add({"none"}, {}, NoneTest);
    add({"string"}, {}, StringTest);
    add({"number"}, {}, NumberTest);
    add({"integer"}, {}, IntegerTest);
    add({"float"}, {}, FloatTest);
    add({"boolean"}, {}, BooleanTest);
    add({"mapping"}, {}, MappingTest);
    add({"sequence", "iterable"}, {}, SequenceTest);
    add({"true"}, {}, TrueTest);
    add({"false"}, {}, FalseTest);
    add({"callable"}, {}, CallableTest);
    add({"escaped"}, {}, EscapedTest);
    add({"lower"}, {}, LowerTest);
    add({"upper"}, {}, UpperTest);
    add({"even"}, {}, EvenTest);
    add({"odd"}, {}, OddTest);
    add({"divisibleby"}, {Req("num")}, DivisibleByTest);
    add({"eq", "equalto", "=="}, other, EqTest);
    add({"ne", "!="}, other, NeTest);
    add({"lt", "lessthan", "<"}, other, LtTest);
    add({"le", "<="}, other, LeTest);
    add({"gt", "greaterthan", ">"}, other, GtTest);
    add({"ge", ">="}, other, GeTest);
    add({"in"}, {Req("seq")}, InTest);
    add({"sameas"}, other, SameAsTest);
    add({"filter"}, {}, FilterTest);
    add({"test"}, {}, TestTest);
    add({"failed", "failure"}, {}, FailedTest);
    add({"succeeded", "success", "successful"}, {}, SucceededTest);
    add({"unreachable"}, {}, UnreachableTest);
    add({"reachable"}, {}, ReachableTest);
    add({"changed", "change"}, {}, ChangedTest);
    add({"skipped", "skip"}, {}, SkippedTest);
    add({"finished"}, {}, FinishedTest);
    add({"started"}, {}, StartedTest);
    add({"match"}, regex, MatchTest);
    add({"search"}, regex, SearchTest);
    std::vector<CallableParam> regex_typed = regex;
    regex_typed.push_back(Opt("match_type", "search"));
    add({"regex"}, regex_typed, RegexTest);
    add({"version", "version_compare"},
        {Req("version"), Opt("operator", "eq"), Opt("strict", nullptr),
         Opt("version_type", nullptr)},
        predicates_internal::VersionTest);
    add({"any"}, {}, AnyTest);
    add({"all"}, {}, AllTest);
    add({"truthy"}, {Opt("convert_bool", false)}, TruthyTest);
    add({"falsy"}, {Opt("convert_bool", false)}, FalsyTest);
    add({"subset", "issubset"}, {Req("b")}, SubsetTest);
    add({"superset", "issuperset"}, {Req("b")}, SupersetTest);
    add({"contains"}, {Req("value")}, ContainsTest);
    add({"nan", "isnan"}, {}, NanTest);
    add({"vault_encrypted"}, {}, VaultEncryptedTest);
    add({"uri"}, {Opt("schemes", nullptr)}, UriTest);
    add({"url"}, {Opt("schemes", nullptr)}, UrlTest);
    add({"urn"}, {}, UrnTest);
    add({"exists"}, {}, ExistsTest);
    add({"file", "is_file"}, {}, FileTest);
    add({"directory", "is_dir"}, {}, DirectoryTest);
    add({"link", "is_link"}, {}, LinkTest);
    add({"link_exists"}, {}, LinkExistsTest);
    add({"abs", "is_abs"}, {}, AbsTest);
    add({"same_file", "is_same_file"}, {Req("other")}, SameFileTest);
    add({"mount", "is_mount"}, {}, MountTest);
    return m;
  }();
  return *entries;
}

}  // namespace

const CallableSpec* FindTest(std::string_view name) {
  auto it = TestEntries().find(name);
  return it == TestEntries().end() ? nullptr : &it->second.spec;
}

const std::vector<std::string>& TestNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, entry] : TestEntries()) out.push_back(name);
    return out;
  }();
  return names;
}

Result<bool> ApplyTest(const CallableSpec& spec, const Value& input, const Args& args) {
  auto it = TestEntries().find(spec.name);
  if (it == TestEntries().end() || !it->second.fn || args.size() < spec.params.size() ||
      (!spec.varargs && args.size() != spec.params.size())) {
    return Status::Error("internal error: bad call of test '" + spec.name + "'");
  }
  return it->second.fn(input, args);
}

}  // namespace hostprep
