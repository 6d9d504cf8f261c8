#include "engine/template/expression_lexer.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace hostprep {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }
bool IsExpressionSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string DescribeChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "(byte 0x%02x)", u);
  return buf;
}

// Appends the UTF-8 encoding of a code point (from a \u or \x escape).
void AppendUtf8(unsigned cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Decodes a quoted string starting at text[*i] (the quote) with Python's
// escapes; an unknown escape keeps its backslash, as Python does.
bool LexString(std::string_view text, size_t* i, Token* tok, SyntaxIssue* issue) {
  char quote = text[*i];
  size_t p = *i + 1;
  std::string s;
  while (p < text.size() && text[p] != quote) {
    char c = text[p];
    if (c != '\\' || p + 1 >= text.size()) {
      s.push_back(c);
      ++p;
      continue;
    }
    char e = text[p + 1];
    p += 2;
    switch (e) {
      case 'n':
        s.push_back('\n');
        break;
      case 't':
        s.push_back('\t');
        break;
      case 'r':
        s.push_back('\r');
        break;
      case '0':
        s.push_back('\0');
        break;
      case '\\':
      case '\'':
      case '"':
        s.push_back(e);
        break;
      case '\n':
        break;  // line continuation
      case 'x':
      case 'u': {
        size_t n = e == 'x' ? 2 : 4;
        unsigned cp = 0;
        size_t k = 0;
        for (; k < n && p + k < text.size() && HexValue(text[p + k]) >= 0; ++k) {
          cp = cp * 16 + static_cast<unsigned>(HexValue(text[p + k]));
        }
        if (k != n) {
          *issue = {"bad \\" + std::string(1, e) + " escape in string", p - 2};
          return false;
        }
        AppendUtf8(cp, &s);
        p += n;
        break;
      }
      default:
        s.push_back('\\');
        s.push_back(e);
        break;
    }
  }
  if (p >= text.size()) {
    *issue = {"unterminated string", *i};
    return false;
  }
  tok->kind = TokenKind::kString;
  tok->text = std::move(s);
  *i = p + 1;
  return true;
}

// Integers and floats. After a '.', only an integer is taken, so that
// `a.0.1` is two indexes rather than `a` followed by the float 0.1.
bool LexNumber(std::string_view text, size_t* i, bool after_dot, Token* tok, SyntaxIssue* issue) {
  size_t p = *i;
  while (p < text.size() && IsDigit(text[p])) ++p;
  bool is_float = false;
  if (!after_dot && p + 1 < text.size() && text[p] == '.' && IsDigit(text[p + 1])) {
    is_float = true;
    ++p;
    while (p < text.size() && IsDigit(text[p])) ++p;
  }
  if (!after_dot && p < text.size() && (text[p] == 'e' || text[p] == 'E')) {
    size_t q = p + 1;
    if (q < text.size() && (text[q] == '+' || text[q] == '-')) ++q;
    if (q < text.size() && IsDigit(text[q])) {
      is_float = true;
      p = q;
      while (p < text.size() && IsDigit(text[p])) ++p;
    }
  }
  std::string digits(text.substr(*i, p - *i));
  errno = 0;
  if (is_float) {
    tok->kind = TokenKind::kFloat;
    tok->number = std::strtod(digits.c_str(), nullptr);
  } else {
    long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      *issue = {"integer literal too large", *i};
      return false;
    }
    tok->kind = TokenKind::kInteger;
    tok->number = v;
  }
  *i = p;
  return true;
}

constexpr std::string_view kTwoCharOperators[] = {"//", "**", "==", "!=", "<=", ">="};
constexpr std::string_view kOneCharOperators = "+-*/%~<>()[]{},:.|=";

}  // namespace

bool LexExpression(std::string_view text, size_t start, size_t open_pos, LexOutput* out,
                   SyntaxIssue* issue, bool statement) {
  const std::string_view close = statement ? "%}" : "}}";
  bool in_template = open_pos != kBareExpression;
  std::string closers;
  size_t i = start;
  out->tokens.clear();
  out->strip_after = false;
  out->keep_after = false;
  while (true) {
    while (i < text.size() && IsExpressionSpace(text[i])) ++i;
    Token tok;
    tok.pos = i;
    if (i >= text.size()) {
      if (in_template) {
        *issue = {
            statement ? "unterminated '{%' (missing '%}')" : "unterminated '{{' (missing '}}')",
            open_pos};
        return false;
      }
      tok.end = i;
      out->tokens.push_back(std::move(tok));
      out->end = i;
      return true;
    }
    std::string_view rest = text.substr(i);
    if (in_template && closers.empty() &&
        (rest.starts_with(close) || ((rest[0] == '-' || (statement && rest[0] == '+')) &&
                                     rest.substr(1).starts_with(close)))) {
      out->strip_after = rest[0] == '-';
      out->keep_after = rest[0] == '+';
      tok.end = i;
      out->tokens.push_back(std::move(tok));
      out->end = i + (rest[0] == close[0] ? 2 : 3);
      return true;
    }
    char c = text[i];
    bool after_dot = !out->tokens.empty() && out->tokens.back().kind == TokenKind::kOperator &&
                     out->tokens.back().text == ".";
    if (IsNameStart(c)) {
      size_t p = i;
      while (p < text.size() && IsNameChar(text[p])) ++p;
      tok.kind = TokenKind::kName;
      tok.text = std::string(text.substr(i, p - i));
      i = p;
    } else if (IsDigit(c)) {
      if (!LexNumber(text, &i, after_dot, &tok, issue)) return false;
    } else if (c == '\'' || c == '"') {
      if (!LexString(text, &i, &tok, issue)) return false;
    } else {
      tok.kind = TokenKind::kOperator;
      for (std::string_view op : kTwoCharOperators) {
        if (rest.starts_with(op)) tok.text = std::string(op);
      }
      if (tok.text.empty() && kOneCharOperators.find(c) != std::string_view::npos) {
        tok.text = std::string(1, c);
      }
      if (tok.text.empty()) {
        *issue = {"unexpected character " + DescribeChar(c), i};
        return false;
      }
      // Brackets must balance before a "}}" can close the block, as in
      // Jinja; a mismatch is reported where it happens.
      if (c == '(') closers.push_back(')');
      if (c == '[') closers.push_back(']');
      if (c == '{') closers.push_back('}');
      if ((c == ')' || c == ']' || c == '}') && !closers.empty()) {
        if (closers.back() != c) {
          *issue = {"unexpected '" + std::string(1, c) + "', expected '" +
                        std::string(1, closers.back()) + "'",
                    i};
          return false;
        }
        closers.pop_back();
      }
      i += tok.text.size();
    }
    tok.end = i;
    out->tokens.push_back(std::move(tok));
  }
}

}  // namespace hostprep
