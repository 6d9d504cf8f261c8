#include "modules/replace.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "engine/template/filters_regex.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"
#include "modules/text_edit.h"

namespace hostprep::modules {

namespace {

ArgSpec ReplaceSpec() {
  ArgSpec spec;
  spec.name = "replace";
  spec.ansible_names = {"ansible.builtin.replace", "ansible.legacy.replace"};
  spec.summary = "replace every match of a regular expression in a file";
  spec.description =
      "Ansible's replace module. Replaces every match of `regexp` (a Python regular "
      "expression, multiline: ^ and $ match at each line) in the file with `replace`, whose "
      "\\1 and \\g<name> take the match's groups; with `after` and/or `before`, only in the "
      "part of the file between them. The file is written atomically (a temp file beside "
      "it, validated, synced and renamed over it), through a symlink to what it points to. "
      "Registers msg (\"2 replacements made\") and rc.";
  spec.args = {
      {"path",
       ArgType::kString,
       true,
       nullptr,
       {},
       {"dest", "destfile", "name"},
       "The absolute path of the file; it must exist."},
      {"regexp",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The Python regular expression to replace, multiline."},
      {"replace",
       ArgType::kString,
       false,
       "",
       {},
       {},
       "What each match becomes (empty: it is removed); \\1, \\g<name> are its groups."},
      {"after",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A pattern: replace only after its first match (. matches line breaks here)."},
      {"before",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A pattern: replace only before its match (. matches line breaks here)."},
      {"encoding", ArgType::kString, false, "utf-8", {}, {}, "Only utf-8 is supported."},
  };
  for (ArgDef& def : WriteArgs()) spec.args.push_back(std::move(def));
  spec.examples =
      "- name: swap lines in fstab commented out\n"
      "  ansible.builtin.replace:\n"
      "    path: /etc/fstab\n"
      "    regexp: '^([^#].*\\sswap\\s.*)$'\n"
      "    replace: '# \\1'\n"
      "- name: the mirror, only in the [main] section\n"
      "  replace: {path: /etc/app.ini, after: '\\[main\\]', before: '\\[', regexp: '^mirror=.*$', "
      "replace: 'mirror=http://mirror.local'}\n";
  spec.notes =
      "Differences from Ansible: `path` must be absolute. Regular expressions are Python's as "
      "hostprep's regex filters take them (no lookbehind; \\w, \\d, \\s are ASCII); a pattern "
      "that can match nothing at all (x*) may place its replacements differently from "
      "Python's re.sub. `encoding` can only be utf-8. `validate` is split on whitespace and "
      "run without a shell. --diff shows content and attribute changes in one block; check "
      "mode reports exactly what a run would change.";
  return spec;
}

// The byte offset of code point `n` of UTF-8 `text` (PyRegex counts code
// points).
size_t ByteOffset(const std::string& text, size_t n) {
  size_t at = 0;
  for (size_t seen = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;
    if (seen++ == n) return at;
  }
  return at;
}

// Ansible's section pattern: after(?P<subsection>.*?)before, DOTALL.
std::string SectionPattern(const Value& args) {
  const std::string after = StringArg(args, "after"), before = StringArg(args, "before");
  if (!after.empty() && !before.empty()) {
    return after + "(?P<subsection>.*?)" + before;
  }
  if (!after.empty()) return after + "(?P<subsection>.*)";
  if (!before.empty()) return "(?P<subsection>.*)" + before;
  return "";
}

}  // namespace

Result<Replaced> ReplaceIn(const Value& args, const std::string& text) {
  size_t from = 0, to = text.size();
  const std::string section_pattern = SectionPattern(args);
  if (!section_pattern.empty()) {
    Result<PyRegex> section = PyRegex::Compile("(?s)" + section_pattern, false, false);
    if (!section.ok()) return Status::Error(fmt::format("after/before: {}", section.message()));
    Result<std::optional<PyRegex::Match>> found = section->Find(text, PyRegex::Mode::kSearch);
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      return Replaced{text, 0,
                      fmt::format("Pattern for before/after params did not match the given "
                                  "file: {}",
                                  section_pattern)};
    }
    const int group = section->GroupIndex("subsection");
    const auto [start, end] = (**found).spans[static_cast<size_t>(group)];
    from = ByteOffset(text, start);
    to = ByteOffset(text, end);
  }
  Result<PyRegex> re = PyRegex::Compile(StringArg(args, "regexp"), false, true);
  if (!re.ok()) return Status::Error(fmt::format("regexp: {}", re.message()));
  const std::string section = text.substr(from, to - from);
  Result<std::vector<PyRegex::Match>> matches = re->FindAll(section);
  if (!matches.ok()) return matches.status();
  Result<std::string> replaced = re->Substitute(section, StringArg(args, "replace"), 0);
  if (!replaced.ok()) return Status::Error(fmt::format("replace: {}", replaced.message()));
  if (matches->empty() || *replaced == section) return Replaced{text, 0, ""};
  return Replaced{text.substr(0, from) + *replaced + text.substr(to), matches->size(),
                  fmt::format("{} replacements made", matches->size())};
}

ReplaceModule::ReplaceModule() : spec_(ReplaceSpec()) {}

void ReplaceModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  ValidateWriteArgs(args, "path", errors);
  if (ready("regexp")) {
    const std::string pattern = StringArg(args, "regexp");
    if (Result<PyRegex> re = PyRegex::Compile(pattern, false, true); !re.ok()) {
      errors->push_back({"regexp", fmt::format("regexp {}: {}", Quoted(pattern), re.message())});
    }
  }
  auto pending = [&](const char* key) { return args.contains(key) && !ready(key); };
  if (!pending("after") && !pending("before")) {
    const std::string pattern = SectionPattern(args);
    if (!pattern.empty()) {
      if (Result<PyRegex> re = PyRegex::Compile("(?s)" + pattern, false, false); !re.ok()) {
        errors->push_back({args.contains("after") ? "after" : "before",
                           fmt::format("after/before {}: {}", Quoted(pattern), re.message())});
      }
    }
  }
  if (ready("encoding")) {
    const std::string enc = ToLower(StringArg(args, "encoding"));
    if (enc != "utf-8" && enc != "utf8") {
      errors->push_back({"encoding", fmt::format("encoding {} is not supported: only utf-8 is",
                                                 Quoted(StringArg(args, "encoding")))});
    }
  }
}

std::vector<Read> ReplaceModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return ProbeTextEdit(StringArg(args, "path"));
}

Result<Change> ReplaceModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  (void)facts;
  Result<Change> change = PlanTextEdit(
      args, reads, {"", true}, [&](const std::optional<std::string>& text) -> Result<TextEdit> {
        Result<Replaced> replaced = ReplaceIn(args, text.value_or(""));
        if (!replaced.ok()) return replaced.status();
        // As Ansible: after/before that match nothing are said, and nothing
        // else is looked at, attributes included.
        const bool settled = !SectionPattern(args).empty() && replaced->count == 0 &&
                             StartsWith(replaced->msg, "Pattern for");
        return TextEdit{std::move(replaced->text), std::move(replaced->msg), settled};
      });
  if (change.ok() && change->more_reads.empty()) change->result["rc"] = 0;
  return change;
}

Resources ReplaceModule::Declare(const Value& args) const { return DeclarePath(args); }

}  // namespace hostprep::modules
