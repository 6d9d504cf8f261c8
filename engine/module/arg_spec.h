// A module's argument spec: the one source of truth for validating a task's
// arguments and for `hostprep doc MODULE`.
#ifndef HOSTPREP_ENGINE_MODULE_ARG_SPEC_H_
#define HOSTPREP_ENGINE_MODULE_ARG_SPEC_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

enum class ArgType {
  kString,  // a scalar, kept as text (numbers are converted to text)
  kInt,     // an integer, or a string of digits
  kBool,    // true/false/yes/no/on/off/1/0
  kList,    // a list of strings; a single string is a one-element list,
            // and "a,b" is NOT split (unlike Ansible)
  kMap,     // a mapping (values unchecked)
  kMode,    // file mode: "0644", "644", "u=rw,g=r,o=r" or a YAML octal int
  kRaw,     // anything
};

struct ArgDef {
  std::string name;
  ArgType type = ArgType::kString;
  bool required = false;
  Value default_value;               // null = no default
  std::vector<std::string> choices;  // allowed values (compared as text)
  std::vector<std::string> aliases;
  std::string description;  // one or two sentences for `hostprep doc`
  // A value the run must never show (Ansible's no_log on an argument): the
  // engine hides it in every output once the task's arguments are rendered.
  bool secret = false;
  // An expression or condition (debug's var, assert's that): the engine
  // hands it to the module as written, unrendered, and the module asks for
  // its value with a Read::Evaluate or Read::Condition.
  bool expression = false;
};

struct ArgSpec {
  std::string name;         // module key in a task: "file", "command"
  // Ansible's fully qualified names for the same module, which tasks may
  // write instead of `name` ("ansible.builtin.command"): only where this
  // module takes Ansible's arguments and gives Ansible's results.
  std::vector<std::string> ansible_names;
  std::string summary;      // one line for `hostprep modules`
  std::string description;  // paragraphs for `hostprep doc`
  std::vector<ArgDef> args;
  // When set, a task may give a plain string instead of a mapping
  // (`command: ls -l`), which becomes {free_form_arg: "..."}.
  std::string free_form_arg;
  // Words `key=value` of the free form that are arguments, not part of it,
  // as Ansible reads them (`command: kubeadm init creates=/etc/kubernetes/admin.conf`).
  // Only these keys: a word such as `--opt=x` stays in the command.
  std::vector<std::string> free_form_keys;
  std::vector<std::vector<std::string>> mutually_exclusive;
  std::vector<std::vector<std::string>> required_one_of;
  std::string examples;  // YAML tasks shown by `hostprep doc`
  std::string notes;     // differences from Ansible, check/diff behaviour

  const ArgDef* Find(const std::string& name) const;  // by name or alias
};

// True for a string value that still holds a "{{" template: its type can
// only be checked once the engine has rendered it for a host.
bool IsPendingTemplate(const Value& v);

struct ArgError {
  // Where in the arguments: "" = the argument mapping itself, "mode", "values".
  std::string key;
  std::string message;  // "unknown argument 'mdoe' (did you mean 'mode'?)"
};

// Splits a free-form string into the free form and its `key=value` words
// for `keys`: words are separated by blanks outside quotes and outside
// `{{ }}` / `{% %}`; a value in matching quotes loses them. The free form
// keeps its text as written, less those words. Returns {free_form_arg: ...,
// key: value...}.
Value SplitFreeForm(const std::string& text, const std::string& free_form_arg,
                    const std::vector<std::string>& keys);

// Ansible's key=value arguments (`path=/etc/app state=directory`) as a
// mapping of strings; an error names the first word that is not key=value.
Result<Value> ParseKeyValues(const std::string& text);

// The arguments as a mapping: as given, or a free form split into its
// free-form argument and key=value words, or key=value words; an error
// (added to `errors`) gives an empty mapping.
Value ArgsMapping(const ArgSpec& spec, const Value& args, std::vector<ArgError>* errors);

// Checks `args` against `spec` and returns them normalised: aliases renamed
// to the canonical name, a free-form string wrapped, defaults filled in,
// values converted to their declared type (kList always a list, kBool a bool,
// kInt an integer, kMode an integer of permission bits).
//
// When `templates_pending` is true (validation before any host is known), a
// value that is a template string is accepted for any type and left as it
// is; the engine calls this again on the rendered arguments of each host
// with templates_pending = false. Errors are appended; never throws.
Value NormalizeArgs(const ArgSpec& spec, const Value& args, bool templates_pending,
                    std::vector<ArgError>* errors);

// Parses a file mode as ArgType::kMode accepts it; false with a message when
// it is not one. An integer is taken as the permission bits (YAML reads an
// unquoted 0644 as 420, as Ansible does). An integer of 512 or more whose
// decimal digits are all octal digits (644, 755, 1777) is refused with a
// message asking to quote it: it is almost always an octal mode written
// without its leading zero, which would set the sticky or setuid bits.
bool ParseMode(const Value& v, unsigned* mode, std::string* error);

// Formats a mode as Ansible prints it: "0644".
std::string FormatMode(unsigned mode);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_MODULE_ARG_SPEC_H_
