// Ansible's gather_subset: which fact collectors a gathering runs, resolved
// as Ansible's setup module resolves it (2.14, Linux), and which collector
// each of hostprep's facts belongs to. Pure; thread-safe.
#ifndef HOSTPREP_ENGINE_FACTS_FACT_SUBSET_H_
#define HOSTPREP_ENGINE_FACTS_FACT_SUBSET_H_

#include <set>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

struct FactSubset {
  // As written, comma-separated words split: the gather_subset fact.
  std::vector<std::string> spec = {"all"};
  // The collectors it runs (platform, distribution, network...), with those
  // they require (network needs distribution and platform).
  std::set<std::string> collectors;

  // Every collector: what gathering without a gather_subset runs.
  static FactSubset All();
  bool Has(const std::string& collector) const { return collectors.count(collector) > 0; }
  // Whether every collector of `other` is one of these.
  bool Covers(const FactSubset& other) const;
  // The collectors of both; `spec` is other's (the later gathering's).
  void Add(const FactSubset& other);
};

// `spec` resolved: 'min' first, then each word adds a collector or one of
// its facts ('default_ipv4' runs network), 'all', or takes away with '!'
// ('!all' leaves min, '!min' takes it too); a word named explicitly is
// never taken away. An unknown word is an error with Ansible's message (the
// allowed names) and a "did you mean"; an unknown '!word' is ignored, as in
// Ansible.
Result<FactSubset> ResolveFactSubset(const std::vector<std::string>& spec);

// The collector that gives fact `key` of `facts` (a facts mapping without
// the ansible_ prefix): an interface's own key is network's.
std::string FactCollector(const std::string& key, const Value& facts);

// The facts of `facts` whose collector `subset` runs, and Ansible's two
// facts about the gathering itself: gather_subset (the spec) and
// module_setup (true).
Value SelectFacts(const Value& facts, const FactSubset& subset);

// Whether setup's `filter` keeps the fact named `prefixed` (ansible_...):
// no pattern keeps all; a pattern matches as Python's fnmatch, and one that
// does not start with ansible_, facter or ohai is tried with ansible_ too.
bool FactFilterKeeps(const std::vector<std::string>& patterns, const std::string& prefixed);

// The variable a fact of `facts` is injected as, and the name setup
// returns it under: ansible_ and its name for a fact a collector gives
// (ansible_distribution); any other as it is: gather_subset, module_setup,
// and the facts modules return without the prefix (getent_passwd,
// packages), as Ansible injects those.
std::string FactVariableName(const std::string& key, const Value& facts);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_FACTS_FACT_SUBSET_H_
