#include "engine/template/template_scanner.h"

namespace hostprep {
namespace {

// Python's str.isspace for ASCII, which is what Jinja's "-" strips.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

void RStrip(std::string* s) {
  while (!s->empty() && IsSpace(s->back())) s->pop_back();
}

// lstrip_blocks: the spaces and tabs between the line's start and a tag go,
// when nothing else stands there. `line_starting`: the text began a line.
void LStripLine(std::string* s, bool line_starting) {
  const size_t line = s->rfind('\n');
  const size_t from = line == std::string::npos ? 0 : line + 1;
  if (from == 0 && !line_starting) return;
  if (from == s->size()) return;
  for (size_t i = from; i < s->size(); ++i) {
    if (!IsSpace((*s)[i])) return;
  }
  s->resize(from);
}

// What follows a statement or comment tag: all whitespace after "-", the
// one newline after it with trim_blocks (not after "+").
size_t AfterTag(std::string_view src, size_t end, char modifier, const TemplateOptions& o) {
  if (modifier == '-') return SkipSpace(src, end);
  if (modifier != '+' && o.trim_blocks && end < src.size() && src[end] == '\n') return end + 1;
  return end;
}

// The offset of "endraw" tag's "{%" for a raw block whose content starts
// at `from`, and that tag's end and closing modifier; npos when missing.
size_t FindEndRaw(std::string_view src, size_t from, char* open_mod, size_t* tag_end,
                  char* close_mod) {
  for (size_t at = src.find("{%", from); at != std::string_view::npos;
       at = src.find("{%", at + 2)) {
    size_t p = at + 2;
    *open_mod = p < src.size() && (src[p] == '-' || src[p] == '+') ? src[p] : 0;
    if (*open_mod) ++p;
    p = SkipSpace(src, p);
    if (src.substr(p, 6) != "endraw") continue;
    p = SkipSpace(src, p + 6);
    *close_mod = 0;
    if (p < src.size() && (src[p] == '-' || src[p] == '+')) *close_mod = src[p++];
    if (src.substr(p, 2) != "%}") continue;
    *tag_end = p + 2;
    return at;
  }
  return std::string_view::npos;
}

// "{% raw %}" at `tag` (after "{%" and its modifier): the end of the tag
// and its closing modifier, or npos when the tag is not a raw one.
size_t RawStart(std::string_view src, size_t after_open, char* close_mod) {
  size_t p = SkipSpace(src, after_open);
  if (src.substr(p, 3) != "raw") return std::string_view::npos;
  p = SkipSpace(src, p + 3);
  *close_mod = 0;
  if (p < src.size() && src[p] == '-') *close_mod = src[p++];
  if (src.substr(p, 2) != "%}") return std::string_view::npos;
  return p + 2;
}

class Scanner {
 public:
  Scanner(std::string_view src, const TemplateOptions& o, std::vector<Piece>* out,
          SyntaxIssue* issue, size_t* block_begin)
      : src_(src), o_(o), out_(*out), issue_(issue), block_begin_(block_begin) {}

  bool Run() {
    size_t pos = 0;
    while (pos < src_.size()) {
      size_t tag = FindTag(src_, pos);
      if (tag == std::string_view::npos) {
        pending_.append(src_.substr(pos));
        break;
      }
      pending_.append(src_.substr(pos, tag - pos));
      const char kind = src_[tag + 1];
      const char mod = tag + 2 < src_.size() && (src_[tag + 2] == '-' || src_[tag + 2] == '+')
                           ? src_[tag + 2]
                           : 0;
      const size_t inner = tag + 2 + (mod ? 1 : 0);
      if (kind == '#' && src_.find("#}", inner) == std::string_view::npos) {
        // Jinja rejects a "{#" without "#}", but shell snippets such as
        // "${#list[@]}" hold one, so it is kept as text here.
        pending_.append(src_.substr(tag, 2));
        pos = tag + 2;
        continue;
      }
      if (mod == '-') {
        RStrip(&pending_);
      } else if (mod != '+' && o_.lstrip_blocks && kind != '{') {
        LStripLine(&pending_, line_starting_);
      }
      *block_begin_ = tag;
      size_t next = 0;
      if (kind == '#') {
        // The text before a comment is a piece of its own, as in Jinja's
        // lexer: a later "{{-" strips only the text after the comment.
        FlushText(tag);
        next = Comment(inner);
      } else if (kind == '{') {
        next = Tag(tag, inner, Piece::kOutput);
      } else {
        char raw_mod = 0;
        size_t raw_end = RawStart(src_, inner, &raw_mod);
        next = raw_end != std::string_view::npos ? Raw(tag, raw_end, raw_mod)
                                                 : Tag(tag, inner, Piece::kStatement);
      }
      if (next == std::string_view::npos) return false;
      line_starting_ = next > 0 && src_[next - 1] == '\n';
      pos = next;
    }
    FlushText(src_.size());
    return true;
  }

