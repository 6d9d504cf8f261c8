// Calls in expressions: macros, Jinja's and Ansible's global functions, and
// the methods of strings, lists and mappings that Python gives Jinja.
#include <algorithm>
#include <ctime>

#include "engine/base/text.h"
#include "engine/template/evaluator.h"
#include "engine/template/evaluator_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

// Jinja's range() refuses more items than this (MAX_RANGE).
constexpr long long kMaxRange = 100000;

using CallArgs = std::vector<std::pair<std::string, Value>>;

bool IsPySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Positional argument i, or the keyword `name`, or `def`.
Value Arg(const CallArgs& args, size_t i, const char* name, Value def = nullptr) {
  size_t pos = 0;
  for (const auto& [n, v] : args) {
    if (n.empty() && pos++ == i) return v;
    if (!n.empty() && n == name) return v;
  }
  return def;
}
size_t Positional(const CallArgs& args) {
  return static_cast<size_t>(
      std::count_if(args.begin(), args.end(), [](const auto& a) { return a.first.empty(); }));
}

std::string StripChars(const std::string& s, const Value& chars, bool left, bool right) {
  auto strip = [&](char c) {
    return chars.is_null() ? IsPySpace(c) : ToText(chars).find(c) != std::string::npos;
  };
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e && strip(s[b])) ++b;
  }
  if (right) {
    while (e > b && strip(s[e - 1])) --e;
  }
  return s.substr(b, e - b);
}

// Python's str.split: on runs of whitespace without a separator.
Result<Value> SplitMethod(const std::string& s, const Value& sep, long long maxsplit,
                          bool from_right) {
  Value out = Value::array();
  std::vector<std::string> parts;
  if (sep.is_null()) {
    size_t i = 0;
    std::vector<std::pair<size_t, size_t>> words;
    while (i < s.size()) {
      while (i < s.size() && IsPySpace(s[i])) ++i;
      if (i >= s.size()) break;
      size_t b = i;
      while (i < s.size() && !IsPySpace(s[i])) ++i;
      words.emplace_back(b, i);
    }
    if (maxsplit < 0 || static_cast<size_t>(maxsplit) + 1 >= words.size()) {
      for (auto [b, e] : words) out.push_back(s.substr(b, e - b));
      return out;
    }
    if (!from_right) {
      for (long long k = 0; k < maxsplit; ++k) {
        out.push_back(s.substr(words[k].first, words[k].second - words[k].first));
      }
      out.push_back(StripChars(s.substr(words[maxsplit].first), nullptr, false, true));
    } else {
      size_t first = words.size() - static_cast<size_t>(maxsplit);
      out.push_back(StripChars(s.substr(0, words[first - 1].second), nullptr, true, false));
      for (size_t k = first; k < words.size(); ++k) {
        out.push_back(s.substr(words[k].first, words[k].second - words[k].first));
      }
    }
    return out;
  }
  const std::string d = ToText(sep);
  if (d.empty()) return Status::Error("split: empty separator");
  std::vector<size_t> cuts;
  for (size_t at = s.find(d); at != std::string::npos; at = s.find(d, at + d.size())) {
    cuts.push_back(at);
  }
  if (maxsplit >= 0 && cuts.size() > static_cast<size_t>(maxsplit)) {
    if (from_right) {
      cuts.erase(cuts.begin(), cuts.end() - maxsplit);
    } else {
      cuts.resize(static_cast<size_t>(maxsplit));
    }
  }
  size_t from = 0;
  for (size_t at : cuts) {
    out.push_back(s.substr(from, at - from));
    from = at + d.size();
  }
  out.push_back(s.substr(from));
  return out;
}

