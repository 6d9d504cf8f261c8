#include "engine/playbook/play_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "engine/base/text.h"
#include "engine/inventory/inventory.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/role_loader.h"
#include "engine/playbook/task_links.h"
#include "engine/playbook/task_list.h"
#include "engine/playbook/task_parser.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace {

std::string PlayLabel(const YAML::Node& node, size_t index) {
  if (node.IsMap()) {
    const YAML::Node name = node["name"];
    if (name.IsDefined() && name.IsScalar() && !name.Scalar().empty())
      return fmt::format("play '{}'", name.Scalar());
  }
  return fmt::format("play {}", index + 1);
}

// Reads one play mapping key by key; vars_files, ids and tags need the
// whole play and are settled in Finish.
class PlayParser {
 public:
  PlayParser(const ModuleRegistry& modules, FieldReader* reader, Play* play, std::string label)
      : modules_(modules), reader_(*reader), play_(*play), label_(std::move(label)) {}

  void ReadKey(const YAML::Node& key, const YAML::Node& value);
  void Finish(const YAML::Node& node);

 private:
  bool ReadTarget(const std::string& key, const YAML::Node& value);
  void ReadPort(const YAML::Node& value);
  bool ReadGathering(const std::string& key, const YAML::Node& value);
  bool ReadRollout(const std::string& key, const YAML::Node& value);
  // A keyword written as a template: kept for the run (Play::keyword_templates).
  bool Templated(const std::string& key, const YAML::Node& value);
  void ReadHosts(const YAML::Node& value);
  void ReadSerial(const YAML::Node& value);
  bool ReadBatch(const YAML::Node& item, bool in_list, Value* out);
  void ReadSections();
  void DropUnneededRoleEnds();
  void AddFlush(const std::string& after);
  void UnknownKey(const std::string& key, const YAML::Node& key_node);
  void LoadVarsFiles();
  void LoadVarsFile(const std::string& path, const SourceLocation& at);
  void CheckIncludes();

  const ModuleRegistry& modules_;
  FieldReader& reader_;
  Play& play_;
  std::string label_;
  bool has_hosts_ = false;
  std::optional<YAML::Node> vars_files_;  // optional: see task_parser.cc
  // The task lists, read in Ansible's order once every key is known.
  std::optional<YAML::Node> pre_tasks_, roles_, tasks_node_, post_tasks_, handlers_node_;
  std::vector<TaskDraft> tasks_;
  std::vector<TaskDraft> handlers_;
  std::vector<CheckedInclude> checked_includes_;  // read by ReadSections, linked in Finish
};

void PlayParser::ReadKey(const YAML::Node& key_node, const YAML::Node& value) {
  const std::string key = key_node.Scalar();
  if (ReadTarget(key, value) || ReadRollout(key, value)) return;
  if (key == "pre_tasks") {
    pre_tasks_.emplace(value);
  } else if (key == "roles") {
    roles_.emplace(value);
  } else if (key == "tasks") {
    tasks_node_.emplace(value);
  } else if (key == "post_tasks") {
    post_tasks_.emplace(value);
  } else if (key == "handlers") {
    handlers_node_.emplace(value);
  } else if (key == "tags") {
    reader_.ReadStringList(key, value, &play_.tags);
  } else if (key == "environment") {
    Value env;
    if (ReadEnvironment(&reader_, value, &env)) play_.environment.push_back(std::move(env));
  } else if (key == "vars") {
    reader_.ReadMapping(key, value, &play_.vars);
  } else if (key == "vars_files") {
    vars_files_.emplace(value);
  } else {
    UnknownKey(key, key_node);
  }
}

