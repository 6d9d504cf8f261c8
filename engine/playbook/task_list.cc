#include "engine/playbook/task_list.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <regex>
#include <set>

#include "engine/base/text.h"
#include "engine/module/arg_spec.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/role_loader.h"
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

std::string DirOf(const std::string& path) {
  const std::string dir = fs::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

bool IsImportKey(const std::string& key) {
  return key == "import_tasks" || key == "ansible.builtin.import_tasks";
}

// The keywords ReadInheritedKey reads, for the messages that list them.
constexpr const char* kInheritedKeys =
    "when, tags, vars, become, become_user, become_method, ignore_errors, ignore_unreachable, "
    "no_log, check_mode, run_once, delegate_to, environment";

bool IsIncludeKey(const std::string& key) {
  return key == "include_tasks" || key == "ansible.builtin.include_tasks";
}

bool IsImportRoleKey(const std::string& key) {
  return key == "import_role" || key == "ansible.builtin.import_role";
}

bool IsIncludeRoleKey(const std::string& key) {
  return key == "include_role" || key == "ansible.builtin.include_role";
}

// The files an include's templated name can stand for, found before any
// host is known: role_path and playbook_dir filled in, every other
// template a wildcard (setup-{{ ansible_os_family }}.yml: setup-*.yml). A
// file name that is nothing but templates, or a templated directory,
// matches too much to tell: such includes are read when they run.
std::vector<std::string> MatchingTaskFiles(const IncludeSpec& spec) {
  static const std::regex kRolePath(R"(\{\{\s*role_path\s*\}\})");
  static const std::regex kPlaybookDir(R"(\{\{\s*playbook_dir\s*\}\})");
  static const std::regex kTemplate(R"(\{\{.*?\}\}|\{%.*?%\})");
  std::string name = spec.file;
  if (!spec.scope.role_path.empty())
    name = std::regex_replace(name, kRolePath, spec.scope.role_path);
  std::error_code ec;
  name = std::regex_replace(name, kPlaybookDir, fs::absolute(spec.playbook_dir, ec).string());
  if (!IsTemplate(name)) {
    const std::string path = FindTaskFile(name, spec.scope, spec.playbook_dir);
    return path.empty() ? std::vector<std::string>{} : std::vector<std::string>{path};
  }
  const std::string pattern = std::regex_replace(name, kTemplate, "*");
  const fs::path as_path(pattern);
  const std::string base = as_path.filename().string();
  const std::string stem = fs::path(base).stem().string();
  if (as_path.parent_path().string().find('*') != std::string::npos ||
      stem.find_first_not_of('*') == std::string::npos) {
    return {};
  }
  std::vector<std::string> dirs;
  if (as_path.is_absolute()) {
    dirs.push_back(as_path.parent_path().string());
  } else {
    for (const std::string& d : TaskFileDirs(spec.scope, spec.playbook_dir))
      dirs.push_back(JoinNormalized(d, as_path.parent_path().string()));
  }
  std::vector<std::string> out;
  for (const std::string& dir : dirs) {
    std::vector<std::string> found;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (fnmatch(base.c_str(), file.c_str(), FNM_PERIOD) == 0 && it->is_regular_file(ec))
        found.push_back(JoinNormalized(dir, file));
    }
    std::sort(found.begin(), found.end());
    for (std::string& f : found) {
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace

Inherited Inherited::Within(const Inherited& outer) const {
  Inherited out = outer;
  out.when.insert(out.when.end(), when.begin(), when.end());
  for (const std::string& t : tags) {
    if (std::find(out.tags.begin(), out.tags.end(), t) == out.tags.end()) out.tags.push_back(t);
  }
  for (auto it = vars.begin(); it != vars.end(); ++it) out.vars[it.key()] = it.value();
  if (become || !become_template.empty()) {
    out.become = become;
    out.become_template = become_template;
    out.become_location = become_location;
  }
  if (!become_user.empty()) out.become_user = become_user;
  if (become_flags) out.become_flags = become_flags;
  if (become_method) out.become_method = become_method;
  if (ignore_errors) out.ignore_errors = ignore_errors;
  if (ignore_unreachable) out.ignore_unreachable = ignore_unreachable;
  if (no_log) out.no_log = no_log;
  if (check_mode) out.check_mode = check_mode;
  if (run_once) out.run_once = run_once;
  if (!delegate_to.empty()) {
    out.delegate_to = delegate_to;
    out.delegate_location = delegate_location;
  }
  if (delegate_facts) out.delegate_facts = delegate_facts;
  out.environment.insert(out.environment.end(), environment.begin(), environment.end());
  return out;
}

void InheritFromPlay(const Play& play, TaskSpec* task) {
  for (const std::string& tag : play.tags) {
    if (std::find(task->tags.begin(), task->tags.end(), tag) == task->tags.end())
      task->tags.push_back(tag);
  }
  task->environment.insert(task->environment.begin(), play.environment.begin(),
                           play.environment.end());
  if (!task->is_handler && !task->implicit)
    task->when.insert(task->when.begin(), play.when.begin(), play.when.end());
  if (!task->ignore_unreachable && play.ignore_unreachable) task->ignore_unreachable = true;
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
  if (!task->become && task->become_template.empty()) {
    task->become = become;
    task->become_template = become_template;
    task->become_location = become_location;
  }
  if (task->become_user.empty()) task->become_user = become_user;
  if (!task->become_flags) task->become_flags = become_flags;
  if (!task->become_method) task->become_method = become_method;
  // A task's own `ignore_errors: false` cannot be told from none here; as in
  // Ansible, a parent's true is what users write these for.
  if (ignore_errors && *ignore_errors) task->ignore_errors = true;
  if (!task->ignore_unreachable && ignore_unreachable)
    task->ignore_unreachable = ignore_unreachable;
  if (no_log && *no_log) task->no_log = true;
  if (!task->check_mode && check_mode) task->check_mode = check_mode;
  // Only the tasks run_once applies to: an include or meta in a block that
  // runs once runs on every host (README, "Coming from Ansible").
  if (run_once && *run_once && RunsOnce(task->kind)) task->run_once = true;
  if (task->delegate_to.empty() && !delegate_to.empty() && Delegates(task->kind)) {
    task->delegate_to = delegate_to;
    task->delegate_location = delegate_location;
  }
  if (!task->delegate_facts && delegate_facts) task->delegate_facts = delegate_facts;
  task->environment.insert(task->environment.begin(), environment.begin(), environment.end());
}

std::string JoinNormalized(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return fs::path(name).lexically_normal().string();
  return (fs::path(dir) / name).lexically_normal().string();
}

std::string FindMainFile(const std::string& dir, const std::string& main, bool or_dir) {
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    const std::string path = JoinNormalized(dir, main + ext);
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
    ReadBecome(reader, value, label, &out->become, &out->become_template, &out->become_location);
  } else if (key == "become_user") {
    reader->ReadString(key, value, &out->become_user);
  } else if (key == "ignore_errors") {
    if (reader->ReadBool(key, value, &flag)) out->ignore_errors = flag;
  } else if (key == "ignore_unreachable") {
    if (reader->ReadBool(key, value, &flag)) out->ignore_unreachable = flag;
  } else if (key == "no_log") {
    if (reader->ReadBool(key, value, &flag)) out->no_log = flag;
  } else if (key == "check_mode") {
    if (reader->ReadBool(key, value, &flag)) out->check_mode = flag;
  } else if (key == "run_once") {
    if (reader->ReadBool(key, value, &flag)) out->run_once = flag;
  } else if (key == "environment") {
    Value env;
    if (ReadEnvironment(reader, value, &env)) out->environment.push_back(std::move(env));
  } else if (key == "become_method") {
    ReadBecomeMethod(reader, value, &out->become_method);
  } else if (key == "become_flags") {
    std::vector<std::string> flags;
    if (ReadBecomeFlags(reader, value, &flags)) out->become_flags = flags;
  } else if (key == "delegate_to") {
    if (reader->ReadString(key, value, &out->delegate_to))
      out->delegate_location = reader->At(value);
  } else if (key == "delegate_facts") {
    ReadDelegateFacts(reader, value, &out->delegate_facts);
  } else {
    return false;
  }
  return true;
}

bool ReadBecomeFlags(FieldReader* reader, const YAML::Node& value, std::vector<std::string>* out) {
  std::string text;
  if (!reader->ReadString("become_flags", value, &text)) return false;
  out->clear();
  const std::vector<std::string> words = Split(text, ' ');
  for (size_t i = 0; i < words.size(); ++i) {
    std::string flag = Trim(words[i]);
    if (flag.empty() || flag == "-n" || flag == "--non-interactive" || flag == "-S" ||
        flag == "--stdin" || StartsWith(flag, "--shell=")) {
      continue;
    }
    if (flag == "-s" || flag == "--shell") {  // su's shell: the next word
      while (i + 1 < words.size() && Trim(words[i + 1]).empty()) ++i;
      ++i;
      continue;
    }
    if (flag == "-p" || flag == "--preserve-environment") flag = "-m";
    if (flag == "-H" || flag == "--set-home" || flag == "-E" || flag == "--preserve-env" ||
        flag == "-m") {
      if (std::find(out->begin(), out->end(), flag) == out->end()) out->push_back(flag);
      continue;
    }
    reader->Error(value, fmt::format("'become_flags' may hold sudo's -H (--set-home) and -E "
                                     "(--preserve-env), or su's -m (--preserve-environment), "
                                     "not '{}': hostprep runs 'sudo -n' ('sudo -S' with "
                                     "--ask-become-pass) or 'su -s /bin/sh', and no shell",
                                     flag));
    return false;
  }
  return true;
}

bool ReadDelegateFacts(FieldReader* reader, const YAML::Node& value, std::optional<bool>* out) {
  bool flag = false;
  if (!reader->ReadBool("delegate_facts", value, &flag)) return false;
  *out = flag;
  return true;
}

bool ReadBecome(FieldReader* reader, const YAML::Node& value, const std::string& label,
                std::optional<bool>* out, std::string* templ, SourceLocation* at) {
  if (value.IsScalar() && IsTemplate(value.Scalar())) {
    reader->CheckTemplates(value, label);
    *templ = value.Scalar();
    *at = reader->At(value);
    return true;
  }
  bool flag = false;
  if (!reader->ReadBool("become", value, &flag)) return false;
  *out = flag;
  return true;
}

bool ReadBecomeMethod(FieldReader* reader, const YAML::Node& value,
                      std::optional<BecomeMethod>* out) {
  std::string method;
  if (!reader->ReadString("become_method", value, &method)) return false;
  if (std::optional<BecomeMethod> named = BecomeMethodNamed(method)) {
    *out = named;
    return true;
  }
  reader->Error(value, fmt::format("'become_method: {}' is not supported: hostprep becomes "
                                   "another user with sudo or su; write one of them or leave "
                                   "it out (sudo)",
                                   method));
  return false;
}

bool ReadEnvironment(FieldReader* reader, const YAML::Node& value, Value* out) {
  if (value.IsScalar() && IsTemplate(value.Scalar())) {
    *out = value.Scalar();
    reader->CheckTemplates(value, "environment");
    return true;
  }
  if (!value.IsMap()) {
    reader->Error(value, fmt::format("'environment' must be a mapping of variable names to "
                                     "values (or a template giving one), not {}",
                                     DescribeForError(value)));
    return false;
  }
  bool ok = true;
  for (const auto& kv : value) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (!IsIdentifier(name)) {
      reader->Error(kv.first, fmt::format("'environment' variable name '{}' is not valid (use "
                                          "letters, digits and '_', not starting with a digit)",
                                          name));
      ok = false;
    } else if (!kv.second.IsScalar() && !kv.second.IsNull()) {
      reader->Error(kv.second, fmt::format("'environment' variable '{}' must be a string, not {}",
                                           name, DescribeForError(kv.second)));
      ok = false;
    }
  }
  reader->CheckTemplates(value, "environment");
  if (ok) *out = ToValue(value);
  return ok;
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
    bool import = false, import_role = false, block = false;
    if (item.IsMap()) {
      for (const auto& kv : item) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        import = import || IsImportKey(key);
        import_role = import_role || IsImportRoleKey(key);
        block = block || key == "block";
      }
    }
    if (import) {
      Import(item, scope, out);
      continue;
    }
    if (import_role) {
      ImportRole(item, scope, out);
      continue;
    }
    if (block) {
      Block(item, scope, out);
      continue;
    }
    TaskDraft draft = ParseTask(item, out->size(), scope.handlers, modules_, &reader);
    TaskSpec& task = draft.spec;
    if (task.kind == TaskKind::kFlushHandlers && scope.handlers) {
      reader.Error(item, "'meta: flush_handlers' cannot be a handler: handlers run at a flush");
    }
    if (task.kind == TaskKind::kInclude && IsIncludeRoleKey(task.module)) {
      AddIncludeRole(item, scope, &draft);
    } else if (task.kind == TaskKind::kInclude) {
      AddInclude(item, scope, &draft);
    }
    scope.inherited.ApplyTo(&task);
    task.role = scope.role;
    task.role_instance = scope.role_instance;
    task.included_role = scope.included_role;
    task.role_name = scope.role_name;
    task.block = scope.block;
    task.block_section = scope.section;
    task.search_paths = scope.role_paths;
    const std::string here = DirOf(reader.file());
    if (std::find(task.search_paths.begin(), task.search_paths.end(), here) ==
        task.search_paths.end())
      task.search_paths.push_back(here);
    out->push_back(std::move(draft));
  }
}

