// The two lexical pieces of Ansible's INI inventory format, as its ini plugin
// applies them: host lines are split like Python's shlex.split(line,
// comments=True) (POSIX quoting; an unquoted '#' starts a comment, even
// inside a word), and every value, on a host line or in a [group:vars]
// section, goes through ast.literal_eval and stays a string when that fails.
// Pure functions.
#ifndef HOSTPREP_ENGINE_INVENTORY_INI_VALUE_H_
#define HOSTPREP_ENGINE_INVENTORY_INI_VALUE_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

struct ShellWord {
  std::string text;  // quotes removed, escapes applied
  int column = 0;    // 0-based offset of the word's first character in the line
};

// Splits `line` into words. Errors: "no closing quotation",
// "no escaped character" (a trailing backslash).
Result<std::vector<ShellWord>> ShlexSplit(std::string_view line);

// Python literal typing of an INI value: 22 -> 22, 0x1F -> 31, 1.5 -> 1.5,
// True/False -> booleans, None -> null, 'a b' -> "a b" (quotes removed),
// [1, 'x'] -> a list, {'k': 1} -> a mapping, (1, 2) -> a list. Anything
// literal_eval would reject (true, yes, 0644, 1+2, a bare word) is returned
// as the unchanged string. A trailing "# comment" after a literal is ignored,
// as Python's parser ignores it.
Value ParsePythonLiteral(std::string_view text);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_INI_VALUE_H_
