#include "modules/sysctl.h"

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kDefaultFile[] = "/etc/sysctl.d/99-hostprep.conf";

ArgSpec SysctlSpec() {
  ArgSpec spec;
  spec.name = "sysctl";
  spec.summary = "set kernel parameters now and keep them in a sysctl.d file";
  spec.description =
      "Sets kernel parameters (sysctl keys) on the running kernel and keeps them in a "
      "sysctl.d file so they survive a reboot. Give one key with `name` and `value`, or "
      "several with `values`. Values are compared the way the kernel prints them: fields "
      "separated by any whitespace are equal when the fields are, and yes/true/on mean 1, "
      "no/false/off mean 0. Only the keys whose live value differs are set (`sysctl -w`), and "
      "only the lines of keys whose value in `file` differs are changed: comments and other "
      "lines stay byte for byte. `state: absent` removes the keys' lines from `file` and "
      "leaves the live values alone. When `file` is a symlink, the file it points to is "
      "edited and the link stays (Kubespray resolves its sysctl file the same way).";
  spec.args = {
      {"name", ArgType::kString, false, nullptr, {}, {"key"}, "One key, e.g. net.ipv4.ip_forward."},
      {"value",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"val"},
       "The value for `name`; yes/true/on become 1 and no/false/off 0."},
      {"values",
       ArgType::kMap,
       false,
       nullptr,
       {},
       {},
       "Several keys at once: a mapping of key to value (instead of name/value)."},
      {"file",
       ArgType::kString,
       false,
       kDefaultFile,
       {},
       {"sysctl_file"},
       "The sysctl.d file that keeps the keys."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent"},
       {},
       "present: the keys have the values; absent: the keys are not in `file`."},
      {"runtime",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Set the live value of each key that differs (`sysctl -w`)."},
      {"persist",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Keep the keys in `file` so they are set again at boot."},
      {"minimum",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Each value is a lower bound: a key whose live value is already at least the value is "
       "left alone, live and in `file` (numbers only; Kubespray's rule for "
       "fs.inotify.max_user_instances). The live values are read even with `runtime: false`."},
      {"ignore_unknown",
       ArgType::kBool,
       false,
       false,
       {},
       {"ignoreerrors"},
       "A key the running kernel does not know is not an error: it is only written to `file`."},
  };
  spec.mutually_exclusive = {{"name", "values"}, {"value", "values"}};
  spec.required_one_of = {{"name", "values"}};
  spec.examples =
      "- name: forward IPv4 packets\n"
      "  sysctl:\n"
      "    name: net.ipv4.ip_forward\n"
      "    value: 1\n"
      "- name: Kubernetes bridge settings\n"
      "  sysctl:\n"
      "    file: /etc/sysctl.d/99-kubernetes.conf\n"
      "    values:\n"
      "      net.bridge.bridge-nf-call-iptables: 1\n"
      "      net.bridge.bridge-nf-call-ip6tables: 1\n";
  spec.notes =
      "Ansible's sysctl rewrites every key line of the file as k=v and reloads the whole file "
      "with `sysctl -p`; hostprep edits only the "
      "lines of differing keys and sets only the keys whose live value differs, so other keys in "
      "the file are never re-applied. Ansible has no diff; hostprep shows each key's live and "
      "file value before and after, and the file's unified diff. `runtime` replaces Ansible's "
      "`reload`/`sysctl_set`, `persist: false` keeps the file untouched, and the default file "
      "is /etc/sysctl.d/99-hostprep.conf instead of /etc/sysctl.conf. A key that appears "
      "several times in the file has the value of its last line (that is what sysctl and "
      "systemd-sysctl end up with); when it must change, its first line gets the new value and "
      "the later lines of that key are removed (Ansible keeps the first). Unknown keys are "
      "found before anything changes. With `runtime: false` the live values are not read. In "
      "check mode nothing is written and the diff shows what would change. A task written "
      "`sysctl:` runs this module only when it uses one of its own arguments (`values`, `file`, "
      "`runtime`, `persist`, `minimum`, `ignore_unknown`); with Ansible's arguments alone it "
      "runs Ansible's (`hostprep doc ansible.posix.sysctl`).";
  return spec;
}

struct Key {
  std::string name;
  std::string value;  // as it will be written and set; "" for state absent
};

std::string ValueText(const Value& v) {
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_string()) {
    const std::string s = Trim(v.get<std::string>());
    const std::string lower = ToLower(s);
    if (lower == "yes" || lower == "true" || lower == "on") return "1";
    if (lower == "no" || lower == "false" || lower == "off") return "0";
    return s;
  }
  if (v.is_null()) return "";
  return v.dump();
}

