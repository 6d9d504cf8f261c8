// Facts: what a host is, with Ansible's fact names, types and values (its
// 2.14 setup module's, README.md lists them and what is not gathered),
// read by one remote command per host per run: a POSIX sh script, no Python
// on the host. Facts are exposed with Ansible's names (ansible_os_family,
// ansible_facts.os_family) so roles' conditions keep working.
#ifndef HOSTPREP_ENGINE_FACTS_FACTS_H_
#define HOSTPREP_ENGINE_FACTS_FACTS_H_

#include <string>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/facts/fact_subset.h"
#include "engine/module/read_result.h"

namespace hostprep {

// Parses the command's output into a facts mapping, computed as Ansible's
// collectors compute them (facts_*.cc, a group of collectors each). Pure;
// errors when the output is not the script's; never on what the script
// read (the target's output is untrusted: bounded, and a fact it does not
// give stays out).
Result<Value> ParseFacts(const ExecResult& result);

// The command that gathers facts, as a read to go with a host's other reads
// in one round trip: one `sh -c` with a fixed script (scripts/facts.sh; no
// variable data in it), POSIX sh and /proc only. `as_caller`: it runs under
// the tasks' sudo only to share their round trip; the user facts (user_id,
// user_uid, user_dir...) are the calling user's. `subset`: the programs only
// collectors outside it need (ip for network, the mount sizes for hardware,
// date for date_time) are not started.
RemoteRead FactsRead(bool as_caller = false, const FactSubset& subset = FactSubset::All());

// The facts in the answer to FactsRead: parsed, or the read's own error.
Result<Value> ParseFacts(const ReadResult& answer);
// The same, only those of `subset`'s collectors, with gather_subset and
// module_setup (SelectFacts).
Result<Value> ParseFacts(const ReadResult& answer, const FactSubset& subset);

// Facts a later gathering (or a module's ansible_facts) gave, over those
// known: key by key at the top, as Ansible's set_host_facts merges them.
void MergeFacts(const Value& later, Value* facts);

// The names under which a facts mapping is visible to templates: every key
// with an "ansible_" prefix (gather_subset and module_setup without), the
// whole mapping as ansible_facts (with `local` as ansible_local there, as
// Ansible has it), and the facts hostprep had before Ansible's whole set
// (os_family, ...) plain too unless `plain` is false (another host's, in
// hostvars).
Value FactsAsVariables(const Value& facts, bool plain = true);

// Whether two gatherings found the same facts but for those that change
// between any two (the clock, uptime, free memory and disk space, the SSH
// connection's ports in env): what tells a facts cache that it was right.
bool SameStableFacts(const Value& a, const Value& b);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_FACTS_FACTS_H_
