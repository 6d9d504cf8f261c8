#include "engine/playbook/task_parser.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>

#include "engine/base/text.h"
#include "engine/module/arg_spec.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/module_args.h"
#include "engine/playbook/role_arg_specs.h"
#include "engine/playbook/task_list.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace {

// The task's name in messages. Found before the keys are read so that the
// first error already names the task: its `name`, else its module, else its
// position.
std::string TaskLabel(const YAML::Node& node, size_t index, bool is_handler,
                      const ModuleRegistry& modules) {
  const char* kind = is_handler ? "handler" : "task";
  if (node.IsMap()) {
    const YAML::Node name = node["name"];
    if (name.IsDefined() && name.IsScalar() && !name.Scalar().empty())
      return fmt::format("{} '{}'", kind, name.Scalar());
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && modules.Find(kv.first.Scalar()) != nullptr) {
        return fmt::format("{} '{}'", kind, kv.first.Scalar());
      }
    }
  }
  return fmt::format("{} {}", kind, index + 1);
}

// The argument names a task gives its module: the keys of its mapping or
// key=value words, and of `args:`.
std::vector<std::string> ArgNames(const YAML::Node& value, const std::optional<YAML::Node>& args) {
  std::vector<std::string> names;
  auto add = [&](const YAML::Node& mapping) {
    for (const auto& kv : mapping) {
      if (kv.first.IsScalar()) names.push_back(kv.first.Scalar());
    }
  };
  if (value.IsMap()) add(value);
  if (value.IsScalar()) {
    Result<Value> words = ParseKeyValues(value.Scalar());
    if (words.ok() && words->is_object()) {
      for (auto it = words->begin(); it != words->end(); ++it) names.push_back(it.key());
    }
  }
  if (args && args->IsMap()) add(*args);
  return names;
}

bool IsIdText(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// Reads one task mapping key by key. Checks that need the whole task (the
// module, loop_var) run in Finish.
class TaskParser {
 public:
  TaskParser(const ModuleRegistry& modules, FieldReader* reader, TaskDraft* draft)
      : modules_(modules), reader_(*reader), draft_(*draft), task_(draft->spec) {}

  // `args:` must be known before the module key is read, wherever it stands.
  void FindArgs(const YAML::Node& node);
  void ReadKey(const YAML::Node& key, const YAML::Node& value);
  void Finish(const YAML::Node& node);

 private:
  bool ReadIdentity(const std::string& key, const YAML::Node& value);
  bool ReadFlow(const std::string& key, const YAML::Node& value);
  bool ReadBehaviour(const std::string& key, const YAML::Node& value);
  bool ReadModule(const std::string& key, const YAML::Node& key_node, const YAML::Node& value);
  void ReadMeta(const YAML::Node& key_node, const YAML::Node& value);
  void ReadSetFact(const YAML::Node& key_node, const YAML::Node& value);
  void ReadIncludeVars(const YAML::Node& key_node, const YAML::Node& value);
  bool AddAction(const YAML::Node& key_node);
  void RefuseModule(const YAML::Node& key_node);
  void ReadLoop(const std::string& key, const YAML::Node& value);
  void ReadLoopVar(const std::string& key, const YAML::Node& value, std::string* out);
  void ReadLoopControl(const YAML::Node& value);
  void UnknownKey(const std::string& key, const YAML::Node& key_node);
  void CheckRegister();
  void ReadOptionsFromVars();
  void CheckInclude(const YAML::Node& node);

  const ModuleRegistry& modules_;
  FieldReader& reader_;
  TaskDraft& draft_;
  TaskSpec& task_;
  std::vector<std::string> module_keys_;  // as written, in order
  std::string module_kind_;  // the module's own name (command for ansible.builtin.command)
  std::string loop_key_;                  // "loop" or "with_...", once read
  std::optional<YAML::Node> args_;        // `args:`, merged into the module's arguments
  bool has_action_keyword_ = false;       // block, include_tasks, set_fact... (refused)
  // Nodes kept for checks in Finish. std::optional because assigning to a
  // YAML::Node that already refers to a node would overwrite that node.
  std::optional<YAML::Node> register_node_;
  std::optional<YAML::Node> loop_control_key_;
  std::optional<YAML::Node> changed_when_key_;
  std::optional<YAML::Node> failed_when_key_;
  std::optional<YAML::Node> run_once_key_;
  std::optional<YAML::Node> delegate_key_;
};

void TaskParser::FindArgs(const YAML::Node& node) {
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() || kv.first.Scalar() != "args") continue;
    if (kv.second.IsMap()) {
      args_.emplace(kv.second);
    } else if (!kv.second.IsNull()) {
      reader_.Error(kv.second, fmt::format("'args' must be a mapping of the module's arguments, "
                                           "not {}",
                                           DescribeForError(kv.second)));
    }
    return;
  }
}

