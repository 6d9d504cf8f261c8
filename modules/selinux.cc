#include "modules/selinux.h"

#include <fmt/format.h>
#include <strings.h>

#include <cctype>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"

namespace hostprep::modules {

namespace {

ArgSpec SelinuxSpec() {
  ArgSpec spec;
  spec.name = "selinux";
  spec.ansible_names = {"ansible.posix.selinux"};
  spec.summary = "set SELinux's mode (enforcing, permissive, disabled) and policy";
  spec.description =
      "Ansible's selinux module (ansible.posix.selinux): edits the SELINUX= and SELINUXTYPE= "
      "lines of SELinux's config file as Ansible edits them (the other lines are kept), "
      "switches a running SELinux between enforcing and permissive at once (a running "
      "SELinux asked to be disabled goes permissive until the reboot), and with "
      "`update_kernel_param` adds or removes the kernel argument selinux=0 of every kernel "
      "through grubby. Registers Ansible's `msg`, `configfile`, `policy`, `state` and "
      "`reboot_required` (true when only a reboot gets the host to the state asked). All "
      "reads ride in the probe round trip.";
  spec.args = {
      {"policy",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The SELinux policy (`targeted`, `mls`); required unless state is disabled."},
      {"state",
       ArgType::kString,
       true,
       nullptr,
       {"enforcing", "permissive", "disabled"},
       {},
       "The SELinux mode."},
      {"configfile",
       ArgType::kString,
       false,
       "/etc/selinux/config",
       {},
       {"conf", "file"},
       "SELinux's config file."},
      {"update_kernel_param",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Also add (disabled) or remove (enforcing, permissive) the kernel argument selinux=0 "
       "of every kernel, with grubby."},
  };
  spec.examples =
      "- name: SELinux permissive for the kubelet\n"
      "  ansible.posix.selinux:\n"
      "    policy: targeted\n"
      "    state: permissive\n"
      "  when: ansible_os_family == \"RedHat\"\n";
  spec.notes =
      "hostprep reads SELinux's state without Python: SELinux runs when selinuxfs has an "
      "enforce file (/sys/fs/selinux, or /selinux on old hosts), which is how libselinux's "
      "is_selinux_enabled and security_getenforce decide, and the running policy is the "
      "last SELINUXTYPE= of /etc/selinux/config (`targeted` without one), as "
      "selinux_getpolicytype reads it. So it needs no libselinux Python bindings on the "
      "host, where Ansible's module fails without them; on a host without SELinux it does "
      "what Ansible's does there: edits the config file and says a reboot is required. "
      "The mode is switched by writing selinuxfs's enforce file, as setenforce does. "
      "Differences from Ansible: a policy that differs from the config file's and has no "
      "/etc/selinux/POLICY/policy fails in check mode too (Ansible's check mode says "
      "changed); a config file that is not UTF-8 text is refused (Ansible would replace "
      "it with a SELINUX= line alone); a policy holding a `/`, a blank or a control "
      "character is refused at validate time: it would name another directory or add "
      "lines to the config file. As Ansible's, the config file's line breaks become "
      "\"\\n\" and its last line gets one when the file is rewritten.";
  return spec;
}

// Ansible's re.match(r'^KEY=.*$', line) on one line of splitlines().
bool KeyLine(const std::string& line, const std::string& key) {
  return StartsWith(line, key + "=");
}

std::string ReprOrNone(const Value& v) { return v.is_null() ? "None" : v.get<std::string>(); }

bool CSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

struct SelinuxProbed {
  std::optional<std::string> selinuxfs;  // mount point, when SELinux runs
  bool enforcing = false;
  bool policy_installed = false;
  std::optional<std::string> grubby;  // path; nullopt = not found
  int grubby_rc = 0;
  std::vector<std::string> grubby_info;
};

Result<SelinuxProbed> ParseSelinuxProbe(const std::string& out) {
  const auto sections = SplitSections(out);
  const auto enforce = sections.find("enforce");
  const auto policy = sections.find("policy");
  if (enforce == sections.end() || enforce->second.empty() || policy == sections.end() ||
      policy->second.empty())
    return Status::Error("unexpected answer from the SELinux read");
  SelinuxProbed p;
  const std::vector<std::string> words = PySplit(enforce->second[0]);
  if (words.size() == 2) {
    p.selinuxfs = words[0];
    p.enforcing = words[1] == "1";
  }
  p.policy_installed = policy->second[0] == "yes";
  const auto grubby = sections.find("grubby");
  if (grubby != sections.end() && !grubby->second.empty() && grubby->second[0] != "none") {
    const std::string& head = grubby->second[0];
    const size_t sp = head.find(' ');
    p.grubby_rc = std::atoi(head.substr(0, sp).c_str());
    p.grubby = sp == std::string::npos ? "" : head.substr(sp + 1);
    p.grubby_info.assign(grubby->second.begin() + 1, grubby->second.end());
  }
  return p;
}

}  // namespace

std::optional<std::string> SelinuxConfigValue(const std::string& content, const std::string& key) {
  for (const std::string& line : PySplitLines(content)) {
    if (!KeyLine(line, key)) continue;
    const std::vector<std::string> parts = Split(line, '=');
    return PyStrip(parts.size() > 1 ? parts[1] : "");
  }
  return std::nullopt;
}

std::string SelinuxRuntimePolicy(const std::optional<std::string>& etc_config) {
  std::string type;
  for (const std::string& raw : Split(etc_config.value_or(""), '\n')) {
    size_t i = 0;
    while (i < raw.size() && CSpace(raw[i])) ++i;
    if (i == raw.size() || raw[i] == '#') continue;
    static const std::string kTag = "SELINUXTYPE=";
    if (raw.size() - i < kTag.size() || strncasecmp(raw.c_str() + i, kTag.c_str(), kTag.size()))
      continue;
    std::string value = raw.substr(i + kTag.size());
    while (value.size() > 1 &&
           (CSpace(value.back()) || std::iscntrl(static_cast<unsigned char>(value.back()))))
      value.pop_back();
    type = value;
  }
  return type.empty() ? "targeted" : type;
}

std::string SetSelinuxConfigValue(const std::string& content, const std::string& key,
                                  const std::string& value) {
  std::string out;
  bool found = false;
  for (const std::string& line : PySplitLines(content)) {
    const bool match = KeyLine(line, key);
    found = found || match;
    out += (match ? key + "=" + value : line) + "\n";
  }
  if (!found) out += key + "=" + value + "\n";
  return out;
}

std::optional<bool> GrubbySelinuxEnabled(const std::vector<std::string>& info) {
  bool all_enabled = true, all_disabled = true;
  for (const std::string& line : info) {
    if (!StartsWith(line, "args=\"") || line.size() < 7 || line.back() != '"') continue;
    const std::vector<std::string> args = Split(line.substr(6, line.size() - 7), ' ');
    if (std::find(args.begin(), args.end(), "selinux=0") != args.end()) {
      all_enabled = false;
    } else {
      all_disabled = false;
    }
  }
  if (all_enabled == all_disabled) return std::nullopt;
  return all_enabled;
}

SelinuxModule::SelinuxModule() : spec_(SelinuxSpec()) {}

void SelinuxModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (!ArgReady(args, "policy")) return;
  const std::string policy = StringArg(args, "policy");
  bool bad = policy == "." || policy == "..";
  for (char c : policy)
    bad = bad || c == '/' || CSpace(c) || std::iscntrl(static_cast<unsigned char>(c));
  if (bad) {
    errors->push_back({"policy", fmt::format("{} is not a policy name: give one as named under "
                                             "/etc/selinux, such as targeted or mls",
                                             Quoted(policy))});
  }
}

std::vector<Read> SelinuxModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string configfile = StringArg(args, "configfile");
  return {Read::Stat(configfile), Read::File(configfile), Read::File("/etc/selinux/config"),
          Read::Query({"/bin/sh", "-c", scripts::kSelinux, "sh", StringArg(args, "policy"),
                       BoolArg(args, "update_kernel_param", false) ? "yes" : "no"})};
}

