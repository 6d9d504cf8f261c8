#include "modules/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engine/base/text.h"

namespace hostprep::modules {

namespace {

const std::vector<std::string> kUnitSuffixes = {".service", ".socket",    ".target", ".timer",
                                                ".mount",   ".automount", ".path",   ".slice",
                                                ".scope",   ".device",    ".swap"};

// is-enabled answers 0 for these: nothing to enable.
const std::vector<std::string> kEnabledStates = {
    "enabled", "enabled-runtime", "alias", "static", "indirect", "generated", "transient"};

ArgSpec ServiceSpec() {
  ArgSpec spec;
  spec.name = "service";
  spec.ansible_names = {
      "ansible.builtin.service",         "ansible.legacy.service",        "systemd",
      "ansible.builtin.systemd",         "ansible.legacy.systemd",        "systemd_service",
      "ansible.builtin.systemd_service", "ansible.legacy.systemd_service"};
  spec.summary = "start, stop, restart, reload, enable or mask a systemd unit";
  spec.description =
      "Ansible's systemd module (ansible.builtin.systemd, systemd_service), and its service "
      "module on a host whose service manager is systemd. Makes a unit running or stopped (or "
      "restarts or reloads it), enabled at boot or not, and masked or not. The unit is read "
      "with one `systemctl show` in the probe; the actions run in this order: daemon-reload, "
      "daemon-reexec, unmask, enable/disable, start/stop/restart/reload, mask. Registers "
      "Ansible's name, status (every property `systemctl show` printed, as read before the "
      "task acted), enabled (when asked: the state after the task) and state (the one asked; "
      "started for restarted and reloaded).";
  spec.args = {
      {"name",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"service", "unit"},
       "The unit (systemctl adds `.service` to a name without a unit suffix). Needed with "
       "state, enabled and masked."},
      {"state",
       ArgType::kString,
       false,
       nullptr,
       {"started", "stopped", "restarted", "reloaded"},
       {},
       "started, stopped, restarted (always), or reloaded (always; a stopped unit is "
       "started)."},
      {"enabled", ArgType::kBool, false, nullptr, {}, {}, "Whether the unit starts at boot."},
      {"masked",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {},
       "Whether the unit is masked (cannot be started at all)."},
      {"daemon_reload",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {"daemon-reload"},
       "Run systemctl daemon-reload first, to pick up changed unit files."},
      {"daemon_reexec",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {"daemon-reexec"},
       "Run systemctl daemon-reexec first (after daemon_reload)."},
      {"force",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {},
       "Pass --force to systemctl (enable over existing links, mask over a file)."},
      {"no_block",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Pass --no-block: start, stop, restart or reload without waiting for the job."},
      {"scope",
       ArgType::kString,
       false,
       "system",
       {"system", "user", "global"},
       {},
       "The system manager only; user and global are refused."},
      {"use",
       ArgType::kString,
       false,
       "auto",
       {},
       {},
       "Ansible's service: the service manager module, auto or systemd."},
      {"sleep",
       ArgType::kInt,
       false,
       nullptr,
       {},
       {},
       "Ansible's service: ignored on systemd hosts, as Ansible ignores it."},
      {"pattern",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Ansible's service: ignored on systemd hosts, as Ansible ignores it."},
      {"runlevel",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Ansible's service: ignored on systemd hosts, as Ansible ignores it."},
      {"arguments",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"args"},
       "Ansible's service: ignored on systemd hosts, as Ansible ignores it."},
  };
  spec.required_one_of = {{"state", "enabled", "masked", "daemon_reload", "daemon_reexec"}};
  spec.examples =
      "- name: containerd running and enabled\n"
      "  ansible.builtin.systemd: {name: containerd, state: started, enabled: true}\n"
      "- name: pick up the new drop-in\n"
      "  systemd: {name: containerd, state: restarted, daemon_reload: true}\n"
      "- name: no swap at boot\n"
      "  service: name=swap.target masked=yes\n";
  spec.notes =
      "Differences from Ansible: systemd only; on a host with another service manager the "
      "task fails (Ansible's service would run its init scripts), and `use` other than auto "
      "or systemd is refused. scope user and global are refused. --diff shows the properties "
      "that change (`active: inactive -> active`, `enabled: disabled -> enabled`, `masked: no "
      "-> yes`); Ansible shows none. Truthful changed flags where Ansible's are not: "
      "`enabled: false` on a static unit changes nothing (Ansible runs systemctl disable, "
      "which does nothing, and reports changed on every run), and an indirect unit counts as "
      "enabled (Ansible enables it again on every run). daemon_reload with a name runs the "
      "reload only when systemd says the unit's files changed since it loaded them "
      "(NeedDaemonReload) or it does not know the unit, so an unchanged re-run acts on "
      "nothing (Ansible reloads on every run); for another unit's drop-ins, reload without a "
      "name. The unit is read before the daemon-reload: with daemon_reload, a unit that is "
      "not loaded yet is planned as stopped and disabled instead of failing as not found, "
      "also in check mode (where Ansible, which skips the reload, fails). Masking comes last, so a "
      "unit "
      "that is to be stopped and masked is stopped first (Ansible masks first; the end state "
      "is the same). A unit whose own file is in /etc/systemd/system cannot be masked "
      "(systemctl refuses: the mask goes there); the task fails before anything runs, also "
      "in check mode. sleep, pattern, runlevel and arguments are accepted and ignored, as "
      "Ansible's service ignores them on systemd hosts.";
  return spec;
}

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string Unit(const Value& args) { return UnitNameOf(args.value("name", std::string())); }

// systemctl's own options for every command of the task, as Ansible passes them.
std::vector<std::string> Flags(const Value& args) {
  std::vector<std::string> flags;
  if (args.value("no_block", false)) flags.push_back("--no-block");
  if (args.value("force", false)) flags.push_back("--force");
  return flags;
}

Action Systemctl(const std::string& verb, const std::string& unit,
                 const std::vector<std::string>& flags) {
  Action a;
  a.kind = Action::Kind::kExec;
  a.argv = {"systemctl"};
  a.argv.insert(a.argv.end(), flags.begin(), flags.end());
  a.argv.push_back(verb);
  if (!unit.empty()) a.argv.insert(a.argv.end(), {"--", unit});
  return a;
}

// What Plan knows about the unit, and what it builds.
struct ServiceDraft {
  std::string unit;
  std::vector<std::string> flags;
  bool found = false;
  bool active = false;  // active, activating, reloading
  bool masked = false;
  std::string active_state;
  std::string unit_file_state;
  std::string fragment_path;
  std::vector<Action> actions;
  std::vector<std::string> lines;  // the diff
  std::vector<std::string> verbs;  // for the message
  bool changed = false;
};

void Do(ServiceDraft* d, const std::string& verb, const std::string& line) {
  d->actions.push_back(Systemctl(verb, d->unit, d->flags));
  d->verbs.push_back(verb);
  if (!line.empty()) d->lines.push_back(line);
  d->changed = true;
}

// A daemon-wide command (daemon-reload): no unit, no change of its own.
void DoDaemon(ServiceDraft* d, const std::string& verb) {
  d->actions.push_back(Systemctl(verb, "", d->flags));
  d->verbs.push_back(verb);
}

Status PlanMask(const Value& args, ServiceDraft* d, bool unmask_phase) {
  if (!args.contains("masked") || !args["masked"].is_boolean()) return Status::Ok();
  const bool want = args["masked"].get<bool>();
  // systemctl mask puts a link to /dev/null at /etc/systemd/system/UNIT and
  // refuses when the unit's own file is there: say so before anything runs.
  const std::string mask_path = "/etc/systemd/system/" + d->unit;
  if (!unmask_phase && want && !d->masked && d->fragment_path == mask_path &&
      !args.value("force", false)) {
    return Status::Error(fmt::format(
        "unit {} cannot be masked: its unit file is {}, where the mask would go (move the unit "
        "file to /usr/local/lib/systemd/system, or remove it and do not mask)",
        d->unit, mask_path));
  }
  if (unmask_phase && !want && d->masked) {
    Do(d, "unmask", "masked: yes -> no");
    d->masked = false;
    d->unit_file_state = "disabled";  // what unmask leaves, until enabled
  } else if (!unmask_phase && want && !d->masked) {
    Do(d, "mask", "masked: no -> yes");
  }
  return Status::Ok();
}

Status PlanEnabled(const Value& args, ServiceDraft* d, Value* result) {
  if (!args.contains("enabled") || !args["enabled"].is_boolean()) return Status::Ok();
  const bool want = args["enabled"].get<bool>();
  const std::string& now = d->unit_file_state.empty() ? "disabled" : d->unit_file_state;
  if (want && d->masked) {
    return Status::Error(
        fmt::format("unit {} is masked: cannot enable it (set masked: false)", d->unit));
  }
  const bool enabled = Has(kEnabledStates, now);
  if (want && !enabled) {
    Do(d, "enable", fmt::format("enabled: {} -> enabled", now));
  } else if (!want && (now == "enabled" || now == "enabled-runtime")) {
    Do(d, "disable", fmt::format("enabled: {} -> disabled", now));
  }
  // The state the task leaves: a static unit stays enabled (Ansible says
  // false after its systemctl disable, which did nothing).
  (*result)["enabled"] = want || now == "static" || now == "generated" || now == "transient";
  return Status::Ok();
}

Status PlanActive(const Value& args, ServiceDraft* d, Value* result) {
  const std::string state = args.value("state", std::string());
  if (state.empty()) return Status::Ok();
  const bool will_be_masked = args.value("masked", d->masked);
  if (state != "stopped" && (d->masked || will_be_masked)) {
    return Status::Error(
        fmt::format("unit {} is masked: cannot {} it (set masked: false)", d->unit,
                    state == "started" ? "start" : state.substr(0, state.size() - 2)));
  }
  const std::string now = d->active_state.empty() ? "inactive" : d->active_state;
  if (state == "started" && !d->active) {
    Do(d, "start", fmt::format("active: {} -> active", now));
  } else if (state == "stopped" && (d->active || now == "deactivating")) {
    Do(d, "stop", fmt::format("active: {} -> inactive", now));
  } else if (state == "restarted") {
    Do(d, d->active ? "restart" : "start", fmt::format("active: {} -> active (restarted)", now));
  } else if (state == "reloaded") {
    if (d->active) {
      Do(d, "reload", fmt::format("active: {} -> active (reloaded)", now));
    } else {
      Do(d, "start", fmt::format("active: {} -> active", now));
    }
  }
  (*result)["state"] = state == "stopped" ? "stopped" : "started";
  return Status::Ok();
}

// Ansible's systemd fails on a unit systemd does not know whenever the task
// asks for its state or its enablement; with a daemon-reload to come, the
// unit may be one the reload brings in.
Status CheckFound(const Value& args, const ServiceDraft& d) {
  if (d.found || args.value("daemon_reload", false)) return Status::Ok();
  if (!args.contains("state") && !args.contains("enabled")) return Status::Ok();
  return Status::Error(fmt::format(
      "Could not find the requested service {}: host (install the package that provides it, "
      "or write its unit file and set daemon_reload: true)",
      args.value("name", std::string())));
}

// The unit as `systemctl show` describes it, into the draft; an error when
// systemd cannot load the unit's file.
Status ReadUnit(const ReadResult& read, ServiceDraft* d,
                std::map<std::string, std::string>* props) {
  if (!read.status.ok()) return read.status;
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("systemctl show {} failed (exit {}): {}", d->unit,
                                     read.exec.exit_code,
                                     Trim(read.exec.stderr_data + read.exec.stdout_data)));
  }
  *props = ParseSystemctlShow(read.exec.stdout_data);
  const std::string load = (*props)["LoadState"];
  d->found = !load.empty() && load != "not-found";
  d->masked = load == "masked" || StartsWith((*props)["UnitFileState"], "masked");
  d->active_state = (*props)["ActiveState"];
  d->active = d->active_state == "active" || d->active_state == "activating" ||
              d->active_state == "reloading";
  d->unit_file_state = (*props)["UnitFileState"];
  d->fragment_path = (*props)["FragmentPath"];
  auto error = props->find("LoadError");
  if (d->found && !d->masked && error != props->end() && !error->second.empty()) {
    return Status::Error(
        fmt::format("Error loading unit file '{}': {} (fix the unit file, then "
                    "set daemon_reload: true)",
                    d->unit, error->second));
  }
  return Status::Ok();
}

// A value for a name, enabled or state that systemctl would read as a glob.
bool HasGlob(const std::string& name) { return name.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::string UnitNameOf(const std::string& name) {
  for (const std::string& suffix : kUnitSuffixes) {
    if (EndsWith(name, suffix) && name.size() > suffix.size()) return name;
  }
  return name + ".service";
}

std::map<std::string, std::string> ParseSystemctlShow(const std::string& out) {
  std::map<std::string, std::string> props;
  std::string key;  // of an Exec value continued on the next lines
  std::string multi;
  for (const std::string& line : Split(out, '\n')) {
    if (!key.empty()) {
      multi += "\n" + line;
      if (EndsWith(Trim(line), "}")) {
        props[key] = Trim(multi);
        key.clear();
      }
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const std::string name = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (StartsWith(name, "Exec") && StartsWith(Trim(value), "{") && !EndsWith(Trim(value), "}")) {
      key = name;
      multi = value;
      continue;
    }
    props[name] = Trim(value);
  }
  return props;
}

ServiceModule::ServiceModule() : spec_(ServiceSpec()) {}

void ServiceModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (args.contains("scope") && args["scope"].is_string() && args["scope"] != "system") {
    errors->push_back({"scope", fmt::format("scope {} is not supported: hostprep manages the "
                                            "system's units only (remove scope, or use system)",
                                            args["scope"].get<std::string>())});
  }
  if (args.contains("use") && args["use"].is_string() && !IsPendingTemplate(args["use"])) {
    const std::string use = args["use"].get<std::string>();
    if (use != "auto" && use != "systemd") {
      errors->push_back({"use", fmt::format("service manager {} is not supported: hostprep "
                                            "manages systemd units only (use auto or systemd)",
                                            Quoted(use))});
    }
  }
  if (!args.contains("name")) {
    for (const char* needs : {"state", "enabled", "masked"}) {
      if (!args.contains(needs)) continue;
      errors->push_back({"", fmt::format("missing parameter(s) required by '{}': name (name the "
                                         "unit, e.g. name: containerd)",
                                         needs)});
      return;
    }
    return;
  }
  if (IsPendingTemplate(args["name"])) return;
  const std::string name = args.value("name", std::string());
  if (HasGlob(name)) {
    errors->push_back({"name", fmt::format("glob patterns are not supported in a unit name, "
                                           "found in {}: name each unit in its own task or loop",
                                           Quoted(name))});
    return;
  }
  const bool bad =
      name.empty() || name[0] == '-' || std::any_of(name.begin(), name.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) ||
               std::iscntrl(static_cast<unsigned char>(c)) || c == '/';
      });
  if (bad) {
    errors->push_back({"name", fmt::format("{} is not a unit name: give a name such as "
                                           "containerd or containerd.service",
                                           Quoted(name))});
  }
}

