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

ArgSpec MakeSpec() {
  ArgSpec spec;
  spec.name = "service";
  spec.summary = "start, stop, restart, reload, enable or mask a systemd unit";
  spec.description =
      "Makes a systemd unit running or stopped (or restarts or reloads it), enabled at boot or "
      "not, and masked or not. The unit's state is read with one `systemctl show`; the "
      "actions run in this order: daemon-reload, unmask, enable/disable, "
      "start/stop/restart/reload, mask.";
  spec.args = {
      {"name",
       ArgType::kString,
       true,
       nullptr,
       {},
       {"unit"},
       "The unit; `.service` is implied when the name has no unit suffix."},
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
       {},
       "Run systemctl daemon-reload first, to pick up changed unit files."},
  };
  spec.required_one_of = {{"state", "enabled", "masked", "daemon_reload"}};
  spec.examples =
      "- name: containerd running and enabled\n"
      "  service: {name: containerd, state: started, enabled: true}\n"
      "- name: pick up the new drop-in\n"
      "  service: {name: containerd, state: restarted, daemon_reload: true}\n"
      "- name: no swap at boot\n"
      "  service: {name: swap.target, masked: true}\n";
  spec.notes =
      "Differences from Ansible (systemd module): systemd only; any other service manager "
      "is an error. --diff shows the properties that change (`active: inactive -> active`, "
      "`enabled: disabled -> enabled`, `masked: no -> yes`); Ansible shows none. restarted "
      "and reloaded always report changed, as in Ansible; daemon_reload alone does not. The "
      "unit is read before the daemon-reload: with daemon_reload, a unit that is not loaded "
      "yet is planned as stopped and disabled. A static unit counts as enabled and is never "
      "disabled. Masking does not stop a running unit: add state: stopped. A unit whose own "
      "file is in /etc/systemd/system cannot be masked (systemctl refuses: the mask goes "
      "there); the task fails before anything runs, also in check mode.";
  return spec;
}

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string Unit(const Value& args) { return UnitNameOf(args.value("name", std::string())); }

Action Systemctl(const std::string& verb, const std::string& unit) {
  Action a;
  a.kind = Action::Kind::kExec;
  a.argv = {"systemctl", verb};
  if (!unit.empty()) a.argv.insert(a.argv.end(), {"--", unit});
  return a;
}

// What Plan knows about the unit, and what it builds.
struct Draft {
  std::string unit;
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

void Do(Draft* d, const std::string& verb, const std::string& line) {
  d->actions.push_back(Systemctl(verb, d->unit));
  d->verbs.push_back(verb);
  if (!line.empty()) d->lines.push_back(line);
  d->changed = true;
}

Status PlanMask(const Value& args, Draft* d, bool unmask_phase) {
  if (!args.contains("masked") || !args["masked"].is_boolean()) return Status::Ok();
  const bool want = args["masked"].get<bool>();
  // systemctl mask puts a link to /dev/null at /etc/systemd/system/UNIT and
  // refuses when the unit's own file is there: say so before anything runs.
  const std::string mask_path = "/etc/systemd/system/" + d->unit;
  if (!unmask_phase && want && !d->masked && d->fragment_path == mask_path) {
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

Status PlanEnabled(const Value& args, Draft* d) {
  if (!args.contains("enabled") || !args["enabled"].is_boolean()) return Status::Ok();
  const bool want = args["enabled"].get<bool>();
  const std::string& now = d->unit_file_state.empty() ? "disabled" : d->unit_file_state;
  if (want && d->masked) {
    return Status::Error(
        fmt::format("unit {} is masked: cannot enable it (set masked: false)", d->unit));
  }
  if (want && !Has(kEnabledStates, now)) {
    Do(d, "enable", fmt::format("enabled: {} -> enabled", now));
  } else if (!want && (now == "enabled" || now == "enabled-runtime")) {
    Do(d, "disable", fmt::format("enabled: {} -> disabled", now));
  }
  return Status::Ok();
}

Status PlanActive(const Value& args, Draft* d) {
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
  } else if (state == "stopped" && d->active) {
    Do(d, "stop", fmt::format("active: {} -> inactive", now));
  } else if (state == "restarted") {
    Do(d, "restart", fmt::format("active: {} -> active (restarted)", now));
  } else if (state == "reloaded") {
    if (d->active) {
      Do(d, "reload", fmt::format("active: {} -> active (reloaded)", now));
    } else {
      Do(d, "start", fmt::format("active: {} -> active", now));
    }
  }
  return Status::Ok();
}

// A unit systemd does not know is fine only when nothing asks for it to run
// or be enabled (or when a daemon-reload may bring it in).
Status CheckFound(const Value& args, const Draft& d) {
  if (d.found || args.value("daemon_reload", false)) return Status::Ok();
  const std::string state = args.value("state", std::string());
  const bool needs_unit = (!state.empty() && state != "stopped") || args.value("enabled", false);
  if (!needs_unit) return Status::Ok();
  return Status::Error(fmt::format(
      "unit {} not found: install the package that provides it, or write its unit file and "
      "set daemon_reload: true",
      d.unit));
}

}  // namespace

std::string UnitNameOf(const std::string& name) {
  for (const std::string& suffix : kUnitSuffixes) {
    if (EndsWith(name, suffix) && name.size() > suffix.size()) return name;
  }
  return name + ".service";
}

std::map<std::string, std::string> ParseSystemctlShow(const std::string& out) {
  std::map<std::string, std::string> props;
  for (const std::string& line : Split(out, '\n')) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    props[line.substr(0, eq)] = Trim(line.substr(eq + 1));
  }
  return props;
}