void TaskListParser::Block(const YAML::Node& node, const TaskListScope& scope,
                           std::vector<TaskDraft>* out) {
  FieldReader& reader = *scope.reader;
  Inherited own;
  std::optional<YAML::Node> block, rescue, always;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      reader.Error(kv.first, fmt::format("a key in a block must be a string, not {}",
                                         DescribeForError(kv.first)));
      continue;
    }
    const std::string key = kv.first.Scalar();
    if (key == "block") {
      block.emplace(kv.second);
    } else if (key == "rescue") {
      rescue.emplace(kv.second);
    } else if (key == "always") {
      always.emplace(kv.second);
    } else if (key == "name") {
      // Ansible shows no result for a block: its name is a comment.
      std::string name;
      reader.ReadString(key, kv.second, &name);
    } else if (!ReadInheritedKey(&reader, key, kv.second, "block", &own)) {
      reader.Error(
          kv.first,
          fmt::format("'{}' is not supported on a block (supported: name, block, "
                      "rescue, always, {}){}",
                      key, kInheritedKeys, DidYouMeanSuffix(key, {"block", "rescue", "always"})));
    }
  }
  if (scope.handlers) {
    reader.Error(node, "a block in handlers is not supported yet: list the handlers one by one");
    return;
  }
  auto spec = std::make_shared<BlockSpec>();
  spec->location = reader.At(node);
  spec->has_rescue = rescue && rescue->IsSequence() && rescue->size() > 0;
  spec->has_always = always && always->IsSequence() && always->size() > 0;
  spec->parent = scope.block;
  spec->parent_section = scope.section;
  TaskListScope inner = scope;
  inner.inherited = own.Within(scope.inherited);
  inner.block = spec;
  inner.section = BlockSection::kBlock;
  Parse("block", *block, inner, out);
  AddMarker(TaskKind::kRescueStart, inner, spec->location, out);
  inner.section = BlockSection::kRescue;
  if (rescue) Parse("rescue", *rescue, inner, out);
  AddMarker(TaskKind::kAlwaysStart, inner, spec->location, out);
  inner.section = BlockSection::kAlways;
  if (always) Parse("always", *always, inner, out);
  AddMarker(TaskKind::kBlockEnd, inner, spec->location, out);
}

