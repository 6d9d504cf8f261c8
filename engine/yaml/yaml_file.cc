#include "engine/yaml/yaml_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <unordered_set>

#include "engine/base/secrets.h"
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

// Walks `node` as ToValue would, aliases expanded, and stops once it has
// seen more than `*budget` nodes: an alias bomb ("billion laughs": ten
// aliases of ten aliases of ...) is a few lines of text that expand to
// billions of values. `*where` gets the node at which the budget ran out.
bool WithinBudget(const YAML::Node& node, size_t* budget, YAML::Node* where) {
  if (*budget == 0) {
    *where = node;
    return false;
  }
  --*budget;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (!WithinBudget(item, budget, where)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!WithinBudget(kv.first, budget, where) || !WithinBudget(kv.second, budget, where)) {
        return false;
      }
    }
  }
  return true;
}

// Whether the quoted scalar whose opening quote is at `text[start]` runs to
// the end of the text without its closing quote.
bool NeverClosed(std::string_view text, size_t start) {
  const char quote = text[start];
  for (size_t i = start + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
      } else {
        return false;
      }
    }
  }
  return true;
}

// yaml-cpp ends a quoted scalar that is never closed at the end of the file,
// without complaint: `command: "echo hi` followed by the rest of the file
// would run as one command. PyYAML (and so Ansible) refuses such a file, and
// so does this: each quoted scalar's opening quote must have its closing one.
// `offset` is where yaml-cpp's positions start in `text` (after a BOM).
// `checked` holds the scalars already looked at (an alias repeats one).
bool QuotesClosed(const std::string& file, std::string_view text, size_t offset,
                  const YAML::Node& node, std::unordered_set<size_t>* checked, Diagnostics* diags) {
  if (node.IsScalar()) {
    if (node.Tag() != "!" || node.Mark().is_null()) return true;
    const size_t at = offset + static_cast<size_t>(node.Mark().pos);
    if (!checked->insert(at).second) return true;
    if (at >= text.size() || (text[at] != '"' && text[at] != '\'') || !NeverClosed(text, at)) {
      return true;
    }
    diags->Add(LocationOf(file, node),
               fmt::format("invalid YAML: this quoted string has no closing {} before the end of "
                           "the file: close it where the value ends",
                           text[at]));
    return false;
  }
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (!QuotesClosed(file, text, offset, item, checked, diags)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!QuotesClosed(file, text, offset, kv.first, checked, diags) ||
          !QuotesClosed(file, text, offset, kv.second, checked, diags)) {
        return false;
      }
    }
  }
  return true;
}

// The 1-based line and column of byte `offset` of `text`.
SourceLocation LocationOfByte(const std::string& file, std::string_view text, size_t offset) {
  const std::string_view before = text.substr(0, offset);
  const size_t newline = before.rfind('\n');
  const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  return SourceLocation{file, static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1,
                        static_cast<int>(offset - line_start) + 1};
}

bool ParseYaml(const std::string& text, const std::string& name, YamlDocument* doc,
               Diagnostics* diags) {
  doc->path = name;
  // yaml-cpp takes any bytes, but a Value holds UTF-8 only (nlohmann throws
  // when printing anything else), and Ansible refuses such a file too. A NUL
  // byte is no YAML character either, and at the start it makes yaml-cpp
  // read the file as UTF-16 or UTF-32, into strings that are not UTF-8.
  if (text.size() > kMaxYamlBytes) {
    diags->Add(LocationOfByte(name, text, kMaxYamlBytes),
               fmt::format("the file is larger than {} MiB, the most hostprep reads as YAML: "
                           "split it, or keep large data in files that tasks copy",
                           kMaxYamlBytes >> 20));
    doc->root = YAML::Node();
    return false;
  }
  if (const size_t bad = FindNonYamlByte(text); bad != std::string::npos) {
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
  size_t budget = kMaxYamlNodes;
  YAML::Node where;
  if (!WithinBudget(doc->root, &budget, &where)) {
    SourceLocation at = LocationOf(name, where);
    if (at.line == 0) at = SourceLocation{name, 1, 1};
    diags->Add(at, fmt::format("the document holds more than {} values once its aliases (*name) "
                               "are expanded: write the values out, or use fewer levels of "
                               "aliases of aliases",
                               kMaxYamlNodes));
    doc->root = YAML::Node();
    return false;
  }
  const size_t bom = text.rfind("\xef\xbb\xbf", 0) == 0 ? 3 : 0;
  std::unordered_set<size_t> checked;
  if (!QuotesClosed(name, text, bom, doc->root, &checked, diags)) {
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
  // Read in pieces and stopped past the bound, enough to refuse the file (a
  // 100 MB playbook is not read whole). Not one buffer of the bound's size:
  // zeroing 32 MiB for each of a role's small files cost milliseconds each,
  // and include_vars and include_tasks read files for every host.
  std::string text;
  char piece[64 * 1024];
  while (text.size() <= kMaxYamlBytes && in.read(piece, sizeof piece).gcount() > 0)
    text.append(piece, static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    diags->Add(SourceLocation{path, 0, 0},
               fmt::format("cannot read file: {}", std::strerror(errno)));
    doc->path = path;
    doc->root = YAML::Node();
    return false;
  }
  return ParseYaml(text, path, doc, diags);
}

bool LoadYamlString(const std::string& text, const std::string& name, YamlDocument* doc,
                    Diagnostics* diags) {
  return ParseYaml(text, name, doc, diags);
}

Value ToValue(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return Value(nullptr);
  if (node.IsScalar() && node.Tag() == "!secret") {
    // A value the run must never show (engine/base/secrets.h); still a
    // plain string for everything that uses it.
    Secrets::Add(node.Scalar());
    return Value(node.Scalar());
  }
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