bool PlayParser::ReadTarget(const std::string& key, const YAML::Node& value) {
  if (key == "name") {
    if (reader_.ReadString(key, value, &play_.name)) reader_.CheckTemplates(value, label_);
  } else if (key == "hosts") {
    ReadHosts(value);
  } else if (key == "connection") {
    std::string connection;
    if (!reader_.ReadString(key, value, &connection)) return true;
    if (connection != "local" && connection != "ssh") {
      reader_.Error(value,
                    fmt::format("'connection' must be 'local' or 'ssh', not '{}'", connection));
    } else {
      play_.connection = connection;
    }
  } else if (Templated(key, value)) {
  } else if (key == "become") {
    bool become = false;
    if (reader_.ReadBool(key, value, &become)) play_.become = become;
  } else if (key == "become_user") {
    reader_.ReadString(key, value, &play_.become_user);
  } else if (key == "gather_facts") {
    reader_.ReadBool(key, value, &play_.gather_facts);
  } else if (key == "become_method") {
    ReadBecomeMethod(&reader_, value, &play_.become_method);
  } else if (key == "become_flags") {
    ReadBecomeFlags(&reader_, value, &play_.become_flags);
  } else if (key == "remote_user") {
    if (reader_.ReadString(key, value, &play_.remote_user)) reader_.CheckTemplates(value, label_);
  } else if (key == "port") {
    ReadPort(value);
  } else {
    return ReadGathering(key, value);
  }
  return true;
}

void PlayParser::ReadPort(const YAML::Node& value) {
  std::string port;
  if (!reader_.ReadString("port", value, &port)) return;
  port = Trim(port);
  if (IsTemplate(port)) {
    reader_.CheckTemplates(value, label_);
  } else if (!ParsePort(port)) {
    reader_.Error(value, fmt::format("'port' must be a port number (1 to 65535), not {}",
                                     DescribeForError(value)));
    return;
  }
  play_.port = port;
}

// How facts are gathered, and how hosts pace each other. `gather_subset`
// is resolved here, so that a misspelt subset fails before any host is
// contacted. `strategy`: Ansible's two that come with it (the others need
// Python plugins).
bool PlayParser::ReadGathering(const std::string& key, const YAML::Node& value) {
  if (key == "gather_subset") {
    std::vector<std::string> subsets;
    if (!reader_.ReadStringList(key, value, &subsets)) return true;
    for (const std::string& s : subsets) {
      if (IsTemplate(s)) {
        reader_.Error(value,
                      "'gather_subset' must be written out (min, network, !hardware...): "
                      "hostprep resolves it before the play runs, not from a template");
        return true;
      }
    }
    Result<FactSubset> subset = ResolveFactSubset(subsets);
    if (!subset.ok()) {
      reader_.Error(value, "gather_subset: " + subset.message());
      return true;
    }
    play_.gather_subset = std::move(*subset);
  } else if (key == "strategy") {
    std::string strategy;
    if (!reader_.ReadString(key, value, &strategy)) return true;
    const std::optional<std::string> known = StrategyName(strategy);
    if (!known) {
      reader_.Error(value, fmt::format("'strategy: {}' is not supported: hostprep has Ansible's "
                                       "'linear' (every task on every host of the batch before "
                                       "the next) and 'free' (hosts never wait for each other)",
                                       Trim(strategy)));
      return true;
    }
    play_.strategy = *known;
  } else {
    return false;
  }
  return true;
}

// The keywords a play may write as templates, rendered when the play
// starts: those Ansible templates with the play's variables before the play
// (gather_facts, serial, max_fail_percentage, strategy; any_errors_fatal too, see
// play_keywords.h), and become and become_user, which it templates per host.
bool PlayParser::Templated(const std::string& key, const YAML::Node& value) {
  static const std::set<std::string> kTemplated = {
      "gather_facts", "any_errors_fatal", "serial",     "max_fail_percentage",
      "strategy",     "become",           "become_user"};
  if (!kTemplated.count(key) || !value.IsScalar() || !IsTemplate(value.Scalar())) return false;
  reader_.CheckTemplates(value, label_);
  play_.keyword_templates.push_back({key, value.Scalar(), reader_.At(value)});
  return true;
}