void TaskListParser::AddMarker(TaskKind kind, const TaskListScope& scope, const SourceLocation& at,
                               std::vector<TaskDraft>* out) const {
  TaskDraft marker;
  TaskSpec& t = marker.spec;
  t.kind = kind;
  t.implicit = true;
  t.module = "meta";
  const char* what = kind == TaskKind::kRescueStart   ? "rescue"
                     : kind == TaskKind::kAlwaysStart ? "always"
                                                      : "end";
  t.args["action"] = std::string("block_") + what;
  t.name = std::string("block ") + what;
  t.location = at;
  t.module_location = at;
  t.role = scope.role;
  t.role_instance = scope.role_instance;
  t.role_name = scope.role_name;
  t.block = scope.block;
  marker.label = fmt::format("the block at line {}", at.line);
  out->push_back(std::move(marker));
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
                                         "name, {})",
                                         key, kInheritedKeys));
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
  const std::string path = FindTaskFile(target, scope, playbook_dir_);
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

void TaskListParser::AddInclude(const YAML::Node& node, const TaskListScope& scope,
                                TaskDraft* draft) {
  FieldReader& reader = *scope.reader;
  TaskSpec& task = draft->spec;
  if (scope.handlers) {
    reader.Error(task.module_location, fmt::format("{}: 'include_tasks' in handlers is not "
                                                   "supported yet: use 'import_tasks'",
                                                   draft->label));
    return;
  }
  auto spec = std::make_shared<IncludeSpec>();
  spec->vars = task.vars;  // its own: its containers' reach its tasks as theirs
  spec->playbook_dir = playbook_dir_;
  Inherited apply;
  std::optional<YAML::Node> file_node;
  // The arguments: the file name alone, or `file` and `apply`, under the
  // key or under `args`.
  auto read_args = [&](const YAML::Node& args) {
    for (const auto& kv : args) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (key == "file" || key == "_raw_params") {
        if (reader.ReadString(key, kv.second, &spec->file)) file_node.emplace(kv.second);
      } else if (key == "apply") {
        if (!kv.second.IsMap()) {
          reader.Error(kv.second, fmt::format("'apply' must be a mapping of keywords for the "
                                              "included tasks, not {}",
                                              DescribeForError(kv.second)));
          continue;
        }
        for (const auto& a : kv.second) {
          const std::string k = a.first.IsScalar() ? a.first.Scalar() : "";
          if (!ReadInheritedKey(&reader, k, a.second, "apply", &apply)) {
            reader.Error(a.first, fmt::format("'{}' is not supported under 'apply' (supported: {})",
                                              k, kInheritedKeys));
          }
        }
      } else {
        reader.Error(kv.first, fmt::format("unknown argument '{}' of 'include_tasks' (one of: "
                                           "file, apply)",
                                           key));
      }
    }
  };
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (IsIncludeKey(key) && kv.second.IsScalar()) {
      spec->file = kv.second.Scalar();
      file_node.emplace(kv.second);
    } else if (IsIncludeKey(key) && kv.second.IsMap()) {
      read_args(kv.second);
    } else if (IsIncludeKey(key) && !kv.second.IsNull()) {
      reader.Error(kv.second, fmt::format("'{}' takes a file name, or 'file' and 'apply', not {}",
                                          key, DescribeForError(kv.second)));
      return;
    } else if (key == "args" && kv.second.IsMap()) {
      read_args(kv.second);
    }
  }
  if (!file_node || Trim(spec->file).empty()) {
    reader.Error(task.module_location,
                 fmt::format("{}: 'include_tasks' names no file (write 'include_tasks: "
                             "tasks.yml')",
                             draft->label));
    return;
  }
  reader.CheckTemplates(*file_node, draft->label);
  spec->file_location = reader.At(*file_node);
  spec->scope = scope;
  spec->scope.reader = nullptr;
  spec->scope.inherited = apply.Within(scope.inherited);
  spec->scope.dynamic = true;
  task.args = Value::object({{"file", spec->file}});
  task.arg_locations["file"] = spec->file_location;
  task.include = spec;
  CheckIncludeFiles(*spec, scope);
}

