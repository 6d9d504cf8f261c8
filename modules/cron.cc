#include "modules/cron.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/base/text.h"
#include "engine/template/filters_regex.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kMarker[] = "#Ansible: ";
constexpr char kCronDir[] = "/etc/cron.d";

ArgSpec CronSpec() {
  ArgSpec spec;
  spec.name = "cron";
  spec.ansible_names = {"ansible.builtin.cron", "ansible.legacy.cron"};
  spec.summary = "Ansible's cron: a named job or a variable in a crontab or /etc/cron.d file";
  spec.description =
      "Ansible's cron module: the job `name` (a line `#Ansible: NAME` above the job line) or, "
      "with `env: true`, the variable `name` (a line NAME=\"VALUE\") in the crontab of `user` "
      "(read with `crontab -l`, installed with `crontab -`) or in the file `cron_file` (under "
      "/etc/cron.d unless absolute; its job lines name the user). The lines are edited as "
      "Ansible's module edits them, quirks included, read in the probe round trip and written "
      "atomically; a cron file left without any job is removed. Registers jobs and envs (the "
      "names in the crontab after the task), cron_file, and Ansible's warnings.";
  spec.args = {
      {"name", ArgType::kString, true, nullptr, {}, {}, "The job's name, or the variable's."},
      {"user",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Whose crontab (the user the task runs as by default); with cron_file, the user the "
       "job runs as (required)."},
      {"job",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"value"},
       "The command (one line), or the variable's value with env. Required with state "
       "present."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent"},
       {},
       "present or absent."},
      {"cron_file",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A file of /etc/cron.d (a name, or an absolute path) instead of the user's crontab."},
      {"backup",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Keep the old crontab when it changes: a cron file as FILE.<timestamp>~ (registered as "
       "backup_file), a user's crontab in a new /tmp/crontabXXXXXXXX file."},
      {"minute", ArgType::kString, false, "*", {}, {}, "Minute (0-59, */5, ...)."},
      {"hour", ArgType::kString, false, "*", {}, {}, "Hour (0-23, ...)."},
      {"day", ArgType::kString, false, "*", {}, {"dom"}, "Day of the month (1-31, ...)."},
      {"month", ArgType::kString, false, "*", {}, {}, "Month (1-12, ...)."},
      {"weekday", ArgType::kString, false, "*", {}, {"dow"}, "Day of the week (0-6, ...)."},
      {"special_time",
       ArgType::kString,
       false,
       nullptr,
       {"reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly"},
       {},
       "@reboot, @daily... instead of the five time fields."},
      {"disabled", ArgType::kBool, false, false, {}, {}, "Write the job line commented out."},
      {"env", ArgType::kBool, false, false, {}, {}, "Manage the variable `name`, not a job."},
      {"insertafter",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "With env: a new variable goes after this variable (else at the top)."},
      {"insertbefore",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "With env: a new variable goes before this variable."},
  };
  spec.mutually_exclusive = {{"insertafter", "insertbefore"}};
  spec.examples =
      "- name: nightly backup\n"
      "  ansible.builtin.cron:\n"
      "    name: backup\n"
      "    minute: '0'\n"
      "    hour: '2'\n"
      "    job: /usr/local/bin/backup\n"
      "- name: a job in /etc/cron.d/kube\n"
      "  cron:\n"
      "    name: rotate logs\n"
      "    special_time: hourly\n"
      "    user: root\n"
      "    cron_file: kube\n"
      "    job: /usr/local/bin/rotate\n"
      "- name: PATH for root's jobs\n"
      "  cron:\n"
      "    name: PATH\n"
      "    env: true\n"
      "    job: /usr/local/bin:/usr/bin:/bin\n";
  spec.notes =
      "As Ansible's, quirks included: a job line found without its marker gets one; every "
      "marker of the name gets the job line; a variable's name is a Python pattern matched at "
      "the start of each line; a user's crontab emptied of its jobs stays, empty. "
      "Differences: a job, value, name, user or time field holding a line break (or another "
      "control character but a tab) is refused before any host is contacted (Ansible warns "
      "\"Job should not contain line breaks\" and writes the lines); so are the argument "
      "combinations Ansible refuses when the task runs (special_time with time fields, "
      "cron_file without user, a missing job, insertafter/insertbefore without env, a "
      "variable name with a space, cron_file /etc/crontab). A cron file needs no crontab "
      "command on the host (Ansible's module needs one whatever it manages). With backup, a "
      "cron file's copy is FILE.<timestamp>~, registered as backup_file, and a user crontab's "
      "a new /tmp/crontabXXXXXXXX file, not registered (Ansible registers its /tmp file for "
      "both). `cron_file` is not expanded for `~` or variables. The removal of an emptied cron "
      "file registers `diff: {}` as Ansible does without --diff; --diff shows a unified diff.";
  return spec;
}

// Python's str.strip('\r\n').
std::string StripLineBreaks(const std::string& s) {
  const size_t first = s.find_first_not_of("\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of("\r\n") - first + 1);
}

// re.sub('#Ansible: ', '', line): every marker text removed, not only the
// first, as the module names a job.
std::string MarkerName(const std::string& line) {
  std::string out = line;
  for (size_t at = out.find(kMarker); at != std::string::npos; at = out.find(kMarker, at))
    out.erase(at, sizeof(kMarker) - 1);
  return out;
}

bool IsMarker(const std::string& line) { return StartsWith(line, kMarker); }

// Python's str.isspace() for one ASCII character.
bool PySpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

// The lines of the crontab that declare `name` ('^NAME='), the name being
// a Python pattern, as the module matches it.
class EnvMatcher {
 public:
  static Result<EnvMatcher> For(const std::string& name) {
    Result<PyRegex> re = PyRegex::Compile("^" + name + "=", false, false);
    if (!re.ok())
      return Status::Error(fmt::format("the variable name {} is not a valid Python pattern ({})",
                                       Quoted(name), re.message()));
    return EnvMatcher(std::move(*re));
  }
  bool Matches(const std::string& line) const {
    Result<std::optional<PyRegex::Match>> m = re_.Find(line, PyRegex::Mode::kMatch);
    return m.ok() && m->has_value();
  }
  // The first matching line's index, or npos.
  size_t Find(const std::vector<std::string>& lines) const {
    for (size_t i = 0; i < lines.size(); ++i)
      if (Matches(lines[i])) return i;
    return std::string::npos;
  }

 private:
  explicit EnvMatcher(PyRegex re) : re_(std::move(re)) {}
  PyRegex re_;
};

// The job line as get_cron_job builds it.
std::string JobLine(const CronRequest& r) {
  const std::string job = StripLineBreaks(r.job.value_or(""));
  std::string line = r.disabled ? "#" : "";
  if (r.special_time) {
    line += "@" + *r.special_time;
  } else {
    line += fmt::format("{} {} {} {} {}", r.minute, r.hour, r.day, r.month, r.weekday);
  }
  if (r.in_file) line += " " + r.user.value_or("None");
  return line + " " + job;
}

// _update_job: the line after each marker of `name` replaced by `job`, or
// removed with its marker when `job` is null; a marker on the last line is
// dropped.
std::vector<std::string> UpdateJob(const std::vector<std::string>& lines, const std::string& name,
                                   const std::optional<std::string>& job) {
  const std::string marker = kMarker + name;
  std::vector<std::string> out;
  bool after_marker = false;
  for (const std::string& l : lines) {
    if (after_marker) {
      if (job) {
        out.push_back(marker);
        out.push_back(*job);
      }
      after_marker = false;
    } else if (l == marker) {
      after_marker = true;
    } else {
      out.push_back(l);
    }
  }
  return out;
}

// find_job: by marker first (a marker of another name makes the next line
// no candidate), then, given the job line, by the line itself, giving it a
// marker when the line before it is none, or renaming a marker "None".
// 0: not found; 1: found, `*found_line` is the job line under the marker;
// 2: found by the line (lines changed).
int FindJob(std::vector<std::string>* lines, const std::string& name,
            const std::optional<std::string>& job, std::string* found_line) {
  std::optional<std::string> comment;
  for (const std::string& l : *lines) {
    if (comment) {
      if (*comment == name) {
        *found_line = l;
        return 1;
      }
      comment.reset();
    } else if (IsMarker(l)) {
      comment = MarkerName(l);
    }
  }
  if (!job) return 0;
  for (size_t i = 0; i < lines->size(); ++i) {
    if ((*lines)[i] != *job) continue;
    // lines[i - 1] in Python: the last line for the first.
    std::string& before = (*lines)[i == 0 ? lines->size() - 1 : i - 1];
    if (!IsMarker(before)) {
      lines->insert(lines->begin() + static_cast<std::ptrdiff_t>(i), kMarker + name);
      *found_line = *job;
      return 2;
    }
    if (!name.empty() && before == std::string(kMarker) + "None") {
      before = kMarker + name;
      *found_line = *job;
      return 2;
    }
  }
  return 0;
}

Status EditEnv(const CronRequest& r, std::vector<std::string>* lines, bool* changed) {
  Result<EnvMatcher> env = EnvMatcher::For(r.name);
  if (!env.ok()) return env.status();
  const std::string decl = fmt::format("{}=\"{}\"", r.name, r.job.value_or("None"));
  const size_t old = env->Find(*lines);
  if (!r.present) {
    if (old == std::string::npos) return Status::Ok();
    std::erase_if(*lines, [&](const std::string& l) { return env->Matches(l); });
    *changed = true;
    return Status::Ok();
  }
  if (old == std::string::npos) {
    *changed = true;
    if (!r.insertafter && !r.insertbefore) {
      lines->insert(lines->begin(), decl);
      return Status::Ok();
    }
    const std::string other = r.insertafter ? *r.insertafter : *r.insertbefore;
    Result<EnvMatcher> other_env = EnvMatcher::For(other);
    if (!other_env.ok()) return other_env.status();
    const size_t at = other_env->Find(*lines);
    if (at == std::string::npos)
      return Status::Error(fmt::format("Variable named '{}' not found.", other));
    lines->insert(lines->begin() + static_cast<std::ptrdiff_t>(r.insertafter ? at + 1 : at), decl);
    return Status::Ok();
  }
  if ((*lines)[old] != decl) {
    for (std::string& l : *lines)
      if (env->Matches(l)) l = decl;
    *changed = true;
  }
  return Status::Ok();
}

void EditJob(const CronRequest& r, CronEdit* edit) {
  std::vector<std::string>& lines = edit->lines;
  std::string found;
  if (!r.present) {
    if (FindJob(&lines, r.name, std::nullopt, &found) == 0) return;
    lines = UpdateJob(lines, r.name, std::nullopt);
    edit->changed = true;
    if (!r.in_file) return;
    edit->remove_file = std::all_of(lines.begin(), lines.end(), [](const std::string& l) {
      return std::all_of(l.begin(), l.end(), PySpace);
    });
    return;
  }
  const std::string job = JobLine(r);
  const int how = FindJob(&lines, r.name, job, &found);
  if (how == 0) {
    lines.push_back(kMarker + r.name);
    lines.push_back(job);
    edit->changed = true;
  } else if (how == 2 || found != job) {
    lines = UpdateJob(lines, r.name, job);
    edit->changed = true;
  }
}

}  // namespace

std::string StripCrontabHeader(const std::string& listed) {
  std::string out = listed;
  const std::vector<std::string> lines = PySplitLines(listed);
  for (size_t i = 0; i < lines.size() && i < 3; ++i) {
    const std::string& l = lines[i];
    const size_t installed = StartsWith(l, "# (/tmp/") ? l.find("installed on", 8) : l.npos;
    const size_t version = StartsWith(l, "# (") ? l.find("version", 3) : l.npos;
    const bool header = (StartsWith(l, "# DO NOT EDIT THIS FILE - edit the master and reinstall") &&
                         l.size() > 55) ||
                        (installed != l.npos && l.find(')', installed) != l.npos) ||
                        (version != l.npos && l.find(')', version) != l.npos);
    if (!header) continue;
    // re.sub(re.escape(l) + '[\r\n]?', '', text, 1)
    const size_t at = out.find(l);
    if (at == std::string::npos) continue;
    size_t len = l.size();
    if (at + len < out.size() && (out[at + len] == '\n' || out[at + len] == '\r')) ++len;
    out.erase(at, len);
  }
  return out;
}

std::string RenderCrontab(const std::vector<std::string>& lines) {
  std::string text;
  for (size_t i = 0; i < lines.size(); ++i) text += (i == 0 ? "" : "\n") + lines[i];
  if (text.empty()) return text;
  text.erase(text.find_last_not_of("\r\n") + 1);
  return text + "\n";
}

Result<CronEdit> EditCrontab(const CronRequest& r, const std::string& existing) {
  CronEdit edit;
  edit.lines = PySplitLines(existing);
  if (r.env) {
    if (Status s = EditEnv(r, &edit.lines, &edit.changed); !s.ok()) return s;
  } else {
    EditJob(r, &edit);
    if (edit.remove_file) return edit;
  }
  // No change but a crontab without its final line break.
  if (!edit.changed && !existing.empty() && existing.back() != '\n' && existing.back() != '\r')
    edit.changed = true;
  for (const std::string& l : edit.lines) {
    if (IsMarker(l)) edit.jobs.push_back(MarkerName(l));
    // '^\S+=': the name is what comes before the first '='.
    const size_t eq = l.find('=');
    if (eq != std::string::npos && eq > 0 &&
        std::none_of(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(eq), PySpace))
      edit.envs.push_back(l.substr(0, eq));
  }
  return edit;
}

CronModule::CronModule() : spec_(CronSpec()) {}

namespace {

// cron_file as the module resolves it: under /etc/cron.d unless absolute;
// "" for the user's crontab.
std::string CronFilePath(const Value& args) {
  const std::optional<std::string> file = OptArg(args, "cron_file");
  if (!file || file->empty()) return "";
  return (*file)[0] == '/' ? *file : std::string(kCronDir) + "/" + *file;
}

CronRequest CronRequestOf(const Value& args) {
  CronRequest r;
  r.name = StringArg(args, "name");
  r.user = OptArg(args, "user");
  r.job = OptArg(args, "job");
  r.in_file = !CronFilePath(args).empty();
  r.present = StringArg(args, "state") != "absent";
  r.minute = StringArg(args, "minute");
  r.hour = StringArg(args, "hour");
  r.day = StringArg(args, "day");
  r.month = StringArg(args, "month");
  r.weekday = StringArg(args, "weekday");
  r.special_time = OptArg(args, "special_time");
  r.disabled = BoolArg(args, "disabled", false);
  r.env = BoolArg(args, "env", false);
  r.insertafter = OptArg(args, "insertafter");
  r.insertbefore = OptArg(args, "insertbefore");
  return r;
}

// Ansible's warning for a cron.d file name that run-parts would skip.
std::optional<std::string> FileNameWarning(const Value& args) {
  const std::optional<std::string> file = OptArg(args, "cron_file");
  if (!file || file->empty()) return std::nullopt;
  const std::string base = BaseName(*file);
  const bool ok = !base.empty() && std::all_of(base.begin(), base.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (ok) return std::nullopt;
  return fmt::format(
      "Filename portion of cron_file (\"{}\") should consist solely of upper- and lower-case "
      "letters, digits, underscores, and hyphens",
      base);
}

std::string CrontabLabel(const Value& args) {
  const std::string file = CronFilePath(args);
  if (!file.empty()) return file;
  const std::optional<std::string> user = OptArg(args, "user");
  return user ? fmt::format("crontab for user \"{}\"", *user) : "crontab";
}

}  // namespace

void CronModule::Validate(const Value& args, bool templates_pending,
                          std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) {
    return args.contains(key) && !args[key].is_null() && !IsPendingTemplate(args[key]);
  };
  auto given = [&](const char* key) { return args.contains(key) && !args[key].is_null(); };
  // A value that would add a line the task does not name.
  for (const char* key : {"name", "user", "job", "cron_file", "minute", "hour", "day", "month",
                          "weekday", "insertafter", "insertbefore"}) {
    if (!ready(key)) continue;
    std::string value = StringArg(args, key);
    // A job's leading and trailing line breaks are dropped, as Ansible drops them.
    if (std::string(key) == "job" && !BoolArg(args, "env", false)) value = StripLineBreaks(value);
    const std::string broken = LineBreakProblem(value);
    if (!broken.empty())
      errors->push_back(
          {key, fmt::format("{} is {}: it holds {}, which would write a crontab line the task "
                            "does not name: give it on one line",
                            key, Escaped(value), broken)});
  }
  if (ready("cron_file") && StringArg(args, "cron_file") == "/etc/crontab")
    errors->push_back({"cron_file",
                       "Will not manage /etc/crontab via cron_file, see documentation: name a "
                       "file of /etc/cron.d instead (cron_file: NAME)"});
  if (ready("special_time")) {
    for (const char* key : {"minute", "hour", "day", "month", "weekday"}) {
      if (!ready(key) || StringArg(args, key) == "*") continue;
      errors->push_back({"special_time",
                         "You must specify time and date fields or special time.: leave out "
                         "minute, hour, day, month and weekday with special_time"});
      break;
    }
  }
  const bool env = BoolArg(args, "env", false);
  if (StringArg(args, "state") != "absent") {
    if (ready("cron_file") && !given("user"))
      errors->push_back({"user",
                         "To use cron_file=... parameter you must specify user=... as well: "
                         "give the user the job runs as"});
    if (!given("job"))
      errors->push_back({"job",
                         "You must specify 'job' to install a new cron job or variable: give "
                         "the command (or the value, with env)"});
    if ((given("insertafter") || given("insertbefore")) && !env)
      errors->push_back({"env",
                         "Insertafter and insertbefore parameters are valid only with env=yes: "
                         "set env: true, or leave them out"});
  }
  if (env && ready("name") && StringArg(args, "name").find(' ') != std::string::npos)
    errors->push_back({"name", "Invalid name for environment variable: a name holds no space"});
}

std::vector<Read> CronModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string file = CronFilePath(args);
  if (!file.empty()) return {Read::File(file)};
  return {Read::Query({"/bin/sh", "-c", scripts::kCrontab, "sh", "-l", StringArg(args, "user")})};
}