bool PlayParser::ReadRollout(const std::string& key, const YAML::Node& value) {
  if (key == "serial") {
    ReadSerial(value);
  } else if (key == "max_fail_percentage") {
    reader_.ReadInt(key, value, 0, 100, &play_.max_fail_percentage);
  } else if (key == "any_errors_fatal") {
    reader_.ReadBool(key, value, &play_.any_errors_fatal);
  } else if (key == "ignore_unreachable") {
    reader_.ReadBool(key, value, &play_.ignore_unreachable);
  } else if (key == "order") {
    std::string order;
    if (!reader_.ReadString(key, value, &order)) return true;
    if (order == "dag") {
      play_.order = PlayOrder::kDag;
    } else if (order == "sequential") {
      play_.order = PlayOrder::kSequential;
    } else {
      // Ansible's `order` sorts hosts (inventory, sorted, shuffle, ...); ours
      // orders tasks, so a migrated playbook needs a word on the difference.
      reader_.Error(value, fmt::format("'order' must be 'dag' or 'sequential', not '{}' "
                                       "('order' sets the order of tasks; Ansible's host "
                                       "orders are not supported)",
                                       order));
    }
  } else {
    return false;
  }
  return true;
}

void PlayParser::ReadHosts(const YAML::Node& value) {
  has_hosts_ = true;
  play_.hosts_location = reader_.At(value);
  std::vector<std::string> patterns;
  if (!reader_.ReadStringList("hosts", value, &patterns)) return;
  for (std::string& p : patterns) p = Trim(p);
  patterns.erase(std::remove(patterns.begin(), patterns.end(), ""), patterns.end());
  if (patterns.empty()) {
    reader_.Error(value,
                  "'hosts' names no hosts: give a host, a group or a pattern "
                  "(e.g. 'hosts: all')");
    return;
  }
  play_.hosts = fmt::format("{}", fmt::join(patterns, ":"));
}

void PlayParser::ReadSerial(const YAML::Node& value) {
  if (value.IsSequence()) {
    for (const YAML::Node& item : value) {
      Value batch;
      if (ReadBatch(item, true, &batch)) play_.serial.push_back(batch);
    }
    return;
  }
  Value batch;
  if (!ReadBatch(value, false, &batch)) return;
  // A single 0 means all hosts at once, which is what no serial means.
  if (batch != Value(0)) play_.serial.push_back(batch);
}

// One batch size: a host count, or a percentage of the play's hosts kept as
// a "30%" string for the scheduler to apply to the matched hosts.
bool PlayParser::ReadBatch(const YAML::Node& item, bool in_list, Value* out) {
  const std::string text = item.IsScalar() ? Trim(item.Scalar()) : "";
  bool bad_percent = false;
  std::optional<Value> batch = item.IsScalar() ? SerialBatchSize(text, &bad_percent) : std::nullopt;
  if (bad_percent) {
    reader_.Error(item,
                  fmt::format("'serial' percentage must be between 1% and 100%, not {}", text));
    return false;
  }
  if (batch && *batch == Value(0) && in_list) {
    reader_.Error(item, "a batch size in a 'serial' list must be at least 1, not 0");
    return false;
  }
  if (batch) {
    *out = std::move(*batch);
    return true;
  }
  reader_.Error(item, fmt::format("'serial' must be a number of hosts, a percentage such as "
                                  "'30%', or a list of them, not {}",
                                  DescribeForError(item)));
  return false;
}

// pre_tasks, then the roles' tasks and the play's tasks, then post_tasks,
// with handlers flushed between them as Ansible flushes them; the roles'
// handlers before the play's.
void PlayParser::ReadSections() {
  TaskListParser parser(modules_, reader_.dir().empty() ? "." : reader_.dir());
  RoleLoader roles(&parser, reader_.dir().empty() ? "." : reader_.dir(), &play_);
  parser.set_roles(&roles);
  TaskListScope scope;
  scope.reader = &reader_;
  if (pre_tasks_) {
    parser.Parse("pre_tasks", *pre_tasks_, scope, &tasks_);
    if (!tasks_.empty()) AddFlush("pre_tasks");
  }
  const size_t main_start = tasks_.size();
  if (roles_ && !roles_->IsNull()) {
    if (!roles_->IsSequence()) {
      reader_.Error(*roles_, fmt::format("'roles' must be a list of roles, not {}",
                                         DescribeForError(*roles_)));
    } else {
      for (const YAML::Node& entry : *roles_) roles.AddEntry(entry, &reader_, &tasks_, &handlers_);
    }
  }
  if (tasks_node_) parser.Parse("tasks", *tasks_node_, scope, &tasks_);
  if (post_tasks_) {
    if (tasks_.size() > main_start) AddFlush("tasks");
    parser.Parse("post_tasks", *post_tasks_, scope, &tasks_);
  }
  if (handlers_node_) {
    scope.handlers = true;
    parser.Parse("handlers", *handlers_node_, scope, &handlers_);
  }
  // The handlers of the roles tasks import and include, after the play's.
  for (TaskDraft& h : roles.late_handlers()) handlers_.push_back(std::move(h));
  roles.Finish();
  DropUnneededRoleEnds();
  checked_includes_ = std::move(parser.checked_includes());
  for (size_t i = 0; i < tasks_.size(); ++i) tasks_[i].spec.index = i;
  for (size_t i = 0; i < handlers_.size(); ++i) handlers_[i].spec.index = i;
}

