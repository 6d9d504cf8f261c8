#include "engine/playbook/role_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "engine/base/text.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/role_arg_specs.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace fs = std::filesystem;

// A role loaded from its directory, with the entry that named it.
struct RoleLoader::Role {
  std::string name;
  std::string path;      // as found (relative to the current directory, or absolute)
  std::string abs_path;  // role_path
  std::string identity;  // path, parameters, vars, when and tags: a role is loaded once per
  Inherited inherited;   // the entry's when, tags, become...
  Value entry_vars = Value::object();
  Value params = Value::object();
  Value defaults = Value::object();  // defaults/main
  Value vars = Value::object();      // vars/main
  std::string tasks_file;            // "" when the role has none
  std::string entry_point = "main";  // the tasks file's name: tasks_from, or main
  Value arg_specs = Value::object();  // by entry point (ReadRoleArgSpecs); empty: none
  std::string handlers_file;
  std::vector<Role*> dependencies;
  int instance = 0;  // its index among the roles loaded
  bool allow_duplicates = false;
  bool check_specs = true;      // rolespec_validate: the argument specs are checked
  bool included = false;        // loaded by include_role
  bool handlers_added = false;  // its handlers are the play's once
};

// One entry as written: in `roles:` or in a role's meta dependencies.
struct RoleLoader::Entry {
  std::string name;
  SourceLocation at;
  Inherited inherited;
  Value vars = Value::object();
  Value params = Value::object();
  std::map<std::string, std::string> from;  // RoleRequest::from
  bool from_include = false;                // named by import_role or include_role
  bool included = false;                    // by include_role
  bool check_specs = true;
};