Result<Change> SelinuxModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  (void)facts;
  if (reads.size() < 4) return Status::Error("internal error: no selinux reads");
  for (const ReadResult& r : reads)
    if (!r.status.ok()) return r.status;
  if (reads[3].exec.exit_code != 0)
    return Status::Error(fmt::format("the SELinux read failed (rc={}): {}", reads[3].exec.exit_code,
                                     Trim(reads[3].exec.stderr_data)));
  Result<SelinuxProbed> probed = ParseSelinuxProbe(reads[3].exec.stdout_data);
  if (!probed.ok()) return probed.status();
  const std::string configfile = StringArg(args, "configfile");
  const std::string state = StringArg(args, "state");
  const bool update_kernel = BoolArg(args, "update_kernel_param", false);

  const bool runtime_enabled = probed->selinuxfs.has_value();
  const std::string runtime_policy = SelinuxRuntimePolicy(reads[2].content);
  const std::string runtime_state =
      !runtime_enabled ? "disabled" : (probed->enforcing ? "enforcing" : "permissive");
  const bool is_file = reads[0].stat.type == FileType::kFile ||
                       (reads[0].stat.type == FileType::kSymlink && reads[1].content);
  if (!is_file || !reads[1].content)
    return Status::Error(fmt::format("Unable to find file {}", configfile));
  const std::string& content = *reads[1].content;
  if (FindInvalidUtf8(content) != std::string::npos)
    return Status::Error(
        fmt::format("{} is not UTF-8 text: hostprep does not rewrite it "
                    "(Ansible would replace it with a SELINUX= line alone)",
                    configfile));
  const std::optional<std::string> config_policy = SelinuxConfigValue(content, "SELINUXTYPE");
  const std::optional<std::string> config_state = SelinuxConfigValue(content, "SELINUX");
  std::optional<bool> kernel_enabled;
  if (update_kernel) {
    if (!probed->grubby) return Status::Error("'grubby' command not found on host");
    if (probed->grubby_rc != 0) return Status::Error("unable to run grubby");
    kernel_enabled = GrubbySelinuxEnabled(probed->grubby_info);
  }
  Value policy = Value();
  if (const std::optional<std::string> given = OptArg(args, "policy"); given && !given->empty()) {
    policy = *given;
  } else if (state != "disabled") {
    return Status::Error("Policy is required if state is not 'disabled'");
  } else if (config_policy) {
    policy = *config_policy;
  }
  const Value config_policy_v = config_policy ? Value(*config_policy) : Value();

  Change change;
  change.command_output = false;
  std::vector<std::string> msgs, warnings;
  bool reboot_required = false;
  // Ansible's check mode stops at a policy change, registering changed alone.
  bool check_says_changed_only = false;
  std::string text = content;
  if (policy != Value(runtime_policy)) {
    check_says_changed_only = true;
    msgs.push_back(fmt::format("Running SELinux policy changed from '{}' to '{}'", runtime_policy,
                               ReprOrNone(policy)));
    change.changed = true;
  }
  if (policy != config_policy_v) {
    check_says_changed_only = true;
    if (!probed->policy_installed)
      return Status::Error(
          fmt::format("Policy {} does not exist in /etc/selinux/", ReprOrNone(policy)));
    text = SetSelinuxConfigValue(text, "SELINUXTYPE", policy.get<std::string>());
    msgs.push_back(fmt::format("SELinux policy configuration in '{}' changed from '{}' to '{}'",
                               configfile, ReprOrNone(config_policy_v), ReprOrNone(policy)));
    change.changed = true;
  }
  std::optional<std::string> setenforce;
  if (state != runtime_state) {
    if (!runtime_enabled) {
      warnings.push_back(fmt::format("Reboot is required to set SELinux state to '{}'", state));
      reboot_required = true;
    } else if (state != "disabled") {
      setenforce = state == "enforcing" ? "1" : "0";
      msgs.push_back(fmt::format("SELinux state changed from '{}' to '{}'", runtime_state, state));
      change.changed = true;
    } else {
      if (runtime_state != "permissive") {
        setenforce = "0";
        warnings.push_back(
            fmt::format("SELinux state temporarily changed from '{}' to "
                        "'permissive'. State change will take effect next reboot.",
                        runtime_state));
        change.changed = true;
      } else {
        warnings.push_back("SELinux state change will take effect next reboot");
      }
      reboot_required = true;
    }
  }
  if (Value(state) != (config_state ? Value(*config_state) : Value())) {
    text = SetSelinuxConfigValue(text, "SELINUX", state);
    msgs.push_back(fmt::format("Config SELinux state changed from '{}' to '{}'",
                               config_state.value_or("None"), state));
    change.changed = true;
  }
  if (text != content) {
    change.actions.push_back(WriteFileAction(configfile, text));
    change.diff = FileDiff(configfile, content, text);
  }
  if (setenforce) {
    change.actions.push_back(ExecAction(
        {"/bin/sh", "-c", "echo \"$1\" > \"$2/enforce\"", "sh", *setenforce, *probed->selinuxfs}));
  }
  const bool requested_kernel_enabled = state != "disabled";
  if (update_kernel && kernel_enabled != requested_kernel_enabled) {
    change.actions.push_back(
        ExecAction({*probed->grubby, "--update-kernel=ALL",
                    requested_kernel_enabled ? "--remove-args" : "--args", "selinux=0"}));
    change.reports = true;  // grubby's failure: Report
    msgs.push_back(
        fmt::format("Kernel SELinux state changed from '{}' to '{}'",
                    !kernel_enabled ? "<inconsistent>" : (*kernel_enabled ? "enabled" : "disabled"),
                    requested_kernel_enabled ? "enabled" : "disabled"));
    change.changed = true;
  }
  Value result = {{"msg", fmt::format("{}", fmt::join(msgs, ", "))},
                  {"configfile", configfile},
                  {"policy", policy},
                  {"state", state},
                  {"reboot_required", reboot_required}};
  if (!warnings.empty()) result["warnings"] = warnings;
  if (check_says_changed_only) {
    change.applied_result = result;
  } else {
    change.result = result;
  }
  if (change.changed)
    change.message =
        fmt::format("would set SELinux {} ({})", state, result["msg"].get<std::string>());
  return change;
}

Resources SelinuxModule::Declare(const Value& args) const {
  Resources r;
  if (args.contains("configfile") && !IsPendingTemplate(args["configfile"]))
    r.needs.push_back("path:" + StringArg(args, "configfile"));
  return r;
}

Result<Change> SelinuxModule::Report(const Value& args, const ExecResult& output) const {
  return ChangedUnlessFailed(output, StringArg(args, "state") != "disabled"
                                         ? "unable to remove selinux=0 from kernel config"
                                         : "unable to add selinux=0 to kernel config");
}

}  // namespace hostprep::modules
