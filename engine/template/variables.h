// Variables visible to a template: a chain of scopes, each a map from name to
// value plus where the value came from (for error messages). A child scope
// shadows its parent, which is how precedence layers stack:
//   host scope (inventory all < groups parent-before-child < host < facts
//   < play vars < vars_files), then task scope (task vars, registered results,
//   loop item), then extra vars on top (-e) which the engine re-applies last.
// A Variables does not own its parent; the parent must outlive it. Reading is
// thread-safe; writing is not.
#ifndef HOSTPREP_ENGINE_TEMPLATE_VARIABLES_H_
#define HOSTPREP_ENGINE_TEMPLATE_VARIABLES_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

class Variables;

// What `lookup()` and `query()` call: Ansible's lookup plugins, which read
// the controller (files, templates, the environment). Implemented by the
// run (engine/run/controller_lookups.h), which knows where a task's files
// are. Thread-safe.
class Lookups {
 public:
  virtual ~Lookups() = default;
  // Runs plugin `name` on `terms` (a list: the call's positional
  // arguments) with `options` (a mapping: its keyword arguments), reading
  // variables from `vars`; the plugin's list of results, as Ansible's
  // LookupBase.run returns it. Errors say what was not found or allowed.
  virtual Result<Value> Run(const std::string& name, const Value& terms, const Value& options,
                            const Variables& vars) const = 0;
};

// The lookup plugins hostprep has, sorted: what `lookup('x')` may name.
const std::vector<std::string>& LookupNames();

// Other hosts' variables, as the `hostvars` magic variable reads them
// (`hostvars['node2'].ansible_default_ipv4`). Implemented by the run, which
// knows every host's inventory variables, facts and registered results.
// Thread-safe; Scope may block while the host's facts are being gathered.
class HostScopes {
 public:
  virtual ~HostScopes() = default;
  // Every inventory host, in inventory order (the keys of `hostvars`).
  virtual std::vector<std::string> Hosts() const = 0;
  // The variables of `host` as `hostvars[host]` shows them; null for a
  // host the inventory does not have. The scope owns its whole chain.
  virtual std::shared_ptr<const Variables> Scope(const std::string& host) const = 0;
  // Why `hostvars[host][name]` may be missing when the run knows a reason
  // ("node3 has not gathered facts yet ..."); "" when it does not.
  virtual std::string MissingHint(const std::string& host, const std::string& name) const = 0;
};

// Whether the templates inside a variable's value are rendered when a
// template reads it. Playbooks, vars files, role files, inventories and -e
// are the operator's own text: kTemplate. What a host sent back (facts,
// registered results) and values that are already the result of rendering
// (set_fact, loop items) are kData and never rendered again, so a host
// cannot make the controller evaluate a template it wrote. This is Ansible
// 2.19's trust rule; 2.14 marked host data "unsafe" to the same end (its
// set_fact values were rendered again, hostprep's are not).
enum class Trust { kTemplate, kData };

struct VarEntry {
  Value value;
  std::string origin;  // "inventories/prod/group_vars/all.yml", "play vars", "-e", ...
  Trust trust = Trust::kTemplate;
};

class Variables {
 public:
  Variables() = default;
  explicit Variables(const Variables* parent) : parent_(parent) {}

  // Sets (or replaces) a variable in this scope.
  void Set(const std::string& name, Value value, std::string origin,
           Trust trust = Trust::kTemplate);
  // Sets every key of a mapping; does nothing for other values.
  void SetAll(const Value& mapping, const std::string& origin, Trust trust = Trust::kTemplate);

  // Scopes below every parent: a name no scope of the chain defines is
  // looked up in the nearest fallback set on the chain (and its own chain).
  // Role defaults sit there, below the inventory. Not owned.
  void SetFallback(const Variables* fallback) { fallback_ = fallback; }

  // What `hostvars` reads, for this scope and its children (a variable
  // named hostvars would shadow it; keywords.cc reserves the name). Not
  // owned; null: `hostvars` is undefined.
  void SetHostScopes(const HostScopes* hosts) { host_scopes_ = hosts; }
  // The nearest HostScopes set on the chain, or null.
  const HostScopes* host_scopes() const;

  // What `lookup()` runs, for this scope and its children. Not owned;
  // null: lookups fail with a message saying they are unavailable here.
  void SetLookups(const Lookups* lookups) { lookups_ = lookups; }
  // The nearest Lookups set on the chain, or null.
  const Lookups* lookups() const;

  // Removes every variable of this scope (not of its parents).
  void Clear() { vars_.clear(); }
  // Removes `name` from this scope (not from its parents).
  void Erase(const std::string& name) { vars_.erase(name); }

  // The scope below this one (borrowed; must outlive this scope; null:
  // none), for a scope made before its parent is known. Many scopes may
  // share one parent, which they only read: a play's variables that are the
  // same on every host are held once, not once per host.
  void SetParent(const Variables* parent) { parent_ = parent; }

  // The nearest definition of `name`, or nullptr.
  const VarEntry* Find(std::string_view name) const;

  // All names visible from this scope (this scope and its parents), sorted.
  std::vector<std::string> Names() const;
  // Every visible variable flattened into one mapping, nearest definition
  // winning (for `hostprep inventory --host` and debugging output).
  Value Flatten() const;

  const Variables* parent() const { return parent_; }

 private:
  const Variables* NearestFallback() const;

  std::unordered_map<std::string, VarEntry> vars_;
  const Variables* parent_ = nullptr;
  const Variables* fallback_ = nullptr;
  const HostScopes* host_scopes_ = nullptr;
  const Lookups* lookups_ = nullptr;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_VARIABLES_H_
