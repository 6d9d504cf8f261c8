#include "engine/yaml/yaml_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "engine/base/text.h"

namespace hostprep {

SourceLocation LocationOf(const std::string& file, const YAML::Node& node) {
  SourceLocation loc;
  loc.file = file;
  if (!node.IsDefined()) return loc;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return loc;
  loc.line = mark.line + 1;
  loc.column = mark.column + 1;
  return loc;
}

bool IsQuotedScalar(const YAML::Node& node) {
  return node.IsScalar() && (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str");
}

namespace {

void CheckDuplicateKeys(const std::string& file, const YAML::Node& node, Diagnostics* diags,
                        bool* ok) {
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) CheckDuplicateKeys(file, item, diags, ok);
  } else if (node.IsMap()) {
    std::map<std::string, int> seen;  // key -> 1-based line of its first use
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) {
        const std::string key = kv.first.Scalar();
        SourceLocation loc = LocationOf(file, kv.first);
        auto [it, inserted] = seen.emplace(key, loc.line);
        if (!inserted) {
          diags->Add(loc,
                     fmt::format("duplicate key '{}' (first defined on line {})", key, it->second));
          *ok = false;
        }
      }
      CheckDuplicateKeys(file, kv.second, diags, ok);
    }
  }
}

// The 1-based line and column of byte `offset` of `text`.
SourceLocation LocationOfByte(const std::string& file, std::string_view text, size_t offset) {
  const std::string_view before = text.substr(0, offset);
  const size_t newline = before.rfind('\n');
  const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  return SourceLocation{file, static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1,
                        static_cast<int>(offset - line_start) + 1};
}

bool Parse(const std::string& text, const std::string& name, YamlDocument* doc,
           Diagnostics* diags) {
  doc->path = name;
  // yaml-cpp takes any bytes, but a Value holds UTF-8 only (nlohmann throws
  // when printing anything else), and Ansible refuses such a file too. A NUL
  // byte is no YAML character either, and at the start it makes yaml-cpp
  // read the file as UTF-16 or UTF-32, into strings that are not UTF-8.
  if (const size_t bad = std::min(FindInvalidUtf8(text), text.find('\0'));
      bad != std::string::npos) {
    const unsigned char byte = static_cast<unsigned char>(text[bad]);
    diags->Add(
        LocationOfByte(name, text, bad),
        fmt::format("{}: YAML files must be UTF-8 text",
                    byte == 0 ? "a NUL byte" : fmt::format("invalid UTF-8 (byte 0x{:02x})", byte)));
    doc->root = YAML::Node();
    return false;
  }
  try {
    doc->root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLocation loc{name, e.mark.is_null() ? 0 : e.mark.line + 1,
                       e.mark.is_null() ? 0 : e.mark.column + 1};
    diags->Add(loc, "invalid YAML: " + e.msg);
    doc->root = YAML::Node();
    return false;
  }
  bool ok = true;
  CheckDuplicateKeys(name, doc->root, diags, &ok);
  return ok;
}

}  // namespace

bool LoadYamlFile(const std::string& path, YamlDocument* doc, Diagnostics* diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags->Add(SourceLocation{path, 0, 0},
               fmt::format("cannot read file: {}", std::strerror(errno)));
    doc->path = path;
    doc->root = YAML::Node();
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path, doc, diags);
}

bool LoadYamlString(const std::string& text, const std::string& name, YamlDocument* doc,
                    Diagnostics* diags) {
  return Parse(text, name, doc, diags);
}

Value ScalarToValue(const std::string& s, bool quoted) {
  if (quoted) return Value(s);
  static const std::regex kTrue("^(true|True|TRUE|yes|Yes|YES|on|On|ON)$");
  static const std::regex kFalse("^(false|False|FALSE|no|No|NO|off|Off|OFF)$");
  static const std::regex kNull("^(~|null|Null|NULL)?$");
  static const std::regex kDec("^[-+]?(0|[1-9][0-9_]*)$");
  static const std::regex kOct("^[-+]?0[0-7_]+$");
  static const std::regex kOct12("^0o[0-7]+$");
  static const std::regex kHex("^[-+]?0x[0-9a-fA-F_]+$");
  static const std::regex kFloat(
      "^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$");
  if (std::regex_match(s, kNull)) return Value(nullptr);
  if (std::regex_match(s, kTrue)) return Value(true);
  if (std::regex_match(s, kFalse)) return Value(false);
  auto strip = [](std::string t) {
    t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
    return t;
  };
  try {
    if (std::regex_match(s, kDec)) return Value(std::stoll(strip(s), nullptr, 10));
    if (std::regex_match(s, kOct)) return Value(std::stoll(strip(s), nullptr, 8));
    if (std::regex_match(s, kOct12)) return Value(std::stoll(s.substr(2), nullptr, 8));
    if (std::regex_match(s, kHex)) return Value(std::stoll(strip(s), nullptr, 16));
    if (s != "." && std::regex_match(s, kFloat)) return Value(std::stod(strip(s)));
  } catch (const std::exception&) {
    // Out of range: keep the text; a module that needs a number says so.
  }
  return Value(s);
}

Value ToValue(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return Value(nullptr);
  if (node.IsScalar()) return ScalarToValue(node.Scalar(), IsQuotedScalar(node));
  if (node.IsSequence()) {
    Value out = Value::array();
    for (const YAML::Node& item : node) out.push_back(ToValue(item));
    return out;
  }
  Value out = Value::object();
  for (const auto& kv : node) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
    if (!out.contains(key)) out[key] = ToValue(kv.second);  // first wins, as yaml-cpp's lookup
  }
  return out;
}

std::string DescribeNode(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing (null)";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  Value v = ToValue(node);
  if (v.is_string()) return fmt::format("the string '{}'", v.get<std::string>());
  return fmt::format("the {} {}", TypeName(v), node.Scalar());
}

}  // namespace hostprep
