// Shared by the filter files (filters*.cc), not part of the template API:
// the shape of a filter entry, the helpers every filter uses for errors and
// argument checks, and the per-theme tables the registry in filters.cc
// gathers. Pure functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_FILTERS_INTERNAL_H_
#define HOSTPREP_ENGINE_TEMPLATE_FILTERS_INTERNAL_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/callable_spec.h"

namespace hostprep::filters_internal {

using Args = std::vector<Value>;
using FilterFn = Result<Value> (*)(const Value&, const Args&);

struct FilterEntry {
  CallableSpec spec;
  FilterFn fn;
  std::vector<std::string> aliases;
};

// A parameter's default that no user writes: tells "not given" apart from
// an explicit none (map('replace', 'a', none) against map('lower')).
const Value& Unset();
bool IsUnset(const Value& v);

CallableParam Opt(std::string name, Value def);
CallableParam Req(std::string name);

// "name: what".
Status FilterError(std::string_view filter, const std::string& what);
// "name: expected EXPECTED, got TYPE".
Status WrongType(std::string_view filter, std::string_view expected, const Value& got);

// The items a Jinja filter iterates over: list items, string characters,
// mapping keys.
Result<Value> Iterable(std::string_view filter, const Value& in);

// Jinja's environment.getitem on one key: mapping key, list index (also an
// index written as digits in a dotted path). Null when there is none.
const Value* GetItem(const Value& v, const Value& key);
// Jinja's make_attrgetter: "a.b.0" walks mappings and lists. Null when a
// step is missing.
const Value* GetAttribute(const Value& v, std::string_view dotted);

// An integer argument, as Python would accept it (int or bool).
Result<long long> IntArg(std::string_view filter, std::string_view what, const Value& v);

// A Python-ish integer from text ("0x1f", " 12 ", "1_000"); false when it
// is not one.
bool ParseInteger(std::string s, int base, long long* out);
// Python's float(text).
bool ParseFloat(const std::string& text, double* out);

// Python's str(): None, True, False, numbers and containers as repr, text
// as it is. (ToText differs for none, which Ansible prints as "".)
std::string PyStr(const Value& v);

// Python's round(x): half to even.
double PyRoundHalfEven(double x);

// Python's str() of a float (repr): "1.0", "1e+16", "inf", "nan".
std::string PyFloat(double d);

// Python's lower()/upper() for ASCII letters and the common Latin-1 and
// Latin Extended-A ones; other characters as they are.
std::string PyLower(std::string_view s);
std::string PyUpper(std::string_view s);

// Runs `fn` on a thread with a stack large enough for std::regex's
// recursive matcher on long inputs (only when `size` asks for it).
Status RunWithLargeStack(size_t size, const std::function<Status()>& fn);

// The per-theme tables.
void AddCoreFilters(std::vector<FilterEntry>* out);         // filters.cc
void AddTextFilters(std::vector<FilterEntry>* out);         // filters_text.cc
void AddFormatFilters(std::vector<FilterEntry>* out);       // filters_format.cc
void AddCollectionFilters(std::vector<FilterEntry>* out);   // filters_collections.cc
void AddHigherOrderFilters(std::vector<FilterEntry>* out);  // filters_higher_order.cc
void AddSetFilters(std::vector<FilterEntry>* out);          // filters_sets.cc
void AddDataFilters(std::vector<FilterEntry>* out);         // filters_data.cc
void AddYamlFilters(std::vector<FilterEntry>* out);         // filters_yaml.cc
void AddHashFilters(std::vector<FilterEntry>* out);         // filters_hash.cc
void AddRandomFilters(std::vector<FilterEntry>* out);       // filters_random.cc
void AddRegexFilters(std::vector<FilterEntry>* out);        // filters_regex.cc
void AddPathFilters(std::vector<FilterEntry>* out);         // filters_path.cc

}  // namespace hostprep::filters_internal

#endif  // HOSTPREP_ENGINE_TEMPLATE_FILTERS_INTERNAL_H_
