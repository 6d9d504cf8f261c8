// Each host's facts from its last run, kept on the controller so that the
// first round trip of the next run can already probe the tasks whose
// arguments depend on facts (package names by os_family, ...). The cached
// facts are only a guess: the same round trip gathers fresh facts, and a
// task is planned with the fresh ones; a read the guess missed is made then.
// So a stale or missing cache costs one more round trip, never a wrong plan.
//
// Files: DIR/NAME-HASH.json, one per host and connection, written
// atomically and readable by the user alone (the facts hold the host's
// environment). Thread-safe for different hosts (different files).
#ifndef HOSTPREP_ENGINE_RUN_FACTS_CACHE_H_
#define HOSTPREP_ENGINE_RUN_FACTS_CACHE_H_

#include <optional>
#include <string>

#include "engine/base/value.h"

namespace hostprep {

class FactsCache {
 public:
  // `dir` "" disables the cache (Load finds nothing, Store does nothing).
  explicit FactsCache(std::string dir) : dir_(std::move(dir)) {}

  // $HOSTPREP_FACTS_CACHE if set ("" or "none": no cache), else
  // $XDG_CACHE_HOME/hostprep/facts, else $HOME/.cache/hostprep/facts, else "".
  static std::string DefaultDir();

  // `host` is the inventory name, `connection` what identifies the target
  // (address, port, user), so a reused name on a new machine misses.
  std::optional<Value> Load(const std::string& host, const std::string& connection) const;
  // Best effort: a cache that cannot be written is not an error.
  void Store(const std::string& host, const std::string& connection, const Value& facts) const;

 private:
  std::string PathFor(const std::string& host, const std::string& connection) const;

  std::string dir_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_FACTS_CACHE_H_