bool TaskListParser::ReadRoleArgs(const YAML::Node& node, const TaskListScope& scope,
                                  RoleRequest* out, Inherited* apply) {
  FieldReader& reader = *scope.reader;
  const std::string action = out->include ? "include_role" : "import_role";
  std::optional<YAML::Node> name_node;
  auto read = [&](const YAML::Node& args, FieldReader& in) {
    for (const auto& kv : args) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      std::string text;
      if (key == "name" || key == "role") {
        if (in.ReadString(key, kv.second, &out->name)) name_node.emplace(kv.second);
      } else if (key == "tasks_from" || key == "vars_from" || key == "defaults_from" ||
                 key == "handlers_from") {
        // Ansible reads the base name of the file in the role's directory.
        if (in.ReadString(key, kv.second, &text)) {
          if (IsTemplate(text)) {
            in.Error(kv.second, fmt::format("'{}' is a template ('{}'): the role is read "
                                            "before any host is known, so write the name",
                                            key, text));
          }
          out->from[key.substr(0, key.size() - 5)] = fs::path(text).filename().string();
        }
      } else if (key == "allow_duplicates") {
        in.ReadBool(key, kv.second, &out->allow_duplicates);
      } else if (key == "rolespec_validate") {
        in.ReadBool(key, kv.second, &out->validate);
      } else if (key == "apply" && apply != nullptr && kv.second.IsMap()) {
        for (const auto& a : kv.second) {
          const std::string k = a.first.IsScalar() ? a.first.Scalar() : "";
          if (!ReadInheritedKey(&in, k, a.second, "apply", apply)) {
            in.Error(a.first, fmt::format("'{}' is not supported under 'apply' (supported: {})", k,
                                          kInheritedKeys));
          }
        }
      } else if (key == "apply" && apply != nullptr) {
        in.Error(kv.second, fmt::format("'apply' must be a mapping of keywords for the "
                                        "role's tasks, not {}",
                                        DescribeForError(kv.second)));
      } else if (key == "public" && apply != nullptr) {
        in.ReadBool(key, kv.second, &out->public_role);
      } else {
        in.Error(kv.first, fmt::format("unknown argument '{}' of '{}' (one of: name, "
                                       "tasks_from, vars_from, defaults_from, handlers_from, "
                                       "allow_duplicates, rolespec_validate{}){}",
                                       key, action, apply != nullptr ? ", apply, public" : "",
                                       apply == nullptr && (key == "apply" || key == "public")
                                           ? ": only 'include_role' takes it"
                                           : ""));
      }
    }
  };
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const bool action_key = IsImportRoleKey(key) || IsIncludeRoleKey(key);
    if (action_key && !out->at.file.empty()) continue;  // a second one: reported with the task
    if (action_key) out->at = reader.At(kv.first);
    if (action_key && kv.second.IsMap()) {
      read(kv.second, reader);
    } else if (action_key && kv.second.IsScalar() &&
               kv.second.Scalar().find('=') != std::string::npos) {
      // name=web tasks_from=setup.yml
      Result<Value> words = ParseKeyValues(kv.second.Scalar());
      if (!words.ok()) {
        reader.Error(kv.second, fmt::format("'{}': {}", key, words.message()));
        continue;
      }
      YAML::Node args(YAML::NodeType::Map);
      for (auto it = words->begin(); it != words->end(); ++it)
        args[it.key()] = it.value().get<std::string>();
      // Nodes made from the words have no place in the file: their errors
      // are reported at the words.
      FieldReader words_reader(reader.file(), reader.dir());
      read(args, words_reader);
      Diagnostics errors;
      words_reader.Flush(&errors);
      for (const Diagnostic& d : errors.items()) reader.Error(kv.second, d.message);
      if (name_node) name_node.emplace(kv.second);
    } else if (action_key && !kv.second.IsNull()) {
      reader.Error(kv.second, fmt::format("'{}' takes the role's 'name' and its options (write "
                                          "'{}: {{name: ROLE}}' or '{}: name=ROLE'), not {}",
                                          key, key, key, DescribeForError(kv.second)));
      return false;
    } else if (key == "args" && kv.second.IsMap()) {
      read(kv.second, reader);
    }
  }
  out->name = Trim(out->name);
  if (out->name.empty()) {
    reader.Error(node,
                 fmt::format("'{}' names no role: write '{}: {{name: ROLE}}'", action, action));
    return false;
  }
  if (IsTemplate(out->name)) {
    reader.Error(*name_node, fmt::format("role name '{}' is a template: roles are read before any "
                                         "host is known, so write the name",
                                         out->name));
    return false;
  }
  if (name_node) out->at = reader.At(*name_node);
  return true;
}

