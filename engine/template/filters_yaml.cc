// to_yaml and to_nice_yaml as PyYAML's dump writes them for Ansible
// (sorted keys, allow_unicode, width 80): block collections, flow style for
// collections of scalars in to_yaml, and PyYAML's choice between plain,
// single-quoted and double-quoted scalars, including its folding of long
// lines. from_yaml and from_yaml_all read YAML as Ansible's safe loader does.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "engine/base/text.h"
#include "engine/base/yaml_scalar.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

constexpr size_t kWidth = 80;

// Would PyYAML's resolver read this plain text as something other than a
// string (bool, int, float, null, timestamp, merge, value)?
bool ResolvesToNonString(const std::string& s) {
  static const std::regex kOther(
      R"(^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$|)"
      R"(^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)"
      R"(|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$|)"
      R"(^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)"
      R"(|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$|^(?:<<|=|~|null|Null|NULL|)$|)"
      R"(^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?)"
      R"((?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?)"
      R"((?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$)");
  return s.size() < 64 && std::regex_match(s, kOther);
}

enum class Style { kPlain, kSingle, kDouble };

// PyYAML's analyze_scalar and choose_scalar_style, on bytes (non-ASCII
// UTF-8 counts as printable).
Style ChooseStyle(const std::string& s, bool flow, bool simple_key) {
  if (s.empty() || ResolvesToNonString(s)) return Style::kSingle;
  bool flow_ind = false, block_ind = false, breaks = false, special = false;
  bool space_break = false, break_space = false;
  auto is_ws = [&](size_t i) { return i >= s.size() || s[i] == ' ' || s[i] == '\n'; };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos) {
        flow_ind = block_ind = true;
      }
      if ((c == '?' || c == ':') && is_ws(1)) flow_ind = block_ind = true;
      if (c == '-' && is_ws(1)) flow_ind = block_ind = true;
    } else {
      if (std::string_view(",?[]{}").find(c) != std::string_view::npos) flow_ind = true;
      if (c == ':') {
        flow_ind = true;
        if (is_ws(i + 1)) block_ind = true;
      }
      if (c == '#' && (s[i - 1] == ' ' || s[i - 1] == '\n')) flow_ind = block_ind = true;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') {
      breaks = true;
      if (i > 0 && s[i - 1] == ' ') space_break = true;
      if (i + 1 < s.size() && s[i + 1] == ' ') break_space = true;
    } else if (u < 0x20 || u == 0x7f) {
      special = true;
    }
  }
  bool edge_space = s.front() == ' ' || s.back() == ' ' || s.front() == '\n' || s.back() == '\n';
  bool plain = !breaks && !special && !edge_space && !break_space && !space_break &&
               !(flow ? flow_ind : block_ind);
  if (plain && !(simple_key && breaks)) return Style::kPlain;
  if (!special && !space_break && !break_space && !(simple_key && breaks)) return Style::kSingle;
  return Style::kDouble;
}

class Emitter {
 public:
  Emitter(int indent, bool nice) : indent_(indent), nice_(nice) {}

  Status Node(const Value& v, int indent, int depth) {
    if (depth > 256) return Status::Error("values nested too deep");
    if (IsFlow(v)) return Flow(v, indent);
    if (v.is_object()) return Mapping(v, indent, depth);
    if (v.is_array()) return Sequence(v, indent, depth);
    Scalar(v, indent + indent_, false, false);
    return Status::Ok();
  }

  std::string& out() { return out_; }

 private:
  bool IsFlow(const Value& v) const {
    if (!v.is_array() && !v.is_object()) return false;
    if (v.empty()) return true;
    if (nice_) return false;
    return std::all_of(v.begin(), v.end(),
                       [](const Value& item) { return !item.is_array() && !item.is_object(); });
  }

  void Write(std::string_view s) {
    out_ += s;
    size_t nl = s.rfind('\n');
    column_ = nl == std::string_view::npos ? column_ + Utf8Length(s) : Utf8Length(s.substr(nl + 1));
  }

  void NewLine(int indent) {
    out_ += '\n';
    out_ += std::string(static_cast<size_t>(std::max(indent, 0)), ' ');
    column_ = static_cast<size_t>(std::max(indent, 0));
  }

