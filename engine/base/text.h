// Small string helpers shared by the parsers and the output.
#ifndef HOSTPREP_ENGINE_BASE_TEXT_H_
#define HOSTPREP_ENGINE_BASE_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hostprep {

std::string Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
bool HasSubstring(std::string_view s, std::string_view part);
std::string ToLower(std::string_view s);

// Python's str.splitlines(): \n, \r\n, \r, \v, \f, \x1c-\x1e, U+0085,
// U+2028 and U+2029 end lines; no empty last line.
std::vector<std::string> PySplitLines(std::string_view s);

// Python's str.strip() (ASCII blanks) and str.split() (on runs of blanks).
std::string PyStrip(std::string_view s);
std::vector<std::string> PySplit(std::string_view s);

// A script's answer cut at its "@@ NAME [REST]" lines: NAME -> the lines up
// to the next such line, with REST (when given) as the first. Lines before
// the first marker are dropped.
std::map<std::string, std::vector<std::string>> SplitSections(std::string_view out);

// The candidate closest to `word` by edit distance, or "" when none is close
// enough to be a likely typo (distance <= max(1, len/3)).
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" : ready to append to a message.
std::string DidYouMeanSuffix(std::string_view word, const std::vector<std::string>& candidates);

// Quotes a string for a POSIX shell: 'it'\''s'. The result is always one word,
// whatever the input holds, so variable values never become shell code.
std::string ShellQuote(std::string_view s);

// `s` in single quotes when it prints as it is ('br_netfilter'), else as
// Escaped gives it ("a\nb"): for messages that name a value that came from
// input, so that a value cannot add lines or escape sequences to them.
std::string Quoted(std::string_view s);

// `s` in double quotes with C escapes (\n, \t, \x1b, \\, \") for what a
// terminal would not show as it is: for messages that name a value.
std::string Escaped(std::string_view s);

// `s` escaped for XML 1.0 text and attributes (& < > " '), without the
// control characters XML 1.0 cannot carry (all but tab, newline and CR).
std::string XmlEscaped(std::string_view s);

// What a value written as one line of a text file (a sysctl.d line, an
// options line) cannot hold: the first control character other than a tab
// (a newline would start a line nobody declared), as "a newline (\n) at byte
// 4"; "" when there is none.
std::string LineBreakProblem(std::string_view s);

// The offset of the first byte of `s` that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF,
// which JSON values cannot hold either), or npos when there is none.
size_t FindInvalidUtf8(std::string_view s);

// `s` with every byte that FindInvalidUtf8 would point at replaced by U+FFFD,
// as Ansible decodes what a host sent (errors='replace').
std::string ReplaceInvalidUtf8(std::string_view s);

// A slug for task ids: lower case, runs of other characters become '-'.
std::string Slugify(std::string_view s);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_TEXT_H_