namespace {

bool IsDir(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Ansible's default roles path, or ANSIBLE_ROLES_PATH.
std::vector<std::string> RolesPath() {
  std::vector<std::string> out;
  const char* env = std::getenv("ANSIBLE_ROLES_PATH");
  std::string text =
      env != nullptr ? env : "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles";
  const char* home = std::getenv("HOME");
  for (std::string& dir : Split(text, ':')) {
    if (dir.empty()) continue;
    if (StartsWith(dir, "~/") && home != nullptr) dir = std::string(home) + dir.substr(1);
    out.push_back(dir);
  }
  return out;
}

void Merge(Value* into, const Value& from) {
  if (!from.is_object()) return;
  for (auto it = from.begin(); it != from.end(); ++it) (*into)[it.key()] = it.value();
}

// Keys of a role entry that are Ansible keywords hostprep does not support:
// an error, not a role parameter.
bool IsRefusedRoleKeyword(const std::string& key) {
  static const std::set<std::string> kKeywords = {
      "connection", "remote_user", "port",     "collections",      "module_defaults",
      "throttle",   "timeout",     "debugger", "any_errors_fatal", "diff"};
  return kKeywords.count(key) > 0;
}

}  // namespace

RoleLoader::RoleLoader(TaskListParser* parser, std::string playbook_dir, Play* play)
    : parser_(*parser), playbook_dir_(std::move(playbook_dir)), play_(*play) {}

RoleLoader::~RoleLoader() = default;

void RoleLoader::AddEntry(const YAML::Node& entry, FieldReader* reader,
                          std::vector<TaskDraft>* tasks, std::vector<TaskDraft>* handlers) {
  Role* role = Load(entry, reader, "");
  if (role == nullptr) return;
  entries_.push_back(role);
  Compile(role, {}, Inherited{}, reader, reader->At(entry), tasks, handlers);
}

int RoleLoader::AddTask(const RoleRequest& request, const TaskListScope& scope,
                        const Inherited& inherited, FieldReader* reader,
                        std::vector<TaskDraft>* tasks) {
  Entry entry;
  entry.name = request.name;
  entry.at = request.at;
  entry.vars = request.vars;
  entry.from = request.from;
  entry.from_include = true;
  entry.included = request.include;
  entry.check_specs = request.validate;
  std::vector<const Role*> chain;
  if (scope.role >= 0 && static_cast<size_t>(scope.role) < chains_.size())
    chain = chains_[static_cast<size_t>(scope.role)];
  Role* role = Load(entry, reader, "");
  if (role == nullptr) return -1;
  if (std::find(compiling_.begin(), compiling_.end(), role) != compiling_.end()) {
    std::vector<std::string> names;
    for (const Role* r : compiling_) names.push_back(r->name);
    reader->Error(request.at, fmt::format("role '{}' {} itself ({} -> {}): a role cannot be read "
                                          "inside itself",
                                          role->name, request.include ? "includes" : "imports",
                                          fmt::join(names, " -> "), role->name));
    return -1;
  }
  // include_role and import_role say whether the role runs again (default
  // yes), whatever its meta says.
  role->allow_duplicates = request.allow_duplicates;
  if (!request.include) imports_.push_back(role);
  return Compile(role, chain, inherited, reader, request.at, tasks, &late_handlers_);
}

bool RoleLoader::ReadEntry(const YAML::Node& node, FieldReader* reader, Entry* out) {
  out->at = reader->At(node);
  if (node.IsScalar()) {
    out->name = Trim(node.Scalar());
  } else if (node.IsMap()) {
    std::string by_name;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        reader->Error(kv.first, fmt::format("a key in a role entry must be a string, not {}",
                                            DescribeForError(kv.first)));
        continue;
      }
      const std::string key = kv.first.Scalar();
      if (key == "role") {
        reader->ReadString(key, kv.second, &out->name);
      } else if (key == "name") {
        reader->ReadString(key, kv.second, &by_name);
      } else if (key == "vars") {
        reader->ReadMapping(key, kv.second, &out->vars);
      } else if (ReadInheritedKey(reader, key, kv.second, "role entry", &out->inherited)) {
      } else if (IsRefusedRoleKeyword(key)) {
        std::string message = UnsupportedTaskKeyword(key);
        reader->Error(kv.first, message.empty()
                                    ? fmt::format("'{}' is not supported on a role", key)
                                    : message);
      } else {
        out->params[key] = ToValue(kv.second);
      }
    }
    if (out->name.empty()) out->name = Trim(by_name);
  } else {
    reader->Error(node, fmt::format("a role entry must be a role's name or a mapping with "
                                    "'role:', not {}",
                                    DescribeForError(node)));
    return false;
  }
  if (out->name.empty()) {
    reader->Error(node, "a role entry names no role: write '- role: NAME' or '- NAME'");
    return false;
  }
  if (IsTemplate(out->name)) {
    reader->Error(node, fmt::format("role name '{}' is a template: roles are found before any "
                                    "host is known, so write the name",
                                    out->name));
    return false;
  }
  return true;
}

std::string RoleLoader::FindRole(const std::string& name, const std::string& basedir,
                                 std::vector<std::string>* searched) const {
  std::vector<std::string> dirs = {JoinNormalized(playbook_dir_, "roles")};
  for (const std::string& d : RolesPath()) dirs.push_back(d);
  if (!basedir.empty()) dirs.push_back(basedir);
  dirs.push_back(playbook_dir_);
  for (const std::string& dir : dirs) {
    searched->push_back(dir);
    const std::string path = fs::path(name).is_absolute() ? name : JoinNormalized(dir, name);
    if (IsDir(path)) return path;
  }
  return IsDir(name) ? name : "";
}

RoleLoader::Role* RoleLoader::Load(const YAML::Node& node, FieldReader* reader,
                                   const std::string& basedir) {
  Entry entry;
  if (!ReadEntry(node, reader, &entry)) return nullptr;
  return Load(entry, reader, basedir);
}

