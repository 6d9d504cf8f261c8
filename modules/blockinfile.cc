#include "modules/blockinfile.h"

#include <fmt/format.h>

#include <optional>

#include "engine/base/text.h"
#include "engine/template/filters_regex.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"
#include "modules/text_edit.h"

namespace hostprep::modules {

namespace {

ArgSpec BlockInFileSpec() {
  ArgSpec spec;
  spec.name = "blockinfile";
  spec.ansible_names = {"ansible.builtin.blockinfile", "ansible.legacy.blockinfile"};
  spec.summary = "make a block of lines between marker lines present or absent in a file";
  spec.description =
      "Ansible's blockinfile module. Puts `block` between two marker lines (`marker` with "
      "{mark} replaced by `marker_begin` and `marker_end`), replacing what the markers held, "
      "or, the first time, after the last line matching `insertafter` (EOF by default) or "
      "before the last line matching `insertbefore` (BOF for the top). An empty block or "
      "state absent removes the block and its markers. The file is written atomically (a "
      "temp file beside it, validated, synced and renamed over it), through a symlink to what "
      "it points to. Registers msg (\"Block inserted\", \"Block removed\", \"File created\").";
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
      {"block",
       ArgType::kString,
       false,
       "",
       {},
       {"content"},
       "The lines to put between the markers; empty removes the block."},
      {"marker",
       ArgType::kString,
       false,
       "# {mark} ANSIBLE MANAGED BLOCK",
       {},
       {},
       "The marker line; {mark} becomes marker_begin or marker_end."},
      {"marker_begin", ArgType::kString, false, "BEGIN", {}, {}, "{mark} in the first marker."},
      {"marker_end", ArgType::kString, false, "END", {}, {}, "{mark} in the last marker."},
      {"insertafter",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "EOF (the default) or a Python regular expression: a new block goes after the last line "
       "it matches, at the end when none does."},
      {"insertbefore",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "BOF or a Python regular expression: a new block goes before the last line it matches."},
      {"create",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Create the file (and its directory) when it does not exist; else that is an error."},
  };
  for (ArgDef& def : WriteArgs()) spec.args.push_back(std::move(def));
  spec.mutually_exclusive = {{"insertbefore", "insertafter"}};
  spec.examples =
      "- name: hosts of the cluster\n"
      "  ansible.builtin.blockinfile:\n"
      "    path: /etc/hosts\n"
      "    block: |\n"
      "      10.0.0.11 node1\n"
      "      10.0.0.12 node2\n"
      "    marker: '# {mark} CLUSTER HOSTS'\n";
  spec.notes =
      "Differences from Ansible: `path` must be absolute. A block holding one of its own marker "
      "lines is refused (the next run could not tell where the block ends). Patterns are "
      "Python's as hostprep's regex filters take them. `validate` is split on whitespace and "
      "run without a shell. --diff shows content and attribute changes in one block; check "
      "mode reports exactly what a run would change.";
  return spec;
}

// re.sub('{mark}', mark, marker), without its line break.
std::string Marker(const Value& args, const char* mark_key) {
  std::string marker = StringArg(args, "marker");
  const std::string mark = StringArg(args, mark_key);
  std::string out;
  for (size_t at = 0;;) {
    const size_t found = marker.find("{mark}", at);
    if (found == std::string::npos) return out + marker.substr(at);
    out += marker.substr(at, found - at) + mark;
    at = found + 6;
  }
}

// Whether a pattern's leading inline flags hold re.MULTILINE: "(?m)...".
bool IsMultilinePattern(const std::string& pattern) {
  if (pattern.rfind("(?", 0) != 0) return false;
  const size_t close = pattern.find(')');
  if (close == std::string::npos) return false;
  const std::string flags = pattern.substr(2, close - 2);
  return flags.find_first_not_of("aiLmsux") == std::string::npos &&
         flags.find('m') != std::string::npos;
}

// How many '\n' the first `code_points` characters of `text` hold.
size_t NewlinesBefore(const std::string& text, size_t code_points) {
  size_t lines = 0, seen = 0;
  for (size_t at = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;
    if (seen++ == code_points) break;
    if (text[at] == '\n') ++lines;
  }
  return lines;
}

// Where a new block goes, by insertafter/insertbefore, as Ansible finds it.
Result<size_t> InsertAt(const Value& args, const std::optional<std::string>& original,
                        const std::vector<std::string>& lines) {
  std::optional<std::string> after = OptArg(args, "insertafter");
  const std::optional<std::string> before = OptArg(args, "insertbefore");
  if (!after && !before) after = "EOF";
  std::optional<std::string> pattern;
  if (after && *after != "EOF") {
    pattern = after;
  } else if (before && *before != "BOF") {
    pattern = before;
  }
  if (!pattern) return before ? size_t{0} : lines.size();
  Result<PyRegex> re = PyRegex::Compile(*pattern, false, IsMultilinePattern(*pattern));
  if (!re.ok())
    return Status::Error(
        fmt::format("{}: {}", after ? "insertafter" : "insertbefore", re.message()));
  std::optional<size_t> n0;
  if (IsMultilinePattern(*pattern)) {
    Result<std::optional<PyRegex::Match>> m =
        re->Find(original.value_or(""), PyRegex::Mode::kSearch);
    if (!m.ok()) return m.status();
    if (m->has_value()) {
      if (after && !after->empty()) {
        n0 = NewlinesBefore(*original, (**m).end);
      } else if (before && !before->empty()) {
        n0 = NewlinesBefore(*original, (**m).begin);
      }
    }
  } else {
    for (size_t i = 0; i < lines.size(); ++i) {
      Result<std::optional<PyRegex::Match>> m = re->Find(lines[i], PyRegex::Mode::kSearch);
      if (!m.ok()) return m.status();
      if (m->has_value()) n0 = i;
    }
  }
  if (!n0) return lines.size();
  return after ? *n0 + 1 : *n0;
}

}  // namespace

Result<BlockEdit> EditBlock(const Value& args, const std::optional<std::string>& original) {
  std::vector<std::string> lines =
      original ? SplitLinesKeepEnds(*original) : std::vector<std::string>{};
  const std::string marker0 = Marker(args, "marker_begin") + "\n";
  const std::string marker1 = Marker(args, "marker_end") + "\n";
  std::string block = StringArg(args, "block");
  std::vector<std::string> blocklines;
  if (!StateAbsent(args) && !block.empty()) {
    if (!EndsWith(block, "\n")) block += "\n";
    blocklines.push_back(marker0);
    for (std::string& l : SplitLinesKeepEnds(block)) blocklines.push_back(std::move(l));
    blocklines.push_back(marker1);
  }
  std::optional<size_t> n0, n1;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == marker0) n0 = i;
    if (lines[i] == marker1) n1 = i;
  }
  size_t at = 0;
  if (!n0 || !n1) {
    Result<size_t> insert = InsertAt(args, original, lines);
    if (!insert.ok()) return insert.status();
    at = *insert;
  } else if (*n0 < *n1) {
    lines.erase(lines.begin() + static_cast<long>(*n0), lines.begin() + static_cast<long>(*n1) + 1);
    at = *n0;
  } else {
    lines.erase(lines.begin() + static_cast<long>(*n1), lines.begin() + static_cast<long>(*n0) + 1);
    at = *n1;
  }
  if (at > 0 && !EndsWith(lines[at - 1], "\n")) lines[at - 1] += "\n";
  lines.insert(lines.begin() + static_cast<long>(at), blocklines.begin(), blocklines.end());
  BlockEdit edit;
  for (const std::string& l : lines) edit.text += l;
  if (original && *original == edit.text) {
    edit.msg = "";
  } else if (!original) {
    edit.msg = "File created";
  } else if (blocklines.empty()) {
    edit.msg = "Block removed";
  } else {
    edit.msg = "Block inserted";
  }
  return edit;
}