void TaskParser::ReadKey(const YAML::Node& key_node, const YAML::Node& value) {
  const std::string key = key_node.Scalar();
  if (ReadIdentity(key, value) || ReadFlow(key, value) || ReadBehaviour(key, value) ||
      ReadModule(key, key_node, value)) {
    return;
  }
  if (key == "loop_control") {
    loop_control_key_.emplace(key_node);
    ReadLoopControl(value);
  } else if (key == "args") {
    // Read with the module (ParseTask finds it first).
  } else if (key == "changed_when" || key == "failed_when") {
    (key == "changed_when" ? changed_when_key_ : failed_when_key_).emplace(key_node);
    reader_.ReadConditions(key, value, draft_.label,
                           key == "changed_when" ? &task_.changed_when : &task_.failed_when);
  } else {
    UnknownKey(key, key_node);
  }
}

bool TaskParser::ReadIdentity(const std::string& key, const YAML::Node& value) {
  if (key == "name") {
    if (reader_.ReadString(key, value, &task_.name)) reader_.CheckTemplates(value, draft_.label);
  } else if (key == "id") {
    std::string id;
    if (!reader_.ReadString(key, value, &id)) return true;
    if (!IsIdText(id)) {
      reader_.Error(value, fmt::format("task id '{}' may hold only letters, digits, '-', '_' "
                                       "and '.'",
                                       id));
      return true;
    }
    task_.id = id;
    draft_.explicit_id = true;
    draft_.id_location = reader_.At(value);
  } else if (key == "vars") {
    reader_.ReadMapping(key, value, &task_.vars);
    task_.vars_origin = fmt::format("{}:{} (task vars)", reader_.file(), reader_.At(value).line);
  } else {
    return false;
  }
  return true;
}

bool TaskParser::ReadFlow(const std::string& key, const YAML::Node& value) {
  if (key == "after") {
    task_.after_location = reader_.At(value);
    reader_.ReadStringList(key, value, &task_.after, &draft_.after_locations);
  } else if (key == "notify") {
    task_.notify_location = reader_.At(value);
    reader_.ReadStringList(key, value, &task_.notify, &draft_.notify_locations);
  } else if (key == "listen") {
    if (!task_.is_handler) {
      reader_.Error(value, fmt::format("{}: only a handler listens (move it under 'handlers')",
                                       draft_.label));
    } else {
      reader_.ReadStringList(key, value, &task_.listen);
    }
  } else if (key == "when") {
    reader_.ReadConditions(key, value, draft_.label, &task_.when);
  } else if (key == "loop") {
    ReadLoop(key, value);
  } else if (StartsWith(key, "with_") && IsLoopLookup(key.substr(5))) {
    ReadLoop(key, value);
  } else if (key == "register") {
    if (reader_.ReadString(key, value, &task_.register_as)) register_node_.emplace(value);
  } else {
    return false;
  }
  return true;
}

