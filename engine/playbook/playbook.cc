#include "engine/playbook/playbook.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "engine/base/text.h"
#include "engine/playbook/field_reader.h"
#include "engine/playbook/play_parser.h"
#include "engine/playbook/task_list.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

std::string TaskSpec::DisplayName() const {
  // An include_role is shown as Ansible shows it, outside any role.
  if (include != nullptr && !include->role.empty())
    return name.empty() ? module + " : " + include->role : name;
  std::string shown = name;
  if (shown.empty()) {
    const std::string& written = module_key.empty() ? module : module_key;
    // An id derived from the module (ansible-builtin-file) is not shown.
    shown = id.empty() || id == module || id == Slugify(module) || !role_name.empty() ||
                    kind == TaskKind::kInclude
                ? written
                : fmt::format("{} ({})", written, id);
  }
  return role_name.empty() ? shown : role_name + " : " + shown;
}

std::string Play::AbsoluteDir() const {
  std::error_code ec;
  return std::filesystem::absolute(dir, ec).lexically_normal().string();
}

namespace {

const std::vector<std::string>& ImportKeys() {
  static const std::vector<std::string> kKeys = {"import_playbook", "name", "vars", "when", "tags"};
  return kKeys;
}

bool IsImport(const YAML::Node& entry) {
  return entry.IsMap() && (entry["import_playbook"].IsDefined() ||
                           entry["ansible.builtin.import_playbook"].IsDefined());
}

// Reads a playbook's entries, plays and import_playbook statements, in
// order. An import's plays take its place, read from their own file with
// their own reader (so errors name that file, ordered at the import line),
// under what the import gives them: its vars, tags and when.
class PlaybookReader {
 public:
  // `path` is the playbook's own file, which no import may bring back.
  PlaybookReader(const ModuleRegistry& modules, const std::string& path, Playbook* playbook)
      : modules_(modules), playbook_(*playbook) {
    std::error_code ec;
    stack_.push_back(std::filesystem::weakly_canonical(path, ec).string());
  }

  // `root` is a file's document; `what` names it in messages ("the
  // playbook", "imported playbook 'x.yml'").
  void ReadFile(const YAML::Node& root, const std::string& what, FieldReader* reader,
                const PlaybookImport& from);

 private:
  void ReadImport(const YAML::Node& entry, FieldReader* reader, const PlaybookImport& from);
  bool ReadImportKeys(const YAML::Node& entry, FieldReader* reader, std::string* file,
                      SourceLocation* at, PlaybookImport* own);
  void ImportFile(const std::string& path, const SourceLocation& at, FieldReader* reader,
                  const PlaybookImport& from);