bool TaskListParser::CanLoadRoles(const YAML::Node& at, const std::string& action,
                                  const TaskListScope& scope) {
  FieldReader& reader = *scope.reader;
  if (scope.handlers) {
    reader.Error(at, fmt::format("'{}' cannot be a handler (as in Ansible): notify the role's "
                                 "own handlers",
                                 action));
    return false;
  }
  if (roles_ == nullptr || scope.dynamic) {
    reader.Error(at, fmt::format("'{}' in a file that 'include_tasks' reads is not supported "
                                 "yet: read that file with 'import_tasks', or name the role "
                                 "where the include stands",
                                 action));
    return false;
  }
  return true;
}

void TaskListParser::ImportRole(const YAML::Node& node, const TaskListScope& scope,
                                std::vector<TaskDraft>* out) {
  FieldReader& reader = *scope.reader;
  Inherited own;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;  // reported with the task's other keys below
    const std::string key = kv.first.Scalar();
    if (IsImportRoleKey(key) || key == "args") {
      // read by ReadRoleArgs
    } else if (key == "name") {
      // Ansible shows no result for an import: its name is a comment.
    } else if (ReadInheritedKey(&reader, key, kv.second, "import_role", &own)) {
    } else if (key == "loop" || StartsWith(key, "with_")) {
      reader.Error(kv.first, fmt::format("'{}' cannot loop over 'import_role' (the import "
                                         "happens before the run): use 'include_role'",
                                         key));
    } else {
      reader.Error(kv.first, fmt::format("'{}' is not supported on 'import_role' (supported: "
                                         "name, args, {})",
                                         key, kInheritedKeys));
    }
  }
  RoleRequest request;
  if (!ReadRoleArgs(node, scope, &request, nullptr)) return;
  if (!CanLoadRoles(node, "import_role", scope)) return;
  // Its vars are the role entry's, and its tasks' as any container's.
  request.vars = own.vars;
  roles_->AddTask(request, scope, own.Within(scope.inherited), &reader, out);
}

