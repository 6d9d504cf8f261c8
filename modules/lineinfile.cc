#include "modules/lineinfile.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/text.h"
#include "engine/template/filters_regex.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"
#include "modules/text_edit.h"

namespace hostprep::modules {

namespace {

ArgSpec LineInFileSpec() {
  ArgSpec spec;
  spec.name = "lineinfile";
  spec.ansible_names = {"ansible.builtin.lineinfile", "ansible.legacy.lineinfile"};
  spec.summary = "make one line of a text file present or absent";
  spec.description =
      "Ansible's lineinfile module. With state present, replaces the line that `regexp` "
      "matches (or that holds `search_string`) with `line`, or adds `line` after "
      "`insertafter` / before `insertbefore` (at the end by default) unless the file already "
      "has it. With state absent, removes every line that matches. Patterns are Python "
      "regular expressions, searched in each line. The file is written atomically (a temp "
      "file beside it, validated, synced and renamed over it), through a symlink to what it "
      "points to. Registers msg, backup and, for absent, found.";
  spec.args = {
      {"path",
       ArgType::kString,
       true,
       nullptr,
       {},
       {"dest", "destfile", "name"},
       "The absolute path of the file."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent"},
       {},
       "present or absent."},
      {"regexp",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"regex"},
       "A Python regular expression searched in each line: the last line it matches is "
       "replaced (the first with firstmatch), or with state absent every one is removed."},
      {"search_string",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Plain text instead of regexp: lines holding it."},
      {"line",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"value"},
       "The line (without a line break). Required with state present; with backrefs, "
       "\\1 and \\g<name> take the match's groups."},
      {"insertafter",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "EOF (the default), BOF, or a regular expression: the line goes after the last line "
       "it matches (the first with firstmatch), at the end when none does."},
      {"insertbefore",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "BOF or a regular expression: the line goes before the last line it matches."},
      {"backrefs",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Expand `line` with the regexp's groups; when regexp matches nothing, the file is "
       "left as it is."},
      {"create",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Create the file (and its directory) when it does not exist; else that is an error."},
      {"firstmatch",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Use the first line regexp or insertafter/insertbefore matches, not the last."},
  };
  for (ArgDef& def : WriteArgs()) spec.args.push_back(std::move(def));
  spec.mutually_exclusive = {
      {"insertbefore", "insertafter"}, {"regexp", "search_string"}, {"backrefs", "search_string"}};
  spec.examples =
      "- name: no password logins\n"
      "  ansible.builtin.lineinfile:\n"
      "    path: /etc/ssh/sshd_config\n"
      "    regexp: '^#?PasswordAuthentication'\n"
      "    line: PasswordAuthentication no\n"
      "    validate: sshd -t -f %s\n"
      "- name: swap entries commented out\n"
      "  lineinfile: {path: /etc/fstab, regexp: '^([^#].*\\sswap\\s.*)$', line: '# \\1', "
      "backrefs: true}\n"
      "- name: the old mirror gone\n"
      "  lineinfile: {path: /etc/hosts, search_string: old-mirror.local, state: absent}\n";
  spec.notes =
      "Differences from Ansible: `path` must be absolute. A `line` holding a line break is "
      "refused (it would write lines the task does not name; use blockinfile or copy). "
      "Regular expressions are Python's as hostprep's regex filters take them (no "
      "lookbehind; \\w, \\d, \\s are ASCII). `validate` is split on whitespace and run "
      "without a shell. The registered `backup` is empty: the backup's name is in "
      "backup_file. --diff shows content and attribute changes in one block; check mode "
      "reports exactly what a run would change.";
  return spec;
}

// Python's bytes.rstrip(b'\r\n').
std::string_view StripEnd(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

Result<PyRegex> Compile(const char* key, const std::string& pattern) {
  Result<PyRegex> re = PyRegex::Compile(pattern, false, false);
  if (!re.ok()) return Status::Error(fmt::format("{}: {}", key, re.message()));
  return re;
}

Result<bool> Searches(const PyRegex& re, const std::string& line,
                      std::optional<PyRegex::Match>* match = nullptr) {
  Result<std::optional<PyRegex::Match>> m = re.Find(line, PyRegex::Mode::kSearch);
  if (!m.ok()) return m.status();
  if (match != nullptr && m->has_value()) *match = **m;
  return m->has_value();
}

// Ansible's present(), line for line.
Result<LineEdit> Present(const Value& args, std::vector<std::string> lines) {
  const std::optional<std::string> regexp = OptArg(args, "regexp");
  const std::optional<std::string> search = OptArg(args, "search_string");
  const std::string line = StringArg(args, "line");
  std::optional<std::string> after = OptArg(args, "insertafter");
  const std::optional<std::string> before = OptArg(args, "insertbefore");
  if (!after && !before) after = "EOF";
  const bool firstmatch = BoolArg(args, "firstmatch", false);
  const bool backrefs = BoolArg(args, "backrefs", false);

  std::optional<PyRegex> re;
  if (regexp) {
    Result<PyRegex> compiled = Compile("regexp", *regexp);
    if (!compiled.ok()) return compiled.status();
    re = std::move(*compiled);
  }
  std::optional<PyRegex> insert;
  if (after && *after != "BOF" && *after != "EOF") {
    Result<PyRegex> compiled = Compile("insertafter", *after);
    if (!compiled.ok()) return compiled.status();
    insert = std::move(*compiled);
  } else if (before && *before != "BOF") {
    Result<PyRegex> compiled = Compile("insertbefore", *before);
    if (!compiled.ok()) return compiled.status();
    insert = std::move(*compiled);
  }

  long found = -1;  // the line regexp or search_string found, or equal to line
  long insert_at = -1;
  std::optional<PyRegex::Match> match;
  bool matched = false;
  for (size_t i = 0; re && i < lines.size(); ++i) {
    std::optional<PyRegex::Match> m;
    Result<bool> hit = Searches(*re, lines[i], &m);
    if (!hit.ok()) return hit.status();
    if (!*hit) continue;
    found = static_cast<long>(i);
    match = std::move(m);
    matched = true;
    if (firstmatch) break;
  }
  for (size_t i = 0; search && i < lines.size(); ++i) {
    if (lines[i].find(*search) == std::string::npos) continue;
    found = static_cast<long>(i);
    matched = true;
    if (firstmatch) break;
  }
  if (!matched) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (StripEnd(lines[i]) == line) {
        found = static_cast<long>(i);
        continue;
      }
      if (!insert) continue;
      Result<bool> hit = Searches(*insert, lines[i]);
      if (!hit.ok()) return hit.status();
      if (!*hit) continue;
      // As Ansible: only a non-empty insertafter or insertbefore places it.
      if (after && !after->empty()) {
        insert_at = static_cast<long>(i + 1);
      } else if (before && !before->empty()) {
        insert_at = static_cast<long>(i);
      } else {
        continue;
      }
      if (firstmatch) break;
    }
  }

  LineEdit edit;
  const auto add = [&](size_t at) {
    lines.insert(lines.begin() + static_cast<long>(at), line + "\n");
    edit.msg = "line added";
  };
  if (found != -1) {
    std::string new_line = line;
    if (backrefs && match) {
      Result<std::string> expanded = re->Expand(*match, line);
      if (!expanded.ok()) return Status::Error(fmt::format("line: {}", expanded.message()));
      new_line = *expanded;
    }
    if (!EndsWith(new_line, "\n")) new_line += "\n";
    if (lines[static_cast<size_t>(found)] != new_line) {
      lines[static_cast<size_t>(found)] = new_line;
      edit.msg = "line replaced";
    }
  } else if (backrefs) {
    // Nothing: without a match there is nothing to fill the groups with.
  } else if (before == "BOF" || after == "BOF") {
    add(0);
  } else if (after == "EOF" || insert_at == -1) {
    if (!lines.empty() && !EndsWith(lines.back(), "\n") && !EndsWith(lines.back(), "\r")) {
      lines.push_back("\n");
    }
    add(lines.size());
  } else if (after && !after->empty()) {
    const size_t at = static_cast<size_t>(insert_at);
    if (at == lines.size()) {
      if (StripEnd(lines[at - 1]) != line) add(at);
    } else if (StripEnd(lines[at]) != line) {
      add(at);
    }
  } else {
    add(static_cast<size_t>(insert_at));
  }
  for (const std::string& l : lines) edit.text += l;
  return edit;
}

// Ansible's absent(): every line that matches goes.
Result<LineEdit> PlanLineAbsent(const Value& args, const std::vector<std::string>& lines) {
  const std::optional<std::string> regexp = OptArg(args, "regexp");
  const std::optional<std::string> search = OptArg(args, "search_string");
  const std::string line = StringArg(args, "line");
  std::optional<PyRegex> re;
  if (regexp) {
    Result<PyRegex> compiled = Compile("regexp", *regexp);
    if (!compiled.ok()) return compiled.status();
    re = std::move(*compiled);
  }
  LineEdit edit;
  for (const std::string& l : lines) {
    bool hit = false;
    if (re) {
      Result<bool> searched = Searches(*re, l);
      if (!searched.ok()) return searched.status();
      hit = *searched;
    } else if (search) {
      hit = l.find(*search) != std::string::npos;
    } else {
      hit = StripEnd(l) == line;
    }
    if (hit) {
      ++edit.found;
    } else {
      edit.text += l;
    }
  }
  if (edit.found > 0) edit.msg = fmt::format("{} line(s) removed", edit.found);
  return edit;
}

bool PlanLineAbsent(const Value& args) { return StringArg(args, "state") == "absent"; }

}  // namespace

Result<LineEdit> EditLines(const Value& args, const std::string& text) {
  std::vector<std::string> lines = SplitLinesKeepEnds(text);
  return PlanLineAbsent(args) ? PlanLineAbsent(args, lines) : Present(args, std::move(lines));
}

LineInFileModule::LineInFileModule() : spec_(LineInFileSpec()) {}

void LineInFileModule::Validate(const Value& args, bool templates_pending,
                                std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  ValidateWriteArgs(args, "path", errors);
  if (ready("line")) {
    const std::string line = StringArg(args, "line");
    if (line.find_first_of(std::string("\n\r\0", 3)) != std::string::npos) {
      errors->push_back({"line", fmt::format("line {} holds a line break: lineinfile manages one "
                                             "line (use blockinfile or copy for several)",
                                             Quoted(line))});
    }
  }
  for (const char* key : {"regexp", "insertafter", "insertbefore"}) {
    if (!ready(key)) continue;
    const std::string pattern = StringArg(args, key);
    if (std::string(key) != "regexp" && (pattern == "BOF" || pattern == "EOF")) continue;
    if (Result<PyRegex> re = PyRegex::Compile(pattern, false, false); !re.ok()) {
      errors->push_back({key, fmt::format("{} {}: {}", key, Quoted(pattern), re.message())});
    }
  }
  if (args.contains("state") && IsPendingTemplate(args["state"])) return;
  if (!PlanLineAbsent(args)) {
    if (!args.contains("line")) {
      errors->push_back({"line", "line is required with state: present"});
    }
    if (BoolArg(args, "backrefs", false) && !args.contains("regexp")) {
      errors->push_back({"backrefs", "backrefs needs regexp, whose groups it fills in"});
    }
  } else if (!args.contains("line") && !args.contains("regexp") &&
             !args.contains("search_string")) {
    errors->push_back({"", "state: absent needs one of line, search_string or regexp"});
  }
}

std::vector<Read> LineInFileModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return ProbeTextEdit(StringArg(args, "path"));
}

Result<Change> LineInFileModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                      const Value& facts) const {
  (void)facts;
  size_t found = 0;
  Result<Change> change =
      PlanTextEdit(args, reads, {"file not present"},
                   [&](const std::optional<std::string>& text) -> Result<TextEdit> {
                     Result<LineEdit> edit = EditLines(args, text.value_or(""));
                     if (!edit.ok()) return edit.status();
                     found = edit->found;
                     return TextEdit{std::move(edit->text), std::move(edit->msg)};
                   });
  // Not planned yet, or no file for state absent: Ansible registers no more.
  if (!change.ok() || !change->more_reads.empty() || !change->result.contains("path")) {
    return change;
  }
  change->result["backup"] = "";
  if (PlanLineAbsent(args)) change->result["found"] = found;
  return change;
}

Resources LineInFileModule::Declare(const Value& args) const { return DeclarePath(args); }

}  // namespace hostprep::modules
