// Filters on text, as Jinja 3.1 and Ansible 2.14 write them: case,
// padding, indentation, wrapping, HTML escaping, URL encoding, comments.
#include <algorithm>
#include <cctype>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

std::string JoinWith(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string JoinChars(const std::vector<std::string>& chars, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < chars.size(); ++i) out += chars[i];
  return out;
}

bool IsSpaceChar(const std::string& c) {
  return c.size() == 1 &&
         (c[0] == ' ' || (c[0] >= '\t' && c[0] <= '\r') || (c[0] >= 0x1c && c[0] <= 0x1f));
}

// Python's \w on one character: ASCII letters, digits and underscore, and
// any non-ASCII character (an approximation of Unicode's letters).
bool IsWordChar(const std::string& c) {
  unsigned char b = static_cast<unsigned char>(c[0]);
  return b >= 0x80 || std::isalnum(b) || b == '_';
}
bool IsLetterChar(const std::string& c) { return IsWordChar(c) && !std::isdigit(c[0]) && c != "_"; }

std::string CapitalizeWord(const std::string& s) {
  std::vector<std::string> chars = Utf8Chars(s);
  if (chars.empty()) return s;
  return PyUpper(chars[0]) + PyLower(JoinChars(chars, 1, chars.size()));
}

Result<Value> Capitalize(const Value& in, const Args&) { return Value(CapitalizeWord(PyStr(in))); }

// Jinja's title: words begin after runs of '-', whitespace, '(', '{', '['
// and '<'; each word is capitalized.
Result<Value> Title(const Value& in, const Args&) {
  std::string out, word;
  for (const std::string& c : Utf8Chars(PyStr(in))) {
    bool sep = IsSpaceChar(c) || c == "-" || c == "(" || c == "{" || c == "[" || c == "<";
    if (sep) {
      out += CapitalizeWord(word) + c;
      word.clear();
    } else {
      word += c;
    }
  }
  return Value(out + CapitalizeWord(word));
}

Result<Value> Center(const Value& in, const Args& a) {
  Result<long long> width = IntArg("center", "width", a[0]);
  if (!width.ok()) return width.status();
  std::string s = PyStr(in);
  long long len = static_cast<long long>(Utf8Length(s));
  if (*width <= len) return Value(s);
  if (*width > (1 << 24)) return FilterError("center", "width is too large");
  long long marg = *width - len, left = marg / 2 + (marg & *width & 1);
  return Value(std::string(left, ' ') + s + std::string(marg - left, ' '));
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
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
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Result<Value> Escape(const Value& in, const Args&) { return Value(HtmlEscape(PyStr(in))); }
Result<Value> Safe(const Value& in, const Args&) { return in.is_string() ? in : Value(PyStr(in)); }

std::string EncodeCodePoint(unsigned long cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// html.unescape for numeric references and the common named ones.
std::string HtmlUnescape(const std::string& s) {
  static const std::pair<const char*, const char*> kNamed[] = {{"amp", "&"},
                                                               {"lt", "<"},
                                                               {"gt", ">"},
                                                               {"quot", "\""},
                                                               {"apos", "'"},
                                                               {"nbsp", "\xC2\xA0"},
                                                               {"copy", "\xC2\xA9"},
                                                               {"reg", "\xC2\xAE"},
                                                               {"raquo", "\xC2\xBB"},
                                                               {"laquo", "\xC2\xAB"},
                                                               {"hellip", "\xE2\x80\xA6"},
                                                               {"mdash", "\xE2\x80\x94"},
                                                               {"ndash", "\xE2\x80\x93"}};
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t semi = s[i] == '&' ? s.find(';', i) : std::string::npos;
    if (semi == std::string::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string name = s.substr(i + 1, semi - i - 1);
    std::string rep;
    if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits = name.substr(hex ? 2 : 1);
      if (!digits.empty() && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF"
                                                          : "0123456789") == std::string::npos) {
        unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
        rep = cp > 0 && cp < 0x110000 ? EncodeCodePoint(cp) : "\xEF\xBF\xBD";
      }
    } else {
      for (const auto& [n, r] : kNamed) {
        if (name == n) rep = r;
      }
    }
    if (rep.empty()) {
      out += s[i];
      continue;
    }
    out += rep;
    i = semi;
  }
  return out;
}