RoleLoader::Role* RoleLoader::Load(const Entry& entry, FieldReader* reader,
                                   const std::string& basedir) {
  std::vector<std::string> searched;
  const std::string path = FindRole(entry.name, basedir, &searched);
  if (path.empty()) {
    reader->Error(entry.at, fmt::format("role '{}' not found (looked in {}; set roles_path in "
                                        "ansible.cfg or ANSIBLE_ROLES_PATH for roles kept "
                                        "elsewhere)",
                                        entry.name, fmt::join(searched, ", ")));
    return nullptr;
  }
  std::error_code ec;
  const std::string abs_path = fs::absolute(path, ec).lexically_normal().string();
  std::string identity = abs_path + "\n" + entry.params.dump() + "\n" + entry.vars.dump();
  for (const Expression& w : entry.inherited.when) identity += "\nwhen " + w.text;
  for (const std::string& t : entry.inherited.tags) identity += "\ntag " + t;
  for (const auto& [dir, file] : entry.from) identity += "\nfrom " + dir + " " + file;
  if (entry.from_include) identity += entry.included ? "\nincluded" : "\nimported";
  for (const std::unique_ptr<Role>& r : roles_) {
    if (r->identity == identity) return r.get();
  }
  if (std::find(loading_.begin(), loading_.end(), abs_path) != loading_.end()) {
    reader->Error(entry.at, fmt::format("role '{}' depends on itself ({} -> {})", entry.name,
                                        fmt::join(loading_, " -> "), abs_path));
    return nullptr;
  }
  auto role = std::make_unique<Role>();
  role->name = fs::path(path).filename().string();
  role->path = path;
  role->abs_path = abs_path;
  role->identity = identity;
  role->inherited = entry.inherited;
  role->entry_vars = entry.vars;
  role->params = entry.params;
  role->check_specs = entry.check_specs;
  role->included = entry.included;
  loading_.push_back(abs_path);
  ReadFiles(role.get(), entry, reader);
  loading_.pop_back();
  role->instance = static_cast<int>(roles_.size());
  roles_.push_back(std::move(role));
  return roles_.back().get();
}

