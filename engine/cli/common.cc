#include "engine/cli/common.h"

#include <cstdio>

#include <fmt/format.h>

#include "engine/base/text.h"
#include "engine/graph/task_graph.h"
#include "engine/transport/local_transport.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

std::unique_ptr<Inventory> LoadInventoryOrReport(const std::vector<std::string>& sources) {
  if (sources.empty()) return Inventory::Implicit();
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load(sources, &diags);
  if (!diags.empty()) std::fputs(diags.Format().c_str(), stderr);
  return inv;
}

std::unique_ptr<Playbook> LoadPlaybookOrReport(const std::string& path,
                                               const ModuleRegistry& modules) {
  Diagnostics diags;
  std::unique_ptr<Playbook> pb = ParsePlaybook(path, modules, &diags);
  if (pb) {
    // Cycles among explicit edges do not depend on the host: find them now.
    for (const Play& play : pb->plays) {
      std::optional<Diagnostic> cycle = TaskGraph::FindCycle(play);
      if (cycle) diags.Add(cycle->location, cycle->message);
    }
  }
  if (!diags.empty()) {
    std::fputs(diags.Format().c_str(), stderr);
    return nullptr;
  }
  return pb;
}

Result<Value> ParseExtraVars(const std::vector<std::string>& args) {
  Value out = Value::object();
  for (const std::string& arg : args) {
    Value layer;
    if (StartsWith(arg, "@")) {
      YamlDocument doc;
      Diagnostics diags;
      if (!LoadYamlFile(arg.substr(1), &doc, &diags)) {
        return Status::Error(fmt::format("-e {}: {}", arg, Trim(diags.Format())));
      }
      layer = ToValue(doc.root);
      if (!layer.is_object()) {
        return Status::Error(fmt::format("-e {}: the file must hold a mapping of variables", arg));
      }
    } else if (StartsWith(Trim(arg), "{")) {
      YamlDocument doc;
      Diagnostics diags;
      if (!LoadYamlString(arg, "-e", &doc, &diags) || !doc.root.IsMap()) {
        return Status::Error(fmt::format("-e '{}': not a mapping of variables", arg));
      }
      layer = ToValue(doc.root);
    } else {
      layer = Value::object();
      // key=value pairs separated by spaces; values may be quoted.
      size_t i = 0;
      while (i < arg.size()) {
        while (i < arg.size() && arg[i] == ' ') ++i;
        if (i >= arg.size()) break;
        size_t eq = arg.find('=', i);
        if (eq == std::string::npos || eq == i) {
          return Status::Error(fmt::format(
              "-e '{}': expected key=value, @file.yml or a {{...}} mapping", arg));
        }
        std::string key = arg.substr(i, eq - i);
        std::string value;
        i = eq + 1;
        if (i < arg.size() && (arg[i] == '"' || arg[i] == '\'')) {
          char q = arg[i++];
          size_t end = arg.find(q, i);
          if (end == std::string::npos) {
            return Status::Error(fmt::format("-e '{}': unterminated quote", arg));
          }
          value = arg.substr(i, end - i);
          i = end + 1;
        } else {
          size_t end = arg.find(' ', i);
          if (end == std::string::npos) end = arg.size();
          value = arg.substr(i, end - i);
          i = end;
        }
        layer[key] = value;
      }
    }
    for (auto it = layer.begin(); it != layer.end(); ++it) out[it.key()] = it.value();
  }
  return out;
}

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    for (const std::string& part : Split(v, ',')) {
      std::string t = Trim(part);
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

namespace {

class DefaultTransportFactory : public TransportFactory {
 public:
  Result<std::unique_ptr<Transport>> Create(const std::string& host,
                                            const ConnectionSettings& settings) override {
    if (settings.connection == "local") {
      return std::unique_ptr<Transport>(std::make_unique<LocalTransport>());
    }
    return Status::Error(fmt::format(
        "host {}: the ssh connection is not available in this build yet; set "
        "ansible_connection=local (or connection: local in the play) to run on this machine",
        host));
  }
};

}  // namespace

std::unique_ptr<TransportFactory> MakeTransportFactory() {
  return std::make_unique<DefaultTransportFactory>();
}

}  // namespace hostprep
