#include "modules/package_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/base/text.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

// The managers hostprep reads, in the order Ansible's auto tries them.
const std::vector<std::string> kManagers = {"rpm", "apt"};

ArgSpec PackageFactsSpec() {
  ArgSpec spec;
  spec.name = "package_facts";
  spec.ansible_names = {"ansible.builtin.package_facts", "ansible.legacy.package_facts"};
  spec.summary = "read the installed packages into the fact `packages`";
  spec.description =
      "Ansible's package_facts: sets `ansible_facts.packages`, a mapping from each installed "
      "package's name to a list of its installed versions: for apt name, version, arch, "
      "category (the section), origin (the Origin of the first archive that has that "
      "version, empty for one no list has) and source; for rpm name, version, release, "
      "epoch and arch. Read with dpkg-query, apt and rpm, no Python: one read in the probe "
      "round trip; changes nothing.";
  spec.args = {
      {"manager",
       ArgType::kList,
       false,
       Value::array({"auto"}),
       {},
       {},
       "The package managers to read: auto (the first found, rpm then apt), apt, rpm."},
      {"strategy",
       ArgType::kString,
       false,
       "first",
       {"first", "all"},
       {},
       "first: the first manager found; all: every manager found."},
  };
  spec.examples =
      "- name: what is installed\n"
      "  package_facts:\n"
      "- name: docker's containerd is in the way\n"
      "  fail: {msg: remove containerd.io first}\n"
      "  when: \"'containerd.io' in ansible_facts.packages\"\n";
  spec.notes =
      "Differences from Ansible: apt and rpm only (Ansible also reads pacman, portage, pkg, "
      "apk and pkg_info). rpm counts as found when its database lists a package (Ansible "
      "needs Python's rpm bindings).";
  return spec;
}

// "libc6:i386" -> "libc6": apt list names a foreign package without its
// architecture, which has a column of its own.
std::string PackageBase(const std::string& name) { return name.substr(0, name.find(':')); }

// Suite -> Origin from the lists' Release files ("FILE\tFIELD\tVALUE").
std::map<std::string, std::string> OriginsBySuite(const std::vector<std::string>& lines) {
  std::map<std::string, std::map<std::string, std::string>> files;
  for (const std::string& line : lines) {
    const std::vector<std::string> f = Split(line, '\t');
    if (f.size() == 3) files[f[0]][f[1]] = f[2];
  }
  std::map<std::string, std::string> origins;
  for (const auto& [file, fields] : files) {
    auto origin = fields.find("Origin");
    for (const char* key : {"Suite", "Codename"}) {
      auto it = fields.find(key);
      if (it != fields.end() && !origins.count(it->second))
        origins[it->second] = origin == fields.end() ? "" : origin->second;
    }
  }
  return origins;
}

// "name/suite1,suite2 version arch [flags]" -> (name, arch) -> first suite.
std::map<std::string, std::string> FirstArchive(const std::vector<std::string>& lines) {
  std::map<std::string, std::string> first;
  for (const std::string& line : lines) {
    const size_t slash = line.find('/');
    const size_t space = line.find(' ');
    if (slash == std::string::npos || space == std::string::npos || slash > space) continue;
    const std::vector<std::string> words = PySplit(line.substr(space + 1));
    if (words.size() < 2) continue;
    const std::string archive = Split(line.substr(slash + 1, space - slash - 1), ',')[0];
    first[line.substr(0, slash) + "\t" + words[1]] = archive;
  }
  return first;
}

Value AptPackages(std::map<std::string, std::vector<std::string>>& sections) {
  const std::vector<std::string>& lines = sections["apt"];
  if (lines.empty()) return Value();
  const std::string native = Trim(lines[0]);
  const std::map<std::string, std::string> origins = OriginsBySuite(sections["releases"]);
  const std::map<std::string, std::string> archives = FirstArchive(sections["archives"]);
  Value packages = Value::object();
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Split(lines[i], '\t');
    // Installed: dpkg's status letter is neither n(ot-installed) nor
    // c(onfig-files).
    if (f.size() < 5 || f[0].size() < 2 || f[0][1] == 'n' || f[0][1] == 'c') continue;
    std::string name = f[1];
    const std::string suffix = ":" + native;
    if (EndsWith(name, suffix)) name.resize(name.size() - suffix.size());
    const std::string arch = f[3];
    auto archive = archives.find(PackageBase(name) + "\t" + arch);
    std::string origin;
    if (archive != archives.end() && archive->second != "now") {
      auto it = origins.find(archive->second);
      if (it != origins.end()) origin = it->second;
    }
    Value entry = {{"name", name},     {"version", f[2]},  {"arch", arch},
                   {"category", f[4]}, {"origin", origin}, {"source", "apt"}};
    if (!packages.contains(name)) packages[name] = Value::array();
    packages[name].push_back(entry);
  }
  return packages;
}

