#include "engine/base/text.h"

#include <algorithm>
#include <cctype>

namespace hostprep {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool HasSubstring(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbours each cost one, so "mdoe" is one edit from "mode".
// Stops early with a result above `cutoff` once every path costs more: a
// suggestion is only wanted when it is close, and inventories can hold
// thousands of long names (three rows, no allocation per cell).
size_t EditDistance(std::string_view a, std::string_view b, size_t cutoff) {
  const size_t n = b.size();
  if ((a.size() > n ? a.size() - n : n - a.size()) > cutoff) return cutoff + 1;
  std::vector<size_t> before(n + 1), previous(n + 1), row(n + 1);
  for (size_t j = 0; j <= n; ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    size_t lowest = row[0];
    for (size_t j = 1; j <= n; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
      lowest = std::min(lowest, row[j]);
    }
    if (lowest > cutoff) return cutoff + 1;
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[n];
}

}  // namespace

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  size_t best = limit + 1;
  std::string best_name;
  const std::string lower = ToLower(word);
  for (const std::string& c : candidates) {
    // Only a candidate closer than the best so far matters.
    const size_t d = EditDistance(lower, ToLower(c), best - 1);
    if (d < best) {
      best = d;
      best_name = c;
      if (best == 0) break;
    }
  }
  return best <= limit ? best_name : "";
}

std::string DidYouMeanSuffix(std::string_view word, const std::vector<std::string>& candidates) {
  std::string near = DidYouMean(word, candidates);
  return near.empty() ? "" : " (did you mean '" + near + "'?)";
}

std::string ShellQuote(std::string_view s) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '=' ||
               c == ':' || c == ',' || c == '+' || c == '@' || c == '%';
      })) {
    return std::string(s);
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string Slugify(std::string_view s) {
  std::string out;
  bool dash = false;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_') {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(std::tolower(c));
      dash = false;
    } else {
      dash = true;
    }
  }
  return out;
}

namespace {

// The C escape of a control character, DEL, backslash or quote; "" for the rest.
std::string EscapeOf(unsigned char c) {
  switch (c) {
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\0':
      return "\\0";
    case '\\':
      return "\\\\";
    case '"':
      return "\\\"";
    default:
      break;
  }
  if (c < 0x20 || c == 0x7f) {
    static const char kHex[] = "0123456789abcdef";
    return std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
  }
  return "";
}

const char* ControlName(unsigned char c) {
  switch (c) {
    case '\n':
      return "a newline";
    case '\r':
      return "a carriage return";
    case '\0':
      return "a NUL byte";
    case 0x1b:
      return "an escape character";
    default:
      return "a control character";
  }
}

}  // namespace

std::string Escaped(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const std::string e = EscapeOf(static_cast<unsigned char>(ch));
    out += e.empty() ? std::string(1, ch) : e;
  }
  return out + "\"";
}

std::string Quoted(std::string_view s) {
  return LineBreakProblem(s).empty() && s.find('\t') == std::string_view::npos
             ? "'" + std::string(s) + "'"
             : Escaped(s);
}

std::string XmlEscaped(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') out += ch;
    }
  }
  return out;
}

std::string LineBreakProblem(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return std::string(ControlName(c)) + " (" + EscapeOf(c) + ") at byte " + std::to_string(i);
    }
  }
  return "";
}

size_t FindInvalidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0;  // overlong
      if (c == 0xed) hi = 0x9f;  // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90;  // overlong
      if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char next = static_cast<unsigned char>(s[i + k]);
      if (next < (k == 1 ? lo : 0x80) || next > (k == 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  for (size_t bad = FindInvalidUtf8(s); bad != std::string_view::npos; bad = FindInvalidUtf8(s)) {
    out.append(s.substr(0, bad));
    out.append("\xef\xbf\xbd");
    s.remove_prefix(bad + 1);
  }
  out.append(s);
  return out;
}

namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::string PyStrip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsBlank(s[b])) ++b;
  while (e > b && IsBlank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> PySplit(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsBlank(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsBlank(s[i])) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> SplitSections(std::string_view out) {
  std::map<std::string, std::vector<std::string>> sections;
  std::vector<std::string>* current = nullptr;
  for (const std::string& line : Split(out, '\n')) {
    if (!StartsWith(line, "@@ ")) {
      if (current != nullptr) current->push_back(line);
      continue;
    }
    const std::string header = line.substr(3);
    const size_t space = header.find(' ');
    current = &sections[header.substr(0, space)];
    if (space != std::string::npos) current->push_back(header.substr(space + 1));
  }
  return sections;
}

std::vector<std::string> PySplitLines(std::string_view s) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t skip = 0;
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      skip = 1;
    } else if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) {
      skip = 0;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
      skip = 1;
    } else if (c == 0xE2 && s.substr(i, 3) >= "\xE2\x80\xA8" && s.substr(i, 3) <= "\xE2\x80\xA9") {
      skip = 2;
    } else {
      cur += static_cast<char>(c);
      continue;
    }
    i += skip;
    lines.push_back(std::move(cur));
    cur.clear();
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

}  // namespace hostprep