std::vector<Key> Keys(const Value& args) {
  std::vector<Key> keys;
  if (args.contains("values") && args["values"].is_object()) {
    for (const auto& [k, v] : args["values"].items()) keys.push_back({k, ValueText(v)});
  } else if (args.contains("name")) {
    keys.push_back({StringArg(args, "name"),
                    args.contains("value") ? ValueText(args["value"]) : std::string()});
  }
  return keys;
}

}  // namespace

std::string SysctlKeyProblem(const std::string& key) {
  if (key.empty()) return "a sysctl key is empty: give a name like net.ipv4.ip_forward";
  bool bad = key.find("..") != std::string::npos || key.find("//") != std::string::npos ||
             key.front() == '.' || key.front() == '/' || key.front() == '-';
  for (char c : key) bad = bad || c == '=' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
  if (!bad) return "";
  return fmt::format(
      "sysctl key {} is not a valid name: use a dotted name without spaces or '=', like "
      "net.ipv4.ip_forward",
      Quoted(key));
}

namespace {

bool Persist(const Value& args) { return BoolArg(args, "persist", true); }
bool SettingsAbsent(const Value& args) {
  return args.value("state", "present") == std::string("absent");
}
bool SetsRuntime(const Value& args) {
  return !SettingsAbsent(args) && BoolArg(args, "runtime", true);
}
bool Minimum(const Value& args) { return !SettingsAbsent(args) && BoolArg(args, "minimum", false); }
bool ReadsRuntime(const Value& args) { return SetsRuntime(args) || Minimum(args); }

// `live` is a number at least `wanted` (both whole numbers).
bool AtLeast(const std::string& live, const std::string& wanted) {
  char* end = nullptr;
  const long long l = std::strtoll(live.c_str(), &end, 10);
  if (live.empty() || *end != '\0') return false;
  const long long w = std::strtoll(wanted.c_str(), &end, 10);
  if (wanted.empty() || *end != '\0') return false;
  return l >= w;
}
std::string FilePath(const Value& args) {
  return args.contains("file") ? StringArg(args, "file") : kDefaultFile;
}

// A key=value line of a sysctl.d file; comments (#, ;) and lines without
// '=' are not. A leading '-' (ignore errors, systemd-sysctl) is not part of
// the key.
bool ParseLine(std::string_view line, std::string* key, std::string* value, size_t* eq) {
  const std::string body(LineBody(line));
  const std::string trimmed = Trim(body);
  if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') return false;
  *eq = body.find('=');
  if (*eq == std::string::npos) return false;
  *key = Trim(body.substr(0, *eq));
  if (StartsWith(*key, "-")) *key = Trim(key->substr(1));
  *value = Trim(body.substr(*eq + 1));
  return !key->empty();
}

// The value each key has in the file: that of its last line.
std::map<std::string, std::string> FileValues(const std::string& content) {
  std::map<std::string, std::string> values;
  std::string key, value;
  size_t eq = 0;
  for (const std::string& line : SplitLinesKeepEnds(content)) {
    if (ParseLine(line, &key, &value, &eq)) values[SysctlProcPath(key)] = value;
  }
  return values;
}

// `line` with its value replaced, keeping the key's spelling, the spacing
// after '=' and the line ending.
std::string ReplaceValue(const std::string& line, size_t eq, const std::string& value) {
  const std::string_view body = LineBody(line);
  size_t start = eq + 1;
  while (start < body.size() && (body[start] == ' ' || body[start] == '\t')) ++start;
  return line.substr(0, start) + value + line.substr(body.size());
}

// Rewrites only the lines of `edit` (proc path -> new value; nullopt =
// remove): the first line of a key gets the value, later lines of the key
// go; keys not found are appended.
std::string EditFile(const std::string& content, const std::vector<Key>& keys,
                     const std::map<std::string, std::optional<std::string>>& edit) {
  std::string out;
  std::set<std::string> seen;
  std::string key, value;
  size_t eq = 0;
  for (const std::string& line : SplitLinesKeepEnds(content)) {
    if (!ParseLine(line, &key, &value, &eq)) {
      out += line;
      continue;
    }
    const std::string path = SysctlProcPath(key);
    auto it = edit.find(path);
    if (it == edit.end()) {
      out += line;
    } else if (it->second && seen.insert(path).second) {
      out += ReplaceValue(line, eq, *it->second);
    }
  }
  for (const Key& k : keys) {
    const std::string path = SysctlProcPath(k.name);
    auto it = edit.find(path);
    if (it == edit.end() || !it->second || seen.count(path)) continue;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += k.name + " = " + *it->second + "\n";
    seen.insert(path);
  }
  return out;
}

}  // namespace

