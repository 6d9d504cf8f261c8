#include "engine/inventory/ini_value.h"

#include <cctype>
#include <cstdint>
#include <optional>

namespace hostprep {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

Result<std::vector<ShellWord>> ShlexSplit(std::string_view line) {
  std::vector<ShellWord> words;
  size_t i = 0;
  while (i < line.size()) {
    if (IsSpace(line[i])) {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    ShellWord word;
    word.column = static_cast<int>(i);
    bool ended_by_comment = false;
    while (i < line.size() && !IsSpace(line[i])) {
      char c = line[i];
      if (c == '#') {
        ended_by_comment = true;
        break;
      }
      if (c == '\'') {
        size_t close = line.find('\'', i + 1);
        if (close == std::string_view::npos) return Status::Error("no closing quotation");
        word.text.append(line.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '"') {
        ++i;
        while (true) {
          if (i >= line.size()) return Status::Error("no closing quotation");
          if (line[i] == '"') break;
          // Inside double quotes a backslash escapes only '"' and '\'.
          if (line[i] == '\\' && i + 1 < line.size() &&
              (line[i + 1] == '"' || line[i + 1] == '\\')) {
            ++i;
          }
          word.text += line[i++];
        }
        ++i;
      } else if (c == '\\') {
        if (i + 1 >= line.size()) return Status::Error("no escaped character");
        word.text += line[i + 1];
        i += 2;
      } else {
        word.text += c;
        ++i;
      }
    }
    words.push_back(std::move(word));
    if (ended_by_comment) break;
  }
  return words;
}

namespace {

// A recursive-descent reader for the subset of Python expressions that
// ast.literal_eval accepts and JSON can hold. Any failure means "not a
// literal": the caller then keeps the text.
class LiteralParser {
 public:
  explicit LiteralParser(std::string_view s) : s_(s) {}

  std::optional<Value> ParseAll() {
    std::optional<Value> v = ParseExpr();
    if (!v) return std::nullopt;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '#') pos_ = s_.size();
    if (pos_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<Value> ParseExpr() {
    SkipSpace();
    if (pos_ >= s_.size()) return std::nullopt;
    char c = s_[pos_];
    if (c == '[') return ParseSequence(']');
    if (c == '(') return ParseSequence(')');
    if (c == '{') return ParseBrace();
    if (c == '-' || c == '+') {
      ++pos_;
      SkipSpace();
      std::optional<Value> n = ParseNumber();
      if (!n || c == '+') return n;
      if (n->is_number_integer()) return Value(-n->get<int64_t>());
      return Value(-n->get<double>());
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return ParseNumber();
    if (c == '\'' || c == '"' || std::isalpha(static_cast<unsigned char>(c))) {
      return ParseWordOrString();
    }
    return std::nullopt;
  }

  std::optional<Value> ParseWordOrString() {
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
      ++pos_;
    }
    std::string word(s_.substr(start, pos_ - start));
    if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      std::string prefix;
      for (char ch : word) prefix += static_cast<char>(std::tolower(ch));
      if (prefix != "" && prefix != "r" && prefix != "u" && prefix != "b" && prefix != "br" &&
          prefix != "rb") {
        return std::nullopt;
      }
      return ParseStrings(prefix.find('r') != std::string::npos);
    }
    if (word == "True") return Value(true);
    if (word == "False") return Value(false);
    if (word == "None") return Value(nullptr);
    return std::nullopt;
  }

  // One or more adjacent string literals, concatenated as Python does.
  std::optional<Value> ParseStrings(bool raw) {
    std::string out;
    while (true) {
      std::optional<std::string> part = ParseQuoted(raw);
      if (!part) return std::nullopt;
      out += *part;
      SkipSpace();
      size_t save = pos_;
      raw = false;
      while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) {
        raw = raw || s_[pos_] == 'r' || s_[pos_] == 'R';
        ++pos_;
      }
      if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) {
        pos_ = save;
        return Value(out);
      }
    }
  }

  std::optional<std::string> ParseQuoted(bool raw) {
    char q = s_[pos_++];
    if (s_.substr(pos_, 2) == std::string(2, q)) return std::nullopt;  // triple quotes
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != q) {
      char c = s_[pos_++];
      if (c == '\n') return std::nullopt;
      if (c != '\\' || raw) {
        if (c == '\\' && pos_ < s_.size()) out += c, c = s_[pos_++];
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) return std::nullopt;
      char e = s_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
        case '\'':
        case '"':
          out += e;
          break;
        default:
          out += '\\';
          out += e;  // Python keeps unknown escapes
      }
    }
    if (pos_ >= s_.size()) return std::nullopt;
    ++pos_;
    return out;
  }

