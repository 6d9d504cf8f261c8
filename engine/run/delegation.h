// delegate_to: where a task's module runs when it is not the host's own
// connection. The task keeps the host's variables, results and handlers;
// the module's reads and actions go to the delegated host, planned with
// that host's facts, over a connection made with that host's connection
// variables alone, as Ansible's PlayContext makes it
// (set_task_and_variable_override).
#ifndef HOSTPREP_ENGINE_RUN_DELEGATION_H_
#define HOSTPREP_ENGINE_RUN_DELEGATION_H_

#include <map>
#include <memory>
#include <string>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/inventory/inventory.h"
#include "engine/run/host_io.h"
#include "engine/run/read_source.h"

namespace hostprep {

// A delegated host as the task executor sees it (TaskExecutor::Delegate).
// Owned by the caller, which keeps it for the whole run.
struct DelegateTarget {
  std::string name;               // as delegate_to rendered it
  std::string label;              // as output shows it: the name, and its address when that differs
  ConnectionSettings connection;  // its become defaults
  Value facts = Value::object();  // its facts (the module plans with them)
  const ReadSource* source = nullptr;  // its answers
};

// A delegated host of one host's run: its target and its own connection
// (each host's worker opens its own: a connection serves one thread).
struct DelegateHost {
  explicit DelegateHost(const std::string& name) : io(name) {}
  DelegateTarget target;
  HostIo io;
  bool facts_known = false;
};

// What the settings of a delegated host fall back on where its own
// variables say nothing: the login name of the task's play (remote_user,
// -u). The port does not carry over: 22, unless the host's variables give one.
struct DelegateDefaults {
  std::string user;
};

// Whether `name` stands for this machine: Ansible's C.LOCALHOST.
bool IsLocalName(const std::string& name);

// The connection settings of `name` as a delegated host: its inventory
// variables (and -e on top) when the inventory has it; the implicit
// localhost (connection local) for localhost, 127.0.0.1 and ::1 when it
// does not; else a host reached by that name over SSH with defaults.
// Without its own ansible_connection, a host whose name and address are
// both local is reached locally, any other over SSH (a play's
// `connection: local` does not carry over). Errors name the variable.
Result<ConnectionSettings> DelegateSettings(const std::string& name, const Inventory& inventory,
                                            const Value& extra_vars,
                                            const DelegateDefaults& defaults);

// How output shows the delegated host (Ansible's host_label): "node2", or
// "node2(10.0.0.2)" when it is reached at another address.
std::string DelegateLabel(const std::string& name, const ConnectionSettings& settings);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_DELEGATION_H_
