#include "engine/inventory/yaml_inventory.h"

#include <fmt/format.h>

#include <set>
#include <string>

#include "engine/base/text.h"
#include "engine/inventory/host_range.h"

namespace hostprep {

namespace {

const std::vector<std::string> kGroupKeys = {"hosts", "children", "vars"};

class YamlInventoryReader {
 public:
  YamlInventoryReader(const YamlDocument& doc, InventoryBuilder* builder, Diagnostics* diags)
      : file_(doc.path), builder_(builder), diags_(diags) {}

  bool Read(const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) return true;
    if (!root.IsMap()) {
      Error(root, fmt::format("an inventory must be a mapping of groups (all: {{hosts, children, "
                              "vars}}), not {}",
                              DescribeNode(root)));
      return false;
    }
    for (const auto& kv : root) {
      std::string name = kv.first.Scalar();
      // Top-level groups other than `all` hang under all once Finish() runs.
      ReadGroup(name, kv.first, kv.second, 0);
    }
    return errors_ == 0;
  }

 private:
  void Error(const YAML::Node& at, std::string message) {
    diags_->Add(LocationOf(file_, at), std::move(message));
    ++errors_;
  }

  void ReadGroup(const std::string& name, const YAML::Node& key, const YAML::Node& body,
                 int depth) {
    if (depth > 100) {
      Error(key, fmt::format("group '{}' is nested more than 100 levels deep", name));
      return;
    }
    if (!key.IsScalar() || name.empty()) {
      Error(key, fmt::format("a group name must be a non-empty string, not {}", DescribeNode(key)));
      return;
    }
    builder_->AddGroup(name, LocationOf(file_, key));
    if (body.IsNull()) return;
    if (!body.IsMap()) {
      Error(body, fmt::format("group '{}' must be a mapping with hosts, children or vars, not {}",
                              name, DescribeNode(body)));
      return;
    }
    for (const auto& kv : body) {
      std::string section = kv.first.Scalar();
      if (section == "hosts") {
        ReadHosts(name, kv.second);
      } else if (section == "vars") {
        ReadVars(kv.second, fmt::format("vars of group '{}'", name),
                 [&](const std::string& k, Value v) {
                   builder_->SetGroupVar(name, k, std::move(v), file_);
                 });
      } else if (section == "children") {
        ReadChildren(name, kv.second, depth);
      } else {
        Error(kv.first, fmt::format("unknown key '{}' in group '{}'{}: a group has hosts, "
                                    "children and vars",
                                    section, name, DidYouMeanSuffix(section, kGroupKeys)));
      }
    }
  }

  // A string stands for one entry with no value, as Ansible allows
  // (`hosts: web1`); otherwise the section must be a mapping or null.
  bool CheckSection(const std::string& group, const std::string& section, const YAML::Node& node,
                    const char* hint) {
    if (node.IsNull() || node.IsMap()) return true;
    Error(node, fmt::format("{} of group '{}' must be a mapping ({}), not {}", section, group, hint,
                            DescribeNode(node)));
    return false;
  }

  void ReadHosts(const std::string& group, const YAML::Node& node) {
    if (node.IsScalar() && !node.IsNull()) {
      AddHosts(group, node, YAML::Node());
      return;
    }
    if (!CheckSection(group, "hosts", node, "host name: vars, one per line")) return;
    if (node.IsNull()) return;
    for (const auto& kv : node) AddHosts(group, kv.first, kv.second);
  }

  void AddHosts(const std::string& group, const YAML::Node& key, const YAML::Node& vars) {
    if (!key.IsScalar() || key.Scalar().empty()) {
      Error(key, fmt::format("a host name in group '{}' must be a non-empty string, not {}", group,
                             DescribeNode(key)));
      return;
    }
    Result<HostPattern> hosts = ParseHostPattern(key.Scalar());
    if (!hosts.ok()) {
      Error(key, hosts.message());
      return;
    }
    for (const std::string& host : hosts->names) {
      builder_->AddHost(host, group, LocationOf(file_, key));
      if (hosts->port != 0) builder_->SetHostVar(host, "ansible_port", hosts->port, file_);
    }
    if (!vars.IsDefined() || vars.IsNull()) return;
    ReadVars(vars, fmt::format("vars of host '{}'", key.Scalar()),
             [&](const std::string& k, Value v) {
               for (const std::string& host : hosts->names) {
                 builder_->SetHostVar(host, k, v, file_);
               }
             });
  }

  template <typename Setter>
  void ReadVars(const YAML::Node& node, const std::string& what, Setter set) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      Error(node,
            fmt::format("{} must be a mapping (name: value), not {}", what, DescribeNode(node)));
      return;
    }
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        Error(kv.first, fmt::format("a variable name in {} must be a string, not {}", what,
                                    DescribeNode(kv.first)));
        continue;
      }
      set(kv.first.Scalar(), ToValue(kv.second));
    }
  }

  void ReadChildren(const std::string& group, const YAML::Node& node, int depth) {
    if (node.IsScalar() && !node.IsNull()) {
      AddChild(group, node, YAML::Node(YAML::NodeType::Null), depth);
      return;
    }
    if (!CheckSection(group, "children", node, "child group: {hosts, children, vars}")) return;
    if (node.IsNull()) return;
    for (const auto& kv : node) AddChild(group, kv.first, kv.second, depth);
  }

  void AddChild(const std::string& group, const YAML::Node& key, const YAML::Node& body,
                int depth) {
    std::string child = key.Scalar();
    ReadGroup(child, key, body, depth + 1);
    if (key.IsScalar() && !child.empty() &&
        !builder_->AddChild(group, child, LocationOf(file_, key), diags_)) {
      ++errors_;
    }
  }

  std::string file_;
  InventoryBuilder* builder_;
  Diagnostics* diags_;
  int errors_ = 0;
};

}  // namespace

bool LoadYamlInventory(const YamlDocument& doc, InventoryBuilder* builder, Diagnostics* diags) {
  YamlInventoryReader reader(doc, builder, diags);
  return reader.Read(doc.root);
}

bool LooksLikeYamlInventory(const YAML::Node& root) {
  if (!root.IsMap() || root.size() == 0) return false;
  for (const auto& kv : root) {
    const YAML::Node& body = kv.second;
    if (body.IsNull()) continue;
    if (!body.IsMap()) return false;
    for (const auto& section : body) {
      std::string key = section.first.Scalar();
      if (key != "hosts" && key != "children" && key != "vars") return false;
    }
  }
  return true;
}

}  // namespace hostprep
