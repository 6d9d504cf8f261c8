#include "engine/playbook/task_list.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/base/text.h"
#include "engine/playbook/keywords.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace {

namespace fs = std::filesystem;

// Nested imports deeper than this are a loop that the file names alone do
// not show (a file importing itself through a template-free relative path
// is caught earlier, by name).
constexpr size_t kMaxImportDepth = 32;

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return fs::path(name).lexically_normal().string();
  return (fs::path(dir) / name).lexically_normal().string();
}

std::string DirOf(const std::string& path) {
  const std::string dir = fs::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

bool IsImportKey(const std::string& key) {
  return key == "import_tasks" || key == "ansible.builtin.import_tasks";
}

}  // namespace

Inherited Inherited::Within(const Inherited& outer) const {
  Inherited out = outer;
  out.when.insert(out.when.end(), when.begin(), when.end());
  for (const std::string& t : tags) {
    if (std::find(out.tags.begin(), out.tags.end(), t) == out.tags.end()) out.tags.push_back(t);
  }
  for (auto it = vars.begin(); it != vars.end(); ++it) out.vars[it.key()] = it.value();
  if (become) out.become = become;
  if (!become_user.empty()) out.become_user = become_user;
  if (ignore_errors) out.ignore_errors = ignore_errors;
  if (no_log) out.no_log = no_log;
  if (check_mode) out.check_mode = check_mode;
  return out;
}

void Inherited::ApplyTo(TaskSpec* task) const {
  task->when.insert(task->when.begin(), when.begin(), when.end());
  for (const std::string& t : tags) {
    if (std::find(task->tags.begin(), task->tags.end(), t) == task->tags.end())
      task->tags.push_back(t);
  }
  if (!vars.empty()) {
    Value merged = vars;
    for (auto it = task->vars.begin(); it != task->vars.end(); ++it) merged[it.key()] = it.value();
    task->vars = std::move(merged);
    if (task->vars_origin.empty()) task->vars_origin = "vars of an import or role";
  }
  if (!task->become && become) task->become = become;
  if (task->become_user.empty()) task->become_user = become_user;
  // A task's own `ignore_errors: false` cannot be told from none here; as in
  // Ansible, a parent's true is what users write these for.
  if (ignore_errors && *ignore_errors) task->ignore_errors = true;
  if (no_log && *no_log) task->no_log = true;
  if (!task->check_mode && check_mode) task->check_mode = check_mode;
}

std::string FindMainFile(const std::string& dir, const std::string& main, bool or_dir) {
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    const std::string path = Join(dir, main + ext);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
    if (or_dir && *ext == '\0' && fs::is_directory(path, ec)) return path;
  }
  return "";
}

bool ReadInheritedKey(FieldReader* reader, const std::string& key, const YAML::Node& value,
                      const std::string& label, Inherited* out) {
  bool flag = false;
  if (key == "when") {
    reader->ReadConditions(key, value, label, &out->when);
  } else if (key == "tags") {
    reader->ReadStringList(key, value, &out->tags);
  } else if (key == "vars") {
    reader->ReadMapping(key, value, &out->vars);
  } else if (key == "become") {
    if (reader->ReadBool(key, value, &flag)) out->become = flag;
  } else if (key == "become_user") {
    reader->ReadString(key, value, &out->become_user);
  } else if (key == "ignore_errors") {
    if (reader->ReadBool(key, value, &flag)) out->ignore_errors = flag;
  } else if (key == "no_log") {
    if (reader->ReadBool(key, value, &flag)) out->no_log = flag;
  } else if (key == "check_mode") {
    if (reader->ReadBool(key, value, &flag)) out->check_mode = flag;
  } else {
    return false;
  }
  return true;
}

TaskListParser::TaskListParser(const ModuleRegistry& modules, std::string playbook_dir)
    : modules_(modules), playbook_dir_(std::move(playbook_dir)) {}

void TaskListParser::Parse(const std::string& key, const YAML::Node& list,
                           const TaskListScope& scope, std::vector<TaskDraft>* out) {
  FieldReader& reader = *scope.reader;
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    reader.Error(list, fmt::format("'{}' must be a list of {}, not {}", key,
                                   scope.handlers ? "handlers" : "tasks", DescribeForError(list)));
    return;
  }
  for (const YAML::Node& item : list) {
    bool import = false;
    if (item.IsMap()) {
      for (const auto& kv : item)
        import = import || (kv.first.IsScalar() && IsImportKey(kv.first.Scalar()));
    }
    if (import) {
      Import(item, scope, out);
      continue;
    }
    TaskDraft draft = ParseTask(item, out->size(), scope.handlers, modules_, &reader);
    TaskSpec& task = draft.spec;
    if (task.kind == TaskKind::kFlushHandlers && scope.handlers) {
      reader.Error(item, "'meta: flush_handlers' cannot be a handler: handlers run at a flush");
    }
    scope.inherited.ApplyTo(&task);
    task.role = scope.role;
    task.role_instance = scope.role_instance;
    task.role_name = scope.role_name;
    task.search_paths = scope.role_paths;
    const std::string here = DirOf(reader.file());
    if (std::find(task.search_paths.begin(), task.search_paths.end(), here) ==
        task.search_paths.end())
      task.search_paths.push_back(here);
    out->push_back(std::move(draft));
  }
}