void TaskListParser::AddIncludeRole(const YAML::Node& node, const TaskListScope& scope,
                                    TaskDraft* draft) {
  FieldReader& reader = *scope.reader;
  TaskSpec& task = draft->spec;
  RoleRequest request;
  request.include = true;
  Inherited apply;
  if (!ReadRoleArgs(node, scope, &request, &apply)) return;
  if (!CanLoadRoles(node, "include_role", scope)) return;
  auto spec = std::make_shared<IncludeSpec>();
  spec->file = request.name;
  spec->file_location = request.at;
  spec->role = request.name;
  spec->vars = task.vars;  // include parameters, and the role entry's vars
  spec->playbook_dir = playbook_dir_;
  spec->scope = scope;
  spec->scope.reader = nullptr;
  spec->scope.inherited = apply.Within(scope.inherited);
  request.vars = task.vars;
  spec->public_role = request.public_role;
  spec->role_scope =
      roles_->AddTask(request, scope, spec->scope.inherited, &reader, &spec->role_tasks);
  task.args = Value::object({{"name", request.name}});
  task.arg_locations["name"] = request.at;
  // Their notifications are checked with the play's handlers.
  CheckedInclude checked;
  checked.path = fmt::format("role {} at {}", request.name, request.at.Prefix());
  checked.at = request.at;
  checked.tasks = spec->role_tasks;
  checked_.push_back(std::move(checked));
  task.include = std::move(spec);
}

