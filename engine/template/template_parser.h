// Splits a template string into literal text and "{{ expr }}" blocks, each
// parsed into a tree, and formats syntax errors for the user. Pure
// functions, thread-safe.
//
// Supported beyond "{{ }}": whitespace control ("{{-" strips the whitespace
// before the block, "-}}" the whitespace after it) and "{# comments #}". A
// "{#" with no "#}" after it is kept as text (Jinja rejects it), so shell
// snippets such as "${#list[@]}" need no escaping.
// "{% ... %}" statements are not supported: they are an error saying so.
#ifndef HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_PARSER_H_
#define HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_PARSER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/template/expression_parser.h"

namespace hostprep {

struct TemplatePart {
  std::string text;            // literal text, when expr is null
  std::unique_ptr<Node> expr;  // a "{{ }}" block
};

struct ParsedTemplate {
  std::string source;  // node spans are offsets into this
  std::vector<TemplatePart> parts;
  // True when the template is one "{{ }}" block and nothing else: it
  // renders to the expression's native value.
  bool single_expression = false;
};

struct ParsedExpression {
  std::string source;
  std::unique_ptr<Node> root;
};

// True when `text` holds "{{", "{%" or "{#": anything a template would act on.
bool NeedsRendering(std::string_view text);

// Parses a template. Errors read
//   syntax error in '{{ a + }}': unexpected end of expression at column 8
//   unsupported syntax in '{% if x %}': '{%' statements are not supported by hostprep ...
//   unknown filter 'lowr' in '{{ x | lowr }}' at column 8 (did you mean 'lower'?)
// with a 1-based column within the quoted text. A template longer than 120
// characters is quoted by its offending block only.
Result<ParsedTemplate> ParseTemplate(std::string_view text);

// Parses a bare expression (a `when:` condition); errors as above, quoting
// the expression.
Result<ParsedExpression> ParseExpression(std::string_view expr);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_TEMPLATE_PARSER_H_
