// Python `re` patterns for the regex filters and tests, run on std::wregex
// (ECMAScript) over the text's code points. A pattern is translated from
// Python's syntax: (?P<name>...), (?P=name), inline flags (?imsx) at the
// start, \A and \Z, '.' that stops at '\n' only, '$' that also matches
// before a final newline, literal '{' and '}', {,n}. Python constructs with
// no ECMAScript equivalent (lookbehind, scoped flags, possessive
// quantifiers, conditionals) are refused with an error naming them.
// Character classes (\w, \d, \s) and ignorecase are ASCII only. Pure
// functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_FILTERS_REGEX_H_
#define HOSTPREP_ENGINE_TEMPLATE_FILTERS_REGEX_H_

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"

namespace hostprep {

class PyRegex {
 public:
  // One match: the text of each group (group 0 is the whole match),
  // nullopt for a group that did not take part, and where it ended.
  struct Match {
    std::vector<std::optional<std::string>> groups;
    size_t begin = 0;  // code point offsets in the subject
    size_t end = 0;
    // Each group's [start, end) in code points, as match.span(g); {npos,
    // npos} for a group that did not take part.
    std::vector<std::pair<size_t, size_t>> spans;
  };
  enum class Mode { kSearch, kMatch, kFullMatch };

  // Errors: "bad pattern 'a(': missing )", "lookbehind (?<=...) is not
  // supported".
  static Result<PyRegex> Compile(std::string_view pattern, bool ignorecase, bool multiline);

  // The first match (re.search / re.match / re.fullmatch), or nullopt.
  Result<std::optional<Match>> Find(std::string_view subject, Mode mode) const;
  // Every non-overlapping match, as re.finditer; at most `limit` (0: all).
  Result<std::vector<Match>> FindAll(std::string_view subject, size_t limit = 0) const;
  // re.sub(template, subject, count): \1, \g<1>, \g<name>, \n escapes.
  Result<std::string> Substitute(std::string_view subject, std::string_view templ,
                                 size_t count) const;

  // match.expand(template): the template with \1, \g<name>... taken from
  // `m`, a match of this pattern.
  Result<std::string> Expand(const Match& m, std::string_view templ) const;

  size_t group_count() const { return groups_; }
  // The group number of a named group, or -1.
  int GroupIndex(const std::string& name) const;

 private:
  std::shared_ptr<const std::wregex> re_;
  std::map<std::string, int> names_;
  size_t groups_ = 0;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_FILTERS_REGEX_H_
