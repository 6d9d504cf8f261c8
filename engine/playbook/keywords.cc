#include "engine/playbook/keywords.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

#include "engine/base/text.h"

namespace hostprep {

const std::vector<std::string>& PlayKeys() {
  static const std::vector<std::string> kKeys = {"name",
                                                 "hosts",
                                                 "connection",
                                                 "become",
                                                 "become_user",
                                                 "become_method",
                                                 "become_flags",
                                                 "remote_user",
                                                 "port",
                                                 "gather_facts",
                                                 "gather_subset",
                                                 "strategy",
                                                 "serial",
                                                 "max_fail_percentage",
                                                 "any_errors_fatal",
                                                 "ignore_unreachable",
                                                 "order",
                                                 "tags",
                                                 "environment",
                                                 "vars",
                                                 "vars_files",
                                                 "pre_tasks",
                                                 "roles",
                                                 "tasks",
                                                 "post_tasks",
                                                 "handlers"};
  return kKeys;
}

const std::vector<std::string>& TaskKeys() {
  static const std::vector<std::string> kKeys = {"name",
                                                 "id",
                                                 "after",
                                                 "when",
                                                 "loop",
                                                 "loop_control",
                                                 "register",
                                                 "notify",
                                                 "become",
                                                 "become_user",
                                                 "tags",
                                                 "no_log",
                                                 "ignore_errors",
                                                 "retries",
                                                 "delay",
                                                 "changed_when",
                                                 "failed_when",
                                                 "vars",
                                                 "check_mode",
                                                 "meta",
                                                 "args",
                                                 "listen",
                                                 "until",
                                                 "environment",
                                                 "become_method",
                                                 "run_once",
                                                 "delegate_to",
                                                 "delegate_facts",
                                                 "ignore_unreachable",
                                                 "become_flags"};
  return kKeys;
}

namespace {

// Keywords shared by plays and tasks in Ansible that hostprep has no
// equivalent for, with the nearest thing it does have.
const std::map<std::string, std::string>& CommonKeywords() {
  static const std::map<std::string, std::string> kMessages = {
      {"diff", "'diff' is not supported here: use 'hostprep run --diff'"},
      {"module_defaults", "'module_defaults' is not supported: give the arguments in each task"},
      {"collections",
       "'collections' is not supported: hostprep's modules are built in (see 'hostprep "
       "modules')"},
      {"throttle", "'throttle' is not supported"},
      {"debugger", "'debugger' is not supported"},
      {"timeout", "'timeout' is not supported yet"},
  };
  return kMessages;
}

std::string TableValue(const std::map<std::string, std::string>& table, const std::string& key) {
  auto it = table.find(key);
  if (it != table.end()) return it->second;
  it = CommonKeywords().find(key);
  return it == CommonKeywords().end() ? "" : it->second;
}

}  // namespace

std::string UnsupportedPlayKeyword(const std::string& key) {
  static const std::map<std::string, std::string> kMessages = {
      {"vars_prompt", "'vars_prompt' is not supported: pass values with '-e'"},
      {"gather_timeout", "'gather_timeout' is not supported"},
      {"fact_path", "'fact_path' is not supported"},
      {"force_handlers", "'force_handlers' is not supported"},
      {"hosts_file", "'hosts_file' is not supported"},
      {"check_mode",
       "'check_mode' is supported on tasks, not plays: use 'hostprep run --check' for a play"},
  };
  return TableValue(kMessages, key);
}

bool IsActionKeyword(const std::string& key) {
  static const std::set<std::string> kActions = {
      "block",        "rescue",      "always",       "include_tasks", "import_tasks", "include",
      "include_role", "import_role", "include_vars", "action",        "local_action"};
  return kActions.count(key) > 0;
}

std::string UnsupportedTaskKeyword(const std::string& key) {
  static const std::map<std::string, std::string> kMessages = {
      {"rescue", "'rescue' belongs to a block: write it beside 'block:', in the same mapping"},
      {"always", "'always' belongs to a block: write it beside 'block:', in the same mapping"},
      {"import_tasks", "'import_tasks' is not supported yet: put the tasks in the play"},
      {"include",
       "'include' is not supported (Ansible deprecated it): use 'include_tasks' or "
       "'import_tasks'"},
      {"remote_user",
       "'remote_user' is supported on a play, not here: set it on the play, or 'ansible_user' "
       "in the inventory"},
      {"port",
       "'port' is supported on a play, not here: set it on the play, or 'ansible_port' in the "
       "inventory"},
      {"local_action",
       "'local_action' is not supported: write the module as the key with "
       "'delegate_to: localhost'"},
      {"action", "'action' is not supported: write the module name as the key"},
      {"async", "'async' is not supported"},
      {"poll", "'poll' is not supported"},
      {"loop_with", "'loop_with' is not supported: use 'loop'"},
      {"any_errors_fatal", "'any_errors_fatal' is not supported on a task: set it on the play"},
      {"connection", "'connection' is not supported on a task: set it on the play"},
      {"hosts", "'hosts' belongs to a play, not a task: is this task indented too far?"},
      {"tasks", "'tasks' belongs to a play, not a task: is this list indented too far?"},
  };
  if (StartsWith(key, "with_")) {
    std::string supported;
    for (const std::string& l : LoopLookups())
      supported += (supported.empty() ? "with_" : ", with_") + l;
    return "'" + key + "' is not supported (supported: " + supported + ", and loop)";
  }
  return TableValue(kMessages, key);
}

const std::vector<std::string>& LoopLookups() {
  static const std::vector<std::string> kLookups = {
      "items",     "list",      "dict",     "indexed_items", "together",    "nested",
      "cartesian", "flattened", "sequence", "subelements",   "first_found", "fileglob"};
  return kLookups;
}

bool IsLoopLookup(const std::string& lookup) {
  const std::vector<std::string>& all = LoopLookups();
  return std::find(all.begin(), all.end(), lookup) != all.end();
}

std::optional<Value> SerialBatchSize(std::string_view text, bool* bad_percent) {
  static const std::regex kPercent("^([0-9]+)%$");
  static const std::regex kCount("^[0-9]+$");
  const std::string t = Trim(text);
  if (bad_percent != nullptr) *bad_percent = false;
  std::smatch m;
  if (std::regex_match(t, m, kPercent)) {
    const int percent = m[1].length() > 3 ? 1000 : std::stoi(m[1].str());
    if (percent >= 1 && percent <= 100) return Value(std::to_string(percent) + "%");
    if (bad_percent != nullptr) *bad_percent = true;
    return std::nullopt;
  }
  if (std::regex_match(t, kCount) && t.size() < 9) return Value(std::stoi(t));
  return std::nullopt;
}

std::optional<std::string> StrategyName(std::string_view text) {
  std::string t = Trim(text);
  if (t.rfind("ansible.builtin.", 0) == 0) t = t.substr(std::string("ansible.builtin.").size());
  if (t == "linear" || t == "free") return t;
  return std::nullopt;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

std::string ReservedNameReason(const std::string& name) {
  static const std::map<std::string, std::string> kReasons = {
      {"item", "it is the default loop variable"},
      {"ansible_loop", "it is set by hostprep in a loop with loop_control.extended"},
      {"ansible_loop_var", "it is set by hostprep in a loop"},
      {"ansible_index_var", "it is set by hostprep in a loop"},
      {"inventory_hostname", "it is set by hostprep for every host"},
      {"inventory_hostname_short", "it is set by hostprep for every host"},
      {"groups", "it is set by hostprep for every host"},
      {"group_names", "it is set by hostprep for every host"},
      {"hostvars", "it is set by hostprep for every host"},
      {"play_hosts", "it is set by hostprep for every host"},
      {"ansible_play_hosts", "it is set by hostprep for every host"},
      {"ansible_facts", "it holds the gathered facts"},
      {"playbook_dir", "it is set by hostprep"},
      {"inventory_dir", "it is set by hostprep"},
      {"ansible_check_mode", "it is set by hostprep"},
      {"ansible_diff_mode", "it is set by hostprep"},
      {"ansible_run_tags", "it is set by hostprep from --tags"},
      {"ansible_skip_tags", "it is set by hostprep from --skip-tags"},
      {"ansible_limit", "it is set by hostprep from --limit"},
      {"ansible_version", "it is set by hostprep"},
      {"omit", "it is set by hostprep"},
      {"vars", "it is set by hostprep"},
  };
  static const std::vector<std::string> kWords = {"and",  "or",    "not",  "in",   "is",
                                                  "true", "false", "none", "True", "False",
                                                  "None", "if",    "else"};
  auto it = kReasons.find(name);
  if (it != kReasons.end()) return it->second;
  for (const std::string& word : kWords) {
    if (word == name) return "it is a word of the expression language";
  }
  return "";
}

}  // namespace hostprep
