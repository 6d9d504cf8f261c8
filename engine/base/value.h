// The one value type for variables, facts, module arguments and results:
// JSON's data model (null, bool, number, string, array, object), with objects
// keeping their insertion order so output follows the user's files.
#ifndef HOSTPREP_ENGINE_BASE_VALUE_H_
#define HOSTPREP_ENGINE_BASE_VALUE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hostprep {

using Value = nlohmann::ordered_json;

// A short type name for messages: "string", "integer", "list", "mapping", ...
std::string TypeName(const Value& v);

// Ansible-like truthiness: false, 0, "", [], {}, null, and the strings
// "false"/"no"/"off"/"0" (any case) are false.
bool Truthy(const Value& v);

// Ansible's boolean() (module_utils.parsing.convert_bool): true for true,
// 1 and the strings y, yes, on, 1, true, t (any case, blanks around);
// false for their opposites; nullopt for anything else.
std::optional<bool> AnsibleBoolean(const Value& v);

// Renders a value as text the way a template would (Python's str() with
// Ansible's finalize): strings as they are, null as "", numbers and bools in
// Python spelling (True/False), lists and mappings as PyRepr.
std::string ToText(const Value& v);

// Python's repr(): strings quoted and escaped as Python does ('a', "it's",
// 'a\nb'), None, True, False, numbers, and lists and mappings as Python
// prints them (['a', 1], {'k': None}). What Jinja shows for a list or a
// mapping inside text.
std::string PyRepr(const Value& v);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_VALUE_H_
