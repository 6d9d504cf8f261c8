// Answers to a host's remote reads made ahead of the tasks that need them,
// so that one round trip can probe the state of every task of a host.
//
// An answer is kept until an action could have changed it, and any action
// can: a command can change anything, and a write to one path changes every
// path that leads to it through a symlink (Debian's
// /etc/sysctl.d/99-sysctl.conf is one), which the paths alone do not show.
// So HostIo drops every answer before a change, and the same round trip
// that carries the change reads the state of the tasks still to run after
// it. Plain data: HostIo decides what goes in and when it is dropped.
//
// Owned by one host's HostIo; not thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_PROBE_CACHE_H_
#define HOSTPREP_ENGINE_RUN_PROBE_CACHE_H_

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/module/read_result.h"

namespace hostprep {

// The reads still to make after a change made as `become`: those that can
// go in the change's own round trip, and whether that is all of them.
struct ReadsAfter {
  std::vector<RemoteRead> reads;
  bool complete = true;  // no read needs another become
};
ReadsAfter ReadsWith(const Become& become, const std::vector<PendingRead>& pending);

class ProbeCache {
 public:
  void Store(const Become& become, const RemoteRead& read, ReadResult result);
  // The stored answer, or nullopt.
  std::optional<ReadResult> Find(const Become& become, const RemoteRead& read) const;
  bool Contains(const Become& become, const RemoteRead& read) const;
  void Clear() { answers_.clear(); }
  bool empty() const { return answers_.empty(); }

 private:
  using Key = std::tuple<bool, std::string, int, std::string, std::vector<std::string>>;
  static Key KeyOf(const Become& become, const RemoteRead& read);

  std::map<Key, ReadResult> answers_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_PROBE_CACHE_H_