 private:
  void FlushText(size_t at) {
    if (pending_.empty()) return;
    Piece p;
    p.kind = Piece::kText;
    p.pos = text_pos_;
    p.end = at;
    p.text = std::move(pending_);
    pending_.clear();
    out_.push_back(std::move(p));
  }

  size_t Comment(size_t inner) {
    size_t close = src_.find("#}", inner);
    char mod =
        close > inner && (src_[close - 1] == '-' || src_[close - 1] == '+') ? src_[close - 1] : 0;
    size_t next = AfterTag(src_, close + 2, mod, o_);
    text_pos_ = pending_.empty() ? next : text_pos_;
    return next;
  }

  size_t Tag(size_t tag, size_t inner, Piece::Kind kind) {
    FlushText(tag);
    Piece p;
    p.kind = kind;
    p.pos = tag;
    if (!LexExpression(src_, inner, tag, &p.lexed, issue_, kind == Piece::kStatement)) {
      return std::string_view::npos;
    }
    size_t next = p.lexed.end;
    if (kind == Piece::kStatement) {
      next = AfterTag(src_, next, p.lexed.strip_after ? '-' : p.lexed.keep_after ? '+' : 0, o_);
    } else if (p.lexed.strip_after) {
      next = SkipSpace(src_, next);
    }
    p.end = next;
    out_.push_back(std::move(p));
    text_pos_ = next;
    return next;
  }

  size_t Raw(size_t tag, size_t raw_end, char raw_mod) {
    size_t content = raw_mod == '-' ? SkipSpace(src_, raw_end) : raw_end;
    char open_mod = 0, close_mod = 0;
    size_t tag_end = 0;
    size_t end = FindEndRaw(src_, content, &open_mod, &tag_end, &close_mod);
    if (end == std::string_view::npos) {
      *issue_ = {"'{% raw %}' without '{% endraw %}'", tag};
      return std::string_view::npos;
    }
    std::string text(src_.substr(content, end - content));
    if (open_mod == '-') {
      RStrip(&text);
    } else if (open_mod != '+' && o_.lstrip_blocks) {
      LStripLine(&text, false);
    }
    pending_.append(text);
    return AfterTag(src_, tag_end, close_mod, o_);
  }

  std::string_view src_;
  const TemplateOptions& o_;
  std::vector<Piece>& out_;
  SyntaxIssue* issue_;
  size_t* block_begin_;
  std::string pending_;
  size_t text_pos_ = 0;
  bool line_starting_ = true;
};

}  // namespace

size_t FindTag(std::string_view text, size_t pos) {
  while (true) {
    pos = text.find('{', pos);
    if (pos == std::string_view::npos || pos + 1 >= text.size()) return std::string_view::npos;
    char c = text[pos + 1];
    if (c == '{' || c == '%' || c == '#') return pos;
    ++pos;
  }
}

std::string NormalizeNewlines(std::string_view text) {
  if (text.find('\r') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out.push_back(text[i]);
      continue;
    }
    out.push_back('\n');
    if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
  }
  return out;
}

bool ScanTemplate(std::string_view source, const TemplateOptions& options,
                  std::vector<Piece>* pieces, SyntaxIssue* issue, size_t* block_begin) {
  return Scanner(source, options, pieces, issue, block_begin).Run();
}

}  // namespace hostprep