bool TaskParser::ReadBehaviour(const std::string& key, const YAML::Node& value) {
  if (key == "become") {
    ReadBecome(&reader_, value, draft_.label, &task_.become, &task_.become_template,
               &task_.become_location);
  } else if (key == "become_user") {
    reader_.ReadString(key, value, &task_.become_user);
  } else if (key == "become_method") {
    ReadBecomeMethod(&reader_, value, &task_.become_method);
  } else if (key == "become_flags") {
    std::vector<std::string> flags;
    if (ReadBecomeFlags(&reader_, value, &flags)) task_.become_flags = flags;
  } else if (key == "tags") {
    reader_.ReadStringList(key, value, &task_.tags);
  } else if (key == "no_log") {
    reader_.ReadBool(key, value, &task_.no_log);
  } else if (key == "ignore_errors") {
    reader_.ReadBool(key, value, &task_.ignore_errors);
  } else if (key == "ignore_unreachable") {
    bool flag = false;
    if (reader_.ReadBool(key, value, &flag)) task_.ignore_unreachable = flag;
  } else if (key == "run_once") {
    if (reader_.ReadBool(key, value, &task_.run_once) && task_.run_once)
      run_once_key_.emplace(value);
  } else if (key == "delegate_to") {
    if (reader_.ReadString(key, value, &task_.delegate_to)) {
      task_.delegate_location = reader_.At(value);
      delegate_key_.emplace(value);
    }
  } else if (key == "delegate_facts") {
    ReadDelegateFacts(&reader_, value, &task_.delegate_facts);
  } else if (key == "check_mode") {
    bool check_mode = false;
    if (reader_.ReadBool(key, value, &check_mode)) task_.check_mode = check_mode;
  } else if (key == "retries") {
    task_.retries_set = reader_.ReadInt(key, value, 0, INT32_MAX, &task_.retries);
  } else if (key == "until") {
    reader_.ReadConditions(key, value, draft_.label, &task_.until);
  } else if (key == "delay") {
    reader_.ReadInt(key, value, 0, INT32_MAX, &task_.delay);
  } else if (key == "environment") {
    Value env;
    task_.environment_location = reader_.At(value);
    if (ReadEnvironment(&reader_, value, &env)) task_.environment.push_back(std::move(env));
  } else {
    return false;
  }
  return true;
}

bool TaskParser::ReadModule(const std::string& key, const YAML::Node& key_node,
                            const YAML::Node& value) {
  if (key == "meta" || key == "ansible.builtin.meta") {
    ReadMeta(key_node, value);
    return true;
  }
  if (key == "set_fact" || key == "ansible.builtin.set_fact") {
    ReadSetFact(key_node, value);
    return true;
  }
  if (key == "include_vars" || key == "ansible.builtin.include_vars") {
    ReadIncludeVars(key_node, value);
    return true;
  }
  if (key == "include_tasks" || key == "ansible.builtin.include_tasks" || key == "include_role" ||
      key == "ansible.builtin.include_role") {
    // The file (the role) and `apply` are read by the task list
    // (task_list.h), which knows where the task is written.
    if (!AddAction(key_node)) return true;
    task_.kind = TaskKind::kInclude;
    task_.module = key;
    task_.module_location = reader_.At(key_node);
    return true;
  }
  std::string name = key;
  const Module* module = modules_.FindFor(key, ArgNames(value, args_));
  const bool other = module != nullptr && module != modules_.Find(key);
  if (other) name = module->spec().name;  // the module the task's arguments call for
  if (module == nullptr && key.find('.') != std::string::npos) {
    // An Ansible name hostprep does not take (ansible.posix.sysctl) whose
    // last word is one of hostprep's own modules: that module does the job
    // with its own arguments. Read them anyway so their errors show now.
    name = key.substr(key.rfind('.') + 1);
    module = modules_.Find(name);
    if (module == nullptr) {
      RefuseModule(key_node);
      return true;
    }
    reader_.Error(key_node, fmt::format("'{}' is not supported yet with Ansible's arguments: "
                                        "hostprep's own '{}' module does that job with its own "
                                        "(see hostprep doc {})",
                                        key, name, name));
  }
  if (module == nullptr) return false;
  module_keys_.push_back(key);
  if (module_keys_.size() > 1) {
    reader_.Error(key_node,
                  fmt::format("{} has two modules, '{}' and '{}': a task runs exactly one",
                              draft_.label, module_keys_[0], key));
    return true;
  }
  module_kind_ = module->spec().name;
  ParseModuleArgs(*module, name, key_node, value, draft_.label, &reader_, &task_,
                  args_ ? &*args_ : nullptr);
  if (other) task_.module_key = key;
  return true;
}

