#include "engine/template/template_parser.h"

#include <algorithm>

#include "engine/template/expression_lexer.h"

namespace hostprep {
namespace {

// Quoting a whole template file in an error would drown the message, so a
// long template is quoted by the block that holds the problem.
constexpr size_t kMaxQuoted = 120;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Status FormatIssue(std::string_view text, const SyntaxIssue& issue, size_t block_begin) {
  std::string_view quoted = text;
  size_t base = 0;
  if (text.size() > kMaxQuoted) {
    base = std::min(block_begin, issue.pos);
    size_t close = text.find("}}", std::max(issue.pos, base));
    size_t end = close == std::string_view::npos ? text.size() : close + 2;
    quoted = text.substr(base, std::min(end - base, kMaxQuoted));
  }
  std::string where =
      "'" + std::string(quoted) + "' at column " + std::to_string(issue.pos - base + 1);
  switch (issue.kind) {
    case IssueKind::kSyntax:
      return Status::Error("syntax error in " + where + ": " + issue.detail);
    case IssueKind::kUnsupported:
      return Status::Error("unsupported syntax in " + where + ": " + issue.detail);
    case IssueKind::kUnknownName:
      return Status::Error(issue.detail + " in " + where + issue.hint);
  }
  return Status::Error(issue.detail);
}

void StripTrailingSpace(std::string* s) {
  while (!s->empty() && IsSpace(s->back())) s->pop_back();
}

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

// The statement word after "{%" ("if", "for"...), for the error message.
std::string StatementWord(std::string_view text, size_t pos) {
  pos = SkipSpace(text, pos + 2 < text.size() && text[pos + 2] == '-' ? pos + 3 : pos + 2);
  size_t end = pos;
  while (end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
    ++end;
  }
  return std::string(text.substr(pos, end - pos));
}

// The next "{{", "{%" or "{#" at or after `pos`, or npos.
size_t FindTag(std::string_view text, size_t pos) {
  while (true) {
    pos = text.find('{', pos);
    if (pos == std::string_view::npos || pos + 1 >= text.size()) return std::string_view::npos;
    char c = text[pos + 1];
    if (c == '{' || c == '%' || c == '#') return pos;
    ++pos;
  }
}

}  // namespace

bool NeedsRendering(std::string_view text) { return FindTag(text, 0) != std::string_view::npos; }

Result<ParsedTemplate> ParseTemplate(std::string_view text) {
  ParsedTemplate out;
  out.source = std::string(text);
  std::string pending;
  size_t pos = 0;
  int blocks = 0;
  while (pos < text.size()) {
    size_t tag = FindTag(text, pos);
    if (tag == std::string_view::npos) {
      pending.append(text.substr(pos));
      break;
    }
    pending.append(text.substr(pos, tag - pos));
    char kind = text[tag + 1];
    bool strip_before = tag + 2 < text.size() && text[tag + 2] == '-';
    if (kind == '%') {
      std::string word = StatementWord(text, tag);
      std::string what = word.empty() ? "'{%' statements" : "'{% " + word + " %}' statements";
      return FormatIssue(text,
                         {what + " are not supported by hostprep; use 'when' or 'loop' on the "
                                 "task, or filters",
                          tag, IssueKind::kUnsupported},
                         tag);
    }
    if (kind == '#') {
      // Jinja rejects a "{#" without "#}", but shell snippets such as
      // "${#list[@]}" hold one, so it is kept as text here.
      size_t close = text.find("#}", tag + 2);
      if (close == std::string_view::npos) {
        pending.append(text.substr(tag, 2));
        pos = tag + 2;
        continue;
      }
      if (strip_before) StripTrailingSpace(&pending);
      bool strip_after = close > tag + 2 && text[close - 1] == '-';
      pos = strip_after ? SkipSpace(text, close + 2) : close + 2;
      continue;
    }
    if (strip_before) StripTrailingSpace(&pending);
    LexOutput lexed;
    SyntaxIssue issue;
    if (!LexExpression(text, tag + (strip_before ? 3 : 2), tag, &lexed, &issue)) {
      return FormatIssue(text, issue, tag);
    }
    std::unique_ptr<Node> expr = ParseTokens(lexed.tokens, &issue);
    if (!expr) return FormatIssue(text, issue, tag);
    if (!pending.empty()) out.parts.push_back({std::move(pending), nullptr});
    pending.clear();
    out.parts.push_back({"", std::move(expr)});
    ++blocks;
    pos = lexed.strip_after ? SkipSpace(text, lexed.end) : lexed.end;
  }
  if (!pending.empty()) out.parts.push_back({std::move(pending), nullptr});
  // Only a template with nothing around its one block keeps the native type:
  // text around it, even a newline ("{{ item }}\n"), is part of the string.
  out.single_expression = blocks == 1 && out.parts.size() == 1;
  return out;
}

Result<ParsedExpression> ParseExpression(std::string_view expr) {
  ParsedExpression out;
  out.source = std::string(expr);
  LexOutput lexed;
  SyntaxIssue issue;
  if (!LexExpression(expr, 0, kBareExpression, &lexed, &issue)) {
    return FormatIssue(expr, issue, 0);
  }
  out.root = ParseTokens(lexed.tokens, &issue);
  if (!out.root) return FormatIssue(expr, issue, 0);
  return out;
}

}  // namespace hostprep
