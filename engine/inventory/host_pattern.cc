// Inventory::Match: Ansible's host patterns (InventoryManager's
// split_host_pattern, order_patterns, _match_one_pattern).
#include "engine/inventory/host_pattern.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <set>

#include "engine/base/text.h"
#include "engine/inventory/inventory.h"
#include "engine/inventory/inventory_walk.h"

namespace hostprep {

namespace {

// Matches one bracket class starting at pattern[p] == '['. Sets *end past the
// ']' and returns whether `c` is in the class; returns nullopt when the class
// is unclosed (then '[' is an ordinary character).
std::optional<bool> MatchClass(std::string_view pattern, size_t p, char c, size_t* end) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && pattern[i] == '!';
  if (negate) ++i;
  size_t first = i;
  bool found = false;
  while (i < pattern.size() && (pattern[i] != ']' || i == first)) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      found = found || (pattern[i] <= c && c <= pattern[i + 2]);
      i += 3;
    } else {
      found = found || pattern[i] == c;
      ++i;
    }
  }
  if (i >= pattern.size()) return std::nullopt;
  *end = i + 1;
  return found != negate;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0;
  size_t star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_n = n;
        continue;
      }
      if (pc == '?') {
        ++p, ++n;
        continue;
      }
      if (pc == '[') {
        size_t end = 0;
        std::optional<bool> in = MatchClass(pattern, p, name[n], &end);
        if (!in.has_value() && name[n] == '[') {
          ++p, ++n;
          continue;
        }
        if (in.value_or(false)) {
          p = end, ++n;
          continue;
        }
      } else if (pc == name[n]) {
        ++p, ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> SplitHostPattern(std::string_view pattern,
                                          const std::vector<std::string>& keep_whole) {
  std::vector<std::string> out;
  for (const std::string& piece : Split(pattern, ',')) {
    std::string trimmed = Trim(piece);
    if (std::find(keep_whole.begin(), keep_whole.end(), trimmed) != keep_whole.end()) {
      out.push_back(trimmed);
      continue;
    }
    int depth = 0;
    std::string term;
    for (char c : trimmed) {
      if (c == '[') ++depth;
      if (c == ']' && depth > 0) --depth;
      if (c == ':' && depth == 0) {
        if (!Trim(term).empty()) out.push_back(Trim(term));
        term.clear();
      } else {
        term += c;
      }
    }
    if (!Trim(term).empty()) out.push_back(Trim(term));
  }
  return out;
}

namespace {

struct Subscript {
  int start = 0;
  std::optional<int> end;  // inclusive; nullopt = a single index
  bool slice = false;
};

// "web[1:3]" -> ("web", 1..3); "web[-1]" -> ("web", -1). Regexes are never
// subscripted.
std::string SplitSubscript(const std::string& term, std::optional<Subscript>* sub) {
  static const std::regex kSub(R"(^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]+)?)\]$)");
  std::smatch m;
  if (term[0] == '~' || !std::regex_match(term, m, kSub)) return term;
  // An index past any inventory (more digits than an int holds) matches
  // nothing, as an index past the group's end does; it is not a crash.
  auto index = [](const std::string& digits) {
    const bool negative = !digits.empty() && digits[0] == '-';
    if (digits.size() - (negative ? 1 : 0) > 9) {
      return negative ? std::numeric_limits<int>::min() / 2 : std::numeric_limits<int>::max() / 2;
    }
    return std::stoi(digits);
  };
  Subscript s;
  if (m[2].matched) {
    s.start = index(m[2]);
  } else {
    s.slice = true;
    s.start = index(m[3]);
    if (m[5].matched) s.end = index(m[5]);
  }
  *sub = s;
  return m[1];
}

class PatternMatcher {
 public:
  // With `unmatched`, a plain name that is no group or host is noted there
  // and matches nothing instead of being an error.
  PatternMatcher(const Inventory& inv, std::vector<std::string>* unmatched)
      : inv_(inv), unmatched_(unmatched) {}

  // The hosts one term (without its & or ! prefix) names, in the order of
  // the groups' host lists.
  Result<std::vector<std::string>> MatchTerm(const std::string& term) const {
    std::optional<Subscript> sub;
    std::string expr = SplitSubscript(term, &sub);
    Result<std::vector<std::string>> hosts = Enumerate(expr);
    if (!hosts.ok() || !sub) return hosts;
    return ApplySubscript(term, *hosts, *sub);
  }

 private:
  Result<std::vector<std::string>> Enumerate(const std::string& expr) const {
    std::function<bool(const std::string&)> matches;
    bool is_regex = expr[0] == '~';
    bool is_glob = expr.find_first_of("*?[") != std::string::npos;
    if (is_regex) {
      std::shared_ptr<std::regex> re;
      try {
        re = std::make_shared<std::regex>(expr.substr(1));
      } catch (const std::regex_error& e) {
        return Status::Error(
            fmt::format("invalid regular expression in host pattern '{}': {}", expr, e.what()));
      }
      // Python's re.match: anchored at the start only.
      matches = [re](const std::string& s) {
        return std::regex_search(s, *re, std::regex_constants::match_continuous);
      };
    } else if (is_glob) {
      matches = [&expr](const std::string& s) { return GlobMatch(expr, s); };
    } else {
      matches = [&expr](const std::string& s) { return s == expr; };
    }
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto add = [&](const std::string& h) {
      if (seen.insert(h).second) out.push_back(h);
    };
    bool any_group = false;
    for (const std::string& g : inv_.group_names()) {
      if (!matches(g)) continue;
      any_group = true;
      for (const std::string& h : GroupHostList(inv_, g)) add(h);
    }
    if (!any_group || is_regex || is_glob) {
      for (const std::string& h : inv_.host_names()) {
        if (matches(h)) add(h);
      }
    }
    if (!any_group && out.empty() && !is_regex && !is_glob) {
      std::vector<std::string> names = inv_.group_names();
      names.insert(names.end(), inv_.host_names().begin(), inv_.host_names().end());
      std::string message = fmt::format("no hosts matched '{}'{}: no group or host has that name",
                                        expr, DidYouMeanSuffix(expr, names));
      if (unmatched_ == nullptr) return Status::Error(message);
      unmatched_->push_back(std::move(message));
    }
    return out;
  }

  static Result<std::vector<std::string>> ApplySubscript(const std::string& term,
                                                         const std::vector<std::string>& hosts,
                                                         const Subscript& s) {
    int n = static_cast<int>(hosts.size());
    if (!s.slice) {
      int i = s.start < 0 ? s.start + n : s.start;
      if (i < 0 || i >= n) {
        return Status::Error(fmt::format(
            "no hosts matched the subscripted pattern '{}': it has {} host{} (index 0 to {})", term,
            n, n == 1 ? "" : "s", n - 1));
      }
      return std::vector<std::string>{hosts[i]};
    }
    int end = s.end.value_or(n - 1);
    std::vector<std::string> out;
    for (int i = s.start; i <= end && i < n; ++i) out.push_back(hosts[i]);
    return out;
  }

  const Inventory& inv_;
  std::vector<std::string>* unmatched_;
};

}  // namespace

Result<std::vector<std::string>> Inventory::Match(const std::string& pattern,
                                                  std::vector<std::string>* unmatched) const {
  std::vector<std::string> with_colon;
  for (const std::string& h : host_order_) {
    if (h.find(':') != std::string::npos) with_colon.push_back(h);
  }
  std::vector<std::string> terms = SplitHostPattern(pattern, with_colon);
  if (terms.empty()) return Status::Error(fmt::format("empty host pattern '{}'", pattern));
  std::vector<std::string> regular, intersect, exclude;
  for (const std::string& t : terms) {
    if (t[0] == '&' || t[0] == '!') {
      if (Trim(t.substr(1)).empty()) {
        return Status::Error(
            fmt::format("host pattern '{}' has '{}' with no name after it", pattern, t[0]));
      }
      (t[0] == '&' ? intersect : exclude).push_back(Trim(t.substr(1)));
    } else {
      regular.push_back(t);
    }
  }
  // Ansible: only intersections/exclusions means they apply to all.
  if (regular.empty()) regular.push_back("all");
  PatternMatcher matcher(*this, unmatched);
  std::set<std::string> selected;
  for (const std::string& t : regular) {
    Result<std::vector<std::string>> hosts = matcher.MatchTerm(t);
    if (!hosts.ok()) return hosts.status();
    selected.insert(hosts->begin(), hosts->end());
  }
  for (const std::string& t : intersect) {
    Result<std::vector<std::string>> hosts = matcher.MatchTerm(t);
    if (!hosts.ok()) return hosts.status();
    std::set<std::string> keep(hosts->begin(), hosts->end());
    std::erase_if(selected, [&](const std::string& h) { return keep.count(h) == 0; });
  }
  for (const std::string& t : exclude) {
    Result<std::vector<std::string>> hosts = matcher.MatchTerm(t);
    if (!hosts.ok()) return hosts.status();
    for (const std::string& h : *hosts) selected.erase(h);
  }
  std::vector<std::string> out;
  for (const std::string& h : host_order_) {
    if (selected.count(h)) out.push_back(h);
  }
  return out;
}

}  // namespace hostprep
