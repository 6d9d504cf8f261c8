// Answers to a host's remote reads made ahead of the tasks that need them,
// so that one round trip can probe the state of every task of a host.
//
// An answer is kept until an action could have changed it, and any action
// can: a command can change anything, and a write to one path changes every
// path that leads to it through a symlink (Debian's
// /etc/sysctl.d/99-sysctl.conf is one), which the paths alone do not show.
// So an action drops every answer, and the same round trip that carries
// the actions reads the state of the tasks still to run after them (see
// TaskExecutor::Apply). An unchanged run keeps its single round trip; each
// change costs one more.
//
// Owned by one host's worker; not thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_PROBE_CACHE_H_
#define HOSTPREP_ENGINE_RUN_PROBE_CACHE_H_

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/module/module.h"
#include "engine/run/host_state.h"
#include "engine/transport/transport.h"

namespace hostprep {

// A read as the transport makes it: with its privilege.
struct PendingRead {
  Become become;
  RemoteRead read;
};

// The two run as the same user (the user does not matter without become).
bool SameBecome(const Become& a, const Become& b);

// The reads still to make after a change made as `become`: those that can
// go in the change's own round trip, and whether that is all of them.
struct ReadsAfter {
  std::vector<RemoteRead> reads;
  bool complete = true;  // no read needs another become
};
ReadsAfter ReadsWith(const Become& become, std::vector<PendingRead> pending);

class ProbeCache {
 public:
  void Store(const Become& become, const RemoteRead& read, ReadResult result);
  // The stored answer, or nullopt.
  std::optional<ReadResult> Find(const Become& become, const RemoteRead& read) const;
  bool Contains(const Become& become, const RemoteRead& read) const;

  // Drops what `actions` could have changed (see above: everything, when
  // there is any action) and marks the cache stale when anything was dropped.
  void Invalidate(const std::vector<Action>& actions);

  // Keeps the answers to `after`, read after a change: the cache is fresh
  // again when they were every read still to make (the next miss probes the
  // others).
  void StoreAfterChange(const Become& become, const ReadsAfter& after,
                        std::vector<ReadResult> answers);

  // Drops every answer (the host is about to change) and marks it stale.
  void Clear() {
    answers_.clear();
    stale_ = true;
  }

  // True after Invalidate dropped answers and before the next batch
  // (mark_fresh): the engine then probes the remaining tasks in one batch
  // instead of read by read.
  bool stale() const { return stale_; }
  void mark_fresh() { stale_ = false; }
  // Marks the cache stale without dropping anything: the tasks were probed
  // without something they needed (the host's facts).
  void mark_stale() { stale_ = true; }

 private:
  using Key = std::tuple<bool, std::string, int, std::string, std::vector<std::string>>;
  static Key KeyOf(const Become& become, const RemoteRead& read);

  std::map<Key, ReadResult> answers_;
  bool stale_ = false;
};

// Makes the transport answer `reads` in as few round trips as it can: one
// per distinct become. Errors in the result are the transport's (host lost).
Result<std::vector<ReadResult>> ReadAll(Transport* transport, const std::vector<PendingRead>& reads,
                                        int timeout_seconds);

// ReadAll on the host's transport, its time added to the host's probe
// seconds (--stats) and shown as a "probe" span (--trace).
Result<std::vector<ReadResult>> ProbeHost(const PlayContext& ctx, HostState* state,
                                          const std::vector<PendingRead>& reads);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_PROBE_CACHE_H_
