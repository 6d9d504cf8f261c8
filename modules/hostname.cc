#include "modules/hostname.h"

#include <fmt/format.h>

#include <set>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

const std::vector<std::string> kUses = {"alpine", "debian",  "freebsd", "generic", "macos",
                                        "macosx", "darwin",  "openbsd", "openrc",  "redhat",
                                        "sles",   "solaris", "systemd"};

ArgSpec HostnameSpec() {
  ArgSpec spec;
  spec.name = "hostname";
  spec.ansible_names = {"ansible.builtin.hostname", "ansible.legacy.hostname"};
  spec.summary = "set the host's name, now and at boot";
  spec.description =
      "Ansible's hostname module, on Linux: where systemd runs, `hostnamectl set-hostname` "
      "for the static (and pretty) name, then the transient one, each only when it differs; "
      "without systemd, the name in /etc/hostname (Debian, Ubuntu and their kin: the running "
      "name is not changed, as in Ansible), also set with `hostname -F` on Alpine, or in "
      "/etc/HOSTNAME on SUSE. Registers `name` and ansible_facts hostname, nodename, fqdn and "
      "domain, set on the host for later tasks. The read rides in the probe round trip.";
  spec.args = {
      {"name", ArgType::kString, true, nullptr, {}, {}, "The host name."},
      {"use",
       ArgType::kString,
       false,
       nullptr,
       kUses,
       {},
       "The strategy: systemd (or debian, which Ansible maps to it), alpine, sles; without "
       "it, from the host, as Ansible picks it."},
  };
  spec.examples =
      "- name: the node's name is its inventory name\n"
      "  ansible.builtin.hostname:\n"
      "    name: \"{{ inventory_hostname }}\"\n";
  spec.notes =
      "Differences from Ansible: Linux only, and not the redhat, openrc or generic "
      "strategies (RHEL and Gentoo hosts with systemd use the systemd one). A name holding a "
      "blank, a line break or another control character is refused at validate time. The "
      "registered fqdn of a new name is looked up before the change (getent, as Python's "
      "getfqdn does after it). A name longer than 64 characters fails in check mode too "
      "(Ansible's check mode reports a change the run then fails to make).";
  return spec;
}

const std::set<std::string> kFileDistributions = {
    "debian", "ubuntu", "kali",  "parrot",        "linuxmint", "linaro", "devuan", "raspbian",
    "uos",    "deepin", "kylin", "cumulus-linux", "neon",      "void",   "pop"};

}  // namespace

Result<std::string> HostnameStrategy(const std::string& use, bool systemd,
                                     const std::string& os_id) {
  if (use == "systemd" || use == "debian") return std::string("systemd");
  if (use == "alpine" || use == "sles") return use;
  if (!use.empty()) {
    return Status::Error(fmt::format(
        "use: {} is not supported by hostprep: on Linux it sets host names with systemd "
        "(use: systemd), /etc/hostname (Debian and its kin, Alpine) or /etc/HOSTNAME (SUSE)",
        use));
  }
  if (systemd) return std::string("systemd");
  const std::string id = ToLower(os_id);
  if (kFileDistributions.count(id)) return std::string("file");
  if (id == "alpine") return std::string("alpine");
  if (id == "sles") return std::string("sles");
  std::string shown = id.empty() ? "OtherLinux" : id;
  if (!shown.empty())
    shown[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(shown[0])));
  return Status::Error(
      fmt::format("hostname module cannot be used on platform Linux ({}) without systemd", shown));
}

std::map<std::string, std::string> ParseHostnameRead(const std::string& out) {
  std::map<std::string, std::string> values;
  for (const std::string& line : Split(out, '\n')) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) {
      if (!line.empty()) values[line] = "";
      continue;
    }
    values.emplace(line.substr(0, space), line.substr(space + 1));
  }
  return values;
}

HostnameModule::HostnameModule() : spec_(HostnameSpec()) {}

void HostnameModule::Validate(const Value& args, bool templates_pending,
                              std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (!args.contains("name") || !args["name"].is_string() || IsPendingTemplate(args["name"]))
    return;
  const std::string name = args["name"].get<std::string>();
  bool bad = name.empty();
  for (char c : name) bad = bad || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  if (bad) {
    errors->push_back({"name", fmt::format("{} is not a host name: give one without blanks or "
                                           "control characters",
                                           Quoted(name))});
  }
}

