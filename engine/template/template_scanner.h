// Splits a template's source into text, "{{ }}" and "{% %}" pieces,
// applying Jinja's whitespace control, trim_blocks and lstrip_blocks, and
// reading comments and {% raw %} blocks away. For the template parser; pure
// functions, thread-safe.
#ifndef HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_SCANNER_H_
#define HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_SCANNER_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/template/expression_lexer.h"
#include "engine/template/template_parser.h"

namespace hostprep {

struct Piece {
  enum Kind { kText, kOutput, kStatement };
  Kind kind = kText;
  size_t pos = 0;    // where the piece starts in the source
  size_t end = 0;    // just after it, whitespace control included
  std::string text;  // kText, after whitespace control
  LexOutput lexed;   // kOutput and kStatement: the tag's tokens
};

// The next "{{", "{%" or "{#" at or after `pos`, or npos.
size_t FindTag(std::string_view text, size_t pos);

// "\r\n" and "\r" as "\n", as Jinja reads a source.
std::string NormalizeNewlines(std::string_view text);

// Scans `source` into pieces. On an error fills `issue` and `block_begin`
// (where the tag holding the problem starts) and returns false.
bool ScanTemplate(std::string_view source, const TemplateOptions& options,
                  std::vector<Piece>* pieces, SyntaxIssue* issue, size_t* block_begin);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_SCANNER_H_
