#include "engine/module/arg_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engine/base/text.h"
#include "engine/template/templar.h"

namespace hostprep {

const ArgDef* ArgSpec::Find(const std::string& key) const {
  for (const ArgDef& def : args) {
    if (def.name == key) return &def;
    if (std::find(def.aliases.begin(), def.aliases.end(), key) != def.aliases.end()) return &def;
  }
  return nullptr;
}

namespace {

std::string Describe(const Value& v) {
  if (v.is_string()) return Quoted(v.get<std::string>());
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a mapping";
  if (v.is_null()) return "nothing";
  return v.dump();
}

// Converts one value to the declared type; false with *error set when it
// cannot be.
bool Convert(const ArgDef& def, const Value& in, Value* out, std::string* error) {
  switch (def.type) {
    case ArgType::kRaw:
      *out = in;
      return true;
    case ArgType::kString:
      if (in.is_string()) {
        *out = in;
      } else if (in.is_number() || in.is_boolean()) {
        *out = in.is_boolean() ? (in.get<bool>() ? "true" : "false") : in.dump();
      } else {
        *error = fmt::format("must be a string, not {}", Describe(in));
        return false;
      }
      return true;
    case ArgType::kInt:
      if (in.is_number_integer()) {
        *out = in;
        return true;
      }
      if (in.is_string()) {
        const std::string s = Trim(in.get<std::string>());
        if (!s.empty() && std::all_of(s.begin() + (s[0] == '-' ? 1 : 0), s.end(), ::isdigit) &&
            s != "-") {
          try {
            *out = std::stoll(s);
            return true;
          } catch (const std::exception&) {
          }
        }
      }
      *error = fmt::format("must be an integer, not {}", Describe(in));
      return false;
    case ArgType::kBool:
      if (in.is_boolean()) {
        *out = in;
        return true;
      }
      if (in.is_string() || in.is_number_integer()) {
        const std::string s = ToLower(Trim(in.is_string() ? in.get<std::string>() : in.dump()));
        if (s == "true" || s == "yes" || s == "on" || s == "1" || s == "y") {
          *out = true;
          return true;
        }
        if (s == "false" || s == "no" || s == "off" || s == "0" || s == "n") {
          *out = false;
          return true;
        }
      }
      *error = fmt::format("must be a boolean (true or false), not {}", Describe(in));
      return false;
    case ArgType::kList:
      if (in.is_array()) {
        Value list = Value::array();
        for (const Value& item : in) {
          if (item.is_string()) {
            list.push_back(item);
          } else if (item.is_number() || item.is_boolean()) {
            list.push_back(ToText(item));
          } else {
            *error = fmt::format("must be a list of strings; an item is {}", Describe(item));
            return false;
          }
        }
        *out = list;
        return true;
      }
      if (in.is_string() || in.is_number()) {
        *out = Value::array({in.is_string() ? in : Value(in.dump())});
        return true;
      }
      *error = fmt::format("must be a list, not {}", Describe(in));
      return false;
    case ArgType::kMap:
      if (in.is_object()) {
        *out = in;
        return true;
      }
      *error = fmt::format("must be a mapping, not {}", Describe(in));
      return false;
    case ArgType::kMode: {
      unsigned mode = 0;
      std::string why;
      if (!ParseMode(in, &mode, &why)) {
        *error = why;
        return false;
      }
      *out = mode;
      return true;
    }
  }
  return false;
}

}  // namespace

namespace {

// Calls `word(begin, end)` for each word of `text`: words are separated by
// blanks outside quotes and outside `{{ }}` / `{% %}` (Ansible's
// split_args).
template <typename F>
void ForEachWord(const std::string& text, F word) {
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
      ++i;
      continue;
    }
    const size_t begin = i;
    char quote = 0;
    int depth = 0;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      const char next = i + 1 < text.size() ? text[i + 1] : '\0';
      if (quote != 0) {
        if (c == '\\' && next != '\0') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '{' && (next == '{' || next == '%')) {
        ++depth;
        ++i;
      } else if ((c == '}' || c == '%') && next == '}' && depth > 0) {
        --depth;
        ++i;
      } else if (depth == 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (depth == 0 && (c == ' ' || c == '\t' || c == '\n')) {
        break;
      }
    }
    word(begin, i);
  }
}