  const ModuleRegistry& modules_;
  Playbook& playbook_;
  std::vector<std::string> stack_;  // the files being read, outermost first
};

void PlaybookReader::ReadFile(const YAML::Node& root, const std::string& what, FieldReader* reader,
                              const PlaybookImport& from) {
  if (!root.IsDefined() || root.IsNull()) {
    reader->Error(SourceLocation{reader->file(), 0, 0},
                  fmt::format("{} is empty: write a list of plays", what));
  } else if (!root.IsSequence()) {
    reader->Error(
        root, fmt::format("a playbook must be a list of plays, not {}{}", DescribeForError(root),
                          root.IsMap() ? " (write each play as '- hosts: ...')" : ""));
  } else if (root.size() == 0) {
    reader->Error(root, fmt::format("{} has no plays", what));
  } else {
    for (size_t i = 0; i < root.size(); ++i) {
      if (IsImport(root[i])) {
        ReadImport(root[i], reader, from);
      } else {
        playbook_.plays.push_back(ParsePlay(root[i], i, modules_, reader, from));
      }
    }
  }
}

// An import applies to its plays as Ansible's does: its vars over each
// play's own vars (under vars_files), its tags added to the play's, its
// when before every task's; an outer import's on top of an inner one's.
void PlaybookReader::ReadImport(const YAML::Node& entry, FieldReader* reader,
                                const PlaybookImport& from) {
  std::string file;
  SourceLocation at;
  PlaybookImport own;
  if (!ReadImportKeys(entry, reader, &file, &at, &own)) return;
  PlaybookImport inner = own;
  for (auto it = from.vars.begin(); it != from.vars.end(); ++it) inner.vars[it.key()] = it.value();
  for (const std::string& tag : from.tags) {
    if (std::find(inner.tags.begin(), inner.tags.end(), tag) == inner.tags.end())
      inner.tags.push_back(tag);
  }
  inner.when.insert(inner.when.begin(), from.when.begin(), from.when.end());
  ImportFile(file, at, reader, inner);
}

bool PlaybookReader::ReadImportKeys(const YAML::Node& entry, FieldReader* reader, std::string* file,
                                    SourceLocation* at, PlaybookImport* own) {
  const size_t errors = reader->error_count();
  for (const auto& kv : entry) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (key == "import_playbook" || key == "ansible.builtin.import_playbook") {
      *at = reader->At(kv.second);
      if (!reader->ReadString(key, kv.second, file)) continue;
      *file = Trim(*file);
      if (file->empty()) {
        reader->Error(kv.second, "'import_playbook' names no file: give the playbook to import");
      } else if (IsTemplate(*file)) {
        reader->Error(kv.second,
                      fmt::format("'import_playbook: {}' is a template: templated playbook names "
                                  "are not supported (name the file)",
                                  *file));
      } else if (file->find_first_of(" \t") != std::string::npos) {
        reader->Error(
            kv.second,
            fmt::format("'import_playbook' takes one file name, not '{}' (Ansible ignores "
                        "what follows the name: give variables under 'vars:')",
                        *file));
      }
    } else if (key == "name") {
      std::string name;
      reader->ReadString(key, kv.second, &name);
    } else if (key == "vars") {
      reader->ReadMapping(key, kv.second, &own->vars);
    } else if (key == "when") {
      reader->ReadConditions(key, kv.second, "import_playbook", &own->when);
    } else if (key == "tags") {
      reader->ReadStringList(key, kv.second, &own->tags);
    } else {
      reader->Error(kv.first, fmt::format("unknown key '{}' in an import_playbook{} (set play "
                                          "keywords in the imported plays)",
                                          key, DidYouMeanSuffix(key, ImportKeys())));
    }
  }
  return reader->error_count() == errors;
}

void PlaybookReader::ImportFile(const std::string& path, const SourceLocation& at,
                                FieldReader* reader, const PlaybookImport& from) {
  const std::string resolved = std::filesystem::path(reader->Resolve(path)).lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(resolved, ec)) {
    reader->Error(at, resolved == path ? fmt::format("playbook '{}' not found", path)
                                       : fmt::format("playbook '{}' not found (looked for '{}')",
                                                     path, resolved));
    return;
  }
  const std::string canonical = std::filesystem::weakly_canonical(resolved, ec).string();
  if (std::find(stack_.begin(), stack_.end(), canonical) != stack_.end()) {
    std::vector<std::string> cycle(std::find(stack_.begin(), stack_.end(), canonical),
                                   stack_.end());
    cycle.push_back(canonical);
    reader->Error(at,
                  fmt::format("playbook '{}' imports itself: {}", path, fmt::join(cycle, " -> ")));
    return;
  }
  YamlDocument doc;
  Diagnostics found;
  const bool loaded = LoadYamlFile(resolved, &doc, &found);
  FieldReader sub(resolved, std::filesystem::path(resolved).parent_path().string());
  sub.Adopt(found);
  if (loaded) {
    stack_.push_back(canonical);
    ReadFile(doc.root, fmt::format("imported playbook '{}'", path), &sub, from);
    stack_.pop_back();
  }
  Diagnostics errors;
  sub.Flush(&errors);
  reader->Adopt(errors, at);
}

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
  // The parser only reads nodes it has checked the type of, so yaml-cpp
  // should never throw here; if it does, that is reported, not thrown on.
  try {
    PlaybookReader entries(modules, doc.path, playbook.get());
    entries.ReadFile(root, "the playbook", &reader, PlaybookImport{});
  } catch (const YAML::Exception& e) {
    reader.Error(SourceLocation{doc.path, 0, 0},
                 fmt::format("internal error while reading the playbook: {}", e.what()));
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
