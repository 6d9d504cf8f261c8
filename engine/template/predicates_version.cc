// Ansible's version test: LooseVersion, StrictVersion and SemanticVersion
// as ansible.module_utils.compat.version and ansible.utils.version define
// them, with Python's list ordering (comparing a number with text at the
// first difference is an error, as in Python 3).
#include <map>
#include <regex>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/predicates.h"
#include "engine/template/predicates_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

using filters_internal::PyStr;

// LooseVersion's components: runs of digits (as numbers), runs of
// lower-case letters, and whatever lies between them other than '.'.
std::vector<Value> LooseParts(std::string_view v) {
  std::vector<Value> parts;
  std::string other;
  auto flush = [&] {
    if (!other.empty()) parts.emplace_back(other);
    other.clear();
  };
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    if (std::isdigit(static_cast<unsigned char>(v[i]))) {
      flush();
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      std::string digits(v.substr(i, j - i));
      if (digits.size() > 18) {
        parts.emplace_back(std::stod(digits));
      } else {
        parts.emplace_back(std::stoll(digits));
      }
    } else if (v[i] >= 'a' && v[i] <= 'z') {
      flush();
      while (j < v.size() && v[j] >= 'a' && v[j] <= 'z') ++j;
      parts.emplace_back(std::string(v.substr(i, j - i)));
    } else if (v[i] == '.') {
      flush();
      j = i + 1;
    } else {
      other += v[i];
      j = i + 1;
    }
    i = j;
  }
  flush();
  return parts;
}

// Python's list comparison of version components.
Result<int> CompareParts(const std::vector<Value>& x, const std::vector<Value>& y) {
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (ValuesEqual(x[i], y[i])) continue;
    if (x[i].is_number() != y[i].is_number()) {
      return Status::Error("'<' not supported between instances of '" +
                           std::string(x[i].is_number() ? "int" : "str") + "' and '" +
                           (y[i].is_number() ? "int" : "str") + "'");
    }
    Result<int> c = CompareValues(x[i], y[i], "<");
    if (!c.ok()) return c;
    return *c < 0 ? -1 : 1;
  }
  return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

Result<std::vector<Value>> StrictParts(const std::string& v) {
  static const std::regex re(R"(^(\d+)\.(\d+)(\.(\d+))?(([ab])(\d+))?$)");
  std::smatch m;
  if (!std::regex_match(v, m, re) || v.size() > 60) {
    return Status::Error("invalid version number '" + v + "'");
  }
  // major, minor, patch, then the prerelease: none sorts after any.
  std::vector<Value> parts = {std::stoll(m[1]), std::stoll(m[2]),
                              m[4].matched ? std::stoll(m[4]) : 0LL};
  if (m[5].matched) {
    parts.push_back(0);
    parts.push_back(m[6].str());
    parts.push_back(std::stoll(m[7]));
  } else {
    parts.push_back(1);
  }
  return parts;
}

bool SemverIdentifier(const std::string& id, bool prerelease) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  bool numeric = id.find_first_not_of("0123456789") == std::string::npos;
  return !(prerelease && numeric && id.size() > 1 && id[0] == '0');
}