// A module's full name (community.general.ufw) hostprep does not have: one
// error, with the names it has, and no Python to fall back on.
void TaskParser::RefuseModule(const YAML::Node& key_node) {
  const std::string key = key_node.Scalar();
  const size_t dot = key.rfind('.');
  // A typo is looked for in the last word (ansible.builtin.comand), and
  // suggested under the same collection when hostprep has that name.
  std::vector<std::string> words = modules_.names();
  std::vector<std::string> full;
  for (const std::string& own : modules_.names()) {
    for (const std::string& alias : modules_.Find(own)->spec().ansible_names) {
      full.push_back(alias);
      words.push_back(alias.substr(alias.rfind('.') + 1));
    }
  }
  std::string hint;
  const std::string word = DidYouMean(key.substr(dot + 1), words);
  if (!word.empty()) {
    const std::string same = key.substr(0, dot + 1) + word;
    hint = fmt::format(" (did you mean '{}'?)",
                       std::find(full.begin(), full.end(), same) != full.end() ? same : word);
  }
  reader_.Error(key_node,
                fmt::format("module '{}' is not one hostprep has{}: hostprep's modules are built "
                            "in and nothing runs Python on the hosts, so there is no fallback "
                            "(`hostprep modules` lists them with their Ansible names)",
                            key, hint));
  has_action_keyword_ = true;  // reported: not "no module" as well
}

// Notes the task's action key; false (reported) when it already has one.
bool TaskParser::AddAction(const YAML::Node& key_node) {
  module_keys_.push_back(key_node.Scalar());
  if (module_keys_.size() == 1) return true;
  reader_.Error(key_node, fmt::format("{} has two actions, '{}' and '{}': a task runs exactly one",
                                      draft_.label, module_keys_[0], key_node.Scalar()));
  return false;
}

// `set_fact:` a mapping (or key=value words) of variables to set on the
// host, above play and role vars, as Ansible's set_fact action does.
void TaskParser::ReadSetFact(const YAML::Node& key_node, const YAML::Node& value) {
  if (!AddAction(key_node)) return;
  task_.kind = TaskKind::kSetFact;
  task_.module = "set_fact";
  task_.module_location = reader_.At(key_node);
  Value facts = Value::object();
  if (value.IsMap()) {
    facts = ToValue(value);
    for (const auto& kv : value) {
      if (kv.first.IsScalar()) task_.arg_locations[kv.first.Scalar()] = reader_.At(kv.first);
    }
  } else if (value.IsScalar()) {
    Result<Value> words = ParseKeyValues(value.Scalar());
    if (!words.ok()) {
      reader_.Error(value, fmt::format("{}: 'set_fact' takes a mapping or key=value words: {}",
                                       draft_.label, words.message()));
      return;
    }
    facts = *words;
  } else {
    reader_.Error(value, fmt::format("{}: 'set_fact' takes a mapping of variables, not {}",
                                     draft_.label, DescribeForError(value)));
    return;
  }
  facts.erase("cacheable");  // facts live for the run: there is no fact cache to keep them in
  if (facts.empty()) {
    reader_.Error(value, fmt::format("{}: 'set_fact' sets no variable", draft_.label));
  }
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    const std::string reason = ReservedNameReason(it.key());
    auto at = task_.arg_locations.find(it.key());
    const SourceLocation where = at != task_.arg_locations.end() ? at->second : reader_.At(value);
    if (!IsIdentifier(it.key())) {
      reader_.Error(where, fmt::format("{}: '{}' is not a valid variable name (use letters, "
                                       "digits and '_', not starting with a digit)",
                                       draft_.label, it.key()));
    } else if (!reason.empty()) {
      reader_.Error(where, fmt::format("{}: '{}' is reserved: {}", draft_.label, it.key(), reason));
    }
  }
  task_.args = std::move(facts);
  reader_.CheckTemplates(value, draft_.label);
}