Value RpmPackages(std::map<std::string, std::vector<std::string>>& sections) {
  if (!sections.count("rpm") || sections["rpm"].empty()) return Value();
  Value packages = Value::object();
  for (const std::string& line : sections["rpm"]) {
    const std::vector<std::string> f = Split(line, '\t');
    if (f.size() < 5 || f[0].empty()) continue;
    Value epoch;
    try {
      epoch = std::stoll(f[3]);
    } catch (const std::exception&) {
      epoch = nullptr;  // "(none)"
    }
    Value entry = {{"name", f[0]},   {"version", f[1]}, {"release", f[2]},
                   {"epoch", epoch}, {"arch", f[4]},    {"source", "rpm"}};
    if (!packages.contains(f[0])) packages[f[0]] = Value::array();
    packages[f[0]].push_back(entry);
  }
  return packages;
}

std::vector<std::string> Requested(const Value& args) {
  std::vector<std::string> managers;
  if (args.contains("manager") && args["manager"].is_array()) {
    for (const Value& v : args["manager"]) {
      if (v.is_string()) managers.push_back(ToLower(v.get<std::string>()));
    }
  }
  if (managers.empty()) managers = {"auto"};
  return managers;
}

}  // namespace

Value ParsePackageFacts(const std::string& out, const std::string& manager) {
  auto sections = SplitSections(out);
  return manager == "apt" ? AptPackages(sections) : RpmPackages(sections);
}

PackageFactsModule::PackageFactsModule() : spec_(PackageFactsSpec()) {}

void PackageFactsModule::Validate(const Value& args, bool templates_pending,
                                  std::vector<ArgError>* errors) const {
  (void)templates_pending;
  for (const std::string& m : Requested(args)) {
    if (m == "auto" || IsPendingTemplate(Value(m)) ||
        std::find(kManagers.begin(), kManagers.end(), m) != kManagers.end())
      continue;
    errors->push_back({"manager", fmt::format("Unsupported package managers requested: {} "
                                              "(hostprep reads apt and rpm, or use auto)",
                                              m)});
  }
}

std::vector<Read> PackageFactsModule::Probe(const Value& args, const Value& facts) const {
  (void)args;
  (void)facts;
  return {Read::Query({"/bin/sh", "-c", scripts::kPackageFacts, "sh"})};
}

Result<Change> PackageFactsModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                        const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: no package_facts result");
  const ReadResult& read = reads[0];
  if (!read.status.ok()) return read.status;
  std::vector<std::string> order;
  for (const std::string& m : Requested(args)) {
    for (const std::string& one : m == "auto" ? kManagers : std::vector<std::string>{m}) {
      if (std::find(order.begin(), order.end(), one) == order.end()) order.push_back(one);
    }
  }
  const bool all = args.value("strategy", std::string("first")) == "all";
  Value packages = Value::object();
  size_t found = 0;
  for (const std::string& m : order) {
    if (found > 0 && !all) break;
    const Value these = ParsePackageFacts(read.exec.stdout_data, m);
    if (these.is_null()) continue;
    ++found;
    for (const auto& [name, list] : these.items()) packages[name] = list;
  }
  if (found == 0) {
    return Status::Error(fmt::format(
        "Could not detect a supported package manager from the following list: {} (hostprep "
        "reads apt and rpm)",
        fmt::join(order, ", ")));
  }
  Change change;
  change.result["ansible_facts"] = Value::object({{"packages", packages}});
  return change;
}

}  // namespace hostprep::modules
