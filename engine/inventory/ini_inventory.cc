#include "engine/inventory/ini_inventory.h"

#include <fmt/format.h>

#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "engine/base/text.h"
#include "engine/inventory/host_range.h"
#include "engine/inventory/ini_value.h"

namespace hostprep {

namespace {

// A group named before it is declared: by [g:vars] (must be declared later)
// or by [p:children] (the edge is added once g is declared).
struct Pending {
  bool vars = false;
  SourceLocation at;
  std::vector<std::string> parents;  // for children
};

class IniParser {
 public:
  IniParser(const std::string& path, InventoryBuilder* builder, Diagnostics* diags)
      : path_(path), builder_(builder), diags_(diags) {}

  bool Parse(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      // A Value holds UTF-8 only (nlohmann throws when printing anything
      // else), and Ansible refuses such a file too.
      if (const size_t bad = FindInvalidUtf8(line); bad != std::string::npos) {
        Error(bad, fmt::format("invalid UTF-8 (byte 0x{:02x}): inventory files must be UTF-8 text",
                               static_cast<unsigned char>(line[bad])));
        // Lines after a header that could not be read belong to no section.
        if (StartsWith(Trim(line), "[")) state_ = "";
        continue;
      }
      ParseLine(line);
    }
    ReportPending();
    return errors_ == 0;
  }

 private:
  SourceLocation At(size_t col0) const {
    return SourceLocation{path_, line_no_, static_cast<int>(col0) + 1};
  }
  void Error(size_t col0, std::string message) {
    diags_->Add(At(col0), std::move(message));
    ++errors_;
  }

  void ParseLine(const std::string& line) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#' || line[start] == ';') return;
    std::string trimmed = Trim(line);
    if (trimmed[0] == '[') {
      ParseSection(trimmed, start);
      return;
    }
    if (state_ == "hosts") {
      ParseHostLine(line);
    } else if (state_ == "vars") {
      ParseVarLine(trimmed, start);
    } else if (state_ == "children") {
      ParseChildLine(trimmed, start);
    }
    // state "" : after a broken section header; its lines are not checked.
  }

  void ParseSection(const std::string& text, size_t col0) {
    static const std::regex kSection(R"(^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$)");
    std::smatch m;
    if (!std::regex_match(text, m, kSection)) {
      state_ = "";
      Error(col0, fmt::format("invalid section header '{}': write [group], [group:children] or "
                              "[group:vars], with no spaces in the group name",
                              text));
      return;
    }
    std::string group = m[1];
    std::string type = m[2].matched ? std::string(m[2]) : "hosts";
    if (type != "hosts" && type != "children" && type != "vars") {
      state_ = "";
      Error(col0 + m.position(2), fmt::format("unknown section type '{}' in [{}:{}]{}", type, group,
                                              type, DidYouMeanSuffix(type, {"children", "vars"})));
      return;
    }
    state_ = type;
    group_ = group;
    if (!builder_->HasGroup(group) && type == "vars" && !pending_.count(group)) {
      pending_[group] = Pending{true, At(col0), {}};
    }
    builder_->AddGroup(group, At(col0 + 1));
    if (type != "vars") Declare(group);
  }

  // [g] or [g:children] declares g: resolve what waited for it.
  void Declare(const std::string& group) {
    auto it = pending_.find(group);
    if (it == pending_.end()) return;
    if (!it->second.vars) {
      for (const std::string& parent : it->second.parents) {
        if (!builder_->AddChild(parent, group, it->second.at, diags_)) ++errors_;
      }
    }
    pending_.erase(it);
  }

  void ParseHostLine(const std::string& line) {
    Result<std::vector<ShellWord>> words = ShlexSplit(line);
    size_t start = line.find_first_not_of(" \t");
    if (!words.ok()) {
      Error(start, fmt::format("cannot parse host line: {}", words.message()));
      return;
    }
    if (words->empty()) return;
    const ShellWord& first = (*words)[0];
    if (first.text.find('=') != std::string::npos) {
      Error(first.column, fmt::format("host line '{}' has no host name: start the line with the "
                                      "host, then key=value pairs",
                                      Trim(line)));
      return;
    }
    Result<HostPattern> hosts = ParseHostPattern(first.text);
    if (!hosts.ok()) {
      Error(first.column, hosts.message());
      return;
    }
    std::vector<std::pair<std::string, Value>> vars;
    for (size_t i = 1; i < words->size(); ++i) {
      const ShellWord& w = (*words)[i];
      size_t eq = w.text.find('=');
      if (eq == std::string::npos || eq == 0) {
        Error(w.column,
              fmt::format("expected key=value after host '{}', got '{}'", first.text, w.text));
        continue;
      }
      vars.emplace_back(w.text.substr(0, eq), ParsePythonLiteral(w.text.substr(eq + 1)));
    }
    for (const std::string& name : hosts->names) {
      builder_->AddHost(name, group_, At(first.column));
      if (hosts->port != 0) builder_->SetHostVar(name, "ansible_port", hosts->port, path_);
      for (const auto& [key, value] : vars) builder_->SetHostVar(name, key, value, path_);
    }
  }

  void ParseVarLine(const std::string& text, size_t col0) {
    size_t eq = text.find('=');
    if (eq == std::string::npos) {
      Error(col0, fmt::format("expected key=value in [{}:vars], got '{}'", group_, text));
      return;
    }
    std::string key = Trim(text.substr(0, eq));
    if (key.empty()) {
      Error(col0, fmt::format("variable in [{}:vars] has no name: '{}'", group_, text));
      return;
    }
    builder_->SetGroupVar(group_, key, ParsePythonLiteral(Trim(text.substr(eq + 1))), path_);
  }

  void ParseChildLine(const std::string& text, size_t col0) {
    static const std::regex kGroupName(R"(^([^:\]\s]+)\s*(?:#.*)?$)");
    std::smatch m;
    if (!std::regex_match(text, m, kGroupName)) {
      Error(col0, fmt::format("expected one group name per line in [{}:children], got '{}'", group_,
                              text));
      return;
    }
    std::string child = m[1];
    if (builder_->HasGroup(child)) {
      if (!builder_->AddChild(group_, child, At(col0), diags_)) ++errors_;
      return;
    }
    auto [it, inserted] = pending_.try_emplace(child, Pending{false, At(col0), {}});
    it->second.parents.push_back(group_);
  }

  void ReportPending() {
    std::vector<std::string> known = builder_->group_order();
    for (const auto& [group, p] : pending_) {
      ++errors_;
      if (p.vars) {
        diags_->Add(p.at, fmt::format("section [{0}:vars] is for undefined group '{0}': declare "
                                      "the group with [{0}] or [{0}:children]",
                                      group));
      } else {
        std::vector<std::string> others;
        for (const std::string& g : known) {
          if (g != group) others.push_back(g);
        }
        diags_->Add(p.at,
                    fmt::format("section [{}:children] includes undefined group '{}'{}: "
                                "declare it, even empty, with [{}]",
                                p.parents.back(), group, DidYouMeanSuffix(group, others), group));
      }
    }
  }

  const std::string& path_;
  InventoryBuilder* builder_;
  Diagnostics* diags_;
  int line_no_ = 0;
  int errors_ = 0;
  std::string group_ = "ungrouped";
  std::string state_ = "hosts";
  std::map<std::string, Pending> pending_;
};

}  // namespace

bool LoadIniInventory(const std::string& path, const std::string& text, InventoryBuilder* builder,
                      Diagnostics* diags) {
  IniParser parser(path, builder, diags);
  return parser.Parse(text);
}

}  // namespace hostprep