// A key=value word's value, without matching quotes around it.
std::string Unquoted(std::string value) {
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace

Value SplitFreeForm(const std::string& text, const std::string& free_form_arg,
                    const std::vector<std::string>& keys) {
  Value words = Value::object();
  std::string rest;   // the free form, less the key=value words
  size_t copied = 0;  // text[copied..] is not in `rest` yet
  ForEachWord(text, [&](size_t begin, size_t end) {
    const std::string word = text.substr(begin, end - begin);
    const size_t eq = word.find('=');
    if (eq == std::string::npos ||
        std::find(keys.begin(), keys.end(), word.substr(0, eq)) == keys.end()) {
      return;
    }
    words[word.substr(0, eq)] = Unquoted(word.substr(eq + 1));
    rest += text.substr(copied, begin - copied);
    copied = end;
  });
  rest += text.substr(copied);
  Value out = Value::object({{free_form_arg, Trim(rest)}});
  for (auto it = words.begin(); it != words.end(); ++it) out[it.key()] = it.value();
  return out;
}

Result<Value> ParseKeyValues(const std::string& text) {
  Value out = Value::object();
  std::string bad;
  ForEachWord(text, [&](size_t begin, size_t end) {
    const std::string word = text.substr(begin, end - begin);
    const size_t eq = word.find('=');
    if (eq == 0 || eq == std::string::npos) {
      if (bad.empty()) bad = word;
      return;
    }
    out[word.substr(0, eq)] = Unquoted(word.substr(eq + 1));
  });
  if (!bad.empty()) return Status::Error("'" + bad + "' is not a key=value word");
  return out;
}

Value ArgsMapping(const ArgSpec& spec, const Value& args, std::vector<ArgError>* errors) {
  if (args.is_null()) return Value::object();
  if (args.is_object()) return args;
  if (!spec.free_form_arg.empty() && (args.is_string() || args.is_number())) {
    return args.is_string()
               ? SplitFreeForm(args.get<std::string>(), spec.free_form_arg, spec.free_form_keys)
               : Value::object({{spec.free_form_arg, Value(args.dump())}});
  }
  if (args.is_string()) {
    // Ansible's key=value form: `file: path=/etc/app state=directory`.
    Result<Value> words = ParseKeyValues(args.get<std::string>());
    if (words.ok()) return *words;
    errors->push_back({"", fmt::format("arguments of '{}' must be a mapping or key=value words: "
                                       "{}",
                                       spec.name, words.message())});
    return Value::object();
  }
  errors->push_back({"", fmt::format("arguments of '{}' must be a mapping or {}, not {}", spec.name,
                                     spec.free_form_arg.empty() ? "key=value words" : "a string",
                                     Describe(args))});
  return Value::object();
}

Value NormalizeArgs(const ArgSpec& spec, const Value& args, bool templates_pending,
                    std::vector<ArgError>* errors) {
  const size_t errors_before = errors->size();
  const Value in = ArgsMapping(spec, args, errors);
  if (errors->size() > errors_before) return Value::object();

  std::vector<std::string> known;
  for (const ArgDef& def : spec.args) known.push_back(def.name);

  Value out = Value::object();
  std::vector<std::string> given;  // canonical names the task gave, valid or not
  for (auto it = in.begin(); it != in.end(); ++it) {
    const ArgDef* def = spec.Find(it.key());
    if (def != nullptr) given.push_back(def->name);
    if (def == nullptr) {
      errors->push_back({it.key(), fmt::format("unknown argument '{}' for module '{}'{}", it.key(),
                                               spec.name, DidYouMeanSuffix(it.key(), known))});
      continue;
    }
    if (out.contains(def->name)) {
      errors->push_back(
          {it.key(), fmt::format("argument '{}' is given twice (as an alias)", def->name)});
      continue;
    }
    const Value& v = it.value();
    if (templates_pending && IsPendingTemplate(v)) {
      out[def->name] = v;
      continue;
    }
    Value converted;
    std::string why;
    if (!Convert(*def, v, &converted, &why)) {
      errors->push_back({it.key(), fmt::format("argument '{}' {}", def->name, why)});
      continue;
    }
    if (!def->choices.empty()) {
      const std::string text = ToText(converted);
      if (std::find(def->choices.begin(), def->choices.end(), text) == def->choices.end()) {
        std::string list;
        for (const std::string& c : def->choices) list += (list.empty() ? "" : ", ") + c;
        errors->push_back(
            {it.key(), fmt::format("argument '{}' must be one of {}, not {}{}", def->name, list,
                                   Quoted(text), DidYouMeanSuffix(text, def->choices))});
        continue;
      }
    }
    out[def->name] = converted;
  }

  for (const ArgDef& def : spec.args) {
    if (out.contains(def.name)) continue;
    const bool was_given = std::find(given.begin(), given.end(), def.name) != given.end();
    if (def.required && !was_given) {
      errors->push_back(
          {"", fmt::format("missing required argument '{}' for module '{}'", def.name, spec.name)});
    } else if (!was_given && !def.default_value.is_null()) {
      out[def.name] = def.default_value;
    }
  }

  for (const auto& group : spec.mutually_exclusive) {
    std::vector<std::string> present;
    // Given, and not just its default: arguments normalised once already
    // (the engine renders and normalises again) hold their defaults, and
    // a default never conflicts (lineinfile's backrefs: false beside
    // search_string).
    for (const std::string& name : group) {
      const ArgDef* def = spec.Find(name);
      if (out.contains(name) &&
          (def == nullptr || def->default_value.is_null() || def->default_value != out[name])) {
        present.push_back(name);
      }
    }
    if (present.size() > 1) {
      errors->push_back({present[1], fmt::format("arguments '{}' and '{}' cannot be used together",
                                                 present[0], present[1])});
    }
  }
  for (const auto& group : spec.required_one_of) {
    bool any = std::any_of(group.begin(), group.end(),
                           [&](const std::string& name) { return out.contains(name); });
    if (!any) {
      std::string list;
      for (const std::string& name : group) list += (list.empty() ? "'" : ", '") + name + "'";
      errors->push_back({"", fmt::format("module '{}' needs one of {}", spec.name, list)});
    }
  }
  return out;
}

namespace {

// "u=rw,g=r,o=r" (and +/-, a=, ugo combinations) applied to 0.
bool ParseSymbolicMode(const std::string& s, unsigned* mode) {
  unsigned result = 0;
  for (const std::string& clause : Split(s, ',')) {
    size_t i = 0;
    unsigned who = 0;
    for (; i < clause.size() && std::string("ugoa").find(clause[i]) != std::string::npos; ++i) {
      switch (clause[i]) {
        case 'u':
          who |= 04700;
          break;
        case 'g':
          who |= 02070;
          break;
        case 'o':
          who |= 01007;
          break;
        case 'a':
          who |= 07777;
          break;
      }
    }
    if (who == 0) who = 07777;
    if (i >= clause.size() || std::string("=+-").find(clause[i]) == std::string::npos) return false;
    char op = clause[i++];
    unsigned perm = 0;
    for (; i < clause.size(); ++i) {
      switch (clause[i]) {
        case 'r':
          perm |= 0444;
          break;
        case 'w':
          perm |= 0222;
          break;
        case 'x':
          perm |= 0111;
          break;
        case 's':
          perm |= 06000;
          break;
        case 't':
          perm |= 01000;
          break;
        default:
          return false;
      }
    }
    perm &= who;
    if (op == '=') result = (result & ~who) | perm;
    if (op == '+') result |= perm;
    if (op == '-') result &= ~perm;
  }
  *mode = result;
  return true;
}

}  // namespace

bool ParseMode(const Value& v, unsigned* mode, std::string* error) {
  if (v.is_number_integer()) {
    long long n = v.get<long long>();
    std::string digits = std::to_string(n);
    if (n >= 512 && std::all_of(digits.begin(), digits.end(), [](char c) { return c <= '7'; })) {
      *error = fmt::format(
          "mode {} is ambiguous: it reads as a decimal number; write it quoted as '0{}'", n, n);
      return false;
    }
    if (n < 0 || n > 07777) {
      *error = fmt::format("mode {} is out of range", n);
      return false;
    }
    *mode = static_cast<unsigned>(n);
    return true;
  }
  if (v.is_string()) {
    const std::string s = Trim(v.get<std::string>());
    if (!s.empty() && s.size() <= 5 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '7'; })) {
      *mode = static_cast<unsigned>(std::stoul(s, nullptr, 8));
      if (*mode <= 07777) return true;
    }
    if (ParseSymbolicMode(s, mode)) return true;
    *error = fmt::format(
        "{} is not a file mode (use an octal string such as '0644' or a "
        "symbolic mode such as 'u=rw,g=r,o=r')",
        Quoted(s));
    return false;
  }
  *error = fmt::format("must be a file mode such as '0644', not {}", Describe(v));
  return false;
}

bool IsPendingTemplate(const Value& v) {
  return v.is_string() && IsTemplate(v.get_ref<const std::string&>());
}

std::string FormatMode(unsigned mode) { return fmt::format("{:04o}", mode); }

}  // namespace hostprep
