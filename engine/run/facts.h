// Facts: what a host is (OS family, distribution, kernel, memory, package and
// service managers, default IPv4), read by one remote command per host per
// run. Facts are exposed as plain names (os_family) and with Ansible's names
// (ansible_os_family, ansible_facts.os_family) so Kubespray-style conditions
// keep working.
#ifndef HOSTPREP_ENGINE_RUN_FACTS_H_
#define HOSTPREP_ENGINE_RUN_FACTS_H_

#include <string>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/module/read_result.h"
#include "engine/transport/transport.h"

namespace hostprep {

// The command that gathers facts: one `sh -c` with a fixed script (no
// variable data in it), POSIX sh and /proc only.
ExecRequest FactsRequest();

// Parses the command's output into a facts mapping:
//   os_family, distribution, distribution_version, distribution_major_version,
//   distribution_release, kernel, arch, hostname, fqdn, memtotal_mb,
//   swaptotal_mb, pkg_mgr, service_mgr, default_ipv4 {address, interface,
//   gateway}, user_id.
// Pure; errors when the output is not the script's.
Result<Value> ParseFacts(const ExecResult& result);

// FactsRequest as a read, to go with a host's other reads in one round trip.
RemoteRead FactsRead();

// The facts in the answer to FactsRead: parsed, or the read's own error.
Result<Value> ParseFacts(const ReadResult& answer);

// The names under which a facts mapping is visible to templates: every key
// plain and with an "ansible_" prefix, and the whole mapping as ansible_facts.
Value FactsAsVariables(const Value& facts);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_FACTS_H_
