// Python `re` on std::wregex (see filters_regex.h), and Ansible's regex
// filters: regex_replace, regex_search, regex_findall, regex_escape.
#include "engine/template/filters_regex.h"

#include <mutex>

#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

// UTF-8 to code points; an invalid byte b becomes U+DC00+b, as Python's
// surrogateescape, so it survives the round trip.
std::wstring Decode(std::string_view s) {
  std::wstring out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      ok = (d & 0xC0) == 0x80;
      cp = (cp << 6) | (d & 0x3F);
    }
    ok = ok && !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) &&
         !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) {
      out += static_cast<wchar_t>(0xDC00 + c);
      ++i;
      continue;
    }
    out += static_cast<wchar_t>(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

std::string Encode(std::wstring_view s) {
  std::string out;
  out.reserve(s.size());
  for (wchar_t w : s) {
    auto c = static_cast<char32_t>(w);
    if (c >= 0xDC80 && c <= 0xDCFF) {
      out += static_cast<char>(c - 0xDC00);
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

struct Translation {
  std::wstring pattern;
  std::map<std::string, int> names;
  size_t groups = 0;
  bool ignorecase = false;
  bool multiline = false;
};

bool IsSpecial(wchar_t c) {
  return std::wstring_view(L".^$|?*+()[]{}\\/-").find(c) != std::wstring_view::npos;
}

// A literal character written so ECMAScript reads it as itself.
std::wstring Literal(wchar_t c) {
  return IsSpecial(c) ? std::wstring(L"\\") + c : std::wstring(1, c);
}

bool IsQuantifierBrace(std::wstring_view p, size_t i, std::wstring* out) {
  size_t j = i + 1;
  std::wstring lo, hi;
  while (j < p.size() && iswdigit(p[j])) lo += p[j++];
  bool comma = j < p.size() && p[j] == L',';
  if (comma) {
    ++j;
    while (j < p.size() && iswdigit(p[j])) hi += p[j++];
  }
  if (j >= p.size() || p[j] != L'}' || (lo.empty() && !comma) || (lo.empty() && hi.empty()))
    return false;
  *out = L"{" + (lo.empty() ? L"0" : lo) + (comma ? L"," + hi : L"") + L"}";
  return true;
}

// Translates one escape (p[i] == '\\') outside or inside a class.
Status TranslateEscape(std::wstring_view p, size_t* i, bool in_class, Translation* t) {
  if (*i + 1 >= p.size()) return Status::Error("bad escape (end of pattern)");
  wchar_t c = p[++*i];
  std::wstring& out = t->pattern;
  if (std::wstring_view(L"dDwWsSntrfv").find(c) != std::wstring_view::npos) {
    out += L'\\';
    out += c;
  } else if ((c == L'b' || c == L'B') && !in_class) {
    out += L'\\';
    out += c;
  } else if (c == L'b') {
    out += L"\\x08";
  } else if (c == L'A' || c == L'Z') {
    if (in_class) return Status::Error(std::string("bad escape \\") + static_cast<char>(c));
    if (t->multiline) {
      return Status::Error(std::string("\\") + static_cast<char>(c) +
                           " with multiline is not supported");
    }
    out += c == L'A' ? L"^" : L"$";
  } else if (c == L'x' || c == L'u' || c == L'U') {
    size_t n = c == L'x' ? 2 : c == L'u' ? 4 : 8;
    if (*i + n >= p.size())
      return Status::Error(std::string("bad escape \\") + static_cast<char>(c));
    std::wstring hex(p.substr(*i + 1, n));
    if (hex.size() != n || hex.find_first_not_of(L"0123456789abcdefABCDEF") != std::wstring::npos)
      return Status::Error(std::string("bad escape \\") + static_cast<char>(c));
    *i += n;
    out += Literal(static_cast<wchar_t>(std::stoul(hex, nullptr, 16)));
  } else if (iswdigit(c)) {
    if (in_class || c == L'0') return Status::Error("octal escapes are not supported");
    std::wstring digits(1, c);
    if (*i + 1 < p.size() && iswdigit(p[*i + 1])) digits += p[++*i];
    if (static_cast<size_t>(std::stoi(digits)) > t->groups)
      return Status::Error("invalid group reference " + Encode(digits));
    out += L"(?:\\" + digits + L")";
  } else if ((c < 128 && iswalnum(c))) {
    return Status::Error(std::string("bad escape \\") + static_cast<char>(c));
  } else {
    out += in_class && std::wstring_view(L"]\\^-[").find(c) != std::wstring_view::npos
               ? std::wstring(L"\\") + c
           : in_class ? std::wstring(1, c)
                      : Literal(c);
  }
  return Status::Ok();
}

Status TranslateClass(std::wstring_view p, size_t* i, Translation* t) {
  std::wstring& out = t->pattern;
  out += L'[';
  size_t j = *i + 1;
  if (j < p.size() && p[j] == L'^') out += p[j++];
  if (j < p.size() && p[j] == L']') out += L"\\]", ++j;
  for (; j < p.size() && p[j] != L']'; ++j) {
    if (p[j] == L'\\') {
      Status s = TranslateEscape(p, &j, true, t);
      if (!s.ok()) return s;
    } else if (p[j] == L'[') {
      out += L"\\[";
    } else {
      out += p[j];
    }
  }
  if (j >= p.size()) return Status::Error("unterminated character set");
  out += L']';
  *i = j;
  return Status::Ok();
}

// Translates "(?..." at p[i] == '('.
Status TranslateGroup(std::wstring_view p, size_t* i, Translation* t) {
  std::wstring_view rest = p.substr(*i);
  std::wstring& out = t->pattern;
  if (rest.substr(0, 4) == L"(?P<") {
    size_t close = p.find(L'>', *i);
    if (close == std::wstring_view::npos) return Status::Error("missing >, unterminated name");
    std::string name = Encode(p.substr(*i + 4, close - *i - 4));
    if (name.empty()) return Status::Error("missing group name");
    if (t->names.count(name)) return Status::Error("redefinition of group name '" + name + "'");
    t->names[name] = static_cast<int>(++t->groups);
    out += L'(';
    *i = close;
  } else if (rest.substr(0, 4) == L"(?P=") {
    size_t close = p.find(L')', *i);
    if (close == std::wstring_view::npos) return Status::Error("missing ), unterminated name");
    std::string name = Encode(p.substr(*i + 4, close - *i - 4));
    auto it = t->names.find(name);
    if (it == t->names.end()) return Status::Error("unknown group name '" + name + "'");
    out += L"(?:\\" + Decode(std::to_string(it->second)) + L")";
    *i = close;
  } else if (rest.substr(0, 3) == L"(?:" || rest.substr(0, 3) == L"(?=" ||
             rest.substr(0, 3) == L"(?!") {
    out += rest.substr(0, 3);
    *i += 2;
  } else if (rest.substr(0, 4) == L"(?<=" || rest.substr(0, 4) == L"(?<!") {
    return Status::Error("lookbehind " + Encode(rest.substr(0, 4)) + "...) is not supported");
  } else if (rest.substr(0, 3) == L"(?#") {
    size_t close = p.find(L')', *i);
    if (close == std::wstring_view::npos) return Status::Error("missing ), unterminated comment");
    *i = close;
  } else if (rest.size() > 2 && rest[1] == L'?') {
    size_t j = 2;
    while (j < rest.size() &&
           std::wstring_view(L"aiLmsux").find(rest[j]) != std::wstring_view::npos)
      ++j;
    if (j == 2 || j >= rest.size() || rest[j] != L')' || *i != 0) {
      return Status::Error("the group " +
                           Encode(rest.substr(0, std::min<size_t>(j + 1, rest.size()))) +
                           " is not supported (only global flags at the start)");
    }
    for (size_t k = 2; k < j; ++k) {
      if (rest[k] == L'i') t->ignorecase = true;
      if (rest[k] == L'm') t->multiline = true;
      if (rest[k] == L's') t->multiline = t->multiline, t->names["\x01dotall"] = 1;
      if (rest[k] == L'x') return Status::Error("verbose patterns (?x) are not supported");
    }
    *i += j;
  } else {
    ++t->groups;
    out += L'(';
  }
  return Status::Ok();
}

Result<Translation> Translate(std::wstring_view p, bool ignorecase, bool multiline) {
  Translation t;
  t.ignorecase = ignorecase;
  t.multiline = multiline;
  for (size_t i = 0; i < p.size(); ++i) {
    wchar_t c = p[i];
    Status s;
    std::wstring brace;
    bool dotall = t.names.count("\x01dotall") > 0;
    switch (c) {
      case L'\\':
        s = TranslateEscape(p, &i, false, &t);
        break;
      case L'[':
        s = TranslateClass(p, &i, &t);
        break;
      case L'(':
        s = TranslateGroup(p, &i, &t);
        break;
      case L'.':
        t.pattern += dotall ? L"[\\s\\S]" : L"[^\\n]";
        break;
      case L'$':
        t.pattern += t.multiline ? L"$" : L"(?=\\n?$)";
        break;
      case L'{':
        if (IsQuantifierBrace(p, i, &brace)) {
          t.pattern += brace;
          i = p.find(L'}', i);
        } else {
          t.pattern += L"\\{";
        }
        break;
      case L'}':
        t.pattern += L"\\}";
        break;
      case L'/':
        t.pattern += L"\\/";
        break;
      case L'*':
      case L'+':
      case L'?':
        t.pattern += c;
        if (i + 1 < p.size() && p[i + 1] == L'+') {
          return Status::Error("possessive quantifiers are not supported");
        }
        break;
      default:
        t.pattern += c;
    }
    if (!s.ok()) return s;
  }
  t.names.erase("\x01dotall");
  return t;
}

std::string ShortError(const std::regex_error& e) {
  switch (e.code()) {
    case std::regex_constants::error_paren:
      return "missing ), unterminated subpattern";
    case std::regex_constants::error_brack:
      return "unterminated character set";
    case std::regex_constants::error_badrepeat:
      return "nothing to repeat";
    case std::regex_constants::error_range:
      return "bad character range";
    case std::regex_constants::error_complexity:
    case std::regex_constants::error_stack:
      return "the match is too complex";
    default:
      return e.what();
  }
}

}  // namespace

Result<PyRegex> PyRegex::Compile(std::string_view pattern, bool ignorecase, bool multiline) {
  Result<Translation> t = Translate(Decode(pattern), ignorecase, multiline);
  if (!t.ok())
    return Status::Error("bad pattern " + PyRepr(Value(std::string(pattern))) + ": " + t.message());
  auto flags = std::regex::ECMAScript;
  if (t->ignorecase) flags |= std::regex::icase;
  if (t->multiline) flags |= std::regex::multiline;
  // Compiling costs far more than matching: keep the patterns of a run.
  static std::mutex mu;
  static auto* cache =
      new std::map<std::pair<std::wstring, int>, std::shared_ptr<const std::wregex>>();
  PyRegex re;
  std::pair<std::wstring, int> key{t->pattern, static_cast<int>(flags)};
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(key);
    if (it != cache->end()) re.re_ = it->second;
  }
  if (!re.re_) {
    try {
      re.re_ = std::make_shared<const std::wregex>(t->pattern, flags);
    } catch (const std::regex_error& e) {
      return Status::Error("bad pattern " + PyRepr(Value(std::string(pattern))) + ": " +
                           ShortError(e));
    }
    std::lock_guard<std::mutex> lock(mu);
    if (cache->size() > 1000) cache->clear();
    (*cache)[key] = re.re_;
  }
  re.names_ = std::move(t->names);
  re.groups_ = t->groups;
  return re;
}

int PyRegex::GroupIndex(const std::string& name) const {
  auto it = names_.find(name);
  return it == names_.end() ? -1 : it->second;
}

namespace {

PyRegex::Match ToMatch(const std::wsmatch& m, const std::wstring& subject, size_t groups) {
  PyRegex::Match out;
  for (size_t g = 0; g <= groups && g < m.size(); ++g) {
    if (m[g].matched) {
      const size_t start = static_cast<size_t>(m[g].first - subject.begin());
      const size_t length = static_cast<size_t>(m[g].length());
      out.groups.push_back(Encode(std::wstring_view(subject).substr(start, length)));
      out.spans.emplace_back(start, start + length);
    } else {
      out.groups.push_back(std::nullopt);
      out.spans.emplace_back(std::string::npos, std::string::npos);
    }
  }
  out.begin = static_cast<size_t>(m[0].first - subject.begin());
  out.end = static_cast<size_t>(m[0].second - subject.begin());
  return out;
}

}  // namespace

Result<std::optional<PyRegex::Match>> PyRegex::Find(std::string_view subject, Mode mode) const {
  std::wstring s = Decode(subject);
  std::optional<Match> found;
  Status st = filters_internal::RunWithLargeStack(s.size(), [&]() -> Status {
    try {
      std::wsmatch m;
      bool hit = mode == Mode::kFullMatch ? std::regex_match(s, m, *re_)
                 : mode == Mode::kMatch
                     ? std::regex_search(s, m, *re_, std::regex_constants::match_continuous)
                     : std::regex_search(s, m, *re_);
      if (hit) found = ToMatch(m, s, groups_);
    } catch (const std::regex_error& e) {
      return Status::Error(ShortError(e));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return found;
}

Result<std::vector<PyRegex::Match>> PyRegex::FindAll(std::string_view subject, size_t limit) const {
  std::wstring s = Decode(subject);
  std::vector<Match> out;
  Status st = filters_internal::RunWithLargeStack(s.size(), [&]() -> Status {
    try {
      for (auto it = std::wsregex_iterator(s.begin(), s.end(), *re_); it != std::wsregex_iterator();
           ++it) {
        out.push_back(ToMatch(*it, s, groups_));
        if (limit != 0 && out.size() >= limit) break;
        if (out.size() > (1u << 22)) return Status::Error("too many matches");
      }
    } catch (const std::regex_error& e) {
      return Status::Error(ShortError(e));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

namespace {

// One piece of a parsed re.sub template: literal text or a group.
struct ReplacementPiece {
  std::string text;
  int group = -1;
};

// The template's pieces with the match's groups filled in (a group that
// did not take part is empty, as in Python 3.5 and later).
Status AppendExpanded(const PyRegex::Match& m, const std::vector<ReplacementPiece>& pieces,
                      std::string* out) {
  for (const ReplacementPiece& p : pieces) {
    if (p.group >= 0) {
      *out += m.groups[static_cast<size_t>(p.group)].value_or("");
    } else {
      *out += p.text;
    }
    if (out->size() > (size_t{1} << 30)) return Status::Error("result is too large");
  }
  return Status::Ok();
}

Result<std::vector<ReplacementPiece>> ParseReplacement(const PyRegex& re, std::string_view t) {
  std::vector<ReplacementPiece> pieces(1);
  auto group = [&](int g) {
    pieces.push_back({"", g});
    pieces.push_back({});
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '\\' || i + 1 >= t.size()) {
      pieces.back().text += t[i];
      continue;
    }
    char c = t[++i];
    if (c == 'g') {
      size_t close = t.find('>', i);
      if (i + 1 >= t.size() || t[i + 1] != '<' || close == std::string_view::npos) {
        return Status::Error("missing < or > in group reference");
      }
      std::string name(t.substr(i + 2, close - i - 2));
      int g = -1;
      if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
        g = name.size() < 6 ? std::stoi(name) : 1 << 30;
        if (static_cast<size_t>(g) > re.group_count()) {
          return Status::Error("invalid group reference " + name);
        }
      } else {
        g = re.GroupIndex(name);
        if (g < 0) return Status::Error("unknown group name '" + name + "'");
      }
      group(g);
      i = close;
    } else if (c >= '1' && c <= '9') {
      std::string digits(1, c);
      if (i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i + 1]))) digits += t[++i];
      int g = std::stoi(digits);
      if (static_cast<size_t>(g) > re.group_count()) {
        return Status::Error("invalid group reference " + digits);
      }
      group(g);
    } else if (c == '0') {
      int v = 0, n = 0;
      while (n < 2 && i + 1 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '7') {
        v = v * 8 + (t[++i] - '0');
        ++n;
      }
      pieces.back().text += static_cast<char>(v);
    } else {
      static const std::string_view kFrom = "abfnrtv\\", kTo = "\a\b\f\n\r\t\v\\";
      size_t k = kFrom.find(c);
      if (k != std::string_view::npos) {
        pieces.back().text += kTo[k];
      } else if (std::isalpha(static_cast<unsigned char>(c))) {
        return Status::Error(std::string("bad escape \\") + c);
      } else {
        pieces.back().text += '\\';
        pieces.back().text += c;
      }
    }
  }
  return pieces;
}

}  // namespace

Result<std::string> PyRegex::Substitute(std::string_view subject, std::string_view templ,
                                        size_t count) const {
  Result<std::vector<ReplacementPiece>> pieces = ParseReplacement(*this, templ);
  if (!pieces.ok()) return pieces.status();
  Result<std::vector<Match>> matches = FindAll(subject, count);
  if (!matches.ok()) return matches.status();
  std::wstring s = Decode(subject);
  std::string out;
  size_t pos = 0;
  for (const Match& m : *matches) {
    out += Encode(std::wstring_view(s).substr(pos, m.begin - pos));
    if (Status done = AppendExpanded(m, *pieces, &out); !done.ok()) return done;
    pos = m.end;
  }
  return out + Encode(std::wstring_view(s).substr(pos));
}

Result<std::string> PyRegex::Expand(const Match& m, std::string_view templ) const {
  Result<std::vector<ReplacementPiece>> pieces = ParseReplacement(*this, templ);
  if (!pieces.ok()) return pieces.status();
  std::string out;
  if (Status s = AppendExpanded(m, *pieces, &out); !s.ok()) return s;
  return out;
}

namespace filters_internal {
namespace {

Result<PyRegex> CompileFor(std::string_view filter, const Value& pattern, const Value& ignorecase,
                           const Value& multiline) {
  Result<PyRegex> re = PyRegex::Compile(PyStr(pattern), PyTruthy(ignorecase), PyTruthy(multiline));
  if (!re.ok()) return re.status().WithContext(std::string(filter));
  return re;
}

Result<Value> RegexReplace(const Value& in, const Args& a) {
  Result<PyRegex> re = CompileFor("regex_replace", a[0], a[2], a[3]);
  if (!re.ok()) return re.status();
  Result<long long> count = IntArg("regex_replace", "count", a[4]);
  if (!count.ok()) return count.status();
  if (*count < 0) return Value(PyStr(in));
  Result<std::string> out = re->Substitute(PyStr(in), PyStr(a[1]), static_cast<size_t>(*count));
  if (!out.ok()) return out.status().WithContext("regex_replace");
  return Value(*out);
}

Value GroupValue(const std::optional<std::string>& g) { return g ? Value(*g) : Value(); }

Result<Value> RegexFindAll(const Value& in, const Args& a) {
  Result<PyRegex> re = CompileFor("regex_findall", a[0], a[2], a[1]);
  if (!re.ok()) return re.status();
  Result<std::vector<PyRegex::Match>> matches = re->FindAll(PyStr(in));
  if (!matches.ok()) return matches.status().WithContext("regex_findall");
  Value out = Value::array();
  for (const PyRegex::Match& m : *matches) {
    if (re->group_count() == 0) {
      out.push_back(*m.groups[0]);
    } else if (re->group_count() == 1) {
      out.push_back(m.groups[1].value_or(""));
    } else {
      Value row = Value::array();
      for (size_t g = 1; g < m.groups.size(); ++g) row.push_back(m.groups[g].value_or(""));
      out.push_back(std::move(row));
    }
  }
  return out;
}

constexpr size_t kSearchSlots = 6;

// regex_search(regex, '\\1', '\\g<name>', ..., ignorecase=, multiline=).
Result<Value> RegexSearch(const Value& in, const Args& a) {
  Result<PyRegex> re = CompileFor("regex_search", a[0], a[kSearchSlots + 1], a[kSearchSlots + 2]);
  if (!re.ok()) return re.status();
  std::vector<int> groups;
  for (size_t k = 1; k < a.size(); ++k) {
    if (k >= 1 && k <= kSearchSlots + 2 && (k > kSearchSlots || IsUnset(a[k]))) continue;
    std::string arg = PyStr(a[k]);
    int g = -1;
    if (arg.rfind("\\g<", 0) == 0 && arg.size() > 4 && arg.back() == '>') {
      std::string name = arg.substr(3, arg.size() - 4);
      g = name.find_first_not_of("0123456789") == std::string::npos && name.size() < 6
              ? std::stoi(name)
              : re->GroupIndex(name);
      if (g < 0) return FilterError("regex_search", "no such group '" + name + "'");
    } else if (arg.size() > 1 && arg[0] == '\\' &&
               std::isdigit(static_cast<unsigned char>(arg[1]))) {
      size_t n = arg.find_first_not_of("0123456789", 1);
      std::string digits = arg.substr(1, n == std::string::npos ? std::string::npos : n - 1);
      g = digits.size() < 6 ? std::stoi(digits) : 1 << 30;
    } else {
      return FilterError("regex_search", "unknown argument " + PyRepr(a[k]));
    }
    if (static_cast<size_t>(g) > re->group_count()) {
      return FilterError("regex_search", "no such group " + std::to_string(g));
    }
    groups.push_back(g);
  }
  Result<std::optional<PyRegex::Match>> m = re->Find(PyStr(in), PyRegex::Mode::kSearch);
  if (!m.ok()) return m.status().WithContext("regex_search");
  if (!*m) return Value();
  if (groups.empty()) return Value(*(*m)->groups[0]);
  Value out = Value::array();
  for (int g : groups) out.push_back(GroupValue((*m)->groups[static_cast<size_t>(g)]));
  return out;
}

Result<Value> RegexEscape(const Value& in, const Args& a) {
  std::string type = PyStr(a[0]), s = PyStr(in), out;
  std::string_view special;
  if (type == "python") {
    special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
  } else if (type == "posix_basic") {
    special = "].[^$*\\";
  } else if (type == "posix_extended") {
    return FilterError("regex_escape", "regex type (posix_extended) not yet implemented");
  } else {
    return FilterError("regex_escape", "invalid regex type (" + type + ")");
  }
  for (char c : s) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return Value(out);
}

std::vector<CallableParam> SearchParams() {
  std::vector<CallableParam> params = {Req("regex")};
  for (size_t i = 1; i <= kSearchSlots; ++i)
    params.push_back(Opt("group" + std::to_string(i), Unset()));
  params.push_back(Opt("ignorecase", false));
  params.push_back(Opt("multiline", false));
  return params;
}

}  // namespace

void AddRegexFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"regex_replace",
        {Opt("pattern", ""), Opt("replacement", ""), Opt("ignorecase", false),
         Opt("multiline", false), Opt("count", 0)}},
       RegexReplace,
       {}},
      {{"regex_findall", {Req("regex"), Opt("multiline", false), Opt("ignorecase", false)}},
       RegexFindAll,
       {}},
      {{"regex_search", SearchParams(), true}, RegexSearch, {}},
      {{"regex_escape", {Opt("re_type", "python")}}, RegexEscape, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace filters_internal
}  // namespace hostprep
