#include "modules/setup.h"

#include "engine/facts/fact_subset.h"
#include "engine/facts/facts.h"

namespace hostprep::modules {

namespace {

constexpr char kFactPath[] = "/etc/ansible/facts.d";

ArgSpec SetupSpec() {
  ArgSpec spec;
  spec.name = "setup";
  spec.ansible_names = {"ansible.builtin.setup", "ansible.legacy.setup"};
  spec.summary = "gather the host's facts again, or some of them (gather_subset, filter)";
  spec.description =
      "Ansible's setup module as a task: gathers the facts the play's own gathering gives "
      "(see the README's Facts section), with the same script, and sets them on the host over "
      "those it has, as Ansible does: a role that runs `setup` after installing a package, or "
      "with `gather_subset: [network]` in a play that gathers none, sees the new facts in the "
      "tasks after it. Registers `ansible_facts` with the facts named as Ansible's setup "
      "returns them (ansible_distribution, ansible_default_ipv4..., and gather_subset and "
      "module_setup). Read with the other tasks' reads in the probe round trip.";
  spec.args = {
      {"gather_subset",
       ArgType::kList,
       false,
       Value::array({"all"}),
       {},
       {},
       "Which collectors run: all, min, hardware, network, virtual, a collector (distribution, "
       "pkg_mgr...) or a fact one gives (default_ipv4); '!' before a name leaves it out. 'min' "
       "always runs unless '!min' is given; comma-separated words are split."},
      {"filter",
       ArgType::kList,
       false,
       Value::array(),
       {},
       {},
       "Only facts whose name matches one of these shell patterns (ansible_eth*); a pattern "
       "without the ansible_ prefix is tried with it too. Filters what is returned and set."},
      {"gather_timeout",
       ArgType::kInt,
       false,
       10,
       {},
       {},
       "Accepted for Ansible's playbooks. hostprep's script bounds its own slow steps (a name "
       "lookup: 2 s) and the run's --task-timeout bounds the whole."},
      {"fact_path",
       ArgType::kString,
       false,
       kFactPath,
       {},
       {},
       "Ansible's local facts directory. hostprep runs nothing from it: `ansible_local` is {} "
       "where it does not exist, and left out where it does; only the default is accepted."},
  };
  spec.examples =
      "- name: network facts in a play that gathers none\n"
      "  ansible.builtin.setup:\n"
      "    gather_subset: ['!all', '!min', network]\n"
      "- name: what the package manager is, after installing one\n"
      "  setup:\n"
      "    filter: [ansible_pkg_mgr, ansible_service_mgr]\n";
  spec.notes =
      "As Ansible's: read-only, runs in check mode, never changed. The facts are hostprep's (no "
      "Python facts, no local facts, no discovered_interpreter_python); a gather_subset name "
      "Ansible does not know fails validation before any host is contacted.";
  return spec;
}

std::vector<std::string> Strings(const Value& args, const char* key) {
  std::vector<std::string> out;
  if (!args.contains(key) || !args[key].is_array()) return out;
  for (const Value& v : args[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Result<FactSubset> Subset(const Value& args) {
  return ResolveFactSubset(Strings(args, "gather_subset"));
}

}  // namespace

SetupModule::SetupModule() : spec_(SetupSpec()) {}

void SetupModule::Validate(const Value& args, bool templates_pending,
                           std::vector<ArgError>* errors) const {
  (void)templates_pending;  // a templated word is checked when the task runs
  if (args.contains("gather_subset") && args["gather_subset"].is_array()) {
    bool pending = false;
    for (const Value& v : args["gather_subset"]) pending = pending || IsPendingTemplate(v);
    Result<FactSubset> subset = Subset(args);
    if (!pending && !subset.ok()) errors->push_back({"gather_subset", subset.message()});
  }
  if (args.contains("fact_path") && args["fact_path"].is_string() &&
      !IsPendingTemplate(args["fact_path"]) && args["fact_path"].get<std::string>() != kFactPath) {
    errors->push_back({"fact_path",
                       "hostprep gathers no local facts (it runs nothing from a facts "
                       "directory): leave fact_path at /etc/ansible/facts.d"});
  }
}

std::vector<Read> SetupModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  Result<FactSubset> subset = Subset(args);
  const RemoteRead read = FactsRead(false, subset.ok() ? *subset : FactSubset::All());
  return {Read::Query(read.argv)};
}

Result<Change> SetupModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                 const Value& facts) const {
  (void)facts;
  Result<FactSubset> subset = Subset(args);
  if (!subset.ok()) return subset.status();
  Result<Value> gathered = ParseFacts(reads.at(0), *subset);
  if (!gathered.ok()) return gathered.status();
  const std::vector<std::string> filter = Strings(args, "filter");
  Value returned = Value::object();
  for (auto it = gathered->begin(); it != gathered->end(); ++it) {
    const std::string name = FactVariableName(it.key(), *gathered);
    if (FactFilterKeeps(filter, name)) returned[name] = it.value();
  }
  Change change;
  change.result["ansible_facts"] = std::move(returned);
  return change;
}

}  // namespace hostprep::modules