  // Keys in PyYAML's sorted order.
  static std::vector<std::string> SortedKeys(const Value& v) {
    std::vector<std::string> keys;
    for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  Status Mapping(const Value& v, int indent, int depth) {
    bool first = true;
    for (const std::string& key : SortedKeys(v)) {
      if (!first || column_ != static_cast<size_t>(indent)) {
        if (!out_.empty()) NewLine(indent);
      }
      first = false;
      Scalar(Value(key), indent + indent_, false, true);
      Write(":");
      const Value& item = v[key];
      if (item.is_array() && !IsFlow(item)) {
        NewLine(indent);
        Status s = Sequence(item, indent, depth + 1);
        if (!s.ok()) return s;
      } else if (item.is_object() && !IsFlow(item)) {
        NewLine(indent + indent_);
        Status s = Mapping(item, indent + indent_, depth + 1);
        if (!s.ok()) return s;
      } else {
        Write(" ");
        Status s = Node(item, indent, depth + 1);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Sequence(const Value& v, int indent, int depth) {
    bool first = true;
    for (const Value& item : v) {
      if (!first || column_ != static_cast<size_t>(indent)) {
        if (!out_.empty()) NewLine(indent);
      }
      first = false;
      Write("-");
      if ((item.is_array() || item.is_object()) && !IsFlow(item)) {
        Write(std::string(static_cast<size_t>(indent_ - 1), ' '));
        Status s = item.is_array() ? Sequence(item, indent + indent_, depth + 1)
                                   : Mapping(item, indent + indent_, depth + 1);
        if (!s.ok()) return s;
      } else {
        Write(" ");
        Status s = Node(item, indent, depth + 1);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Flow(const Value& v, int indent) {
    Write(v.is_array() ? "[" : "{");
    bool first = true;
    if (v.is_array()) {
      for (const Value& item : v) {
        if (!first) Write(", ");
        first = false;
        Scalar(item, indent + indent_, true, false);
      }
    } else {
      for (const std::string& key : SortedKeys(v)) {
        if (!first) Write(", ");
        first = false;
        Scalar(Value(key), indent + indent_, true, true);
        Write(": ");
        Scalar(v[key], indent + indent_, true, false);
      }
    }
    Write(v.is_array() ? "]" : "}");
    return Status::Ok();
  }

  void Scalar(const Value& v, int indent, bool flow, bool key) {
    if (v.is_null()) return Write("null");
    if (v.is_boolean()) return Write(v.get<bool>() ? "true" : "false");
    if (v.is_number_float()) return Write(FloatText(v.get<double>()));
    if (!v.is_string()) return Write(v.dump());
    const std::string& s = v.get_ref<const std::string&>();
    switch (ChooseStyle(s, flow, key)) {
      case Style::kPlain:
        return Folded(s, indent, false, !key);
      case Style::kSingle:
        return Folded(s, indent, true, !key);
      case Style::kDouble:
        return DoubleQuoted(s);
    }
  }

  static std::string FloatText(double d) {
    if (std::isnan(d)) return ".nan";
    if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
    std::string r = PyFloat(d);
    size_t e = r.find('e');
    if (r.find('.') == std::string::npos && e != std::string::npos) r.insert(e, ".0");
    return r;
  }

  // write_plain / write_single_quoted: a single space past the width
  // becomes a line break; in single quotes, line breaks double up.
  void Folded(const std::string& s, int indent, bool quoted, bool split) {
    if (quoted) Write("'");
    size_t i = 0;
    while (i < s.size()) {
      if (s[i] == ' ') {
        size_t j = i;
        while (j < s.size() && s[j] == ' ') ++j;
        if (j == i + 1 && column_ > kWidth && split && i != 0 && j != s.size()) {
          NewLine(indent);
        } else {
          Write(s.substr(i, j - i));
        }
        i = j;
      } else if (s[i] == '\n') {
        size_t j = i;
        while (j < s.size() && s[j] == '\n') ++j;
        out_ += std::string(j - i + 1, '\n');
        NewLineIndentOnly(indent);
        i = j;
      } else if (s[i] == '\'' && quoted) {
        Write("''");
        ++i;
      } else {
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\n' && !(quoted && s[j] == '\'')) ++j;
        Write(s.substr(i, j - i));
        i = j;
      }
    }
    if (quoted) Write("'");
  }

  void NewLineIndentOnly(int indent) {
    out_ += std::string(static_cast<size_t>(std::max(indent, 0)), ' ');
    column_ = static_cast<size_t>(std::max(indent, 0));
  }

  void DoubleQuoted(const std::string& s) {
    std::string q = "\"";
    static const char kHex[] = "0123456789ABCDEF";
    for (char c : s) {
      unsigned char u = static_cast<unsigned char>(c);
      switch (c) {
        case '"':
          q += "\\\"";
          break;
        case '\\':
          q += "\\\\";
          break;
        case '\0':
          q += "\\0";
          break;
        case '\a':
          q += "\\a";
          break;
        case '\b':
          q += "\\b";
          break;
        case '\t':
          q += "\\t";
          break;
        case '\n':
          q += "\\n";
          break;
        case '\v':
          q += "\\v";
          break;
        case '\f':
          q += "\\f";
          break;
        case '\r':
          q += "\\r";
          break;
        case '\x1b':
          q += "\\e";
          break;
        default:
          if (u < 0x20 || u == 0x7f) {
            q += "\\x";
            q += kHex[u >> 4];
            q += kHex[u & 15];
          } else {
            q += c;
          }
      }
    }
    Write(q + "\"");
  }

  int indent_;
  bool nice_;
  std::string out_;
  size_t column_ = 0;
};

Result<Value> DumpYaml(std::string_view filter, const Value& in, const Value& indent_arg,
                       bool nice) {
  Result<long long> indent = IntArg(filter, "indent", indent_arg);
  if (!indent.ok()) return indent.status();
  // PyYAML accepts indents from 2 to 9 and uses 2 otherwise.
  int n = *indent > 1 && *indent < 10 ? static_cast<int>(*indent) : 2;
  Emitter e(n, nice);
  Status s = e.Node(in, 0, 0);
  if (!s.ok()) return s.WithContext(std::string(filter));
  return Value(e.out() + "\n");
}

Result<Value> ToYaml(const Value& in, const Args& a) {
  return DumpYaml("to_yaml", in, a[0], false);
}
Result<Value> ToNiceYaml(const Value& in, const Args& a) {
  return DumpYaml("to_nice_yaml", in, a[0], true);
}

// Text may come from a host (a registered stdout): besides the bounds of
// every YAML text (kMaxYamlBytes, kMaxYamlNodes: an alias bomb is a few
// lines), how deep it nests.
constexpr int kMaxLoadDepth = 500;

// Converts one parsed node as PyYAML's SafeLoader builds it: plain scalars
// typed by YAML 1.1 (ScalarToValue), quoted ones strings, the standard
// !!str/!!int/!!float/!!bool/!!null/!!seq/!!map tags honoured, any other
// tag refused as SafeLoader refuses it; a repeated key keeps its last value.
Status Convert(const YAML::Node& node, int depth, size_t* budget, Value* out) {
  if (*budget == 0)
    return Status::Error(
        fmt::format("more than {} values once aliases are expanded", kMaxYamlNodes));
  if (depth > kMaxLoadDepth)
    return Status::Error(fmt::format("nested more than {} levels deep", kMaxLoadDepth));
  --*budget;
  const std::string tag = node.Tag();
  const std::string kStd = "tag:yaml.org,2002:";
  const std::string std_name = StartsWith(tag, kStd) ? tag.substr(kStd.size()) : "";
  const bool plain_tag = tag.empty() || tag == "?" || tag == "!";
  if (!plain_tag && std_name.empty()) {
    return Status::Error("could not determine a constructor for the tag '" + tag + "'");
  }
  if (!node.IsDefined() || node.IsNull()) {
    *out = std_name == "str" ? Value("") : Value(nullptr);
    return Status::Ok();
  }
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (std_name.empty()) {
      *out = ScalarToValue(text, tag == "!");
    } else if (std_name == "str") {
      *out = Value(text);
    } else {
      Value typed = ScalarToValue(text, false);
      const bool fits = (std_name == "int" && typed.is_number_integer()) ||
                        (std_name == "float" && typed.is_number()) ||
                        (std_name == "bool" && typed.is_boolean()) ||
                        (std_name == "null" && typed.is_null());
      if (!fits) {
        return Status::Error(
            fmt::format("'{}' is not a valid value for the tag '!!{}'", text, std_name));
      }
      *out = std_name == "float" ? Value(typed.get<double>()) : typed;
    }
    return Status::Ok();
  }
  if (node.IsSequence()) {
    if (!std_name.empty() && std_name != "seq")
      return Status::Error("the tag '!!" + std_name + "' does not apply to a list");
    *out = Value::array();
    for (const YAML::Node& item : node) {
      Value v;
      if (Status s = Convert(item, depth + 1, budget, &v); !s.ok()) return s;
      out->push_back(std::move(v));
    }
    return Status::Ok();
  }
  if (!std_name.empty() && std_name != "map")
    return Status::Error("the tag '!!" + std_name + "' does not apply to a mapping");
  *out = Value::object();
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() && !kv.first.IsNull())
      return Status::Error("a mapping or list as a key (found unhashable key)");
    Value key, value;
    if (Status s = Convert(kv.first, depth + 1, budget, &key); !s.ok()) return s;
    if (Status s = Convert(kv.second, depth + 1, budget, &value); !s.ok()) return s;
    (*out)[key.is_string() ? key.get<std::string>() : ToText(key)] = std::move(value);
  }
  return Status::Ok();
}

// The documents of `text`: yaml-cpp's exceptions stop here.
Result<std::vector<Value>> LoadDocuments(std::string_view filter, const std::string& text) {
  if (text.size() > kMaxYamlBytes) {
    return FilterError(filter, fmt::format("the text is larger than {} MiB", kMaxYamlBytes >> 20));
  }
  if (FindNonYamlByte(text) != std::string::npos)
    return FilterError(filter, "the text is not UTF-8");
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    std::string where =
        e.mark.is_null() ? ""
                         : fmt::format(" at line {} column {}", e.mark.line + 1, e.mark.column + 1);
    return FilterError(filter, "invalid YAML" + where + ": " + e.msg);
  }
  std::vector<Value> docs;
  size_t budget = kMaxYamlNodes;
  for (const YAML::Node& node : nodes) {
    Value v;
    if (Status s = Convert(node, 0, &budget, &v); !s.ok()) return FilterError(filter, s.message());
    docs.push_back(std::move(v));
  }
  return docs;
}

// Ansible's from_yaml: a string is loaded (one document; none is None),
// anything else passes through.
Result<Value> FromYaml(const Value& in, const Args&) {
  if (!in.is_string()) return in;
  Result<std::vector<Value>> docs = LoadDocuments("from_yaml", in.get<std::string>());
  if (!docs.ok()) return docs.status();
  if (docs->size() > 1) {
    return FilterError("from_yaml",
                       "expected a single document in the stream, found several "
                       "(use from_yaml_all)");
  }
  return docs->empty() ? Value(nullptr) : std::move(docs->front());
}

// Ansible's from_yaml_all: every document of a string, as a list (Ansible
// returns a generator, which templates turn into a list with `| list`).
Result<Value> FromYamlAll(const Value& in, const Args&) {
  if (!in.is_string()) return in;
  Result<std::vector<Value>> docs = LoadDocuments("from_yaml_all", in.get<std::string>());
  if (!docs.ok()) return docs.status();
  Value out = Value::array();
  for (Value& d : *docs) out.push_back(std::move(d));
  return out;
}

}  // namespace

void AddYamlFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"to_yaml", {Opt("indent", 2)}}, ToYaml, {}},
      {{"to_nice_yaml", {Opt("indent", 4)}}, ToNiceYaml, {}},
      {{"from_yaml", {}}, FromYaml, {}},
      {{"from_yaml_all", {}}, FromYamlAll, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