// `include_vars:` a file or directory name, or its arguments: the files are
// read when the task runs (engine/run/included_vars.h).
void TaskParser::ReadIncludeVars(const YAML::Node& key_node, const YAML::Node& value) {
  if (!AddAction(key_node)) return;
  task_.kind = TaskKind::kIncludeVars;
  task_.module = key_node.Scalar();
  task_.module_location = reader_.At(key_node);
  static const std::vector<std::string> kArgs = {
      "file",           "dir",          "name",       "depth",
      "files_matching", "ignore_files", "extensions", "ignore_unknown_extensions",
      "hash_behaviour", "_raw_params"};
  Value args = Value::object();
  auto read = [&](const YAML::Node& map) {
    for (const auto& kv : map) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(kArgs.begin(), kArgs.end(), key) == kArgs.end()) {
        reader_.Error(kv.first, fmt::format("unknown argument '{}' of 'include_vars'{}", key,
                                            DidYouMeanSuffix(key, kArgs)));
        continue;
      }
      if (key == "hash_behaviour" && !(kv.second.IsScalar() && kv.second.Scalar() == "replace")) {
        reader_.Error(kv.second,
                      "'hash_behaviour' other than 'replace' is not supported (the "
                      "files' keys replace earlier values)");
        continue;
      }
      args[key] = ToValue(kv.second);
      task_.arg_locations[key] = reader_.At(kv.first);
    }
  };
  if (value.IsScalar()) {
    args["_raw_params"] = value.Scalar();
    task_.arg_locations["_raw_params"] = reader_.At(value);
  } else if (value.IsMap()) {
    read(value);
  } else if (!value.IsNull()) {
    reader_.Error(value, fmt::format("{}: 'include_vars' takes a file or directory name, or its "
                                     "arguments, not {}",
                                     draft_.label, DescribeForError(value)));
    return;
  }
  if (args_) {
    read(*args_);
    args_.reset();
  }
  const int sources = args.contains("file") + args.contains("dir") + args.contains("_raw_params");
  if (sources == 0) {
    reader_.Error(key_node,
                  fmt::format("{}: 'include_vars' names no file or directory", draft_.label));
  } else if (sources > 1) {
    reader_.Error(key_node, fmt::format("{}: 'include_vars' takes one of a name, 'file' and "
                                        "'dir'",
                                        draft_.label));
  }
  if (args.contains("name") && args["name"].is_string()) {
    const std::string name = args["name"].get<std::string>();
    if (!IsTemplate(name) && !IsIdentifier(name)) {
      reader_.Error(
          task_.arg_locations["name"],
          fmt::format("{}: 'name' '{}' is not a valid variable name", draft_.label, name));
    }
  }
  task_.args = std::move(args);
  reader_.CheckTemplates(value, draft_.label);
}

// `meta:` steers the run instead of running a module on the host.
void TaskParser::ReadMeta(const YAML::Node& key_node, const YAML::Node& value) {
  if (!AddAction(key_node)) return;
  std::string action;
  if (!reader_.ReadString("meta", value, &action)) return;
  task_.module = "meta";
  task_.module_location = reader_.At(key_node);
  task_.args = Value::object();
  task_.args["action"] = action;
  if (action == "flush_handlers") {
    task_.kind = TaskKind::kFlushHandlers;
  } else if (action == "noop") {
    task_.kind = TaskKind::kNoop;
  } else if (action == "end_host") {
    task_.kind = TaskKind::kEndHost;
  } else if (action == "end_play") {
    task_.kind = TaskKind::kEndPlay;
  } else if (action == "end_batch") {
    task_.kind = TaskKind::kEndBatch;
  } else if (action == "reset_connection") {
    task_.kind = TaskKind::kResetConnection;
  } else if (action == "end_role" || action == "clear_facts" || action == "clear_host_errors" ||
             action == "refresh_inventory") {
    reader_.Error(value, fmt::format("'meta: {}' is not supported yet (supported: "
                                     "flush_handlers, noop, end_host, end_play, end_batch, "
                                     "reset_connection)",
                                     action));
  } else {
    reader_.Error(value, fmt::format("unknown 'meta' action '{}' (one of: flush_handlers, noop, "
                                     "end_play, end_host, end_batch, end_role, "
                                     "reset_connection, clear_facts, clear_host_errors, "
                                     "refresh_inventory)",
                                     action));
  }
}

// `loop`, or one of the `with_` lookups (which also take a mapping, as
// with_dict does, or a string, as with_sequence and with_items do).
void TaskParser::ReadLoop(const std::string& key, const YAML::Node& value) {
  if (task_.loop) {
    reader_.Error(value, fmt::format("{} has two loops ('{}' and '{}'): a task loops once",
                                     draft_.label, loop_key_, key));
    return;
  }
  loop_key_ = key;
  task_.loop_location = reader_.At(value);
  const bool with = key != "loop";
  if (value.IsSequence() || (value.IsScalar() && IsTemplate(value.Scalar())) ||
      (with && (value.IsMap() || value.IsScalar()))) {
    task_.loop = ToValue(value);
    if (with) task_.loop_lookup = key.substr(5);
    reader_.CheckTemplates(value, draft_.label);
    return;
  }
  reader_.Error(value, fmt::format("'{}' must be a list, or a template that gives one "
                                   "(\"{{{{ my_list }}}}\"), not {}",
                                   key, DescribeForError(value)));
}