BlockInFileModule::BlockInFileModule() : spec_(BlockInFileSpec()) {}

void BlockInFileModule::Validate(const Value& args, bool templates_pending,
                                 std::vector<ArgError>* errors) const {
  (void)templates_pending;
  ValidateWriteArgs(args, "path", errors);
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  for (const char* key : {"insertafter", "insertbefore"}) {
    if (!ready(key)) continue;
    const std::string pattern = StringArg(args, key);
    if (pattern == (std::string(key) == "insertafter" ? "EOF" : "BOF")) continue;
    if (Result<PyRegex> re = PyRegex::Compile(pattern, false, IsMultilinePattern(pattern));
        !re.ok()) {
      errors->push_back({key, fmt::format("{} {}: {}", key, Quoted(pattern), re.message())});
    }
  }
  if (ready("block") && ready("marker") && ready("marker_begin") && ready("marker_end")) {
    const std::string begin = Marker(args, "marker_begin"), end = Marker(args, "marker_end");
    for (const std::string& line : SplitLinesKeepEnds(StringArg(args, "block"))) {
      const std::string body(LineBody(line));
      if (body == begin || body == end) {
        errors->push_back({"block", fmt::format("block holds its own marker line {}: the next "
                                                "run could not tell where the block ends",
                                                Quoted(body))});
        break;
      }
    }
  }
}

std::vector<Read> BlockInFileModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return ProbeTextEdit(StringArg(args, "path"));
}

Result<Change> BlockInFileModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                       const Value& facts) const {
  (void)facts;
  return PlanTextEdit(args, reads, {fmt::format("File {} not present", StringArg(args, "path"))},
                      [&](const std::optional<std::string>& text) -> Result<TextEdit> {
                        Result<BlockEdit> edit = EditBlock(args, text);
                        if (!edit.ok()) return edit.status();
                        return TextEdit{std::move(edit->text), std::move(edit->msg)};
                      });
}

Resources BlockInFileModule::Declare(const Value& args) const { return DeclarePath(args); }

}  // namespace hostprep::modules