std::string RemoveBetween(const std::string& s, std::string_view open, std::string_view close) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t b = s.find(open, pos);
    size_t e = b == std::string::npos ? b : s.find(close, b + open.size());
    if (e == std::string::npos) break;
    out.append(s, pos, b - pos);
    pos = e + close.size();
  }
  return out + s.substr(pos);
}

// markupsafe's striptags: comments, then tags, go; whitespace runs become
// one space; entities are unescaped.
Result<Value> StripTags(const Value& in, const Args&) {
  std::string s = RemoveBetween(RemoveBetween(PyStr(in), "<!--", "-->"), "<", ">");
  std::vector<std::string> words;
  std::string cur;
  for (const std::string& c : Utf8Chars(s)) {
    if (IsSpaceChar(c)) {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return Value(HtmlUnescape(JoinWith(words, " ")));
}

// Jinja 3.1's indent(width=4, first=False, blank=False); a string width is
// the indentation itself.
Result<Value> Indent(const Value& in, const Args& a) {
  std::string pad;
  if (a[0].is_string()) {
    pad = a[0].get<std::string>();
  } else {
    Result<long long> width = IntArg("indent", "width", a[0]);
    if (!width.ok()) return width.status();
    if (*width > (1 << 20)) return FilterError("indent", "width is too large");
    pad = std::string(std::max(0LL, *width), ' ');
  }
  std::vector<std::string> lines = PySplitLines(PyStr(in) + "\n");
  std::string out;
  if (PyTruthy(a[2])) {
    out = JoinWith(lines, "\n" + pad);
  } else {
    out = lines.empty() ? "" : lines[0];
    for (size_t i = 1; i < lines.size(); ++i) {
      out += "\n" + (lines[i].empty() ? "" : pad) + lines[i];
    }
  }
  if (PyTruthy(a[1])) out = pad + out;
  return Value(out);
}

Result<Value> Truncate(const Value& in, const Args& a) {
  // Jinja measures its input with len(): a number has none.
  if (!in.is_string() && !in.is_array() && !in.is_object())
    return WrongType("truncate", "a string", in);
  Result<long long> length = IntArg("truncate", "length", a[0]);
  if (!length.ok()) return length.status();
  Result<long long> leeway =
      a[3].is_null() ? Result<long long>(5LL) : IntArg("truncate", "leeway", a[3]);
  if (!leeway.ok()) return leeway.status();
  std::vector<std::string> chars = Utf8Chars(PyStr(in));
  std::string end = PyStr(a[2]);
  long long end_len = static_cast<long long>(Utf8Length(end));
  if (*length < end_len) {
    return FilterError("truncate", "expected length >= " + std::to_string(end_len) + ", got " +
                                       std::to_string(*length));
  }
  if (*leeway < 0) {
    return FilterError("truncate", "expected leeway >= 0, got " + std::to_string(*leeway));
  }
  long long n = static_cast<long long>(chars.size());
  if (n <= *length + *leeway) return Value(JoinChars(chars, 0, chars.size()));
  std::string head = JoinChars(chars, 0, static_cast<size_t>(*length - end_len));
  if (!PyTruthy(a[1])) {
    size_t space = head.rfind(' ');
    if (space != std::string::npos) head.resize(space);
  }
  return Value(head + end);
}

Result<Value> WordCount(const Value& in, const Args&) {
  long long count = 0;
  bool in_word = false;
  for (const std::string& c : Utf8Chars(PyStr(in))) {
    bool w = IsWordChar(c);
    if (w && !in_word) ++count;
    in_word = w;
  }
  return Value(count);
}

// textwrap's chunks: whitespace runs and words, words split after hyphens
// between letters when break_on_hyphens is set.
std::vector<std::vector<std::string>> WrapChunks(const std::vector<std::string>& chars,
                                                 bool hyphens) {
  std::vector<std::vector<std::string>> chunks;
  auto letter = [&](size_t i) { return i < chars.size() && IsLetterChar(chars[i]); };
  for (size_t i = 0; i < chars.size();) {
    bool space = IsSpaceChar(chars[i]);
    std::vector<std::string> chunk;
    size_t j = i;
    while (j < chars.size() && IsSpaceChar(chars[j]) == space) {
      chunk.push_back(chars[j]);
      if (!space && hyphens && chars[j] == "-" && j > i &&
          ((j >= i + 2 && letter(j - 1) && letter(j - 2)) ||
           (j >= i + 3 && letter(j - 1) && chars[j - 2] == "-" && letter(j - 3))) &&
          letter(j + 1) &&
          (letter(j + 2) || (j + 3 < chars.size() && chars[j + 2] == "-" && letter(j + 3)))) {
        ++j;
        break;
      }
      ++j;
    }
    chunks.push_back(std::move(chunk));
    i = j;
  }
  return chunks;
}

bool IsBlankChunk(const std::vector<std::string>& c) {
  return std::all_of(c.begin(), c.end(), IsSpaceChar);
}

std::string ChunkText(const std::vector<std::string>& c) { return JoinChars(c, 0, c.size()); }

// textwrap.wrap(line, width, break_long_words, break_on_hyphens) with
// expand_tabs and replace_whitespace off.
std::vector<std::string> WrapLine(const std::vector<std::string>& chars, size_t width,
                                  bool break_long, bool hyphens) {
  std::vector<std::vector<std::string>> chunks = WrapChunks(chars, hyphens);
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::string> lines;
  while (!chunks.empty()) {
    std::vector<std::vector<std::string>> cur;
    size_t cur_len = 0;
    if (IsBlankChunk(chunks.back()) && !lines.empty()) chunks.pop_back();
    while (!chunks.empty() && cur_len + chunks.back().size() <= width) {
      cur_len += chunks.back().size();
      cur.push_back(std::move(chunks.back()));
      chunks.pop_back();
    }
    if (!chunks.empty() && chunks.back().size() > width) {
      std::vector<std::string>& chunk = chunks.back();
      size_t space_left = width - cur_len;
      if (break_long) {
        size_t end = space_left;
        if (hyphens && chunk.size() > space_left) {
          for (size_t h = space_left; h-- > 1;) {
            if (chunk[h] != "-") continue;
            if (std::any_of(chunk.begin(), chunk.begin() + static_cast<long>(h),
                            [](const std::string& c) { return c != "-"; })) {
              end = h + 1;
            }
            break;
          }
        }
        cur.emplace_back(chunk.begin(), chunk.begin() + static_cast<long>(end));
        chunk.erase(chunk.begin(), chunk.begin() + static_cast<long>(end));
      } else if (cur.empty()) {
        cur.push_back(std::move(chunk));
        chunks.pop_back();
      }
    }
    if (!cur.empty() && IsBlankChunk(cur.back())) cur.pop_back();
    if (!cur.empty()) {
      std::string line;
      for (const auto& c : cur) line += ChunkText(c);
      lines.push_back(line);
    }
  }
  return lines;
}

Result<Value> WordWrap(const Value& in, const Args& a) {
  Result<long long> width = IntArg("wordwrap", "width", a[0]);
  if (!width.ok()) return width.status();
  if (*width <= 0) {
    return FilterError("wordwrap", "invalid width " + std::to_string(*width) + " (must be > 0)");
  }
  std::string wrap = a[2].is_null() ? "\n" : PyStr(a[2]);
  std::vector<std::string> out;
  for (const std::string& line : PySplitLines(PyStr(in))) {
    out.push_back(JoinWith(
        WrapLine(Utf8Chars(line), static_cast<size_t>(*width), PyTruthy(a[1]), PyTruthy(a[3])),
        wrap));
  }
  return Value(JoinWith(out, wrap));
}

std::string UrlQuote(const std::string& s, bool for_qs) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !for_qs)) {
      out += ch;
    } else if (c == ' ' && for_qs) {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<Value> UrlEncode(const Value& in, const Args&) {
  if (!in.is_array() && !in.is_object()) return Value(UrlQuote(PyStr(in), false));
  std::vector<std::string> parts;
  if (in.is_object()) {
    for (auto it = in.begin(); it != in.end(); ++it) {
      parts.push_back(UrlQuote(it.key(), true) + "=" + UrlQuote(PyStr(it.value()), true));
    }
  } else {
    for (const Value& item : in) {
      if (!item.is_array() || item.size() != 2) {
        return FilterError("urlencode", "expected a list of pairs, got an item " + PyRepr(item));
      }
      parts.push_back(UrlQuote(PyStr(item[0]), true) + "=" + UrlQuote(PyStr(item[1]), true));
    }
  }
  return Value(JoinWith(parts, "&"));
}

Result<Value> XmlAttr(const Value& in, const Args& a) {
  if (!in.is_object()) return WrongType("xmlattr", "a mapping", in);
  std::vector<std::string> parts;
  for (auto it = in.begin(); it != in.end(); ++it) {
    if (it->is_null()) continue;
    parts.push_back(HtmlEscape(it.key()) + "=\"" + HtmlEscape(PyStr(*it)) + "\"");
  }
  std::string out = JoinWith(parts, " ");
  if (PyTruthy(a[0]) && !out.empty()) out = " " + out;
  return Value(out);
}

Result<Value> TrimFilter(const Value& in, const Args& a) {
  std::vector<std::string> chars = Utf8Chars(PyStr(in));
  std::vector<std::string> strip;
  if (!a[0].is_null()) strip = Utf8Chars(PyStr(a[0]));
  auto stripped = [&](const std::string& c) {
    return a[0].is_null() ? IsSpaceChar(c) || c == "\xC2\xA0" || c == "\xC2\x85"
                          : std::find(strip.begin(), strip.end(), c) != strip.end();
  };
  size_t b = 0, e = chars.size();
  while (b < e && stripped(chars[b])) ++b;
  while (e > b && stripped(chars[e - 1])) --e;
  return Value(JoinChars(chars, b, e));
}

// Python's str.replace, including an empty `old` (insert between
// characters).
Result<Value> Replace(const Value& in, const Args& a) {
  std::string s = PyStr(in), from = PyStr(a[0]), to = PyStr(a[1]);
  if (!a[2].is_null() && !IsIntegral(a[2])) return WrongType("replace", "an integer count", a[2]);
  long long count = a[2].is_null() ? -1 : AsInteger(a[2]);
  std::string out;
  if (from.empty()) {
    std::vector<std::string> chars = Utf8Chars(s);
    for (size_t i = 0; i <= chars.size(); ++i) {
      if (count < 0 || static_cast<long long>(i) < count) out += to;
      if (i < chars.size()) out += chars[i];
    }
    return Value(out);
  }
  size_t pos = 0;
  for (long long n = 0; count < 0 || n < count; ++n) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  return Value(out);
}

// Python's str.split(sep=None, maxsplit=-1).
Result<Value> SplitFilter(const Value& in, const Args& a) {
  std::string s = PyStr(in);
  if (!IsIntegral(a[1])) return WrongType("split", "an integer maxsplit", a[1]);
  long long max = AsInteger(a[1]);
  Value out = Value::array();
  if (a[0].is_null()) {
    std::vector<std::string> chars = Utf8Chars(s);
    size_t i = 0;
    while (true) {
      while (i < chars.size() && IsSpaceChar(chars[i])) ++i;
      if (i == chars.size()) break;
      if (max >= 0 && static_cast<long long>(out.size()) == max) {
        out.push_back(JoinChars(chars, i, chars.size()));
        break;
      }
      size_t j = i;
      while (j < chars.size() && !IsSpaceChar(chars[j])) ++j;
      out.push_back(JoinChars(chars, i, j));
      i = j;
    }
    return out;
  }
  std::string sep = PyStr(a[0]);
  if (sep.empty()) return FilterError("split", "empty separator");
  size_t pos = 0;
  while (max < 0 || static_cast<long long>(out.size()) < max) {
    size_t hit = s.find(sep, pos);
    if (hit == std::string::npos) break;
    out.push_back(s.substr(pos, hit - pos));
    pos = hit + sep.size();
  }
  out.push_back(s.substr(pos));
  return out;
}

// shlex.quote: safe text as it is, the rest in single quotes with each
// quote written '"'"'.
Result<Value> Quote(const Value& in, const Args&) {
  std::string s = in.is_null() ? "" : PyStr(in);
  if (s.empty()) return Value("''");
  bool safe = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
  if (safe) return Value(s);
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return Value(out + "'");
}

std::string RepeatText(const std::string& s, long long n) {
  std::string out;
  for (long long i = 0; i < n; ++i) out += s;
  return out;
}

std::string RightStrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string ReplaceAll(const std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out += to;
  }
  return out + s.substr(pos);
}