Value RoleLoader::ReadVarsDir(const std::string& path, FieldReader* reader,
                              const SourceLocation& at) {
  std::vector<std::string> files;
  if (IsDir(path)) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string ext = it->path().extension().string();
      if (it->is_regular_file(ec) &&
          (ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json")) {
        files.push_back(it->path().string());
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  Value out = Value::object();
  for (const std::string& file : files) {
    YamlDocument doc;
    Diagnostics found;
    LoadYamlFile(file, &doc, &found);
    if (found.empty() && doc.root.IsDefined() && !doc.root.IsNull() && !doc.root.IsMap()) {
      found.Add(LocationOf(file, doc.root),
                fmt::format("a vars file must be a mapping of variable names to values, not {}",
                            DescribeForError(doc.root)));
    }
    reader->Adopt(found, at);
    if (found.empty() && doc.root.IsMap()) Merge(&out, ToValue(doc.root));
  }
  return out;
}

// The file of the role's `dir` (tasks, vars...) that `entry` reads: main,
// or the one its tasks_from (vars_from...) names, which must exist.
std::string RoleLoader::FindRoleFile(const Role& role, const Entry& entry, const std::string& dir,
                                     FieldReader* reader) const {
  const bool vars = dir == "defaults" || dir == "vars";
  auto named = entry.from.find(dir);
  if (named == entry.from.end()) return FindMainFile(JoinNormalized(role.path, dir), "main", vars);
  const std::string found = FindMainFile(JoinNormalized(role.path, dir), named->second, vars);
  if (found.empty()) {
    reader->Error(entry.at,
                  fmt::format("role '{}': '{}_from' names '{}', which is not in {} "
                              "(tried the name alone and with .yml, .yaml, .json)",
                              role.name, dir, named->second, JoinNormalized(role.path, dir)));
  }
  return found;
}

void RoleLoader::ReadFiles(Role* role, const Entry& entry, FieldReader* reader) {
  const SourceLocation& at = entry.at;
  const std::string defaults = FindRoleFile(*role, entry, "defaults", reader);
  if (!defaults.empty()) role->defaults = ReadVarsDir(defaults, reader, at);
  const std::string vars = FindRoleFile(*role, entry, "vars", reader);
  if (!vars.empty()) role->vars = ReadVarsDir(vars, reader, at);
  role->tasks_file = FindRoleFile(*role, entry, "tasks", reader);
  role->handlers_file = FindRoleFile(*role, entry, "handlers", reader);
  if (auto from = entry.from.find("tasks"); from != entry.from.end()) {
    role->entry_point = from->second;
  }
  // meta/argument_specs.yml wins over meta/main.yml's argument_specs, and
  // the two are not merged, as in Ansible.
  const std::string specs =
      FindMainFile(JoinNormalized(role->path, "meta"), "argument_specs", false);
  if (!specs.empty() && role->check_specs)
    role->arg_specs = ReadRoleArgSpecsFile(specs, reader, at);
  const std::string meta = FindMainFile(JoinNormalized(role->path, "meta"), "main", false);
  if (!meta.empty()) ReadDependencies(role, meta, reader, at, specs.empty());
  if (!role->check_specs || !role->arg_specs.contains(role->entry_point)) return;
  const std::string problems = CheckRoleParams(role->arg_specs[role->entry_point], entry.params);
  if (!problems.empty()) {
    reader->Error(at, fmt::format("role '{}': its parameters do not pass its argument spec '{}' "
                                  "(every host would fail the role's first task): {}",
                                  role->name, role->entry_point, problems));
  }
}

void RoleLoader::ReadDependencies(Role* role, const std::string& meta_file, FieldReader* reader,
                                  const SourceLocation& at, bool read_specs) {
  YamlDocument doc;
  Diagnostics found;
  LoadYamlFile(meta_file, &doc, &found);
  FieldReader meta(meta_file, fs::path(meta_file).parent_path().string());
  meta.Adopt(found);
  if (found.empty() && doc.root.IsDefined() && !doc.root.IsNull()) {
    if (!doc.root.IsMap()) {
      meta.Error(doc.root, fmt::format("a role's meta/main.yml must be a mapping, not {}",
                                       DescribeForError(doc.root)));
    } else {
      for (const auto& kv : doc.root) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (key == "allow_duplicates") {
          meta.ReadBool(key, kv.second, &role->allow_duplicates);
        } else if (key == "argument_specs" && role->check_specs && read_specs) {
          role->arg_specs = ReadRoleArgSpecs(kv.second, &meta);
        } else if (key == "dependencies" && kv.second.IsSequence()) {
          const std::string basedir = fs::path(role->path).parent_path().string();
          for (const YAML::Node& dep : kv.second) {
            if (Role* loaded = Load(dep, &meta, basedir)) role->dependencies.push_back(loaded);
          }
        } else if (key == "dependencies" && !kv.second.IsNull()) {
          meta.Error(kv.second, fmt::format("'dependencies' must be a list of roles, not {}",
                                            DescribeForError(kv.second)));
        }
        // galaxy_info and the rest describe the role for Galaxy: nothing to run.
      }
    }
  }
  Diagnostics errors;
  meta.Flush(&errors);
  reader->Adopt(errors, at);
}

std::vector<const RoleLoader::Role*> RoleLoader::AllDependencies(const Role& role) const {
  std::vector<const Role*> out;
  for (const Role* dep : role.dependencies) {
    for (const Role* inner : AllDependencies(*dep)) out.push_back(inner);
    out.push_back(dep);
  }
  return out;
}

Value RoleLoader::Defaults(const Role& role, const std::vector<const Role*>& chain) const {
  Value out = Value::object();
  for (const Role* dep : AllDependencies(role)) Merge(&out, Defaults(*dep, {}));
  for (const Role* parent : chain) Merge(&out, parent->defaults);
  Merge(&out, role.defaults);
  return out;
}

Value RoleLoader::Vars(const Role& role, const std::vector<const Role*>& chain) const {
  Value out = Value::object();
  for (const Role* parent : chain) {
    Merge(&out, parent->entry_vars);
    Merge(&out, parent->vars);
  }
  for (const Role* dep : AllDependencies(role)) Merge(&out, Vars(*dep, {}));
  Merge(&out, role.entry_vars);
  Merge(&out, role.vars);
  return out;
}

int RoleLoader::Compile(Role* role, const std::vector<const Role*>& chain, const Inherited& outer,
                        FieldReader* reader, const SourceLocation& at,
                        std::vector<TaskDraft>* tasks, std::vector<TaskDraft>* handlers) {
  const Inherited inherited = role->inherited.Within(outer);
  std::vector<const Role*> inner = chain;
  inner.push_back(role);
  compiling_.push_back(role);
  for (Role* dep : role->dependencies) Compile(dep, inner, inherited, reader, at, tasks, handlers);

  RoleScope scope;
  scope.name = role->name;
  scope.path = role->abs_path;
  scope.defaults = Defaults(*role, chain);
  scope.vars = Vars(*role, chain);
  for (const Role* parent : chain) Merge(&scope.params, parent->params);
  Merge(&scope.params, role->params);
  play_.roles.push_back(std::move(scope));
  chains_.push_back(inner);

  TaskListScope list;
  list.reader = reader;
  list.role = static_cast<int>(play_.roles.size() - 1);
  list.role_instance = role->instance;
  list.included_role = role->included || std::any_of(chain.begin(), chain.end(),
                                                     [](const Role* r) { return r->included; });
  list.role_name = role->name;
  list.role_path = role->path;
  list.role_paths.push_back(role->path);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) list.role_paths.push_back((*it)->path);
  list.inherited = inherited;
  if (role->check_specs && role->arg_specs.contains(role->entry_point)) {
    // Before the role's own tasks, after its dependencies', as Ansible
    // prepends it to the role's task list.
    TaskDraft check = RoleArgSpecTask(role->name, role->abs_path, role->entry_point,
                                      role->arg_specs[role->entry_point], role->params);
    TaskSpec& task = check.spec;
    task.location = at;
    task.module_location = at;
    inherited.ApplyTo(&task);
    task.role = list.role;
    task.role_instance = role->instance;
    task.included_role = list.included_role;
    task.role_name = role->name;
    task.search_paths = list.role_paths;
    tasks->push_back(std::move(check));
  }
  if (!role->tasks_file.empty()) parser_.ParseFile(role->tasks_file, at, list, tasks);
  if (!role->allow_duplicates) {
    // Each occurrence runs unless an earlier one ran on the host: decided
    // per host at its end (HostPlan), as Ansible's role_complete does.
    TaskDraft end;
    end.spec.kind = TaskKind::kRoleComplete;
    end.spec.implicit = true;
    end.spec.module = "meta";
    end.spec.args["action"] = "role_complete";
    end.spec.name = "end of role " + role->name;
    end.spec.location = at;
    end.spec.module_location = at;
    end.spec.role = list.role;
    end.spec.role_instance = role->instance;
    end.spec.tags = {"always"};
    end.label = end.spec.name;
    tasks->push_back(std::move(end));
  }
  // One instance's handlers are the play's once (Ansible caches them).
  if (!role->handlers_file.empty() && !role->handlers_added) {
    role->handlers_added = true;
    list.handlers = true;
    parser_.ParseFile(role->handlers_file, at, list, handlers);
  }
  compiling_.pop_back();
  return list.role;
}

void RoleLoader::Finish() {
  for (const std::vector<const Role*>* list : {&entries_, &imports_}) {
    for (const Role* role : *list) {
      play_.role_names.push_back(role->name);
      Merge(&play_.role_defaults, Defaults(*role, {}));
      Merge(&play_.role_vars, Vars(*role, {}));
    }
  }
}

}  // namespace hostprep