Result<Value> StringMethod(const std::string& s, const std::string& m, const CallArgs& a) {
  auto text = [&](size_t i, const char* n) { return ToText(Arg(a, i, n, "")); };
  if (m == "split" || m == "rsplit") {
    Value max = Arg(a, 1, "maxsplit", -1);
    return SplitMethod(s, Arg(a, 0, "sep"), IsIntegral(max) ? AsInteger(max) : -1, m == "rsplit");
  }
  if (m == "strip") return Value(StripChars(s, Arg(a, 0, "chars"), true, true));
  if (m == "lstrip") return Value(StripChars(s, Arg(a, 0, "chars"), true, false));
  if (m == "rstrip") return Value(StripChars(s, Arg(a, 0, "chars"), false, true));
  if (m == "startswith" || m == "endswith") {
    Value p = Arg(a, 0, "prefix");
    std::vector<std::string> options;
    if (p.is_array()) {
      for (const Value& x : p) options.push_back(ToText(x));
    } else {
      options.push_back(ToText(p));
    }
    for (const std::string& o : options) {
      if (m == "startswith" ? StartsWith(s, o) : EndsWith(s, o)) return Value(true);
    }
    return Value(false);
  }
  if (m == "lower" || m == "upper" || m == "title" || m == "capitalize" || m == "swapcase" ||
      m == "casefold") {
    std::string out = s;
    bool start = true;
    for (char& c : out) {
      const bool alpha = std::isalpha(static_cast<unsigned char>(c));
      if (m == "lower" || m == "casefold") {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (m == "upper") {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      } else if (m == "swapcase") {
        c = std::isupper(static_cast<unsigned char>(c))
                ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      } else if (m == "title") {
        c = start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                  : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        start = !alpha;
      } else {
        c = start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                  : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        start = false;
      }
    }
    return Value(out);
  }
  if (m == "replace") {
    const std::string from = text(0, "old"), to = text(1, "new");
    Value count = Arg(a, 2, "count", -1);
    long long left = IsIntegral(count) ? AsInteger(count) : -1;
    std::string out;
    size_t pos = 0;
    if (from.empty()) return Status::Error("replace: an empty 'old' is not supported by hostprep");
    for (size_t at = s.find(from); at != std::string::npos && left != 0;
         at = s.find(from, pos), --left) {
      out += s.substr(pos, at - pos) + to;
      pos = at + from.size();
    }
    return Value(out + s.substr(pos));
  }
  if (m == "find" || m == "rfind" || m == "index" || m == "rindex" || m == "count") {
    const std::string sub = text(0, "sub");
    if (m == "count") {
      if (sub.empty()) return Value(static_cast<long long>(Utf8Length(s)) + 1);
      long long n = 0;
      for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
      return Value(n);
    }
    size_t at = m[0] == 'r' ? s.rfind(sub) : s.find(sub);
    if (at == std::string::npos) {
      if (m == "index" || m == "rindex") return Status::Error(m + ": substring not found");
      return Value(-1);
    }
    return Value(static_cast<long long>(Utf8Length(s.substr(0, at))));
  }
  if (m == "join") {
    Value items = Arg(a, 0, "iterable");
    if (!items.is_array()) return Status::Error("join: expected a list, got " + TypeName(items));
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is_string()) {
        return Status::Error("join: sequence item " + std::to_string(i) + ": expected str, got " +
                             TypeName(items[i]));
      }
      if (i) out += s;
      out += items[i].get<std::string>();
    }
    return Value(out);
  }
  if (m == "splitlines") {
    Value out = Value::array();
    size_t from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\n' || s[i] == '\r') {
        out.push_back(s.substr(from, i - from));
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        from = i + 1;
      }
    }
    if (from < s.size()) out.push_back(s.substr(from));
    return out;
  }
  if (m == "isdigit" || m == "isdecimal" || m == "isnumeric" || m == "isalpha" || m == "isalnum" ||
      m == "isspace" || m == "islower" || m == "isupper") {
    if (s.empty()) return Value(false);
    bool cased = false;
    for (char ch : s) {
      unsigned char c = static_cast<unsigned char>(ch);
      bool ok = m == "isalpha"   ? std::isalpha(c)
                : m == "isalnum" ? std::isalnum(c)
                : m == "isspace" ? IsPySpace(ch)
                : m == "islower" ? !std::isupper(c)
                : m == "isupper" ? !std::islower(c)
                                 : std::isdigit(c);
      if (!ok) return Value(false);
      if (std::isalpha(c)) cased = true;
    }
    return Value((m != "islower" && m != "isupper") || cased);
  }
  if (m == "center" || m == "ljust" || m == "rjust" || m == "zfill") {
    Value w = Arg(a, 0, "width", 0);
    if (!IsIntegral(w)) return Status::Error(m + ": width must be an integer");
    long long width = std::min<long long>(AsInteger(w), 1 << 20);
    long long len = static_cast<long long>(Utf8Length(s));
    if (width <= len) return Value(s);
    std::string fill = m == "zfill" ? "0" : ToText(Arg(a, 1, "fillchar", " "));
    size_t pad = static_cast<size_t>(width - len);
    auto rep = [&](size_t n) {
      std::string r;
      for (size_t i = 0; i < n; ++i) r += fill;
      return r;
    };
    if (m == "ljust") return Value(s + rep(pad));
    if (m == "rjust") return Value(rep(pad) + s);
    if (m == "zfill") {
      if (!s.empty() && (s[0] == '-' || s[0] == '+'))
        return Value(s.substr(0, 1) + rep(pad) + s.substr(1));
      return Value(rep(pad) + s);
    }
    size_t left = pad / 2 + (pad & static_cast<size_t>(width) & 1);
    return Value(rep(left) + s + rep(pad - left));
  }
  if (m == "partition" || m == "rpartition") {
    const std::string sep = text(0, "sep");
    size_t at = m == "partition" ? s.find(sep) : s.rfind(sep);
    if (sep.empty()) return Status::Error(m + ": empty separator");
    if (at == std::string::npos) {
      return m == "partition" ? Value::array({s, "", ""}) : Value::array({"", "", s});
    }
    return Value::array({s.substr(0, at), sep, s.substr(at + sep.size())});
  }
  if (m == "format") {
    // "{}", "{0}" and "{name}" fields, without format specs.
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '{' && i + 1 < s.size() && s[i + 1] == '{') {
        out += '{';
        ++i;
      } else if (s[i] == '}' && i + 1 < s.size() && s[i + 1] == '}') {
        out += '}';
        ++i;
      } else if (s[i] == '{') {
        size_t close = s.find('}', i);
        if (close == std::string::npos) return Status::Error("format: single '{' in the string");
        std::string field = s.substr(i + 1, close - i - 1);
        if (field.find(':') != std::string::npos || field.find('!') != std::string::npos) {
          return Status::Error("format: format specs such as '{" + field +
                               "}' are not supported by hostprep");
        }
        Value v;
        if (field.empty()) {
          if (next >= Positional(a)) return Status::Error("format: not enough arguments");
          v = Arg(a, next++, "");
        } else if (std::all_of(field.begin(), field.end(), ::isdigit)) {
          size_t k = std::stoul(field);
          if (k >= Positional(a)) return Status::Error("format: no argument " + field);
          v = Arg(a, k, "");
        } else {
          auto it =
              std::find_if(a.begin(), a.end(), [&](const auto& p) { return p.first == field; });
          if (it == a.end()) return Status::Error("format: no argument '" + field + "'");
          v = it->second;
        }
        out += v.is_null() ? "None" : ToText(v);
        i = close;
      } else {
        out += s[i];
      }
    }
    return Value(out);
  }
  if (m == "expandtabs") return Value(s);
  return Status::Error("'str' object has no method '" + m + "'");
}

