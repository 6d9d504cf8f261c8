// Splits the inside of a "{{ ... }}" block (or a bare `when:` expression)
// into tokens for the expression parser. Pure functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_LEXER_H_
#define HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/value.h"

namespace hostprep {

// A problem found while lexing or parsing: what is wrong and the byte offset
// (0-based, within the whole text given to the lexer) where it was found.
enum class IssueKind {
  kSyntax,       // not valid Jinja
  kUnsupported,  // valid Jinja that hostprep does not implement
  kUnknownName,  // an unknown filter or test; `hint` holds a did-you-mean suffix
};
struct SyntaxIssue {
  SyntaxIssue() = default;
  SyntaxIssue(std::string d, size_t p, IssueKind k = IssueKind::kSyntax, std::string h = "")
      : detail(std::move(d)), pos(p), kind(k), hint(std::move(h)) {}
  std::string detail;
  size_t pos = 0;
  IssueKind kind = IssueKind::kSyntax;
  std::string hint;
};

enum class TokenKind {
  kName,      // identifiers and keywords (and, or, not, in, is, if, else, true, none...)
  kString,    // text holds the decoded contents
  kInteger,   // number holds the value
  kFloat,     // number holds the value
  kOperator,  // text holds the operator: "+", "//", "==", "(", ...
  kEnd,       // end of the expression: the "}}" or the end of a bare expression
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  Value number;
  size_t pos = 0;  // offset of the token's first character
  size_t end = 0;  // offset just after the token
};

struct LexOutput {
  std::vector<Token> tokens;  // always ends with one kEnd token
  size_t end = 0;             // offset just after the closing "}}" or "%}" (template mode)
  bool strip_after = false;   // the tag closed with "-}}" or "-%}"
  bool keep_after = false;    // the tag closed with "+%}"
};

// Lexes `text` from offset `start`. In template mode (`open_pos` is the
// offset of the "{{" or "{%" that opened the tag) lexing stops at the first
// "}}" (or "%}" when `statement`) outside brackets; without it (`open_pos`
// == kBareExpression) it runs to the end of `text`. Returns false and fills
// `issue` on an error (unterminated string or tag, unexpected character,
// integer literal too large).
inline constexpr size_t kBareExpression = static_cast<size_t>(-1);
bool LexExpression(std::string_view text, size_t start, size_t open_pos, LexOutput* out,
                   SyntaxIssue* issue, bool statement = false);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_EXPRESSION_LEXER_H_
