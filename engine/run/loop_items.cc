#include "engine/run/loop_items.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <optional>
#include <regex>

#include "engine/base/text.h"
#include "engine/template/templar.h"
#include "engine/template/value_ops.h"

namespace hostprep {

namespace {

// LookupBase._flatten: one level.
Value FlattenOnce(const Value& terms) {
  Value out = Value::array();
  for (const Value& term : terms) {
    if (term.is_array()) {
      for (const Value& inner : term) out.push_back(inner);
    } else {
      out.push_back(term);
    }
  }
  return out;
}

void FlattenDeep(const Value& terms, Value* out) {
  for (const Value& term : terms) {
    if (term.is_array()) {
      FlattenDeep(term, out);
    } else {
      out->push_back(term);
    }
  }
}

// listify_lookup_plugin_terms: a string (or any scalar) is one term.
Value Listify(const Value& v) {
  if (v.is_array()) return v;
  return Value::array({v});
}

Result<Value> Together(const Value& terms) {
  if (terms.empty()) return Status::Error("with_together needs at least one list");
  size_t longest = 0;
  for (const Value& t : terms) longest = std::max(longest, Listify(t).size());
  Value out = Value::array();
  for (size_t i = 0; i < longest; ++i) {
    Value row = Value::array();
    for (const Value& t : terms) {
      const Value list = Listify(t);
      row.push_back(i < list.size() ? list[i] : Value(nullptr));
    }
    out.push_back(FlattenOnce(row));
  }
  return out;
}

Result<Value> Nested(const Value& terms) {
  if (terms.empty()) return Status::Error("with_nested needs at least one list");
  Value result = Listify(terms[0]);
  for (size_t i = 1; i < terms.size(); ++i) {
    Value combined = Value::array();
    for (const Value& x : result) {
      for (const Value& y : Listify(terms[i]))
        combined.push_back(FlattenOnce(Value::array({x, y})));
    }
    result = std::move(combined);
  }
  Value out = Value::array();
  for (const Value& x : result) out.push_back(x.is_array() ? FlattenOnce(x) : x);
  return out;
}

Result<Value> Dict(const Value& terms) {
  Value out = Value::array();
  for (const Value& term : Listify(terms)) {
    if (!term.is_object()) {
      return Status::Error("with_dict needs a mapping, not " + TypeName(term));
    }
    for (auto it = term.begin(); it != term.end(); ++it)
      out.push_back(Value::object({{"key", it.key()}, {"value", it.value()}}));
  }
  return out;
}

Result<Value> Subelements(const Value& terms) {
  const char* kShape =
      "with_subelements needs a list of two or three items: the list (or mapping) of "
      "mappings, the key of their sublists, and optionally {skip_missing: true}";
  if (!terms.is_array() || terms.size() < 2 || terms.size() > 3 || !terms[1].is_string())
    return Status::Error(kShape);
  Value elements = Value::array();
  if (terms[0].is_object()) {
    if (terms[0].contains("skipped") && terms[0]["skipped"] != Value(false)) return Value::array();
    for (auto it = terms[0].begin(); it != terms[0].end(); ++it) elements.push_back(it.value());
  } else if (terms[0].is_array()) {
    elements = terms[0];
  } else {
    return Status::Error(kShape);
  }
  bool skip_missing = false;
  if (terms.size() == 3) {
    if (!terms[2].is_object()) return Status::Error(kShape);
    for (auto it = terms[2].begin(); it != terms[2].end(); ++it) {
      if (it.key() != "skip_missing")
        return Status::Error("with_subelements: unknown flag '" + it.key() + "' (skip_missing)");
      skip_missing = Truthy(it.value());
    }
  }
  const std::vector<std::string> path = Split(terms[1].get<std::string>(), '.');
  Value out = Value::array();
  for (Value element : elements) {
    if (!element.is_object())
      return Status::Error("with_subelements needs mappings, got " + ToText(element));
    if (element.contains("skipped") && element["skipped"] != Value(false)) continue;
    // The sublist is taken out of the element, as Ansible pops it.
    Value* holder = &element;
    bool missing = false;
    for (size_t k = 0; k + 1 < path.size(); ++k) {
      if (!holder->contains(path[k]) || !(*holder)[path[k]].is_object()) {
        missing = true;
        break;
      }
      holder = &(*holder)[path[k]];
    }
    if (missing || !holder->contains(path.back())) {
      if (skip_missing) continue;
      return Status::Error(fmt::format("with_subelements: no key '{}' in {}",
                                       terms[1].get<std::string>(), ToText(element)));
    }
    const Value sublist = (*holder)[path.back()];
    if (!sublist.is_array()) {
      return Status::Error(fmt::format("with_subelements: '{}' must hold a list, not {}",
                                       path.back(), TypeName(sublist)));
    }
    holder->erase(path.back());
    for (const Value& inner : sublist) out.push_back(Value::array({element, inner}));
  }
  return out;
}

// Python's int(text, 0).
std::optional<long long> ParseInt(std::string text) {
  text = Trim(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text = text.substr(1);
  }
  int base = 10;
  const std::string lower = ToLower(text);
  if (StartsWith(lower, "0x")) base = 16;
  if (StartsWith(lower, "0o")) base = 8;
  if (StartsWith(lower, "0b")) base = 2;
  if (base != 10) text = text.substr(2);
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (base == 10 && text.size() > 1 && text[0] == '0') return std::nullopt;
  long long value = 0;
  for (char c : text) {
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : std::isalpha(static_cast<unsigned char>(c))
                          ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                          : 99;
    if (digit >= base) return std::nullopt;
    value = value * base + digit;
  }
  return negative ? -value : value;
}

// Python's `format % number` for a format with exactly one directive.
Result<std::string> FormatNumber(const std::string& format, long long n) {
  static const std::regex kDirective("%([-+ 0#]*)([0-9]*)(\\.[0-9]+)?([diouxXs])");
  std::smatch m;
  if (std::count(format.begin(), format.end(), '%') != 1 ||
      !std::regex_search(format, m, kDirective)) {
    return Status::Error("with_sequence: bad format '" + format +
                         "' (one directive such as %d, "
                         "%02d or %x)");
  }
  std::string spec = "%" + m[1].str() + m[2].str() + m[3].str();
  char buf[128];
  const char conv = m[4].str()[0];
  if (m[2].length() > 3) return Status::Error("with_sequence: format width too large");
  if (conv == 's') {
    std::snprintf(buf, sizeof(buf), (spec + "s").c_str(), std::to_string(n).c_str());
  } else {
    const char c = conv == 'i' || conv == 'u' ? 'd' : conv;
    std::snprintf(buf, sizeof(buf), (spec + "ll" + c).c_str(), n);
  }
  return m.prefix().str() + buf + m.suffix().str();
}

Result<Value> Sequence(const Value& terms) {
  static const std::regex kShortcut(
      "^(([0-9]+|0x[0-9a-f]+)-)?([0-9]+|0x[0-9a-f]+)(/([0-9]+|0x[0-9a-f]+))?(:(.+))?$",
      std::regex::icase);
  Value out = Value::array();
  for (const Value& term : Listify(terms)) {
    if (!term.is_string())
      return Status::Error("with_sequence needs a string such as 'start=1 end=5', not " +
                           TypeName(term));
    const std::string text = term.get<std::string>();
    long long start = 1, stride = 1;
    std::optional<long long> end, count;
    std::string format = "%d";
    auto number = [&](const std::string& key, const std::string& raw) -> Result<long long> {
      std::optional<long long> v = ParseInt(raw);
      if (!v)
        return Status::Error(fmt::format("with_sequence: can't parse {}={} as integer", key, raw));
      return *v;
    };
    std::smatch m;
    if (std::regex_match(text, m, kShortcut)) {
      if (m[2].matched) start = *ParseInt(m[2].str());
      end = *ParseInt(m[3].str());
      if (m[5].matched) stride = *ParseInt(m[5].str());
      if (m[7].matched) format = m[7].str();
    } else {
      for (const std::string& word : Split(text, ' ')) {
        if (Trim(word).empty()) continue;
        const size_t eq = word.find('=');
        if (eq == std::string::npos)
          return Status::Error("with_sequence: '" + word + "' is not key=value");
        const std::string key = word.substr(0, eq), raw = word.substr(eq + 1);
        if (key == "format") {
          format = raw;
          continue;
        }
        if (key != "start" && key != "end" && key != "count" && key != "stride")
          return Status::Error("unrecognized argument to with_sequence: " + key);
        Result<long long> v = number(key, raw);
        if (!v.ok()) return v.status();
        if (key == "start") start = *v;
        if (key == "end") end = *v;
        if (key == "count") count = *v;
        if (key == "stride") stride = *v;
      }
    }
    if (!count && !end) return Status::Error("must specify count or end in with_sequence");
    if (count && end) return Status::Error("can't specify both count and end in with_sequence");
    if (count) {
      if (*count != 0) {
        end = start + *count * stride - 1;
      } else {
        start = 0;
        end = 0;
        stride = 0;
      }
    }
    if (stride > 0 && *end < start) return Status::Error("to count backwards make stride negative");
    if (stride < 0 && *end > start)
      return Status::Error("to count forward don't make stride negative");
    if (stride == 0) continue;
    const long long steps = (*end - start) / stride + 1;
    if (steps > 100000) return Status::Error("with_sequence: more than 100000 items");
    for (long long i = start; stride > 0 ? i <= *end : i >= *end; i += stride) {
      Result<std::string> s = FormatNumber(format, i);
      if (!s.ok()) return s.status();
      out.push_back(*s);
    }
  }
  return out;
}

}  // namespace

Result<Value> ApplyLoopLookup(const std::string& lookup, const Value& rendered) {
  const Value terms = Listify(rendered);
  if (lookup.empty() || lookup == "list") return terms;
  if (lookup == "items") return FlattenOnce(terms);
  if (lookup == "flattened") {
    Value out = Value::array();
    FlattenDeep(terms, &out);
    return out;
  }
  if (lookup == "indexed_items") {
    Value out = Value::array();
    const Value items = FlattenOnce(terms);
    for (size_t i = 0; i < items.size(); ++i) out.push_back(Value::array({Value(i), items[i]}));
    return out;
  }
  if (lookup == "dict") return Dict(rendered);
  if (lookup == "together") return Together(terms);
  if (lookup == "nested" || lookup == "cartesian") return Nested(terms);
  if (lookup == "subelements") return Subelements(terms);
  if (lookup == "sequence") return Sequence(rendered);
  // Names of files on the controller: found by the task's executor, which
  // knows where to look (local_files.h).
  if (lookup == "fileglob") return FlattenOnce(terms);
  if (lookup == "first_found") return terms;
  return Status::Error("with_" + lookup + " is not supported");
}

Result<Value> RenderLoop(const TaskSpec& task, const Variables& vars) {
  Result<Value> rendered = Templar(vars).Render(*task.loop);
  if (!rendered.ok()) return rendered;
  if (task.loop_lookup.empty()) {
    if (!rendered->is_array())
      return Status::Error("loop must be a list, not " + TypeName(*rendered));
    return rendered;
  }
  return ApplyLoopLookup(task.loop_lookup, *rendered);
}

}  // namespace hostprep
