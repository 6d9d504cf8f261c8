// Python semantics on Values, shared by the evaluator, filters and tests:
// truthiness, equality, ordering, and UTF-8 aware string length and
// characters. Pure functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_VALUE_OPS_H_
#define HOSTPREP_ENGINE_TEMPLATE_VALUE_OPS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

// Python's truthiness, used inside expressions (`and`, `or`, `not`, `if`):
// unlike Truthy() in value.h, the string "false" is true here, as in Jinja.
bool PyTruthy(const Value& v);

// Python's name for the value's type: NoneType, bool, int, float, str,
// list, dict (type_debug, and messages that name a type as Ansible does).
std::string PyTypeName(const Value& v);

// Booleans take part in arithmetic and comparison as 0 and 1, as in Python.
bool IsNumeric(const Value& v);
bool IsIntegral(const Value& v);  // integer or boolean
double AsDouble(const Value& v);
long long AsInteger(const Value& v);

// Python ==: numbers compare by value across int, float and bool; lists and
// mappings compare element by element.
bool ValuesEqual(const Value& a, const Value& b);

// Python ordering: numbers numerically, strings by code point, lists
// element by element. Returns <0, 0, >0, or an error naming `op` and both
// types: "'<' is not supported between string and integer".
Result<int> CompareValues(const Value& a, const Value& b, std::string_view op);

// Python's binary operators + - * / // % ** and Jinja's ~ (text
// concatenation). + also joins strings and lists; * repeats them. Errors:
// "unsupported operand types for +: string and integer", "division by zero",
// "integer overflow in '*'".
Result<Value> Arithmetic(std::string_view op, const Value& a, const Value& b);

// Python's `needle in haystack`: list membership, substring, mapping key.
Result<bool> Contains(const Value& haystack, const Value& needle);

// The characters (UTF-8 code points) of a string; invalid bytes count as one
// character each.
std::vector<std::string> Utf8Chars(std::string_view s);
size_t Utf8Length(std::string_view s);

// Python's json.dumps(v) with its defaults: one line, ", " and ": "
// between items, keys in their order, non-ASCII escaped as \uXXXX (what
// Ansible's copy writes for a mapping or list given as content). Errors:
// values nested too deep.
Result<std::string> PyJsonDumps(const Value& v);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_VALUE_OPS_H_