// SemanticVersion as comparable parts: core numbers, then 1 for a release
// or 0 and the prerelease identifiers (numbers before text).
Result<std::vector<Value>> SemverParts(const std::string& v) {
  Status bad = Status::Error("invalid semantic version '" + v + "'");
  std::string core = v.substr(0, v.find_first_of("-+"));
  std::string rest = v.substr(core.size());
  std::vector<std::string> nums = Split(core, '.');
  if (nums.size() != 3 || v.size() > 200) return bad;
  std::vector<Value> parts;
  for (const std::string& n : nums) {
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos ||
        (n.size() > 1 && n[0] == '0') || n.size() > 18) {
      return bad;
    }
    parts.emplace_back(std::stoll(n));
  }
  std::string pre, build;
  if (!rest.empty() && rest[0] == '-') {
    size_t plus = rest.find('+');
    pre = rest.substr(1, plus == std::string::npos ? std::string::npos : plus - 1);
    if (pre.empty()) return bad;
    rest = plus == std::string::npos ? "" : rest.substr(plus);
  }
  if (!rest.empty()) {
    build = rest.substr(1);
    for (const std::string& id : Split(build, '.')) {
      if (!SemverIdentifier(id, false)) return bad;
    }
  }
  if (pre.empty()) {
    parts.emplace_back(1);
    return parts;
  }
  parts.emplace_back(0);
  for (const std::string& id : Split(pre, '.')) {
    if (!SemverIdentifier(id, true)) return bad;
    bool numeric = id.find_first_not_of("0123456789") == std::string::npos;
    // Each identifier as [kind, value] so numbers sort before text.
    parts.push_back(numeric ? Value::array({0, std::stod(id)}) : Value::array({1, id}));
  }
  return parts;
}

}  // namespace

namespace predicates_internal {

Result<bool> VersionTest(const Value& in, const std::vector<Value>& a) {
  auto fail = [](const std::string& what) { return Status::Error("test 'version': " + what); };
  if (!a[2].is_null() && !a[3].is_null()) {
    return fail("cannot specify both 'strict' and 'version_type'");
  }
  if (!PyTruthy(in)) return fail("input version value cannot be empty");
  if (!PyTruthy(a[0])) return fail("version parameter to compare against cannot be empty");
  std::string type = "loose";
  if (PyTruthy(a[2])) {
    type = "strict";
  } else if (PyTruthy(a[3])) {
    type = PyStr(a[3]);
    if (type == "semantic") type = "semver";
    if (type == "pep440") return fail("version_type pep440 is not supported by hostprep");
    if (type != "loose" && type != "strict" && type != "semver") {
      return fail("invalid version type (" + type +
                  "); must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'");
    }
  }
  std::string op = PyStr(a[1]);
  static const std::map<std::string, std::string> kOps = {
      {"==", "eq"}, {"=", "eq"},  {"eq", "eq"}, {"<", "lt"},  {"lt", "lt"},
      {"<=", "le"}, {"le", "le"}, {">", "gt"},  {"gt", "gt"}, {">=", "ge"},
      {"ge", "ge"}, {"!=", "ne"}, {"<>", "ne"}, {"ne", "ne"}};
  auto it = kOps.find(op);
  if (it == kOps.end()) {
    return fail("invalid operator type (" + op +
                "); must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', "
                "'ge', '!=', '<>', 'ne'");
  }
  std::string x = PyStr(in), y = PyStr(a[0]);
  Result<int> c = 0;
  if (type == "loose") {
    std::vector<Value> px = LooseParts(x), py = LooseParts(y);
    c = px == py ? Result<int>(0) : CompareParts(px, py);
  } else {
    auto parse = type == "strict" ? StrictParts : SemverParts;
    Result<std::vector<Value>> px = parse(x);
    if (!px.ok()) return fail("version comparison failed: " + px.message());
    Result<std::vector<Value>> py = parse(y);
    if (!py.ok()) return fail("version comparison failed: " + py.message());
    c = CompareParts(*px, *py);
  }
  if (!c.ok()) return fail("version comparison failed: " + c.message());
  const std::string& name = it->second;
  if (name == "eq") return *c == 0;
  if (name == "ne") return *c != 0;
  if (name == "lt") return *c < 0;
  if (name == "le") return *c <= 0;
  if (name == "gt") return *c > 0;
  return *c >= 0;
}

}  // namespace predicates_internal

int CompareVersions(std::string_view a, std::string_view b) {
  std::vector<Value> x = LooseParts(a), y = LooseParts(b);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (ValuesEqual(x[i], y[i])) continue;
    if (x[i].is_number() != y[i].is_number()) return x[i].is_number() ? -1 : 1;
    Result<int> c = CompareValues(x[i], y[i], "<");
    return c.ok() && *c < 0 ? -1 : 1;
  }
  return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

}  // namespace hostprep