Result<std::map<std::string, SysctlLive>> ParseSysctlLive(const ReadResult& read) {
  if (!read.status.ok()) return read.status.WithContext("read the live sysctl values");
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("read the live sysctl values: exit {}: {}",
                                     read.exec.exit_code, Trim(read.exec.stderr_data)));
  }
  std::map<std::string, SysctlLive> live;
  for (const std::string& line : SplitLinesKeepEnds(read.exec.stdout_data)) {
    const std::string body(LineBody(line));
    const size_t tab = body.find('\t');
    if (tab == std::string::npos) continue;
    const std::string state = body.substr(0, tab);
    std::string rest = body.substr(tab + 1);
    std::string value;
    if (state == "value") {
      const size_t tab2 = rest.find('\t');
      if (tab2 != std::string::npos) {
        value = rest.substr(tab2 + 1);
        rest = rest.substr(0, tab2);
      }
    }
    live[rest] = {state, value};
  }
  return live;
}

namespace {

std::string Shown(const std::optional<std::string>& v) {
  return v ? (v->empty() ? "\"\"" : *v) : "(unset)";
}

}  // namespace

std::string SysctlKeyModule(const std::string& key) {
  return StartsWith(SysctlProcPath(key), "net/bridge/") ? "br_netfilter" : "";
}

Read SysctlLiveRead(const std::vector<std::string>& keys) {
  std::vector<std::string> argv = {"/bin/sh", "-c", scripts::kSysctlRead, "sh"};
  for (const std::string& k : keys) argv.push_back(SysctlProcPath(k));
  return Read::Query(std::move(argv));
}

std::string SysctlProcPath(const std::string& key) {
  const size_t sep = key.find_first_of("./");
  if (sep == std::string::npos || key[sep] == '/') return key;
  std::string out = key;
  for (char& c : out) {
    if (c == '.') {
      c = '/';
    } else if (c == '/') {
      c = '.';
    }
  }
  return out;
}

std::string SysctlCompareForm(const std::string& value) {
  const std::string lower = ToLower(Trim(value));
  if (lower == "yes" || lower == "true" || lower == "on") return "1";
  if (lower == "no" || lower == "false" || lower == "off") return "0";
  std::string out;
  for (const std::string& f : PySplit(value)) out += (out.empty() ? "" : " ") + f;
  return out;
}

SysctlModule::SysctlModule() : spec_(SysctlSpec()) {}

void SysctlModule::Validate(const Value& args, bool templates_pending,
                            std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (args.contains("values") && args["values"].is_object()) {
    if (args["values"].empty()) {
      errors->push_back({"values", "argument 'values' is empty: give at least one key: value"});
    }
    for (const auto& [k, v] : args["values"].items()) {
      if (v.is_object() || v.is_array()) {
        errors->push_back(
            {"values", fmt::format("the value of sysctl key '{}' must be a scalar, not a {}", k,
                                   v.is_object() ? "mapping" : "list")});
      }
    }
  }
  const std::string value_arg = args.contains("values") ? "values" : "value";
  for (const Key& k : Keys(args)) {
    if (!IsPendingTemplate(Value(k.name))) {
      const std::string problem = SysctlKeyProblem(k.name);
      if (!problem.empty())
        errors->push_back({args.contains("values") ? "values" : "name", problem});
    }
    // The value becomes a line of `file`: a newline in it would add a line
    // (a key nobody declared, applied at every boot).
    const std::string broken = IsPendingTemplate(Value(k.value)) ? "" : LineBreakProblem(k.value);
    if (!broken.empty()) {
      errors->push_back(
          {value_arg, fmt::format("the value of sysctl key '{}' is {}: it holds {}, and a line of "
                                  "a sysctl.d file cannot: give the value on one line",
                                  k.name, Escaped(k.value), broken)});
    }
  }
  if (args.contains("name") && !SettingsAbsent(args)) {
    const bool missing = !args.contains("value") || args["value"].is_null();
    if (missing || (args["value"].is_string() && Trim(args["value"].get<std::string>()).empty())) {
      errors->push_back({"value",
                         "argument 'value' is required with 'name' when state is present: give the "
                         "value to set"});
    }
  }
  if (SettingsAbsent(args) && !Persist(args)) {
    errors->push_back(
        {"persist",
         "state: absent removes keys from 'file' and 'persist: false' forbids touching it: "
         "drop one of them"});
  }
  if (!Persist(args) && !BoolArg(args, "runtime", true)) {
    errors->push_back(
        {"runtime", "'runtime: false' with 'persist: false' leaves nothing to do: drop one"});
  }
  if (Minimum(args)) {
    for (const Key& k : Keys(args)) {
      if (IsPendingTemplate(Value(k.value)) || AtLeast(k.value, k.value)) continue;
      errors->push_back({args.contains("values") ? "values" : "value",
                         fmt::format("'minimum: true' compares whole numbers, and the value of "
                                     "'{}' is '{}': give a number or drop 'minimum'",
                                     k.name, k.value)});
    }
  }
}