// Ansible's comment filter, parameter for parameter. Args: style,
// decoration, prefix, prefix_count, postfix, postfix_count, beginning,
// end, newline (Unset when not given).
Result<Value> Comment(const Value& in, const Args& a) {
  std::string style = PyStr(a[0]);
  std::string decoration, beginning, end;
  if (style == "plain") {
    decoration = "# ";
  } else if (style == "erlang") {
    decoration = "% ";
  } else if (style == "c") {
    decoration = "// ";
  } else if (style == "cblock") {
    beginning = "/*", decoration = " * ", end = " */";
  } else if (style == "xml") {
    beginning = "<!--", decoration = " - ", end = "-->";
  } else {
    return FilterError("comment",
                       "unknown style '" + style + "'; use plain, erlang, c, cblock or xml");
  }
  std::string prepostfix = IsUnset(a[1]) ? decoration : PyStr(a[1]);
  auto get = [&](size_t i, const std::string& def) { return IsUnset(a[i]) ? def : PyStr(a[i]); };
  std::string prefix = get(2, RightStrip(prepostfix));
  std::string postfix = get(4, RightStrip(prepostfix));
  std::string newline = get(8, "\n");
  decoration = get(1, decoration);
  beginning = get(6, beginning);
  end = get(7, end);
  long long counts[2] = {1, 1};
  for (int k = 0; k < 2; ++k) {
    const Value& v = a[k == 0 ? 3 : 5];
    if (IsUnset(v)) continue;
    double d = 0;
    if (IsIntegral(v)) {
      counts[k] = AsInteger(v);
    } else if (v.is_string() && ParseFloat(v.get<std::string>(), &d) &&
               v.get<std::string>().find_first_of(".eE") == std::string::npos) {
      counts[k] = static_cast<long long>(d);
    } else {
      return WrongType("comment", "an integer count", v);
    }
    if (counts[k] > 10000) return FilterError("comment", "count is too large");
  }
  std::string out;
  if (!beginning.empty()) out += beginning + newline;
  if (!prefix.empty()) out += RepeatText(prefix == newline ? newline : prefix + newline, counts[0]);
  std::string text = decoration + ReplaceAll(PyStr(in), newline, newline + decoration);
  out += ReplaceAll(text, decoration + newline, RightStrip(decoration) + newline);
  for (long long i = 0; i < counts[1]; ++i) out += newline + postfix;
  if (!end.empty()) out += newline + end;
  return Value(out);
}

}  // namespace