  std::optional<Value> ParseNumber() {
    size_t start = pos_;
    while (
        pos_ < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '.' ||
         ((s_[pos_] == '-' || s_[pos_] == '+') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    std::string text;
    std::string_view raw = s_.substr(start, pos_ - start);
    // Underscores are allowed only between digits.
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '_') {
        text += raw[i];
        continue;
      }
      if (i == 0 || i + 1 == raw.size() || !std::isxdigit(static_cast<unsigned char>(raw[i - 1])) ||
          !std::isxdigit(static_cast<unsigned char>(raw[i + 1]))) {
        return std::nullopt;
      }
    }
    return NumberValue(text);
  }

  static std::optional<Value> NumberValue(const std::string& t) {
    auto all = [&](size_t from, const char* digits) {
      return t.size() > from && t.find_first_not_of(digits, from) == std::string::npos;
    };
    try {
      if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') &&
          all(2, "0123456789abcdefABCDEF")) {
        return Value(std::stoll(t.substr(2), nullptr, 16));
      }
      if (t.size() > 2 && t[0] == '0' && (t[1] == 'o' || t[1] == 'O') && all(2, "01234567")) {
        return Value(std::stoll(t.substr(2), nullptr, 8));
      }
      if (t.size() > 2 && t[0] == '0' && (t[1] == 'b' || t[1] == 'B') && all(2, "01")) {
        return Value(std::stoll(t.substr(2), nullptr, 2));
      }
      if (all(0, "0123456789")) {
        // Python 3 rejects leading zeros ("0644") except for zero itself.
        if (t.size() > 1 && t[0] == '0' && t.find_first_not_of('0') != std::string::npos) {
          return std::nullopt;
        }
        return Value(std::stoll(t));
      }
      size_t used = 0;
      if (t.find_first_not_of("0123456789.eE+-") == std::string::npos) {
        double d = std::stod(t, &used);
        if (used == t.size()) return Value(d);
      }
    } catch (const std::exception&) {
      // Out of range or malformed: not a literal we can hold.
    }
    return std::nullopt;
  }

  std::optional<Value> ParseSequence(char close) {
    ++pos_;
    Value out = Value::array();
    bool comma = false;
    while (!Eat(close)) {
      if (!out.empty() && !comma) return std::nullopt;
      std::optional<Value> item = ParseExpr();
      if (!item) return std::nullopt;
      out.push_back(std::move(*item));
      comma = Eat(',');
    }
    // "(x)" is just x in Python; "(x,)" is a tuple.
    if (close == ')' && out.size() == 1 && !comma) return out[0];
    return out;
  }

  std::optional<Value> ParseBrace() {
    ++pos_;
    if (Eat('}')) return Value::object();
    std::optional<Value> first = ParseExpr();
    if (!first) return std::nullopt;
    if (!Eat(':')) {  // a set: keep its items as a list
      Value out = Value::array({*first});
      while (Eat(',')) {
        if (Eat('}')) return out;
        std::optional<Value> item = ParseExpr();
        if (!item) return std::nullopt;
        out.push_back(std::move(*item));
      }
      return Eat('}') ? std::optional<Value>(out) : std::nullopt;
    }
    Value out = Value::object();
    std::optional<Value> key = first;
    while (true) {
      std::optional<Value> val = ParseExpr();
      if (!val || key->is_array() || key->is_object()) return std::nullopt;
      out[key->is_string() ? key->get<std::string>() : ToText(*key)] = std::move(*val);
      if (!Eat(',')) break;
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == '}') break;
      key = ParseExpr();
      if (!key || !Eat(':')) return std::nullopt;
    }
    return Eat('}') ? std::optional<Value>(out) : std::nullopt;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Value ParsePythonLiteral(std::string_view text) {
  LiteralParser parser(text);
  std::optional<Value> v = parser.ParseAll();
  if (v) return *v;
  return Value(std::string(text));
}

}  // namespace hostprep
