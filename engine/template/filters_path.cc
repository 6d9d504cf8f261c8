// Ansible's path filters, with Python's posixpath semantics. They run on
// the controller: expanduser, expandvars, realpath and relpath read its
// environment, home and working directory, as Ansible's do.
#include <pwd.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

Result<Value> Basename(const Value& in, const Args&) {
  std::string s = PyStr(in);
  size_t slash = s.rfind('/');
  return Value(slash == std::string::npos ? s : s.substr(slash + 1));
}

Result<Value> Dirname(const Value& in, const Args&) {
  std::string s = PyStr(in);
  size_t slash = s.rfind('/');
  if (slash == std::string::npos) return Value("");
  std::string head = s.substr(0, slash + 1);
  if (head.find_first_not_of('/') != std::string::npos) {
    while (!head.empty() && head.back() == '/') head.pop_back();
  }
  return Value(head);
}

Result<Value> SplitExt(const Value& in, const Args&) {
  std::string p = PyStr(in);
  size_t sep = p.rfind('/'), dot = p.rfind('.');
  size_t name = sep == std::string::npos ? 0 : sep + 1;
  if (dot != std::string::npos && (sep == std::string::npos || dot > sep)) {
    for (size_t i = name; i < dot; ++i) {
      if (p[i] != '.') return Value({p.substr(0, dot), p.substr(dot)});
    }
  }
  return Value({p, ""});
}

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  if (home != nullptr) return home;
  struct passwd pw, *found = nullptr;
  char buf[4096];
  if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_dir;
  return "";
}

Result<Value> ExpandUser(const Value& in, const Args&) {
  std::string p = PyStr(in);
  if (p.empty() || p[0] != '~') return Value(p);
  size_t slash = p.find('/');
  std::string user = p.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string home;
  if (user.empty()) {
    home = HomeDir();
  } else {
    struct passwd pw, *found = nullptr;
    char buf[4096];
    if (getpwnam_r(user.c_str(), &pw, buf, sizeof buf, &found) != 0 || !found) return Value(p);
    home = found->pw_dir;
  }
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  std::string rest = slash == std::string::npos ? "" : p.substr(slash);
  std::string out = home + rest;
  return Value(out.empty() ? "/" : out);
}

// posixpath.expandvars: $name and ${name} from the environment; unknown
// names stay as written.
Result<Value> ExpandVars(const Value& in, const Args&) {
  std::string p = PyStr(in), out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '$' || i + 1 >= p.size()) {
      out += p[i];
      continue;
    }
    bool braced = p[i + 1] == '{';
    size_t b = i + (braced ? 2 : 1), e = b;
    while (e < p.size() && (std::isalnum(static_cast<unsigned char>(p[e])) || p[e] == '_')) ++e;
    if (e == b || (braced && (e >= p.size() || p[e] != '}'))) {
      out += p[i];
      continue;
    }
    const char* value = std::getenv(p.substr(b, e - b).c_str());
    size_t end = braced ? e + 1 : e;
    out += value != nullptr ? std::string(value) : p.substr(i, end - i);
    i = end - 1;
  }
  return Value(out);
}

// posixpath.normpath.
std::string NormPath(const std::string& p) {
  if (p.empty()) return ".";
  size_t slashes =
      p[0] == '/' ? (p.size() > 1 && p[1] == '/' && (p.size() == 2 || p[2] != '/') ? 2 : 1) : 0;
  std::vector<std::string> parts;
  for (const std::string& c : Split(p, '/')) {
    if (c.empty() || c == ".") continue;
    if (c != ".." || (slashes == 0 && parts.empty()) || (!parts.empty() && parts.back() == "..")) {
      parts.push_back(c);
    } else if (!parts.empty()) {
      parts.pop_back();
    }
  }
  std::string out(slashes, '/');
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

std::string AbsPath(const std::string& p) {
  if (!p.empty() && p[0] == '/') return NormPath(p);
  char buf[PATH_MAX];
  std::string cwd = getcwd(buf, sizeof buf) != nullptr ? buf : "/";
  return NormPath(cwd + "/" + p);
}

Result<Value> RealPath(const Value& in, const Args&) {
  std::string p = AbsPath(PyStr(in));
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) != nullptr) return Value(std::string(buf));
  return Value(p);
}

Result<Value> RelPath(const Value& in, const Args& a) {
  std::string path = PyStr(in);
  if (path.empty()) return FilterError("relpath", "no path specified");
  std::vector<std::string> from, to;
  for (const std::string& c : Split(AbsPath(a[0].is_null() ? "." : PyStr(a[0])), '/')) {
    if (!c.empty()) from.push_back(c);
  }
  for (const std::string& c : Split(AbsPath(path), '/')) {
    if (!c.empty()) to.push_back(c);
  }
  size_t common = 0;
  while (common < from.size() && common < to.size() && from[common] == to[common]) ++common;
  std::string out;
  for (size_t i = common; i < from.size(); ++i) out += out.empty() ? ".." : "/..";
  for (size_t i = common; i < to.size(); ++i) out += (out.empty() ? "" : "/") + to[i];
  return Value(out.empty() ? "." : out);
}

Result<Value> PathJoin(const Value& in, const Args&) {
  if (in.is_string()) return in;
  if (!in.is_array()) return WrongType("path_join", "a string or a list", in);
  std::string path;
  for (size_t i = 0; i < in.size(); ++i) {
    std::string b = PyStr(in[i]);
    if (i == 0 || (!b.empty() && b[0] == '/')) {
      path = b;
    } else if (path.empty() || path.back() == '/') {
      path += b;
    } else {
      path += "/" + b;
    }
  }
  return Value(path);
}

}  // namespace

void AddPathFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"basename", {}}, Basename, {}},
      {{"dirname", {}}, Dirname, {}},
      {{"splitext", {}}, SplitExt, {}},
      {{"expanduser", {}}, ExpandUser, {}},
      {{"expandvars", {}}, ExpandVars, {}},
      {{"realpath", {}}, RealPath, {}},
      {{"relpath", {Opt("start", nullptr)}}, RelPath, {}},
      {{"path_join", {}}, PathJoin, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