std::vector<Read> HostnameModule::Probe(const Value& args, const Value& facts) const {
  // The running name's fqdn is always read, though gathered facts may have
  // it: a probe that depended on facts would change when an earlier task
  // sets them, and cost a round trip.
  (void)facts;
  return {Read::Query({"/bin/sh", "-c", scripts::kHostname, "sh", StringArg(args, "name"), "1"})};
}

Result<Change> HostnameModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                    const Value& facts) const {
  if (reads.empty()) return Status::Error("internal error: no hostname read");
  const ReadResult& read = reads[0];
  if (!read.status.ok()) return read.status;
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("reading the host name failed (rc={}): {}",
                                     read.exec.exit_code, Trim(read.exec.stderr_data)));
  }
  std::map<std::string, std::string> got = ParseHostnameRead(read.exec.stdout_data);
  Result<std::string> strategy =
      HostnameStrategy(StringArg(args, "use"), got["systemd"] == "yes", got["id"]);
  if (!strategy.ok()) return strategy.status();
  const std::string name = StringArg(args, "name");
  const std::string kernel = got["kernel"];

  std::string current, permanent;
  Change change;
  if (*strategy == "systemd") {
    for (const char* kind : {"transient", "static"}) {
      const std::string v = got[kind];
      if (StartsWith(v, "failed ")) {
        const std::vector<std::string> w = Split(v.substr(7), ' ');
        return Status::Error(fmt::format("Command failed rc={}, out=, err={}", w[0],
                                         Trim(v.substr(7 + w[0].size()))));
      }
    }
    current = PyStrip(got["transient"]);
    permanent = PyStrip(got["static"]);
    if ((permanent != name || current != name) && name.size() > 64) {
      return Status::Error(
          "name cannot be longer than 64 characters on systemd servers, try a shorter name");
    }
    // The static name first, as Ansible's module sets it.
    if (permanent != name)
      change.actions.push_back(
          ExecAction({"hostnamectl", "--pretty", "--static", "set-hostname", name}));
    if (current != name)
      change.actions.push_back(ExecAction({"hostnamectl", "--transient", "set-hostname", name}));
  } else {
    const std::string file = *strategy == "sles" ? "/etc/HOSTNAME" : "/etc/hostname";
    const std::string line = got[*strategy == "sles" ? "etc_HOSTNAME" : "etc_hostname"];
    permanent = line == "none" ? "" : PyStrip(line);
    current = permanent;  // Ansible's FileStrategy reads the file for both
    if (permanent != name) {
      // As Ansible's AlpineStrategy: `hostname -F` runs before the file is
      // written, so the running name is the file's old one.
      if (*strategy == "alpine") change.actions.push_back(ExecAction({"hostname", "-F", file}));
      change.actions.push_back(WriteFileAction(file, name + "\n"));
    }
  }
  change.changed = !change.actions.empty();
  const std::string before = name != current ? current : permanent;

  // The running name after the task, and Python's getfqdn of it.
  const bool renames = *strategy == "systemd" && current != name;
  std::string kernel_fqdn = got.count("fqdn_kernel") ? got["fqdn_kernel"] : kernel;
  if (facts.is_object() && facts.contains("fqdn") && facts["fqdn"].is_string())
    kernel_fqdn = facts["fqdn"].get<std::string>();
  const std::string fqdn = renames && got.count("fqdn_name") ? got["fqdn_name"] : kernel_fqdn;
  auto facts_with = [&](const std::string& fqdn_now) {
    const size_t dot = fqdn_now.find('.');
    return Value{
        {"ansible_hostname", name.substr(0, name.find('.'))},
        {"ansible_nodename", name},
        {"ansible_fqdn", fqdn_now},
        {"ansible_domain", dot == std::string::npos ? std::string() : fqdn_now.substr(dot + 1)}};
  };
  change.result["name"] = name;
  change.result["ansible_facts"] = facts_with(fqdn);
  if (renames) {
    // Check mode leaves the running name: its fqdn is what Ansible reports.
    change.applied_result["ansible_facts"] = change.result["ansible_facts"];
    change.result["ansible_facts"] = facts_with(kernel_fqdn);
  }
  if (change.changed) {
    change.diff = fmt::format("- hostname = {}\n+ hostname = {}\n", before, name);
    change.message = fmt::format("would rename the host {} -> {}", before, name);
  }
  return change;
}

}  // namespace hostprep::modules