std::vector<Read> SysctlModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads;
  if (Persist(args)) reads.push_back(Read::File(FilePath(args)));
  if (ReadsRuntime(args)) {
    std::vector<std::string> names;
    for (const Key& k : Keys(args)) names.push_back(k.name);
    reads.push_back(SysctlLiveRead(names));
  }
  // Last, so the reads above keep their places: where does `file` lead?
  if (Persist(args))
    reads.push_back(Read::Query({"/bin/sh", "-c", scripts::kSysctlResolve, "sh", FilePath(args)}));
  return reads;
}

namespace {

// The live values of `keys`; unknown keys are collected into `unknown`.
Result<std::map<std::string, std::string>> LiveValues(const std::vector<Key>& keys,
                                                      const ReadResult& read,
                                                      std::vector<std::string>* unknown) {
  Result<std::map<std::string, SysctlLive>> live = ParseSysctlLive(read);
  if (!live.ok()) return live.status();
  std::map<std::string, std::string> values;
  for (const Key& k : keys) {
    const std::string path = SysctlProcPath(k.name);
    auto it = live->find(path);
    if (it == live->end()) {
      return Status::Error(
          fmt::format("read the live sysctl values: no answer for key '{}'", k.name));
    }
    if (it->second.state == "missing") {
      unknown->push_back(k.name);
    } else if (it->second.state == "unreadable") {
      return Status::Error(
          fmt::format("sysctl key '{}' cannot be read from /proc/sys/{}: set 'runtime: false' "
                      "to only keep it in the file",
                      k.name, path));
    } else {
      values[path] = it->second.value;
    }
  }
  return values;
}

// The file the edit is written to. A symlinked `file` is resolved to the
// file it points to, as Kubespray resolves its sysctl_file to `lnk_source`:
// that file is edited and the link stays. The target comes from
// `readlink -f` (kResolveScript), so relative links and links to links end
// at the real file.
Result<std::string> WrittenFile(const std::string& file, const ReadResult& resolved) {
  if (!resolved.status.ok()) return resolved.status.WithContext("resolve " + file);
  const ExecResult& r = resolved.exec;
  const std::vector<std::string> lines = Split(Trim(r.stdout_data), '\n');
  if (r.exit_code == 0 && lines.size() == 1 && lines[0] == "file") return file;
  if (r.exit_code == 0 && lines.size() == 2 && lines[0] == "link" && StartsWith(lines[1], "/")) {
    return lines[1];
  }
  if (lines.empty() || lines[0] != "link") {
    return Status::Error(fmt::format("resolve {}: unexpected answer (exit code {}): {}", file,
                                     r.exit_code, Trim(r.stdout_data + r.stderr_data)));
  }
  const std::string target = lines.size() > 1 ? lines[1] : "(unknown)";
  const std::string why = Trim(r.stderr_data);
  return Status::Error(
      fmt::format("{} is a symlink to {} that cannot be resolved{}: fix or remove the link", file,
                  target, why.empty() ? "" : " (" + why + ")"));
}

Status UnknownKeysError(const std::vector<std::string>& unknown) {
  if (unknown.size() == 1) {
    return Status::Error(fmt::format(
        "sysctl key '{}' is not known to this host's kernel (no /proc/sys/{}): check the name, "
        "load the kernel module that provides it first, or set 'ignore_unknown: true'",
        unknown[0], SysctlProcPath(unknown[0])));
  }
  return Status::Error(
      fmt::format("sysctl keys '{}' are not known to this host's kernel (not in /proc/sys): "
                  "check the names, load the kernel modules that provide them first, or set "
                  "'ignore_unknown: true'",
                  fmt::join(unknown, "', '")));
}

}  // namespace