std::vector<Read> ServiceModule::Probe(const Value& args, const Value& facts) const {
  if (facts.contains("service_mgr") && facts["service_mgr"] != "systemd") return {};
  if (!args.contains("name")) return {};
  return {Read::Query({"systemctl", "show", "--no-pager", "--", Unit(args)})};
}

Result<Change> ServiceModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  if (facts.contains("service_mgr") && facts["service_mgr"] != "systemd") {
    return Status::Error(fmt::format(
        "service works with systemd units only, and this host's service manager is {}",
        facts["service_mgr"].is_string() ? facts["service_mgr"].get<std::string>() : "unknown"));
  }
  const bool named = args.contains("name");
  if (named && reads.empty()) return Status::Error("internal error: no systemctl show result");
  ServiceDraft d;
  d.flags = Flags(args);
  std::map<std::string, std::string> props;
  if (named) {
    d.unit = Unit(args);
    Status s = ReadUnit(reads[0], &d, &props);
    if (s.ok()) s = CheckFound(args, d);
    if (!s.ok()) return s;
  }
  // A named unit says whether systemd has loaded its files as they are now
  // (NeedDaemonReload): no reload when it has, so that an unchanged re-run
  // acts on nothing. Without a name nothing tells: the reload always runs.
  if (args.value("daemon_reload", false) &&
      (!named || !d.found || props["NeedDaemonReload"] != "no")) {
    DoDaemon(&d, "daemon-reload");
  }
  if (args.value("daemon_reexec", false)) DoDaemon(&d, "daemon-reexec");

  Change change;
  change.result["name"] = named ? args["name"] : Value();
  change.result["status"] = Value::object();
  for (const auto& [key, value] : props) change.result["status"][key] = value;
  if (named) {
    Status s = PlanMask(args, &d, true);
    if (s.ok()) s = PlanEnabled(args, &d, &change.result);
    if (s.ok()) s = PlanActive(args, &d, &change.result);
    if (s.ok()) s = PlanMask(args, &d, false);
    if (!s.ok()) return s;
  }
  change.changed = d.changed;
  change.actions = d.actions;
  change.command_output = false;
  for (const std::string& line : d.lines) change.diff += line + "\n";
  if (!d.verbs.empty()) {
    change.message =
        fmt::format("would {}{}", fmt::join(d.verbs, ", "), d.unit.empty() ? "" : " " + d.unit);
  }
  return change;
}

Resources ServiceModule::Declare(const Value& args) const {
  Resources r;
  if (!args.contains("name") || IsPendingTemplate(args["name"])) return r;
  std::string base = Unit(args);
  if (EndsWith(base, ".service")) base.resize(base.size() - std::string(".service").size());
  r.needs = {"pkg:" + base, "config:" + base};
  return r;
}

}  // namespace hostprep::modules