void TaskParser::ReadLoopControl(const YAML::Node& value) {
  if (!value.IsMap()) {
    reader_.Error(value,
                  fmt::format("'loop_control' must be a mapping, not {}", DescribeForError(value)));
    return;
  }
  for (const auto& kv : value) {
    const std::string key = kv.first.Scalar();
    if (key == "loop_var") {
      ReadLoopVar(key, kv.second, &task_.loop_var);
    } else if (key == "index_var") {
      ReadLoopVar(key, kv.second, &task_.index_var);
    } else if (key == "label") {
      task_.loop_label = ToValue(kv.second);
      reader_.CheckTemplates(kv.second, draft_.label);
    } else if (key == "extended") {
      reader_.ReadBool(key, kv.second, &task_.loop_extended);
    } else if (key == "extended_allitems") {
      bool ignored = true;
      reader_.ReadBool(key, kv.second, &ignored);
    } else {
      reader_.Error(kv.first, fmt::format("'loop_control.{}' is not supported (supported: "
                                          "loop_var, index_var, label, extended)",
                                          key));
    }
  }
}

void TaskParser::ReadLoopVar(const std::string& key, const YAML::Node& value, std::string* out) {
  std::string var;
  if (!reader_.ReadString(key, value, &var)) return;
  std::string reason = var == "item" && key == "loop_var" ? "" : ReservedNameReason(var);
  if (!IsIdentifier(var)) {
    reader_.Error(value, fmt::format("'{}' '{}' is not a valid variable name (use "
                                     "letters, digits and '_', not starting with a digit)",
                                     key, var));
  } else if (!reason.empty()) {
    reader_.Error(value, fmt::format("'{}' '{}' is reserved: {}", key, var, reason));
  } else {
    *out = var;
  }
}

void TaskParser::UnknownKey(const std::string& key, const YAML::Node& key_node) {
  has_action_keyword_ = has_action_keyword_ || IsActionKeyword(key);
  std::string message = UnsupportedTaskKeyword(key);
  if (message.empty()) {
    std::vector<std::string> candidates = TaskKeys();
    for (const std::string& name : modules_.names()) candidates.push_back(name);
    message = fmt::format("unknown key '{}' in {}{}", key, draft_.label,
                          DidYouMeanSuffix(key, candidates));
  }
  reader_.Error(key_node, message);
}

void TaskParser::CheckRegister() {
  const std::string& name = task_.register_as;
  std::string reason = ReservedNameReason(name);
  if (reason.empty() && name == task_.loop_var) reason = "it is this task's loop variable";
  if (!IsIdentifier(name)) {
    reader_.Error(*register_node_,
                  fmt::format("'register' name '{}' is not a valid variable name (use letters, "
                              "digits and '_', not starting with a digit)",
                              name));
  } else if (!reason.empty()) {
    reader_.Error(*register_node_, fmt::format("'register' name '{}' is reserved: {}; choose "
                                               "another name",
                                               name, reason));
  } else {
    return;
  }
  task_.register_as.clear();
}

// The keywords of a task that make no sense on an include: it runs nothing
// on the host, so it neither changes anything nor has a result to keep.
void TaskParser::CheckInclude(const YAML::Node& node) {
  static const char* kRefused[] = {"register", "notify",  "changed_when", "failed_when",
                                   "until",    "retries", "delay",        "after",
                                   "listen",   "id",      "check_mode"};
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    for (const char* key : kRefused) {
      if (kv.first.Scalar() != key) continue;
      reader_.Error(kv.first, fmt::format("{}: '{}' is not supported on '{}' (it runs nothing "
                                          "on the host: put it on the included tasks, or "
                                          "under 'apply')",
                                          draft_.label, key, task_.module));
    }
  }
  if (args_) args_.reset();  // `args: {apply: ...}` belongs to the include
}

// validate_argument_spec checks, as Ansible's does, the variables named as
// its options under `provided_arguments` (ProvidedWithVars), where both
// are written out; a spec or arguments given as one template are checked
// as they render.
void TaskParser::ReadOptionsFromVars() {
  const Value* spec = task_.args.contains("argument_spec") ? &task_.args["argument_spec"] : nullptr;
  if (spec == nullptr || !spec->is_object()) return;
  const Value given = task_.args.value("provided_arguments", Value::object());
  if (!given.is_object()) return;
  task_.args["provided_arguments"] = ProvidedWithVars(*spec, given);
}