// The role instances an include_role's tasks (and the includes among them)
// can run.
void AddIncludedRoles(const std::vector<TaskDraft>& tasks, std::set<int>* out) {
  for (const TaskDraft& d : tasks) {
    if (d.spec.role_instance >= 0) out->insert(d.spec.role_instance);
    if (d.spec.include != nullptr) AddIncludedRoles(d.spec.include->role_tasks, out);
  }
}

// The end of a role matters only where the same role occurs again later
// (or in a role an include_role runs); elsewhere it would only hold back
// the tasks planned ahead.
void PlayParser::DropUnneededRoleEnds() {
  std::set<int> later;  // role instances with tasks below the current position
  for (const TaskDraft& d : tasks_) {
    if (d.spec.include != nullptr) AddIncludedRoles(d.spec.include->role_tasks, &later);
  }
  std::vector<bool> keep(tasks_.size(), true);
  for (size_t i = tasks_.size(); i-- > 0;) {
    const TaskSpec& t = tasks_[i].spec;
    if (t.kind == TaskKind::kRoleComplete) {
      keep[i] = later.count(t.role_instance) > 0;
    } else if (t.role_instance >= 0) {
      later.insert(t.role_instance);
    }
  }
  std::vector<TaskDraft> kept;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(tasks_[i]));
  }
  tasks_ = std::move(kept);
}

// The flush Ansible adds after a section: notified handlers run there.
void PlayParser::AddFlush(const std::string& after) {
  TaskDraft flush;
  flush.spec.kind = TaskKind::kFlushHandlers;
  flush.spec.implicit = true;
  flush.spec.module = "meta";
  flush.spec.args["action"] = "flush_handlers";
  flush.spec.name = "flush handlers after " + after;
  flush.spec.location = play_.location;
  flush.spec.module_location = play_.location;
  flush.spec.tags = {"always"};
  flush.label = flush.spec.name;
  tasks_.push_back(std::move(flush));
}

void PlayParser::UnknownKey(const std::string& key, const YAML::Node& key_node) {
  std::string message = UnsupportedPlayKeyword(key);
  if (message.empty() && modules_.Find(key) != nullptr) {
    message =
        fmt::format("unknown key '{}' in {}: a module runs in a task (under 'tasks')", key, label_);
  } else if (message.empty()) {
    message =
        fmt::format("unknown key '{}' in {}{}", key, label_, DidYouMeanSuffix(key, PlayKeys()));
  }
  reader_.Error(key_node, message);
}

void PlayParser::LoadVarsFiles() {
  std::vector<std::string> paths;
  std::vector<SourceLocation> locations;
  if (!reader_.ReadStringList("vars_files", *vars_files_, &paths, &locations)) return;
  for (size_t i = 0; i < paths.size(); ++i) LoadVarsFile(paths[i], locations[i]);
}

