#include "modules/ini_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "engine/base/text.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"
#include "modules/text_edit.h"

namespace hostprep::modules {

namespace {

// The section Ansible's module puts above the file's first line, so that the
// lines before any section are a section too.
constexpr char kTopSection[] = "ad01e11446efb704fcdbdb21f2c43757423d91c5";

ArgSpec IniFileSpec() {
  ArgSpec spec;
  spec.name = "ini_file";
  spec.ansible_names = {"community.general.ini_file"};
  spec.summary = "Ansible's ini_file: an option of an INI section set, added or removed";
  spec.description =
      "Ansible's ini_file module (community.general.ini_file). With `option` and `value` (or "
      "`values`), the option holds the value in `section` (the lines before the first section "
      "when no section is given): a line for it, commented out or not, is replaced, other lines "
      "of it are removed unless `exclusive: false`, and a missing one is added after the "
      "section's last option; a missing section is added at the end. `state: absent` removes "
      "the option's lines (with `exclusive: false`, only those holding one of `values`), or "
      "the whole section without `option`. Lines are written `option = value` "
      "(`no_extra_spaces: true`: `option=value`); `allow_no_value` writes a bare `option`. "
      "The file is written atomically, created with its directory unless `create: false`. "
      "Registers msg (\"option added\", \"option changed\", \"section and option added\", "
      "\"only section added\", \"section removed\", \"OK\") and path.";
  spec.args = {
      {"path", ArgType::kString, true, nullptr, {}, {"dest"}, "The absolute path of the INI file."},
      {"section",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The section (without brackets); none: the lines before the first section."},
      {"option", ArgType::kString, false, nullptr, {}, {}, "The option (the key)."},
      {"value", ArgType::kString, false, nullptr, {}, {}, "The option's value."},
      {"values",
       ArgType::kList,
       false,
       nullptr,
       {},
       {},
       "Several values: one line of the option per value."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent"},
       {},
       "present: the option holds the value(s); absent: its lines, or the section, removed."},
      {"exclusive",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Remove the option's other lines (present), or all its lines (absent)."},
      {"no_extra_spaces",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Write option=value without spaces around '='."},
      {"allow_no_value",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "An option without a value is written as the bare option."},
      {"create",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Create a missing file (and its directory); false: a missing file is an error."},
  };
  for (ArgDef& def : WriteArgs()) {
    if (def.name != "validate") spec.args.push_back(std::move(def));
  }
  spec.mutually_exclusive = {{"value", "values"}};
  spec.examples =
      "- name: NTP servers for timesyncd\n"
      "  community.general.ini_file:\n"
      "    path: /etc/systemd/timesyncd.conf\n"
      "    section: Time\n"
      "    option: NTP\n"
      "    value: ntp1.internal ntp2.internal\n"
      "    no_extra_spaces: true\n"
      "- name: no legacy section\n"
      "  ini_file: path=/etc/app.ini section=legacy state=absent\n";
  spec.notes =
      "Differences from Ansible: `path` must be absolute. state: absent without `section` "
      "or `option` is refused (Ansible's module then removes the lines before the first "
      "section and the first section's header). A value holding a line break is refused. "
      "--diff shows content and attribute changes in one block; check mode reports exactly "
      "what a run would change.";
  return spec;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// re.match(r'[#;]?( |\t)*(OPTION)( |\t)*(=|$)( |\t)*(.*)', line) (without
// the comment prefix when `commented` is false): the value (group 6).
std::optional<std::string> MatchOption(const std::string& option, const std::string& line,
                                       bool commented) {
  auto at = [&](size_t i) -> std::optional<std::string> {
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (line.compare(i, option.size(), option) != 0) return std::nullopt;
    i += option.size();
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i < line.size() && line[i] == '=') {
      ++i;
    } else if (!(i == line.size() || (i + 1 == line.size() && line[i] == '\n'))) {
      return std::nullopt;
    }
    while (i < line.size() && IsBlank(line[i])) ++i;
    const size_t end = std::min(line.find('\n', i), line.size());
    return line.substr(i, end - i);
  };
  if (commented && !line.empty() && (line[0] == '#' || line[0] == ';')) {
    if (std::optional<std::string> v = at(1)) return v;
  }
  return at(0);
}

// re.match(r'^[ \t]*([#;].*)?$', line): blank, or a comment.
bool BlankOrComment(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && IsBlank(line[i])) ++i;
  if (i < line.size() && (line[i] == '#' || line[i] == ';')) {
    i = std::min(line.find('\n', i), line.size());
  }
  return i == line.size() || (i + 1 == line.size() && line[i] == '\n');
}

bool HasValue(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// The text as Python reads it: utf-8-sig (no BOM), universal newlines.
std::string AsPythonReads(const std::string& raw) {
  std::string text = StartsWith(raw, "\xEF\xBB\xBF") ? raw.substr(3) : raw;
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> Values(const Value& args) {
  std::vector<std::string> values;
  if (args.contains("value") && args["value"].is_string()) {
    values.push_back(args["value"].get<std::string>());
  } else if (args.contains("values") && args["values"].is_array()) {
    for (const Value& v : args["values"]) {
      if (v.is_string()) values.push_back(v.get<std::string>());
      if (v.is_number() || v.is_boolean()) values.push_back(ToText(v));
    }
  }
  return values;
}

IniRequest IniRequestOf(const Value& args) {
  return {StringArg(args, "section"),
          StringArg(args, "option"),
          Values(args),
          StringArg(args, "state") == "absent",
          BoolArg(args, "exclusive", true),
          BoolArg(args, "no_extra_spaces", false),
          BoolArg(args, "allow_no_value", false)};
}

// The option lines of a present option, Ansible's rules 1 to 3: lines with a
// wanted value rewritten, then other lines of the option, then the rest of
// them removed (exclusive). Returns whether a bare option line is present.
bool SetOption(const IniRequest& r, const std::string& line_format_sep,
               std::vector<std::string>* values, std::vector<std::string>* sec,
               std::vector<bool>* touched, std::string* msg) {
  auto assign = [&](const std::string& v) { return r.option + line_format_sep + v + "\n"; };
  auto update = [&](size_t i, const std::string& line) {
    if ((*sec)[i] != line) *msg = "option changed";
    (*sec)[i] = line;
    (*touched)[i] = true;
  };
  bool bare_present = false;
  for (size_t i = 0; i < sec->size(); ++i) {
    const std::optional<std::string> found = MatchOption(r.option, (*sec)[i], true);
    if (!found) continue;
    if (!values->empty() && HasValue(*values, *found)) {
      const std::string matched = *found;
      if (matched.empty() && r.allow_no_value) {
        update(i, r.option + "\n");
        bare_present = true;
      } else {
        update(i, assign(matched));
      }
      values->erase(std::find(values->begin(), values->end(), matched));
    } else if (values->empty() && r.allow_no_value) {
      update(i, r.option + "\n");
      bare_present = true;
      break;
    }
  }
  if (r.exclusive && !r.allow_no_value) {
    for (size_t i = 0; i < sec->size() && !values->empty(); ++i) {
      if ((*touched)[i] || !MatchOption(r.option, (*sec)[i], true)) continue;
      update(i, assign(values->front()));
      values->erase(values->begin());
    }
    for (size_t i = sec->size() - 1; i >= 1 && i < sec->size(); --i) {
      if ((*touched)[i] || !MatchOption(r.option, (*sec)[i], true)) continue;
      sec->erase(sec->begin() + static_cast<std::ptrdiff_t>(i));
      touched->erase(touched->begin() + static_cast<std::ptrdiff_t>(i));
      *msg = "option changed";
    }
  }
  return bare_present;
}

}  // namespace

IniEdit EditIni(const IniRequest& r, const std::string& text) {
  std::vector<std::string> values;
  for (const std::string& v : r.values) {
    if (!HasValue(values, v)) values.push_back(v);
  }
  const std::string sep = r.no_extra_spaces ? "=" : " = ";
  std::vector<std::string> lines = SplitLinesKeepEnds(text);
  if (lines.empty()) lines.push_back("\n");
  if (lines.back().back() != '\n') lines.back() += "\n";
  lines.insert(lines.begin(), fmt::format("[{}]", kTopSection));
  lines.push_back("[");
  const std::string section = r.section.empty() ? kTopSection : r.section;

  bool within = false;
  size_t start = 0, end = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (StartsWith(lines[i], "[" + section + "]")) {
      within = true;
      start = i;
    } else if (StartsWith(lines[i], "[") && within) {
      end = i;
      break;
    }
  }
  const std::vector<std::string> before(lines.begin(), lines.begin() + static_cast<long>(start));
  std::vector<std::string> sec(lines.begin() + static_cast<long>(start),
                               lines.begin() + static_cast<long>(end));
  const std::vector<std::string> after(lines.begin() + static_cast<long>(end), lines.end());
  std::vector<bool> touched(sec.size(), false);
  std::string msg = "OK";

  bool bare_present = false;
  if (!r.absent && !r.option.empty()) {
    bare_present = SetOption(r, sep, &values, &sec, &touched, &msg);
  }
  if (!r.absent) {
    // Missing option lines go after the section's last line that is neither
    // blank nor a comment.
    for (size_t i = sec.size(); i > 0; --i) {
      if (BlankOrComment(sec[i - 1])) continue;
      if (!r.option.empty() && !values.empty()) {
        for (auto v = values.rbegin(); v != values.rend(); ++v) {
          sec.insert(sec.begin() + static_cast<long>(i), r.option + sep + *v + "\n");
          msg = "option added";
        }
      } else if (!r.option.empty() && r.allow_no_value && !bare_present) {
        sec.insert(sec.begin() + static_cast<long>(i), r.option + "\n");
        msg = "option added";
      }
      break;
    }
  } else if (!r.option.empty()) {
    std::vector<std::string> kept;
    for (const std::string& line : sec) {
      const std::optional<std::string> found = MatchOption(r.option, line, false);
      const bool drop = found && (r.exclusive || HasValue(values, *found));
      if (!drop) kept.push_back(line);
    }
    if (kept != sec && (r.exclusive || !values.empty())) {
      msg = "option changed";
      sec = std::move(kept);
    }
  } else if (!sec.empty()) {
    sec.clear();
    msg = "section removed";
  }

  std::vector<std::string> out = before;
  out.insert(out.end(), sec.begin(), sec.end());
  out.insert(out.end(), after.begin(), after.end());
  out.erase(out.begin());
  out.pop_back();
  if (!within && !r.absent) {
    out.push_back("[" + section + "]\n");
    msg = "section and option added";
    if (!r.option.empty() && !values.empty()) {
      for (const std::string& v : values) out.push_back(r.option + sep + v + "\n");
    } else if (!r.option.empty() && r.allow_no_value) {
      out.push_back(r.option + "\n");
    } else {
      msg = "only section added";
    }
  }
  IniEdit edit{"", msg};
  for (const std::string& line : out) edit.text += line;
  return edit;
}

IniFileModule::IniFileModule() : spec_(IniFileSpec()) {}

void IniFileModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  ValidateWriteArgs(args, "path", errors);
  auto pending = [&](const char* key) {
    return args.contains(key) && IsPendingTemplate(args[key]);
  };
  if (pending("state") || pending("allow_no_value") || pending("option") || pending("section")) {
    return;
  }
  const bool absent = StringArg(args, "state") == "absent";
  const bool has_values =
      args.contains("value") ||
      (args.contains("values") && args["values"].is_array() && !args["values"].empty());
  const bool option = !StringArg(args, "option").empty();
  if (!absent && !BoolArg(args, "allow_no_value", false) && !has_values) {
    errors->push_back({"value",
                       "value (or values) is required with state: present, unless "
                       "allow_no_value: true"});
  } else if (!absent && !option && has_values) {
    errors->push_back({"option", "a value needs the option it is for: give option"});
  }
  if (absent && !option && StringArg(args, "section").empty()) {
    errors->push_back(
        {"section", "state: absent without option removes a section: name it with section"});
  }
  for (const std::string& v : Values(args)) {
    if (IsPendingTemplate(Value(v))) continue;
    const std::string broken = LineBreakProblem(v);
    if (!broken.empty()) {
      errors->push_back({args.contains("value") ? "value" : "values",
                         fmt::format("value {} holds {}: a line of an INI file cannot: give the "
                                     "value on one line",
                                     Escaped(v), broken)});
    }
  }
  for (const char* key : {"section", "option"}) {
    const std::string v = StringArg(args, key);
    if (!pending(key) && !LineBreakProblem(v).empty()) {
      errors->push_back({key, fmt::format("{} {} holds a line break", key, Escaped(v))});
    }
  }
}

std::vector<Read> IniFileModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return ProbeTextEdit(StringArg(args, "path"));
}

Result<Change> IniFileModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  (void)facts;
  std::string msg = "OK";
  Result<Change> change = PlanTextEdit(
      args, reads, {"OK"}, [&](const std::optional<std::string>& raw) -> Result<TextEdit> {
        const std::string text = AsPythonReads(raw.value_or(""));
        IniEdit edit = EditIni(IniRequestOf(args), text);
        msg = edit.msg;
        // Unchanged as Python reads it: the file stays as it is
        // (a BOM, CRLF line ends).
        if (raw && edit.text == text) edit.text = *raw;
        return TextEdit{std::move(edit.text), edit.msg};
      });
  if (!change.ok() || !change->more_reads.empty()) return change;
  // Ansible's keys: the msg of the edit alone, whatever the attributes did.
  change->result = {{"msg", msg}, {"path", StringArg(args, "path")}};
  return change;
}

Resources IniFileModule::Declare(const Value& args) const { return DeclarePath(args); }

}  // namespace hostprep::modules
