// The vocabulary of the playbook language: the keys a play and a task may
// have, the names a task may not `register`, and what to tell a user who
// brings an Ansible keyword that hostprep does not support.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_KEYWORDS_H_
#define HOSTPREP_ENGINE_PLAYBOOK_KEYWORDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/value.h"

namespace hostprep {

const std::vector<std::string>& PlayKeys();
const std::vector<std::string>& TaskKeys();

// The message for an Ansible play or task keyword that hostprep refuses
// ("'with_items' is not supported: use 'loop'"), or "" when `key` is not one.
std::string UnsupportedPlayKeyword(const std::string& key);
std::string UnsupportedTaskKeyword(const std::string& key);

// True for an Ansible task keyword that is what the task does, in place of
// a module (block, include_tasks, set_fact, meta...): a task with one has no
// module to name.
bool IsActionKeyword(const std::string& key);

// True for a name a template can refer to: [A-Za-z_][A-Za-z0-9_]*.
// The `with_<lookup>` loops hostprep runs (engine/run/loop_items.h shapes
// their items as Ansible's lookup plugins do).
const std::vector<std::string>& LoopLookups();
bool IsLoopLookup(const std::string& lookup);

bool IsIdentifier(std::string_view name);

// One `serial` batch size written as text (blanks around allowed): a host
// count (an int, up to 8 digits) or a percentage "N%" with N from 1 to 100
// (kept as that text, for the scheduler to apply to the play's hosts).
// nullopt when it is neither; `bad_percent` (optional) tells a percentage
// out of range from anything else.
std::optional<Value> SerialBatchSize(std::string_view text, bool* bad_percent = nullptr);

// A `strategy` (play keyword, ansible.cfg, --strategy) as hostprep names
// it: "linear" or "free", from those or their ansible.builtin. names
// (blanks around allowed); nullopt for any other.
std::optional<std::string> StrategyName(std::string_view text);

// Why `name` cannot be a task's `register` (a variable the engine sets, or a
// word of the expression language), or "" when it can.
std::string ReservedNameReason(const std::string& name);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_KEYWORDS_H_
