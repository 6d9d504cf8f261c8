#include "modules/ansible_package.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/facts/fact_subset.h"
#include "engine/facts/facts.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

// What Ansible's package passes to dnf, yum, zypper and apk that hostprep's
// own package takes there.
const std::vector<std::string> kEveryBackend = {"name", "state", "update_cache", "lock_timeout"};

ArgSpec AnsiblePackageSpec(const ArgSpec& apt) {
  ArgSpec spec;
  spec.name = "ansible.builtin.package";
  spec.ansible_names = {"package", "ansible.legacy.package"};
  spec.summary = "Ansible's package: the host's package manager module (apt on Debian)";
  spec.description =
      "Ansible's package module: runs the module of the host's package manager (the pkg_mgr "
      "fact, or `use`) with the task's arguments, as Ansible's package action does. On apt "
      "hosts that is apt, with all of Ansible's apt arguments, results and changed flags (see "
      "hostprep doc apt); on dnf, yum, zypper and apk hosts hostprep's own package module, "
      "with name, state (present, latest, absent), update_cache and lock_timeout.";
  spec.args = apt.args;
  spec.args.push_back({"use",
                       ArgType::kString,
                       false,
                       "auto",
                       {"auto", "apt", "dnf", "yum", "zypper", "apk"},
                       {},
                       "The package manager: auto (default, from the pkg_mgr fact) or one of "
                       "the others."});
  spec.mutually_exclusive = apt.mutually_exclusive;
  spec.required_one_of = apt.required_one_of;
  spec.examples =
      "- name: tools, on any distribution\n"
      "  ansible.builtin.package:\n"
      "    name: [curl, jq]\n"
      "    state: present\n";
  spec.notes =
      "Differences from Ansible: on dnf, yum, zypper and apk hosts only name, state, "
      "update_cache and lock_timeout are taken (Ansible passes any argument to that "
      "package manager's module); others are refused there. hostprep's own package module "
      "(`hostprep doc package`) is what a task named `package` runs only through this one.";
  return spec;
}

// Whether the package manager must be read from the host, as Ansible's
// package action runs setup (gather_subset '!all') when the fact is missing.
bool Undetected(const Value& args, const Value& facts) {
  return args.value("use", std::string("auto")) == "auto" &&
         !(facts.contains("pkg_mgr") && facts["pkg_mgr"].is_string());
}

// gather_subset '!all', as Ansible's package action asks setup for it.
FactSubset MinimalSubset() {
  Result<FactSubset> minimal = ResolveFactSubset({"!all"});
  return minimal.ok() ? *minimal : FactSubset::All();
}

// The facts apt sees: `use: apt` wins over the host's pkg_mgr fact.
Value AptFacts(const Value& facts) {
  Value out = facts.is_object() ? facts : Value::object();
  out["pkg_mgr"] = "apt";
  return out;
}

}  // namespace

AnsiblePackageModule::AnsiblePackageModule() : spec_(AnsiblePackageSpec(apt_.spec())) {}

void AnsiblePackageModule::Validate(const Value& args, bool templates_pending,
                                    std::vector<ArgError>* errors) const {
  Value apt_args = args;
  apt_args.erase("use");
  apt_.Validate(apt_args, templates_pending, errors);
}

Result<Value> AnsiblePackageModule::BackendArgs(const Value& args,
                                                const std::string& backend) const {
  Value out = args;
  out.erase("use");
  if (backend == "apt") return out;
  // Another package manager: hostprep's package, with what it takes.
  if (const std::vector<std::string> set = SetAwayFromDefaults(spec_, out, kEveryBackend);
      !set.empty()) {
    return Status::Error(fmt::format(
        "argument '{}' works with apt, and this host's package manager is {} (hostprep's "
        "package takes name, state, update_cache and lock_timeout there)",
        set.front(), backend));
  }
  Value own = Value::object();
  for (const std::string& key : kEveryBackend) {
    if (out.contains(key)) own[key] = out[key];
  }
  const std::string state = own.value("state", std::string("present"));
  if (state != "present" && state != "absent" && state != "latest") {
    return Status::Error(
        fmt::format("state {} works with apt, and this host's package manager "
                    "is {} (use present, latest or absent)",
                    state, backend));
  }
  own["use"] = backend;
  return own;
}

std::vector<Read> AnsiblePackageModule::Probe(const Value& args, const Value& facts) const {
  if (Undetected(args, facts)) {
    std::vector<Read> reads = {Read::Query(FactsRead(false, MinimalSubset()).argv)};
    for (Read& r : Probe(args, AptFacts(facts))) reads.push_back(std::move(r));
    return reads;
  }
  const std::string backend = PackageBackend(args, facts);
  Result<Value> backend_args = BackendArgs(args, backend);
  if (!backend_args.ok()) return {};
  return backend == "apt" ? apt_.Probe(*backend_args, AptFacts(facts))
                          : package_.Probe(*backend_args, facts);
}

Result<Change> AnsiblePackageModule::PlanDetected(const Value& args,
                                                  const std::vector<ReadResult>& reads,
                                                  const Value& facts) const {
  if (reads.empty()) return Status::Error("internal error: package reads are missing");
  Result<Value> gathered = ParseFacts(reads[0], MinimalSubset());
  if (!gathered.ok()) return gathered.status();
  Value known = facts.is_object() ? facts : Value::object();
  known["pkg_mgr"] = gathered->value("pkg_mgr", std::string());
  const std::vector<ReadResult> apt_reads(reads.begin() + 1, reads.end());
  if (known["pkg_mgr"] == "apt") return Plan(args, apt_reads, known);
  // Another package manager: its reads after apt's, in a second round trip.
  const size_t apt_count = Probe(args, AptFacts(facts)).size();
  if (apt_reads.size() == apt_count) {
    Change more;
    more.more_reads = Probe(args, known);
    if (more.more_reads.empty()) return Plan(args, {}, known);  // the error of that backend
    return more;
  }
  return Plan(args, std::vector<ReadResult>(apt_reads.begin() + apt_count, apt_reads.end()), known);
}

Result<Change> AnsiblePackageModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                          const Value& facts) const {
  if (Undetected(args, facts)) return PlanDetected(args, reads, facts);
  const std::string backend = PackageBackend(args, facts);
  Result<Value> backend_args = BackendArgs(args, backend);
  if (!backend_args.ok()) return backend_args.status();
  if (backend == "apt") return apt_.Plan(*backend_args, reads, AptFacts(facts));
  return package_.Plan(*backend_args, reads, facts);
}

Resources AnsiblePackageModule::Declare(const Value& args) const {
  Value apt_args = args;
  apt_args.erase("use");
  return apt_.Declare(apt_args);
}

}  // namespace hostprep::modules