Result<Change> SysctlModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value& facts) const {
  (void)facts;
  const std::vector<Key> keys = Keys(args);
  const bool persist = Persist(args), absent = SettingsAbsent(args), runtime = ReadsRuntime(args);
  const bool set_live = SetsRuntime(args), minimum = Minimum(args);
  const size_t probed = 2 * static_cast<size_t>(persist) + static_cast<size_t>(runtime);
  if (reads.size() < probed) {
    return Status::Error("internal error: sysctl planned without its reads");
  }
  std::string file = FilePath(args);
  const std::string link = file;
  if (persist) {
    Result<std::string> written = WrittenFile(file, reads[probed - 1]);
    if (!written.ok()) return written.status();
    file = *written;
  }
  size_t next = 0;
  std::optional<std::string> content;
  if (persist) {
    const ReadResult& read = reads[next++];
    if (!read.status.ok()) return read.status.WithContext("read " + link);
    content = read.content;
  }
  std::vector<std::string> unknown;
  std::map<std::string, std::string> live;
  if (runtime) {
    Result<std::map<std::string, std::string>> values = LiveValues(keys, reads[next++], &unknown);
    if (!values.ok()) return values.status();
    live = std::move(*values);
    if (!unknown.empty() && !args.value("ignore_unknown", false)) {
      return UnknownKeysError(unknown);
    }
  }

  const std::map<std::string, std::string> in_file = FileValues(content.value_or(""));
  std::map<std::string, std::optional<std::string>> edit;
  std::vector<std::string> set_args, lines, changed_keys;
  for (const Key& k : keys) {
    const std::string path = SysctlProcPath(k.name);
    auto file_it = in_file.find(path);
    const std::optional<std::string> old =
        file_it == in_file.end() ? std::nullopt : std::optional<std::string>(file_it->second);
    bool key_changed = false;
    if (absent) {
      if (old) {
        edit[path] = std::nullopt;
        lines.push_back(fmt::format("{} ({}): {} -> (unset)", k.name, file, Shown(old)));
        key_changed = true;
      }
    } else {
      auto live_it = live.find(path);
      if (minimum && live_it != live.end() &&
          AtLeast(SysctlCompareForm(live_it->second), SysctlCompareForm(k.value))) {
        continue;  // already high enough: not raised, not written
      }
      if (set_live && live_it != live.end() &&
          SysctlCompareForm(live_it->second) != SysctlCompareForm(k.value)) {
        set_args.push_back(k.name + "=" + k.value);
        lines.push_back(fmt::format("{} (runtime): {} -> {}", k.name,
                                    Shown(SysctlCompareForm(live_it->second)), k.value));
        key_changed = true;
      }
      if (persist && (!old || SysctlCompareForm(*old) != SysctlCompareForm(k.value))) {
        edit[path] = k.value;
        lines.push_back(fmt::format("{} ({}): {} -> {}", k.name, file, Shown(old), k.value));
        key_changed = true;
      }
    }
    if (key_changed) changed_keys.push_back(k.name);
  }

  Change change;
  if (!set_args.empty()) {
    std::vector<std::string> argv = {"sysctl", "-w"};
    argv.insert(argv.end(), set_args.begin(), set_args.end());
    change.actions.push_back(ExecAction(std::move(argv)));
  }
  std::string file_diff;
  if (!edit.empty()) {
    std::string after = EditFile(content.value_or(""), keys, edit);
    if (!content || after != *content) {
      file_diff = FileDiff(file, content, after);
      change.actions.push_back(WriteFileAction(file, std::move(after)));
    }
  }
  change.changed = !change.actions.empty();
  for (const std::string& line : lines) change.diff += line + "\n";
  change.diff += file_diff;
  if (change.changed) {
    change.message =
        absent ? fmt::format("would remove {} from {}", fmt::join(changed_keys, ", "), file)
               : fmt::format("would set {}", fmt::join(changed_keys, ", "));
  }
  Value key_values = Value::object();
  for (const Key& k : keys) key_values[k.name] = absent ? Value(nullptr) : Value(k.value);
  change.result["keys"] = key_values;
  change.result["changed_keys"] = changed_keys;
  change.result["file"] = persist ? Value(file) : Value(nullptr);
  if (persist && file != link) change.result["link"] = link;
  if (!unknown.empty()) change.result["unknown_keys"] = unknown;
  return change;
}

Resources SysctlModule::Declare(const Value& args) const {
  Resources r;
  for (const Key& k : Keys(args)) {
    if (const std::string module = SysctlKeyModule(k.name); !module.empty()) {
      r.needs.push_back("kmod:" + module);
      break;
    }
  }
  const std::string file = FilePath(args);
  if (Persist(args) && !IsPendingTemplate(Value(file))) r.needs.push_back("path:" + file);
  return r;
}

}  // namespace hostprep::modules