ServiceModule::ServiceModule() : spec_(MakeSpec()) {}

void ServiceModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (!args.contains("name") || IsPendingTemplate(args["name"])) return;
  const std::string name = args.value("name", std::string());
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
  return {Read::Query({"systemctl", "show",
                       "--property=LoadState,ActiveState,SubState,UnitFileState,FragmentPath",
                       "--no-pager", "--", Unit(args)})};
}

Result<Change> ServiceModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  if (facts.contains("service_mgr") && facts["service_mgr"] != "systemd") {
    return Status::Error(fmt::format(
        "service works with systemd units only, and this host's service manager is {}",
        facts["service_mgr"].is_string() ? facts["service_mgr"].get<std::string>() : "unknown"));
  }
  if (reads.empty()) return Status::Error("internal error: no systemctl show result");
  const ReadResult& read = reads[0];
  if (!read.status.ok()) return read.status;
  Draft d;
  d.unit = Unit(args);
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("systemctl show {} failed (exit {}): {}", d.unit,
                                     read.exec.exit_code,
                                     Trim(read.exec.stderr_data + read.exec.stdout_data)));
  }
  std::map<std::string, std::string> props = ParseSystemctlShow(read.exec.stdout_data);
  const std::string load = props["LoadState"];
  d.found = !load.empty() && load != "not-found";
  d.masked = load == "masked" || StartsWith(props["UnitFileState"], "masked");
  d.active_state = props["ActiveState"];
  d.active =
      d.active_state == "active" || d.active_state == "activating" || d.active_state == "reloading";
  d.unit_file_state = props["UnitFileState"];
  d.fragment_path = props["FragmentPath"];
  Status s = CheckFound(args, d);
  if (!s.ok()) return s;

  if (args.value("daemon_reload", false)) {
    d.actions.push_back(Systemctl("daemon-reload", ""));
    d.verbs.push_back("daemon-reload");
  }
  s = PlanMask(args, &d, true);
  if (s.ok()) s = PlanEnabled(args, &d);
  if (s.ok()) s = PlanActive(args, &d);
  if (s.ok()) s = PlanMask(args, &d, false);
  if (!s.ok()) return s;

  Change change;
  change.changed = d.changed;
  change.actions = d.actions;
  for (const std::string& line : d.lines) change.diff += line + "\n";
  if (!d.verbs.empty()) {
    change.message = fmt::format("would {} {}", fmt::join(d.verbs, ", "), d.unit);
  }
  change.result["name"] = d.unit;
  change.result["status"] = {{"LoadState", load},
                             {"ActiveState", props["ActiveState"]},
                             {"SubState", props["SubState"]},
                             {"UnitFileState", props["UnitFileState"]},
                             {"FragmentPath", props["FragmentPath"]}};
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