void AddTextFilters(std::vector<FilterEntry>* out) {
  const Value u = Unset();
  std::vector<FilterEntry> entries = {
      {{"capitalize", {}}, Capitalize, {}},
      {{"title", {}}, Title, {}},
      {{"center", {Opt("width", 80)}}, Center, {}},
      {{"escape", {}}, Escape, {"e", "forceescape"}},
      {{"safe", {}}, Safe, {}},
      {{"striptags", {}}, StripTags, {}},
      {{"indent", {Opt("width", 4), Opt("first", false), Opt("blank", false)}}, Indent, {}},
      {{"truncate",
        {Opt("length", 255), Opt("killwords", false), Opt("end", "..."), Opt("leeway", nullptr)}},
       Truncate,
       {}},
      {{"wordcount", {}}, WordCount, {}},
      {{"wordwrap",
        {Opt("width", 79), Opt("break_long_words", true), Opt("wrapstring", nullptr),
         Opt("break_on_hyphens", true)}},
       WordWrap,
       {}},
      {{"urlencode", {}}, UrlEncode, {}},
      {{"xmlattr", {Opt("autospace", true)}}, XmlAttr, {}},
      {{"trim", {Opt("chars", nullptr)}}, TrimFilter, {}},
      {{"replace", {Req("old"), Req("new"), Opt("count", nullptr)}}, Replace, {}},
      {{"split", {Opt("sep", nullptr), Opt("maxsplit", -1)}}, SplitFilter, {}},
      {{"quote", {}}, Quote, {}},
      {{"comment",
        {Opt("style", "plain"), Opt("decoration", u), Opt("prefix", u), Opt("prefix_count", u),
         Opt("postfix", u), Opt("postfix_count", u), Opt("beginning", u), Opt("end", u),
         Opt("newline", u)}},
       Comment,
       {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