Result<Value> ListMethod(const Value& l, const std::string& m, const CallArgs& a) {
  if (m == "index" || m == "count") {
    Value x = Arg(a, 0, "value");
    long long n = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      if (!ValuesEqual(l[i], x)) continue;
      if (m == "index") return Value(static_cast<long long>(i));
      ++n;
    }
    if (m == "index") return Status::Error("index: " + PyRepr(x) + " is not in list");
    return Value(n);
  }
  if (m == "copy") return l;
  return Status::Error("'list' object has no method '" + m + "'");
}

Result<Value> DictMethod(const Value& d, const std::string& m, const CallArgs& a) {
  if (m == "items" || m == "keys" || m == "values") {
    Value out = Value::array();
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (m == "items") {
        out.push_back(Value::array({it.key(), it.value()}));
      } else {
        out.push_back(m == "keys" ? Value(it.key()) : it.value());
      }
    }
    return out;
  }
  if (m == "get") {
    Value key = Arg(a, 0, "key");
    auto it = d.find(key.is_string() ? key.get<std::string>() : ToText(key));
    return it == d.end() ? Arg(a, 1, "default") : *it;
  }
  if (m == "copy") return d;
  return Status::Error("'dict' object has no method '" + m + "'");
}

// The mutating methods, on a variable the template set itself.
Result<Value> Mutate(Value* v, const std::string& m, const CallArgs& a) {
  if (v->is_array()) {
    if (m == "append") {
      v->push_back(Arg(a, 0, "object"));
      return Value();
    }
    if (m == "extend") {
      Value items = Arg(a, 0, "iterable");
      if (!items.is_array())
        return Status::Error("extend: expected a list, got " + TypeName(items));
      for (const Value& x : items) v->push_back(x);
      return Value();
    }
    if (m == "insert") {
      Value at = Arg(a, 0, "index", 0);
      long long i = IsIntegral(at) ? AsInteger(at) : 0;
      long long n = static_cast<long long>(v->size());
      if (i < 0) i = std::max(0LL, i + n);
      i = std::min(i, n);
      v->insert(v->begin() + i, Arg(a, 1, "object"));
      return Value();
    }
    if (m == "pop") {
      if (v->empty()) return Status::Error("pop from empty list");
      Value at = Arg(a, 0, "index", -1);
      long long i = IsIntegral(at) ? AsInteger(at) : -1;
      long long n = static_cast<long long>(v->size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Status::Error("pop index out of range");
      Value out = (*v)[static_cast<size_t>(i)];
      v->erase(static_cast<size_t>(i));
      return out;
    }
    if (m == "remove") {
      Value x = Arg(a, 0, "value");
      for (size_t i = 0; i < v->size(); ++i) {
        if (ValuesEqual((*v)[i], x)) {
          v->erase(i);
          return Value();
        }
      }
      return Status::Error("remove: " + PyRepr(x) + " is not in list");
    }
  }
  if (v->is_object()) {
    if (m == "update") {
      Value other = Arg(a, 0, "other", Value::object());
      if (!other.is_object())
        return Status::Error("update: expected a mapping, got " + TypeName(other));
      for (auto it = other.begin(); it != other.end(); ++it) (*v)[it.key()] = it.value();
      for (const auto& [n, x] : a) {
        if (!n.empty()) (*v)[n] = x;
      }
      return Value();
    }
    if (m == "setdefault" || m == "pop") {
      const std::string key = ToText(Arg(a, 0, "key"));
      auto it = v->find(key);
      if (m == "setdefault") {
        if (it != v->end()) return *it;
        (*v)[key] = Arg(a, 1, "default");
        return (*v)[key];
      }
      if (it == v->end()) {
        if (Positional(a) > 1) return Arg(a, 1, "default");
        return Status::Error("pop: no key " + PyRepr(Value(key)));
      }
      Value out = *it;
      v->erase(key);
      return out;
    }
  }
  return Status::Error("'" + TypeName(*v) + "' has no method '" + m + "'");
}

bool IsMutating(const std::string& m) {
  return m == "append" || m == "extend" || m == "insert" || m == "pop" || m == "remove" ||
         m == "update" || m == "setdefault";
}

std::string Now(bool utc, const Value& fmt) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  char buf[256];
  const std::string f = fmt.is_string() ? fmt.get<std::string>() : "%Y-%m-%d %H:%M:%S";
  size_t n = std::strftime(buf, sizeof(buf), f.c_str(), &tm);
  return std::string(buf, n);
}

}  // namespace

