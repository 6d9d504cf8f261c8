#include "modules/ansible_sysctl.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/sysctl.h"

namespace hostprep::modules {

namespace {

constexpr char kSysctlConf[] = "/etc/sysctl.conf";

ArgSpec AnsibleSysctlSpec() {
  ArgSpec spec;
  spec.name = "ansible.posix.sysctl";
  spec.ansible_names = {"sysctl", "ansible.builtin.sysctl", "ansible.legacy.sysctl"};
  spec.summary = "Ansible's sysctl: one key in sysctl.conf, the file reloaded";
  spec.description =
      "Ansible's sysctl module (ansible.posix.sysctl). Keeps one key in `sysctl_file` "
      "(default /etc/sysctl.conf) with `value`, or removes it with `state: absent`. When the "
      "file must change it is rewritten as Ansible rewrites it: every line without its "
      "surrounding spaces, every key line as key=value, the later lines of a key that appears "
      "twice dropped; then, with `reload` (the default), `sysctl -p FILE` applies the whole "
      "file. With the file already right, `reload` still reloads it when the key's live value "
      "differs; `sysctl_set` sets the live value with `sysctl -w`. A task written `sysctl:` "
      "runs this module unless it uses one of hostprep's own sysctl arguments (`values`, "
      "`file`, `runtime`, `persist`, `minimum`, `ignore_unknown`).";
  spec.args = {
      {"name", ArgType::kString, true, nullptr, {}, {"key"}, "The key, e.g. vm.swappiness."},
      {"value",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"val"},
       "The value (required with state: present); yes/true/on become 1, no/false/off 0."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent"},
       {},
       "present: the key has the value in the file; absent: its lines are removed."},
      {"reload",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Apply the whole file with `sysctl -p FILE` when the task changes something."},
      {"sysctl_set",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Set the live value with `sysctl -w` when it differs."},
      {"ignoreerrors",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Pass -e to sysctl: keys the kernel does not know are not errors."},
      {"sysctl_file",
       ArgType::kString,
       false,
       kSysctlConf,
       {},
       {},
       "The absolute path of the file that keeps the key."},
  };
  spec.examples =
      "- name: less swapping\n"
      "  ansible.posix.sysctl:\n"
      "    name: vm.swappiness\n"
      "    value: '10'\n"
      "- name: forward IPv4, live now and at boot\n"
      "  sysctl: name=net.ipv4.ip_forward value=1 sysctl_set=yes "
      "sysctl_file=/etc/sysctl.d/99-k8s.conf\n";
  spec.notes =
      "Differences from Ansible: a key the running kernel does not know fails the task before "
      "anything is written when `sysctl -w` or the reload would set it (Ansible writes the "
      "file, then fails); `ignoreerrors: true` writes it. A key must be a plain dotted name, and "
      "a value holding a line break is refused (it would add a line to the file). `sysctl -p` "
      "and `sysctl -w` fail the task on a non-zero exit. Ansible has no diff: hostprep shows "
      "the file's unified diff and the live value it sets. hostprep's own `sysctl` module "
      "(`hostprep doc sysctl`) sets several keys, edits only their lines and applies only "
      "them.";
  return spec;
}

bool ReadsLive(const Value& args) {
  return BoolArg(args, "reload", true) ||
         (BoolArg(args, "sysctl_set", false) && !StateAbsent(args));
}

std::string SysctlFile(const Value& args) {
  return args.contains("sysctl_file") ? StringArg(args, "sysctl_file") : kSysctlConf;
}

// Python's str.split() == str.split() of two values, as _values_is_equal.
bool SameFields(const std::string& a, const std::string& b) { return PySplit(a) == PySplit(b); }

// A key line of the file as Ansible's parser takes it (the line stripped):
// not empty, not a #/; comment, holding '='.
bool ParseSysctlLine(const std::string& line, std::string* key, std::string* value) {
  if (line.empty() || line[0] == '#' || line[0] == ';') return false;
  const size_t eq = line.find('=');
  if (eq == std::string::npos) return false;
  *key = Trim(line.substr(0, eq));
  *value = Trim(line.substr(eq + 1));
  return true;
}

}  // namespace

std::string AnsibleSysctlValue(const std::string& value) {
  static const std::set<std::string> kTrue = {"y", "yes", "on", "1", "true", "t"};
  static const std::set<std::string> kFalse = {"n", "no", "off", "0", "false", "f"};
  const std::string lower = ToLower(value);
  if (kTrue.count(lower) != 0) return "1";
  if (kFalse.count(lower) != 0) return "0";
  return Trim(value);
}

SysctlDecision DecideSysctl(const SysctlRequest& request, const std::optional<std::string>& file,
                            const std::optional<std::string>& live) {
  std::vector<std::string> lines;
  for (const std::string& line : SplitLinesKeepEnds(file.value_or(""))) {
    lines.push_back(Trim(line));
  }
  // The value of the key's last line; the file rewritten with the key's
  // first line set (or dropped), later lines of any key dropped.
  std::optional<std::string> in_file;
  std::vector<std::string> fixed;
  std::set<std::string> checked;
  std::string key, value;
  for (const std::string& line : lines) {
    if (!ParseSysctlLine(line, &key, &value)) {
      fixed.push_back(line);
      continue;
    }
    if (key == request.name) in_file = value;
    if (!checked.insert(key).second) continue;
    if (key != request.name) {
      fixed.push_back(key + "=" + value);
    } else if (!request.absent) {
      fixed.push_back(key + "=" + request.value);
    }
  }
  if (checked.count(request.name) == 0 && !request.absent) {
    fixed.push_back(request.name + "=" + request.value);
  }

  SysctlDecision d;
  for (const std::string& line : fixed) d.text += line + "\n";
  if (!in_file) {
    d.changed = d.write_file = !request.absent;
  } else if (request.absent && !in_file->empty()) {
    d.changed = d.write_file = true;
  } else if (*in_file != request.value) {
    d.changed = d.write_file = true;
  } else if (request.reload) {
    d.changed = !live || !SameFields(*live, request.value);
  }
  if (request.sysctl_set && !request.absent) {
    if (!live) {
      d.changed = true;
    } else if (!SameFields(*live, request.value)) {
      d.changed = d.set_live = true;
    }
  }
  d.reload = d.changed && request.reload;
  return d;
}

AnsibleSysctlModule::AnsibleSysctlModule() : spec_(AnsibleSysctlSpec()) {}

void AnsibleSysctlModule::Validate(const Value& args, bool templates_pending,
                                   std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  if (ready("name")) {
    const std::string problem = SysctlKeyProblem(Trim(StringArg(args, "name")));
    if (!problem.empty()) errors->push_back({"name", problem});
  }
  if (ready("sysctl_file") && !StartsWith(StringArg(args, "sysctl_file"), "/")) {
    errors->push_back({"sysctl_file", fmt::format("sysctl_file {} must be an absolute path",
                                                  Quoted(StringArg(args, "sysctl_file")))});
  }
  if (args.contains("state") && IsPendingTemplate(args["state"])) return;
  if (StateAbsent(args)) return;
  if (!args.contains("value") || args["value"].is_null()) {
    errors->push_back({"value", "value is required with state: present: give the value to set"});
    return;
  }
  if (!ready("value")) return;
  const std::string value = StringArg(args, "value");
  if (Trim(value).empty()) {
    errors->push_back({"value", "value is blank: give the value to set"});
  }
  const std::string broken = LineBreakProblem(value);
  if (!broken.empty()) {
    errors->push_back(
        {"value", fmt::format("the value of sysctl key '{}' is {}: it holds {}, and a line of a "
                              "sysctl file cannot: give the value on one line",
                              Trim(StringArg(args, "name")), Escaped(value), broken)});
  }
}

std::vector<Read> AnsibleSysctlModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads = {Read::File(SysctlFile(args))};
  if (ReadsLive(args)) reads.push_back(SysctlLiveRead({Trim(StringArg(args, "name"))}));
  return reads;
}

Result<Change> AnsibleSysctlModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                         const Value& facts) const {
  (void)facts;
  const bool reads_live = ReadsLive(args);
  if (reads.size() < 1 + static_cast<size_t>(reads_live)) {
    return Status::Error("internal error: sysctl planned without its reads");
  }
  const std::string file = SysctlFile(args);
  if (!reads[0].status.ok()) return reads[0].status.WithContext("read " + file);
  SysctlRequest request{Trim(StringArg(args, "name")),
                        StateAbsent(args) ? "" : AnsibleSysctlValue(StringArg(args, "value")),
                        StateAbsent(args), BoolArg(args, "reload", true),
                        BoolArg(args, "sysctl_set", false)};
  // `sysctl -e -n KEY` as Ansible reads it: an unknown key prints nothing.
  std::optional<std::string> live;
  bool unknown = false;
  if (reads_live) {
    Result<std::map<std::string, SysctlLive>> answer = ParseSysctlLive(reads[1]);
    if (!answer.ok()) return answer.status();
    auto it = answer->find(SysctlProcPath(request.name));
    if (it == answer->end()) {
      return Status::Error(
          fmt::format("read the live sysctl values: no answer for key '{}'", request.name));
    }
    unknown = it->second.state == "missing";
    if (it->second.state == "value") live = it->second.value;
    if (unknown) live = "";
  }
  const SysctlDecision d = DecideSysctl(request, reads[0].content, live);
  const bool ignore = BoolArg(args, "ignoreerrors", false);
  if (unknown && !ignore && (d.set_live || (d.reload && !request.absent))) {
    return Status::Error(fmt::format(
        "sysctl key '{}' is not known to this host's kernel (no /proc/sys/{}): check the name, "
        "load the kernel module that provides it first, or set 'ignoreerrors: true' to keep it "
        "in {} anyway",
        request.name, SysctlProcPath(request.name), file));
  }

  Change change;
  change.changed = d.changed;
  change.command_output = false;  // Ansible registers no rc or stdout
  const std::string shown_live = live ? Trim(*live) : "(unknown)";
  if (d.set_live) {
    std::vector<std::string> argv = {"sysctl"};
    if (ignore) argv.push_back("-e");
    argv.insert(argv.end(), {"-w", request.name + "=" + request.value});
    change.actions.push_back(ExecAction(std::move(argv)));
    change.diff += fmt::format("{} (runtime): {} -> {}\n", request.name, shown_live, request.value);
  }
  if (d.write_file) {
    Action write = WriteFileAction(file, d.text);
    write.follow = false;  // a symlink at the path is replaced, as atomic_move replaces it
    change.actions.push_back(std::move(write));
  }
  if (d.reload) {
    std::vector<std::string> argv = {"sysctl"};
    if (ignore) argv.push_back("-e");
    argv.insert(argv.end(), {"-p", file});
    change.actions.push_back(ExecAction(std::move(argv)));
    if (!d.set_live && !request.absent && live && !SameFields(*live, request.value)) {
      change.diff += fmt::format("{} (runtime, by reloading {}): {} -> {}\n", request.name, file,
                                 shown_live, request.value);
    }
  }
  if (d.write_file) change.diff += FileDiff(file, reads[0].content, d.text);
  if (d.changed) {
    change.message = request.absent ? fmt::format("would remove {} from {}", request.name, file)
                                    : fmt::format("would set {}={}", request.name, request.value);
  }
  return change;
}

Resources AnsibleSysctlModule::Declare(const Value& args) const {
  Resources r;
  if (args.contains("name") && !IsPendingTemplate(args["name"])) {
    const std::string module = SysctlKeyModule(Trim(StringArg(args, "name")));
    if (!module.empty()) r.needs.push_back("kmod:" + module);
  }
  const std::string file = SysctlFile(args);
  if (!IsPendingTemplate(Value(file))) r.needs.push_back("path:" + file);
  return r;
}

}  // namespace hostprep::modules
