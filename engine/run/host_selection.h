// Which of a play's hosts a run may touch: the play's pattern narrowed by
// --limit, --shard and --retry-failed (all three intersect). The scheduler
// and `--list-hosts` both go through SelectRunHosts, so the listing shows
// exactly the hosts a run would contact. Pure functions, no I/O.
#ifndef HOSTPREP_ENGINE_RUN_HOST_SELECTION_H_
#define HOSTPREP_ENGINE_RUN_HOST_SELECTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/inventory/inventory.h"
#include "engine/run/run_options.h"

namespace hostprep {

// 64-bit FNV-1a of the host's name. Part of the results contract: a host
// must land in the same shard in every release, so this never changes.
uint64_t HostNameHash(std::string_view name);

// The shard (1..count) of `host` among `count` shards: it depends on the
// name alone, never on what else the inventory holds.
int ShardOfHost(std::string_view host, int count);

// Parses --shard's "I/N" (1 <= I <= N) into *index and *count.
[[nodiscard]] Status ParseShard(const std::string& text, int* index, int* count);

// `hosts` (in their order) without those --limit, --shard or --retry-failed
// leave out. A --limit pattern that is not valid matches nothing and its
// error goes to *limit_error (may be null); otherwise *limit_error is left alone.
std::vector<std::string> SelectRunHosts(const Inventory& inventory, const RunOptions& options,
                                        std::vector<std::string> hosts, std::string* limit_error);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_HOST_SELECTION_H_