// Reads now the files the include can name, so that their mistakes show
// before any host is contacted: the file itself when its name has no
// template (a missing one is an error), else the files its name matches.
void TaskListParser::CheckIncludeFiles(const IncludeSpec& spec, const TaskListScope& scope) {
  FieldReader& reader = *scope.reader;
  const std::vector<std::string> paths = MatchingTaskFiles(spec);
  if (paths.empty() && !IsTemplate(spec.file)) {
    reader.Error(spec.file_location,
                 fmt::format("'include_tasks': no task file '{}' (looked in {})", spec.file,
                             fmt::join(TaskFileDirs(spec.scope, playbook_dir_), ", ")));
    return;
  }
  for (const std::string& path : paths) {
    // A file that includes itself again (under a condition) is read once.
    if (std::find(scope.files.begin(), scope.files.end(), path) != scope.files.end() ||
        scope.files.size() > kMaxImportDepth) {
      continue;
    }
    const bool seen = std::any_of(checked_.begin(), checked_.end(), [&](const CheckedInclude& c) {
      return c.path == path && c.at.file == spec.file_location.file &&
             c.at.line == spec.file_location.line && c.at.column == spec.file_location.column;
    });
    if (seen) continue;
    TaskListScope inner = spec.scope;
    inner.reader = &reader;
    CheckedInclude checked;
    checked.path = path;
    checked.at = spec.file_location;
    ParseFile(path, spec.file_location, inner, &checked.tasks);
    checked_.push_back(std::move(checked));
  }
}

std::vector<std::string> TaskFileDirs(const TaskListScope& scope, const std::string& playbook_dir) {
  std::vector<std::string> dirs;
  // Beside the file being read first (nested imports and includes), as
  // Ansible's cumulative include path does.
  if (!scope.files.empty()) dirs.push_back(DirOf(scope.files.back()));
  if (!scope.role_path.empty()) {
    dirs.push_back(JoinNormalized(scope.role_path, scope.handlers ? "handlers" : "tasks"));
  } else {
    dirs.push_back(playbook_dir);
  }
  return dirs;
}

std::string FindTaskFile(const std::string& target, const TaskListScope& scope,
                         const std::string& playbook_dir) {
  if (fs::path(target).is_absolute()) return Exists(target) ? target : "";
  for (const std::string& dir : TaskFileDirs(scope, playbook_dir)) {
    const std::string c = JoinNormalized(dir, target);
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