Result<Evaluator::Args> Evaluator::EvalArgs(const Node& node, std::string_view src) {
  CallArgs out;
  for (size_t i = 1; i < node.kids.size(); ++i) {
    Result<Value> v = EvalValue(*node.kids[i], src);
    if (!v.ok()) return v.status();
    out.emplace_back(node.arg_names[i - 1], std::move(*v));
  }
  return out;
}

Result<Evaluator::Operand> Evaluator::EvalFunctionCall(const Node& node, std::string_view src) {
  const Node& callee = *node.kids[0];
  Result<CallArgs> args = EvalArgs(node, src);
  if (!args.ok()) return args.status();
  Result<Value> r = Value();
  if (callee.kind == NodeKind::kName) {
    const Macro* m = FindMacro(callee.name);
    if (m) {
      r = CallMacro(*m, *args, caller_node_ == &node ? &caller_ : nullptr);
    } else {
      r = CallGlobal(callee.name, *args, node);
    }
  } else if (callee.kids[0]->kind == NodeKind::kName && FindModule(callee.kids[0]->name)) {
    const Frame* module = FindModule(callee.kids[0]->name);
    auto it = module->macros.find(callee.name);
    if (it == module->macros.end()) {
      return Status::Error("'" + callee.kids[0]->name + "' has no macro '" + callee.name + "'");
    }
    r = CallMacro(it->second, *args, caller_node_ == &node ? &caller_ : nullptr);
  } else {
    r = CallMethod(callee, src, *args);
  }
  if (!r.ok()) return r.status();
  return Of(std::move(*r));
}