Resources CronModule::Declare(const Value& args) const {
  if (IsPendingTemplate(args.value("cron_file", Value()))) return {};
  const std::string file = CronFilePath(args);
  if (file.empty()) return {};
  return DeclarePath(Value::object({{"path", file}}));
}

Result<Change> CronModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  (void)facts;
  const std::string file = CronFilePath(args);
  const std::string user = StringArg(args, "user");
  const ReadResult& read = reads.at(0);
  if (!read.status.ok()) return read.status;
  std::string existing;
  if (file.empty()) {
    const int rc = read.exec.exit_code;
    if (rc == 127)
      return Status::Error(
          "Failed to find required executable \"crontab\": install the cron package on the "
          "host, or keep the job in a file of /etc/cron.d (cron_file)");
    if (rc != 0 && rc != 1)
      return Status::Error(fmt::format("Unable to read crontab: {}", Trim(read.exec.stderr_data)));
    // rc 1: no crontab yet; what it printed is no crontab.
    if (rc == 0) existing = StripCrontabHeader(read.exec.stdout_data);
  } else {
    existing = read.content.value_or("");
  }
  Result<CronEdit> edit = EditCrontab(CronRequestOf(args), existing);
  if (!edit.ok()) return edit.status();
  Change change;
  change.command_output = false;
  const Value cron_file = args.value("cron_file", Value());
  if (edit->remove_file) {
    change.changed = true;
    change.actions.push_back(RemoveAction(file));
    change.diff = FileDiff(file, existing, "");
    change.message = "remove " + file;
    change.result = {{"cron_file", cron_file}, {"state", "absent"}, {"diff", Value::object()}};
    return change;
  }
  change.result = {{"jobs", edit->jobs}, {"envs", edit->envs}};
  if (std::optional<std::string> warning = FileNameWarning(args))
    change.result["warnings"] = Value::array({*warning});
  if (!cron_file.is_null()) change.result["cron_file"] = cron_file;
  if (!edit->changed) return change;
  const std::string text = RenderCrontab(edit->lines);
  const bool backup = BoolArg(args, "backup", false);
  change.changed = true;
  change.diff = FileDiff(CrontabLabel(args), existing, text);
  change.message = "update " + CrontabLabel(args);
  if (!file.empty()) {
    Action write = WriteFileAction(file, text);
    write.backup = backup;
    change.actions.push_back(std::move(write));
    return change;
  }
  if (backup) {
    Action keep = ExecAction({"/bin/sh", "-c", scripts::kCrontabBackup, "sh"});
    keep.stdin_data = existing;
    change.actions.push_back(std::move(keep));
  }
  Action install = ExecAction({"/bin/sh", "-c", scripts::kCrontab, "sh", "-", user});
  install.stdin_data = text;
  change.actions.push_back(std::move(install));
  return change;
}

}  // namespace hostprep::modules
