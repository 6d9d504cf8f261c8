#include "modules/service_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/base/text.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

ArgSpec ServiceFactsSpec() {
  ArgSpec spec;
  spec.name = "service_facts";
  spec.ansible_names = {"ansible.builtin.service_facts", "ansible.legacy.service_facts"};
  spec.summary = "read every service the host knows into the fact `services`";
  spec.description =
      "Ansible's service_facts: sets `ansible_facts.services`, a mapping from each service "
      "to its name, state (running, stopped, or systemd's ActiveState for a unit not "
      "loaded), status (enabled, disabled, static, masked, not-found, failed...) and source. "
      "Init scripts as `service --status-all` lists them (source sysv, by script name, "
      "without a status), then systemd's services from `systemctl list-units` and "
      "`list-unit-files` (source systemd, by unit name), read the way Ansible's module "
      "reads them. One read in the probe round trip; changes nothing.";
  spec.examples =
      "- name: what runs\n"
      "  service_facts:\n"
      "- name: firewalld off where it runs\n"
      "  service: {name: firewalld, state: stopped, enabled: false}\n"
      "  when: ansible_facts.services['firewalld.service'].state | default('') == 'running'\n";
  spec.notes =
      "Differences from Ansible: systemd and Debian's init scripts only (Ansible also reads "
      "upstart, chkconfig, OpenRC, AIX and OpenBSD). A unit listed with two of not-found, "
      "masked and failed gets the first of those (Ansible's pick depends on Python's set "
      "order).";
  return spec;
}

// `service --status-all`: " [ + ]  cron".
void AddSysv(const std::vector<std::string>& lines, Value* services) {
  for (const std::string& line : lines) {
    const std::string text = Trim(line);
    if (text.size() < 6 || text[0] != '[' || text[1] != ' ' || text[3] != ' ' || text[4] != ']')
      continue;
    if (text[2] != '+' && text[2] != '-') continue;
    const std::string name = Trim(text.substr(5));
    if (name.empty()) continue;
    (*services)[name] = {
        {"name", name}, {"state", text[2] == '+' ? "running" : "stopped"}, {"source", "sysv"}};
  }
}

const std::vector<std::string> kBadStates = {"not-found", "masked", "failed"};

bool IsBad(const std::string& status) {
  return std::find(kBadStates.begin(), kBadStates.end(), status) != kBadStates.end();
}

// `systemctl list-units`: "  cron.service loaded active running ..." or
// "● x.service not-found inactive dead x.service".
void AddUnits(const std::vector<std::string>& lines, Value* services) {
  for (const std::string& line : lines) {
    if (line.find(".service") == std::string::npos) continue;
    std::vector<std::string> f = PySplit(line);
    std::string status;
    for (const std::string& bad : kBadStates) {
      if (std::find(f.begin(), f.end(), bad) != f.end()) {
        status = bad;
        f.erase(f.begin());
        break;
      }
    }
    if (f.size() < 4) continue;
    if (status.empty()) status = f[2];
    (*services)[f[0]] = {{"name", f[0]},
                         {"state", f[3] == "running" ? "running" : "stopped"},
                         {"status", status},
                         {"source", "systemd"}};
  }
}

// "ActiveState=inactive" -> "inactive", as Ansible strips it.
std::string WithoutKey(std::string out) {
  const std::string key = "ActiveState=";
  for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at))
    out.erase(at, key.size());
  return Trim(out);
}

// `systemctl list-unit-files`: "cron.service enabled enabled"; a unit not
// listed before gets its ActiveState from the "@@ show" lines.
void AddUnitFiles(const std::vector<std::string>& lines, const std::vector<std::string>& shown,
                  Value* services) {
  std::map<std::string, std::string> active;
  for (const std::string& line : shown) {
    const std::vector<std::string> f = PySplit(line);
    if (f.size() < 2) continue;
    const std::string out = f.size() > 2 ? line.substr(line.find(f[2])) : "";
    // Ansible: the state when systemctl show answered, else unknown.
    active[f[0]] = f[1] == "0" && !out.empty() ? WithoutKey(out) : "unknown";
  }
  for (const std::string& line : lines) {
    if (line.find(".service") == std::string::npos) continue;
    const std::vector<std::string> f = PySplit(line);
    if (f.size() < 2) continue;
    if (!services->contains(f[0])) {
      auto it = active.find(f[0]);
      (*services)[f[0]] = {{"name", f[0]},
                           {"state", it == active.end() ? "unknown" : it->second},
                           {"status", f[1]},
                           {"source", "systemd"}};
    } else if (!IsBad((*services)[f[0]].value("status", std::string()))) {
      (*services)[f[0]]["status"] = f[1];
    }
  }
}

}  // namespace

Value ParseServiceFacts(const std::string& out) {
  auto sections = SplitSections(out);
  Value services = Value::object();
  AddSysv(sections["sysv"], &services);
  Value systemd = Value::object();
  AddUnits(sections["units"], &systemd);
  AddUnitFiles(sections["files"], sections["show"], &systemd);
  for (const auto& [name, entry] : systemd.items()) services[name] = entry;
  return services;
}

ServiceFactsModule::ServiceFactsModule() : spec_(ServiceFactsSpec()) {}

std::vector<Read> ServiceFactsModule::Probe(const Value& args, const Value& facts) const {
  (void)args;
  (void)facts;
  return {Read::Query({"/bin/sh", "-c", scripts::kServiceFacts, "sh"})};
}

Result<Change> ServiceFactsModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                        const Value& facts) const {
  (void)args;
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: no service_facts result");
  const ReadResult& read = reads[0];
  if (!read.status.ok()) return read.status;
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("reading the services failed (exit {}): {}",
                                     read.exec.exit_code, Trim(read.exec.stderr_data)));
  }
  Change change;
  const Value services = ParseServiceFacts(read.exec.stdout_data);
  if (services.empty()) {
    change.skipped = true;
    change.skip_reason =
        "Failed to find any services. This can be due to privileges or some other "
        "configuration issue.";
    change.result["msg"] = change.skip_reason;
    return change;
  }
  change.result["ansible_facts"] = Value::object({{"services", services}});
  return change;
}

}  // namespace hostprep::modules