Result<Value> Evaluator::CallMacro(const Macro& m, const CallArgs& args, const Macro* caller) {
  if (call_depth_ >= kMaxCallDepth) {
    return Status::Error("macros call each other more than " + std::to_string(kMaxCallDepth) +
                         " levels deep");
  }
  const Stmt& s = *m.stmt;
  const std::string what = s.kind == StmtKind::kMacro ? "macro '" + s.name + "'" : "caller()";
  Frame& f = Push(m.parent);
  Value varargs = Value::array(), kwargs = Value::object();
  size_t pos = 0;
  std::vector<bool> given(s.targets.size(), false);
  Status bad;
  for (const auto& [name, v] : args) {
    if (name.empty()) {
      if (pos < s.targets.size()) {
        f.vars[s.targets[pos]] = v;
        given[pos] = true;
      } else {
        varargs.push_back(v);
      }
      ++pos;
      continue;
    }
    auto it = std::find(s.targets.begin(), s.targets.end(), name);
    if (it == s.targets.end()) {
      kwargs[name] = v;
      continue;
    }
    size_t k = static_cast<size_t>(it - s.targets.begin());
    if (given[k]) bad = Status::Error(what + " got argument '" + name + "' twice");
    f.vars[name] = v;
    given[k] = true;
  }
  f.vars["varargs"] = std::move(varargs);
  f.vars["kwargs"] = std::move(kwargs);
  if (caller) f.macros["caller"] = *caller;
  for (size_t k = 0; bad.ok() && k < s.targets.size(); ++k) {
    if (given[k] || !s.defaults[k]) continue;
    Result<Value> d = EvalValue(*s.defaults[k], m.tmpl->source);
    if (!d.ok()) {
      bad = d.status();
      break;
    }
    f.vars[s.targets[k]] = std::move(*d);
  }
  std::string out;
  ++call_depth_;
  if (bad.ok()) bad = RenderBody(s.body, *m.tmpl, &out);
  --call_depth_;
  Pop();
  if (!bad.ok()) return bad.WithContext("in " + what);
  return Value(std::move(out));
}

// lookup(name, *terms, wantlist=False, errors='strict', **options) and
// query() (wantlist=True), as Ansible's Templar._lookup: the plugin's list
// as it is for query; for lookup, its strings joined with ',' (one value
// that is not a string on its own, several as a list, none as []). With
// errors='ignore' or 'warn' a failing plugin gives None ([] for query);
// hostprep has no warning channel here, so 'warn' is silent.
Result<Value> Evaluator::CallLookup(const std::string& function, const CallArgs& args) {
  const Value plugin = Arg(args, 0, "");
  if (!plugin.is_string()) {
    return Status::Error(function + "() needs the lookup's name as its first argument, such as " +
                         function + "('file', 'motd.txt')");
  }
  const std::string name = plugin.get<std::string>();
  bool wantlist = function != "lookup";
  std::string errors = "strict";
  Value terms = Value::array();
  Value options = Value::object();
  for (size_t i = 1; i < args.size(); ++i) {
    const auto& [key, v] = args[i];
    if (key.empty()) {
      terms.push_back(v);
    } else if (key == "wantlist") {
      wantlist = Truthy(v);
    } else if (key == "errors") {
      errors = ToText(v);
      if (errors != "strict" && errors != "warn" && errors != "ignore") {
        return Status::Error(function + "('" + name +
                             "'): errors must be strict, warn or ignore, not '" + errors + "'");
      }
    } else if (key != "allow_unsafe") {  // results are never rendered again: see Trust
      options[key] = v;
    }
  }
  const Lookups* lookups = vars_.lookups();
  if (lookups == nullptr) {
    return Status::Error(function + "('" + name +
                         "') cannot run here: lookups run only in a play's tasks and variables");
  }
  Result<Value> ran = lookups->Run(name, terms, options, vars_);
  if (!ran.ok()) {
    if (errors == "strict") return ran.status().WithContext(function + "('" + name + "')");
    return wantlist ? Value::array() : Value(nullptr);
  }
  if (wantlist || ran->empty()) return std::move(*ran);
  const bool all_text =
      std::all_of(ran->begin(), ran->end(), [](const Value& v) { return v.is_string(); });
  if (all_text) {
    std::string joined;
    for (size_t i = 0; i < ran->size(); ++i) {
      if (i > 0) joined += ',';
      joined += (*ran)[i].get_ref<const std::string&>();
    }
    return Value(std::move(joined));
  }
  if (ran->size() == 1) return (*ran)[0];
  return std::move(*ran);
}

