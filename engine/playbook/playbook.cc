#include "engine/playbook/playbook.h"

#include <fmt/format.h>

#include <filesystem>

#include "engine/playbook/field_reader.h"
#include "engine/playbook/play_parser.h"
#include "engine/playbook/task_list.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

std::string TaskSpec::DisplayName() const {
  // An include_role is shown as Ansible shows it, outside any role.
  if (include != nullptr && !include->role.empty())
    return name.empty() ? module + " : " + include->role : name;
  std::string shown = name;
  if (shown.empty()) {
    shown = id.empty() || id == module || !role_name.empty() || kind == TaskKind::kInclude
                ? module
                : fmt::format("{} ({})", module, id);
  }
  return role_name.empty() ? shown : role_name + " : " + shown;
}

namespace {

// Shared by both entry points once the YAML is loaded. `loaded` is false
// after a YAML error; with a document still there (duplicate keys) the
// schema is checked too, so the user sees everything at once.
std::unique_ptr<Playbook> ParseDocument(const YamlDocument& doc, bool loaded,
                                        const Diagnostics& yaml_errors,
                                        const ModuleRegistry& modules, Diagnostics* diags) {
  auto playbook = std::make_unique<Playbook>();
  playbook->path = doc.path;
  const std::string parent = std::filesystem::path(doc.path).parent_path().string();
  playbook->dir = parent.empty() ? "." : parent;

  FieldReader reader(doc.path, parent);
  reader.Adopt(yaml_errors);
  const YAML::Node& root = doc.root;
  if (!loaded && (!root.IsDefined() || root.IsNull())) {
    reader.Flush(diags);
    return nullptr;
  }
  if (!root.IsDefined() || root.IsNull()) {
    reader.Error(SourceLocation{doc.path, 0, 0}, "the playbook is empty: write a list of plays");
  } else if (!root.IsSequence()) {
    reader.Error(root,
                 fmt::format("a playbook must be a list of plays, not {}{}", DescribeForError(root),
                             root.IsMap() ? " (write each play as '- hosts: ...')" : ""));
  } else if (root.size() == 0) {
    reader.Error(root, "the playbook has no plays");
  } else {
    // The parser only reads nodes it has checked the type of, so yaml-cpp
    // should never throw here; if it does, that is reported, not thrown on.
    try {
      for (size_t i = 0; i < root.size(); ++i) {
        playbook->plays.push_back(ParsePlay(root[i], i, modules, &reader));
      }
    } catch (const YAML::Exception& e) {
      reader.Error(SourceLocation{doc.path, 0, 0},
                   fmt::format("internal error while reading the playbook: {}", e.what()));
    }
  }
  const bool failed = !loaded || reader.error_count() > 0;
  reader.Flush(diags);
  if (failed) return nullptr;
  return playbook;
}

}  // namespace

std::unique_ptr<Playbook> ParsePlaybook(const std::string& path, const ModuleRegistry& modules,
                                        Diagnostics* diags) {
  YamlDocument doc;
  Diagnostics yaml_errors;
  const bool loaded = LoadYamlFile(path, &doc, &yaml_errors);
  return ParseDocument(doc, loaded, yaml_errors, modules, diags);
}

std::unique_ptr<Playbook> ParsePlaybookString(const std::string& text, const std::string& path,
                                              const ModuleRegistry& modules, Diagnostics* diags) {
  YamlDocument doc;
  Diagnostics yaml_errors;
  const bool loaded = LoadYamlString(text, path, &doc, &yaml_errors);
  return ParseDocument(doc, loaded, yaml_errors, modules, diags);
}

}  // namespace hostprep
