#include "modules/pam_limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/text_edit.h"

namespace hostprep::modules {

namespace {

constexpr char kLimitsConf[] = "/etc/security/limits.conf";

ArgSpec PamLimitsSpec() {
  ArgSpec spec;
  spec.name = "pam_limits";
  spec.ansible_names = {"community.general.pam_limits", "community.general.system.pam_limits"};
  spec.summary = "set one limit in /etc/security/limits.conf (nofile, nproc, memlock...)";
  spec.description =
      "Ansible's pam_limits module (community.general): the line of `domain`, `limit_type` "
      "and `limit_item` gets `value`, or is added at the end; `use_max`/`use_min` keep the "
      "larger or smaller of the two. The file is edited line for line as Ansible's module "
      "edits it (the first matching line changed, other lines kept byte for byte) and "
      "written atomically; registers `msg`, the limit's line.";
  const std::vector<std::string> items = {
      "core",       "data",     "fsize", "memlock",   "nofile",       "rss",      "stack",
      "cpu",        "nproc",    "as",    "maxlogins", "maxsyslogins", "priority", "locks",
      "sigpending", "msgqueue", "nice",  "rtprio",    "chroot"};
  spec.args = {
      {"domain", ArgType::kString, true, nullptr, {}, {}, "A user, @group, * or a uid/gid range."},
      {"limit_type",
       ArgType::kString,
       true,
       nullptr,
       {"soft", "hard", "-"},
       {},
       "soft, hard or -."},
      {"limit_item", ArgType::kString, true, nullptr, items, {}, "The limit."},
      {"value",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "A number, or unlimited, infinity or -1 (none); -20 to 19 for nice and priority."},
      {"use_max", ArgType::kBool, false, false, {}, {}, "Keep the larger of the file's and this."},
      {"use_min", ArgType::kBool, false, false, {}, {}, "Keep the smaller of the file's and this."},
      {"backup", ArgType::kBool, false, false, {}, {}, "Keep a dated copy of the old file."},
      {"dest", ArgType::kString, false, kLimitsConf, {}, {}, "The file."},
      {"comment", ArgType::kString, false, "", {}, {}, "A comment after the limit."},
  };
  spec.examples =
      "- name: more open files for the container runtime\n"
      "  community.general.pam_limits:\n"
      "    domain: '*'\n"
      "    limit_type: '-'\n"
      "    limit_item: nofile\n"
      "    value: '1048576'\n"
      "    use_max: true\n";
  spec.notes =
      "As Ansible's, quirks included: a comment read from an earlier line of the file goes "
      "with a limit the task writes without one (with that line's line break: a blank line "
      "follows). Differences: check mode does not create a missing file (Ansible's creates "
      "it empty); a value that is not valid is refused before any host is contacted; a diff "
      "of the file.";
  return spec;
}

bool Unlimited(const std::string& v) { return v == "unlimited" || v == "infinity" || v == "-1"; }

bool PyIsDigit(const std::string& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Python's repr() of a str, as %r prints it in the module's messages.
std::string PyStrRepr(const std::string& s) {
  const char quote =
      s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + quote;
}

// _assert_is_valid_value: "" when `value` suits `item`, else Ansible's message.
std::string InvalidValue(const std::string& item, const std::string& value,
                         const std::string& prefix) {
  if (item == "nice" || item == "priority") {
    // int(): blanks around, a sign, digits.
    const std::string v = Trim(value);
    const bool sign = !v.empty() && (v[0] == '-' || v[0] == '+');
    const std::string digits = sign ? v.substr(1) : v;
    bool valid = PyIsDigit(digits) && digits.size() < 4;
    if (valid) {
      const int n = std::stoi(digits) * (v[0] == '-' ? -1 : 1);
      valid = n >= -20 && n <= 19;
    }
    if (valid) return "";
    return fmt::format(
        "{} Value of {} for item {} is invalid. Value must be a number in the range -20 to 19 "
        "inclusive. Refer to the limits.conf(5) manual pages for more details.",
        prefix, PyStrRepr(value), PyStrRepr(item));
  }
  if (Unlimited(value) || PyIsDigit(value)) return "";
  return fmt::format(
      "{} Value of {} for item {} is invalid. Value must either be 'unlimited', 'infinity' or "
      "-1, all of which indicate no limit, or a limit of 0 or larger. Refer to the "
      "limits.conf(5) manual pages for more details.",
      prefix, PyStrRepr(value), PyStrRepr(item));
}

// str(int(a)) for digits: leading zeros dropped.
std::string IntText(const std::string& digits) {
  const size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

// Compares two digit strings as numbers.
int CompareInts(const std::string& a, const std::string& b) {
  const std::string x = IntText(a), y = IntText(b);
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
}

// re.sub(r'\s+', ' ', line).strip(), for ASCII blanks.
std::string SqueezeBlanks(const std::string& line) {
  std::string out;
  bool blank = false;
  for (char c : line) {
    const bool b = c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    if (b) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

PamLimit LimitOf(const Value& args) {
  PamLimit l;
  l.domain = StringArg(args, "domain");
  l.type = StringArg(args, "limit_type");
  l.item = StringArg(args, "limit_item");
  l.value = StringArg(args, "value");
  l.comment = StringArg(args, "comment");
  l.use_max = BoolArg(args, "use_max", false);
  l.use_min = BoolArg(args, "use_min", false);
  return l;
}

}  // namespace

// main()'s loop, with its variables as it keeps them: new_comment and
// new_value live across lines.
Result<PamLimitsEdit> EditPamLimits(const PamLimit& limit, const std::string& text,
                                    const std::string& dest) {
  PamLimitsEdit out;
  std::string new_comment = limit.comment;
  std::string new_value = limit.value;
  bool found = false;
  const std::string invalid_prefix = fmt::format("Invalid configuration found in '{}'.", dest);
  for (const std::string& line : SplitLinesKeepEnds(text)) {
    if (StartsWith(line, "#")) {
      out.text += line;
      continue;
    }
    std::string squeezed = SqueezeBlanks(line);
    if (squeezed.empty()) {
      out.text += line;
      continue;
    }
    const size_t hash = line.find('#');
    const std::string old_comment = hash == std::string::npos ? "" : line.substr(hash + 1);
    squeezed = squeezed.substr(0, squeezed.find('#'));
    while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
    if (new_comment.empty()) new_comment = old_comment;
    const std::vector<std::string> fields = Split(squeezed, ' ');
    if (fields.size() != 4) {
      out.text += line;
      continue;
    }
    const std::string& actual = fields[3];
    if (std::string bad = InvalidValue(fields[2], actual, invalid_prefix); !bad.empty())
      return Status::Error(bad);
    if (fields[0] != limit.domain || fields[1] != limit.type || fields[2] != limit.item) {
      out.text += line;
      continue;
    }
    found = true;
    if (limit.value == actual) {
      out.msg = line;
      out.text += line;
      continue;
    }
    // Ansible compares the type, not the item, with nice and priority:
    // never true, so 'unlimited' counts for them too.
    const bool actual_unlimited = Unlimited(actual);
    const bool value_unlimited = Unlimited(limit.value);
    if (limit.use_max) {
      if (actual_unlimited) {
        new_value = actual;
      } else if (value_unlimited) {
        new_value = limit.value;
      } else {
        new_value = CompareInts(limit.value, actual) >= 0 ? IntText(limit.value) : IntText(actual);
      }
    }
    if (limit.use_min) {
      if (actual_unlimited && value_unlimited) {
        new_value = actual;
      } else if (actual_unlimited) {
        new_value = limit.value;
      } else if (value_unlimited) {
        new_value = actual;
      } else {
        new_value = CompareInts(limit.value, actual) <= 0 ? IntText(limit.value) : IntText(actual);
      }
    }
    if (new_value == actual) {
      out.msg = line;
      out.text += line;
      continue;
    }
    out.changed = true;
    if (!new_comment.empty()) new_comment = "\t#" + new_comment;
    out.msg = limit.domain + "\t" + limit.type + "\t" + limit.item + "\t" + new_value +
              new_comment + "\n";
    out.text += out.msg;
  }
  if (!found) {
    out.changed = true;
    if (!new_comment.empty()) new_comment = "\t#" + new_comment;
    out.msg = limit.domain + "\t" + limit.type + "\t" + limit.item + "\t" + new_value +
              new_comment + "\n";
    out.text += out.msg;
  }
  return out;
}

PamLimitsModule::PamLimitsModule() : spec_(PamLimitsSpec()) {}

void PamLimitsModule::Validate(const Value& args, bool templates_pending,
                               std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (BoolArg(args, "use_max", false) && BoolArg(args, "use_min", false))
    errors->push_back({"", "Cannot use use_min and use_max at the same time."});
  for (const char* key : {"limit_item", "value"}) {
    if (!args.contains(key) || IsPendingTemplate(args[key])) return;
  }
  const std::string bad = InvalidValue(StringArg(args, "limit_item"), StringArg(args, "value"), "");
  if (!bad.empty()) errors->push_back({"value", Trim(bad)});
}

std::vector<Read> PamLimitsModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return ProbeTextEdit(StringArg(args, "dest"));
}

Resources PamLimitsModule::Declare(const Value& args) const {
  return DeclarePath(Value::object({{"path", args.value("dest", Value(kLimitsConf))}}));
}

Result<Change> PamLimitsModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                     const Value& facts) const {
  (void)facts;
  const std::string dest = StringArg(args, "dest");
  // Ansible creates a missing file only in a directory that is there.
  if (reads.size() >= 3 && reads[0].status.ok() && !reads[0].stat.exists() &&
      reads[2].status.ok() && !reads[2].stat.exists()) {
    return Status::Error(fmt::format(
        "directory {} is not writable (check presence, access rights, use sudo)", Parent(dest)));
  }
  const Value edit_args = {{"path", dest},
                           {"state", "present"},
                           {"create", true},
                           {"backup", BoolArg(args, "backup", false)}};
  const PamLimit limit = LimitOf(args);
  std::string msg;
  Result<Change> change = PlanTextEdit(
      edit_args, reads, {""}, [&](const std::optional<std::string>& raw) -> Result<TextEdit> {
        Result<PamLimitsEdit> edit = EditPamLimits(limit, raw.value_or(""), dest);
        if (!edit.ok()) return edit.status();
        msg = edit->msg;
        return TextEdit{std::move(edit->text), edit->msg};
      });
  if (!change.ok() || !change->more_reads.empty()) return change;
  change->result = {{"msg", msg}};
  return change;
}

}  // namespace hostprep::modules