Result<Value> Evaluator::CallGlobal(const std::string& name, const CallArgs& args,
                                    const Node& node) {
  (void)node;
  if (name == "range") {
    size_t n = Positional(args);
    if (n < 1 || n > 3 || n != args.size()) {
      return Status::Error("range() takes 1 to 3 positional integer arguments");
    }
    for (const auto& [k, v] : args) {
      if (!IsIntegral(v))
        return Status::Error("range(): arguments must be integers, got " + TypeName(v));
    }
    long long start = n == 1 ? 0 : AsInteger(args[0].second);
    long long stop = AsInteger(args[n == 1 ? 0 : 1].second);
    long long step = n == 3 ? AsInteger(args[2].second) : 1;
    if (step == 0) return Status::Error("range() arg 3 must not be zero");
    long long count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                               : (start > stop ? (start - stop - step - 1) / -step : 0);
    if (count > kMaxRange) {
      return Status::Error("range() of " + std::to_string(count) + " items is too big (at most " +
                           std::to_string(kMaxRange) + ")");
    }
    Value out = Value::array();
    for (long long i = 0, v = start; i < count; ++i, v += step) out.push_back(v);
    return out;
  }
  if (name == "dict" || name == "namespace") {
    Value out = Value::object();
    for (const auto& [k, v] : args) {
      if (k.empty()) {
        if (!v.is_object()) return Status::Error(name + "() takes a mapping and keyword arguments");
        for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = it.value();
      } else {
        out[k] = v;
      }
    }
    return out;
  }
  if (name == "now") {
    return Value(
        Now(AnsibleBoolean(Arg(args, 0, "utc", false)).value_or(false), Arg(args, 1, "fmt")));
  }
  if (name == "loop") {
    for (const Frame* f = scope_; f != nullptr; f = f->parent) {
      if (!f->loop) continue;
      if (call_depth_ >= kMaxCallDepth) return Status::Error("recursive loop() nested too deeply");
      std::string out;
      ++call_depth_;
      Status s =
          RenderFor(*f->loop, *f->loop_tmpl, Arg(args, 0, "iterable"), f->loop_depth + 1, &out);
      --call_depth_;
      if (!s.ok()) return s;
      return Value(std::move(out));
    }
    return Status::Error("loop() can only be called inside a 'for ... recursive' loop");
  }
  if (name == "caller")
    return Status::Error("caller() can only be called inside a macro used by '{% call %}'");
  if (name == "lookup" || name == "query" || name == "q") return CallLookup(name, args);
  return Status::Error("function '" + name + "()' is not supported by hostprep");
}

Result<Value> Evaluator::CallMethod(const Node& callee, std::string_view src,
                                    const CallArgs& args) {
  const Node& obj_node = *callee.kids[0];
  const std::string& m = callee.name;
  if (IsMutating(m)) {
    Value* local = obj_node.kind == NodeKind::kName ? FindLocalMutable(obj_node.name) : nullptr;
    if (!local) {
      Result<Value> probe = EvalValue(obj_node, src);
      if (!probe.ok()) return probe.status();
      if (probe->is_object() && m == "pop") return DictMethod(*probe, m, args);
      return Status::Error("'." + m +
                           "()' changes a value; hostprep allows it only on a variable "
                           "that the template itself set");
    }
    return Mutate(local, m, args);
  }
  Result<Value> obj = EvalValue(obj_node, src);
  if (!obj.ok()) return obj.status();
  if (m == "cycle" && obj_node.kind == NodeKind::kName && obj_node.name == "loop" &&
      obj->is_object() && obj->contains("index0")) {
    if (args.empty()) return Status::Error("loop.cycle() needs at least one value");
    return args[static_cast<size_t>((*obj)["index0"].get<long long>()) % args.size()].second;
  }
  if (obj->is_string()) return StringMethod(obj->get<std::string>(), m, args);
  if (obj->is_array()) return ListMethod(*obj, m, args);
  if (obj->is_object()) return DictMethod(*obj, m, args);
  return Status::Error("'" +
                       std::string(src.substr(obj_node.begin, obj_node.end - obj_node.begin)) +
                       "' is " + TypeName(*obj) + " and has no method '" + m + "'");
}

}  // namespace hostprep