void PlayParser::LoadVarsFile(const std::string& path, const SourceLocation& at) {
  if (IsTemplate(path)) {
    reader_.Error(at, fmt::format("vars file '{}' is a template: templated vars_files are not "
                                  "supported yet (list the files, or use inventory group_vars)",
                                  path));
    return;
  }
  const std::string resolved = reader_.Resolve(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(resolved, ec)) {
    reader_.Error(at, resolved == path ? fmt::format("vars file '{}' not found", path)
                                       : fmt::format("vars file '{}' not found (looked for '{}')",
                                                     path, resolved));
    return;
  }
  YamlDocument doc;
  Diagnostics found;
  LoadYamlFile(resolved, &doc, &found);
  if (doc.root.IsDefined() && !doc.root.IsNull() && !doc.root.IsMap()) {
    found.Add(LocationOf(resolved, doc.root),
              fmt::format("a vars file must be a mapping of variable names to values, not {}",
                          DescribeForError(doc.root)));
  }
  reader_.Adopt(found, at);
  if (!found.empty()) return;
  play_.vars_files.push_back(resolved);
  if (!doc.root.IsMap()) return;  // an empty file defines nothing
  const Value vars = ToValue(doc.root);
  for (auto it = vars.begin(); it != vars.end(); ++it) play_.vars[it.key()] = it.value();
}

void PlayParser::Finish(const YAML::Node& node) {
  if (!has_hosts_) {
    reader_.Error(node, fmt::format("{} has no 'hosts': name the hosts it runs on (e.g. "
                                    "'hosts: all')",
                                    label_));
  }
  if (vars_files_.has_value() && !vars_files_->IsNull()) LoadVarsFiles();
  ReadSections();
  LinkTasks(&tasks_, &handlers_, play_.order, &reader_);
  for (std::vector<TaskDraft>* drafts : {&tasks_, &handlers_}) {
    for (TaskDraft& d : *drafts) {
      InheritFromPlay(play_, &d.spec);
      (d.spec.is_handler ? play_.handlers : play_.tasks).push_back(std::move(d.spec));
    }
  }
  CheckIncludes();
}

// The files includes can read, checked against the play's handlers, each
// once; and includes and blocks only where tasks run in file order.
void PlayParser::CheckIncludes() {
  std::set<std::string> linked;
  for (CheckedInclude& c : checked_includes_) {
    if (!linked.insert(c.path).second) continue;
    FieldReader reader(c.path, std::filesystem::path(c.path).parent_path().string());
    LinkIncludedTasks(&c.tasks, "include", play_.handlers, &reader);
    Diagnostics errors;
    reader.Flush(&errors);
    reader_.Adopt(errors, c.at);
  }
  if (play_.order != PlayOrder::kDag) return;
  for (const TaskSpec& t : play_.tasks) {
    if (t.kind != TaskKind::kInclude) continue;
    reader_.Error(t.module_location,
                  "'include_tasks' is not supported in a play with 'order: "
                  "dag' (its tasks run where the include stands: use "
                  "'import_tasks', or 'order: sequential')");
  }
}

}  // namespace

Play ParsePlay(const YAML::Node& node, size_t index, const ModuleRegistry& modules,
               FieldReader* reader, const PlaybookImport& from) {
  Play play;
  play.location = reader->At(node);
  play.dir = reader->dir().empty() ? "." : reader->dir();
  if (!node.IsMap()) {
    reader->Error(node, fmt::format("a play must be a mapping (with 'hosts' and 'tasks'), not {}",
                                    DescribeForError(node)));
    return play;
  }
  PlayParser parser(modules, reader, &play, PlayLabel(node, index));
  std::set<std::string> seen;  // a duplicate key was reported by the YAML loader
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      reader->Error(kv.first, fmt::format("a key in a play must be a string, not {}",
                                          DescribeForError(kv.first)));
      continue;
    }
    if (!seen.insert(kv.first.Scalar()).second) continue;
    parser.ReadKey(kv.first, kv.second);
  }
  for (auto it = from.vars.begin(); it != from.vars.end(); ++it) play.vars[it.key()] = it.value();
  for (const std::string& tag : from.tags) {
    if (std::find(play.tags.begin(), play.tags.end(), tag) == play.tags.end())
      play.tags.push_back(tag);
  }
  play.when = from.when;
  parser.Finish(node);
  return play;
}

}  // namespace hostprep