void TaskListParser::Import(const YAML::Node& node, const TaskListScope& scope,
                            std::vector<TaskDraft>* out) {
  FieldReader& reader = *scope.reader;
  std::string target;
  std::optional<YAML::Node> target_node;
  Inherited own;
  const std::string label = "import_tasks";
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;  // reported with the task's other keys below
    const std::string key = kv.first.Scalar();
    if (IsImportKey(key)) {
      if (reader.ReadString(key, kv.second, &target)) target_node.emplace(kv.second);
    } else if (key == "name") {
      // Ansible shows no result for an import: its name is a comment.
    } else if (ReadInheritedKey(&reader, key, kv.second, label, &own)) {
    } else if (key == "loop" || key == "with_items" || StartsWith(key, "with_")) {
      reader.Error(kv.first, fmt::format("'{}' cannot loop over 'import_tasks' (the import "
                                         "happens before the run): use 'include_tasks'",
                                         key));
    } else if (scope.handlers) {
      reader.Error(kv.first, fmt::format("unknown key '{}' on an import of handlers", key));
    } else {
      reader.Error(kv.first, fmt::format("'{}' is not supported on 'import_tasks' (supported: "
                                         "name, when, tags, vars, become, become_user, "
                                         "ignore_errors, no_log, check_mode)",
                                         key));
    }
  }
  if (!target_node) return;
  if (IsTemplate(target)) {
    reader.Error(*target_node,
                 fmt::format("'import_tasks' names the file with a template ('{}'): an import "
                             "is read before any host is known (use 'include_tasks')",
                             target));
    return;
  }
  const std::string path = FindImport(target, scope);
  if (path.empty()) {
    reader.Error(
        *target_node,
        fmt::format("'import_tasks': no task file '{}' (looked in {})", target,
                    scope.role_path.empty()
                        ? "the importing file's directory and the playbook's"
                        : "the role's " + std::string(scope.handlers ? "handlers/" : "tasks/")));
    return;
  }
  if (std::find(scope.files.begin(), scope.files.end(), path) != scope.files.end() ||
      scope.files.size() > kMaxImportDepth) {
    reader.Error(*target_node, fmt::format("'import_tasks' of '{}' imports itself (through {})",
                                           path, fmt::join(scope.files, " -> ")));
    return;
  }
  TaskListScope inner = scope;
  inner.inherited = own.Within(scope.inherited);
  ParseFile(path, reader.At(*target_node), std::move(inner), out);
}

std::string TaskListParser::FindImport(const std::string& target,
                                       const TaskListScope& scope) const {
  if (fs::path(target).is_absolute()) return Exists(target) ? target : "";
  std::vector<std::string> candidates;
  // Beside the importing file first (nested imports), as Ansible's
  // cumulative include path does.
  if (!scope.files.empty()) candidates.push_back(Join(DirOf(scope.files.back()), target));
  if (!scope.role_path.empty()) {
    candidates.push_back(
        Join(Join(scope.role_path, scope.handlers ? "handlers" : "tasks"), target));
  } else {
    candidates.push_back(Join(playbook_dir_, target));
  }
  for (const std::string& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return c;
  }
  return "";
}

bool TaskListParser::ParseFile(const std::string& path, const SourceLocation& at,
                               TaskListScope scope, std::vector<TaskDraft>* out) {
  YamlDocument doc;
  Diagnostics found;
  LoadYamlFile(path, &doc, &found);
  FieldReader reader(path, DirOf(path));
  reader.Adopt(found);
  bool ok = found.empty();
  if (ok && doc.root.IsDefined() && !doc.root.IsNull() && !doc.root.IsSequence()) {
    reader.Error(doc.root,
                 fmt::format("a task file must be a list of {}, not {}",
                             scope.handlers ? "handlers" : "tasks", DescribeForError(doc.root)));
    ok = false;
  }
  FieldReader* parent = scope.reader;
  if (ok) {
    scope.reader = &reader;
    scope.files.push_back(path);
    Parse(scope.handlers ? "handlers" : "tasks", doc.root, scope, out);
  }
  Diagnostics errors;
  reader.Flush(&errors);
  parent->Adopt(errors, at);
  return ok && errors.empty();
}

}  // namespace hostprep
