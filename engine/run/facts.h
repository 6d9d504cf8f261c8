// Facts: what a host is, with Ansible's fact names, types and values (its
// 2.14 setup module's, README.md lists them and what is not gathered),
// read by one remote command per host per run: a POSIX sh script, no Python
// on the host. Facts are exposed with Ansible's names (ansible_os_family,
// ansible_facts.os_family) so roles' conditions keep working.
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

// Parses the command's output into a facts mapping, computed as Ansible's
// collectors compute them (facts_*.cc, a group of collectors each). Pure;
// errors when the output is not the script's; never on what the script
// read (the target's output is untrusted: bounded, and a fact it does not
// give stays out).
Result<Value> ParseFacts(const ExecResult& result);

// FactsRequest as a read, to go with a host's other reads in one round trip.
// `as_caller`: it runs under the tasks' sudo only to share their round trip;
// the user facts (user_id, user_uid, user_dir...) are the calling user's.
RemoteRead FactsRead(bool as_caller = false);

// The facts in the answer to FactsRead: parsed, or the read's own error.
Result<Value> ParseFacts(const ReadResult& answer);

// The names under which a facts mapping is visible to templates: every key
// with an "ansible_" prefix, the whole mapping as ansible_facts, and the
// facts hostprep had before Ansible's whole set (os_family, ...) plain too.
Value FactsAsVariables(const Value& facts);

// Whether two gatherings found the same facts but for those that change
// between any two (the clock, uptime, free memory and disk space, the SSH
// connection's ports in env): what tells a facts cache that it was right.
bool SameStableFacts(const Value& a, const Value& b);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_FACTS_H_