void TaskParser::Finish(const YAML::Node& node) {
  // A task whose action is a refused keyword (set_fact, include_tasks...)
  // was reported once, as that.
  if (module_keys_.empty() && !has_action_keyword_) {
    reader_.Error(node, fmt::format("{} has no module (one of: {})", draft_.label,
                                    fmt::join(modules_.names(), ", ")));
  }
  if (task_.kind == TaskKind::kInclude) CheckInclude(node);
  if (args_ && module_keys_.empty()) {
    reader_.Error(*args_, fmt::format("{}: 'args' needs a module to give them to", draft_.label));
  }
  const bool ends = task_.kind == TaskKind::kEndHost || task_.kind == TaskKind::kEndPlay ||
                    task_.kind == TaskKind::kEndBatch || task_.kind == TaskKind::kResetConnection ||
                    task_.kind == TaskKind::kFlushHandlers;
  if (task_.module == "meta" && (task_.loop || !task_.register_as.empty() ||
                                 !task_.notify.empty() || (!ends && !task_.when.empty()))) {
    reader_.Error(node, fmt::format("{}: 'meta' takes no loop, register or notify, and 'when' "
                                    "only on flush_handlers, end_host, end_play, end_batch and "
                                    "reset_connection",
                                    draft_.label));
  }
  for (const std::optional<YAML::Node>& key : {changed_when_key_, failed_when_key_}) {
    // (An include's are refused by CheckInclude.)
    if (key.has_value() && task_.module == "meta") {
      reader_.Error(*key, fmt::format("{}: '{}' is not supported on 'meta' (it has no result "
                                      "to judge)",
                                      draft_.label, key->Scalar()));
    }
  }
  if (!task_.index_var.empty() && task_.index_var == task_.loop_var) {
    reader_.Error(*loop_control_key_, fmt::format("{}: 'index_var' and 'loop_var' are both '{}'",
                                                  draft_.label, task_.loop_var));
  }
  if (loop_control_key_.has_value() && !task_.loop.has_value()) {
    reader_.Error(*loop_control_key_,
                  fmt::format("{}: 'loop_control' needs a 'loop'", draft_.label));
  }
  if (register_node_.has_value()) CheckRegister();
  if (module_kind_ == "validate_argument_spec") ReadOptionsFromVars();
  if (run_once_key_.has_value() && !RunsOnce(task_.kind)) {
    reader_.Error(
        *run_once_key_,
        fmt::format("{}: 'run_once' is supported on modules, set_fact and include_vars, "
                    "not on {}: put it on the tasks that should run once",
                    draft_.label, task_.kind == TaskKind::kInclude ? "include_tasks" : "meta"));
  }
  if (delegate_key_.has_value() && !Delegates(task_.kind)) {
    reader_.Error(
        *delegate_key_,
        fmt::format("{}: 'delegate_to' is supported on modules, set_fact and include_vars, "
                    "not on {}: put it on the tasks that should run elsewhere",
                    draft_.label, task_.kind == TaskKind::kInclude ? "include_tasks" : "meta"));
  }
}

}  // namespace

TaskDraft ParseTask(const YAML::Node& node, size_t index, bool is_handler,
                    const ModuleRegistry& modules, FieldReader* reader) {
  TaskDraft draft;
  draft.spec.is_handler = is_handler;
  draft.spec.index = index;
  draft.spec.location = reader->At(node);
  draft.label = TaskLabel(node, index, is_handler, modules);
  if (!node.IsMap()) {
    reader->Error(node, fmt::format("a {} must be a mapping, not {}",
                                    is_handler ? "handler" : "task", DescribeForError(node)));
    return draft;
  }
  TaskParser parser(modules, reader, &draft);
  parser.FindArgs(node);
  std::set<std::string> seen;  // a duplicate key was reported by the YAML loader
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      reader->Error(kv.first, fmt::format("a key in {} must be a string, not {}", draft.label,
                                          DescribeForError(kv.first)));
      continue;
    }
    if (!seen.insert(kv.first.Scalar()).second) continue;
    parser.ReadKey(kv.first, kv.second);
  }
  parser.Finish(node);
  return draft;
}

}  // namespace hostprep
