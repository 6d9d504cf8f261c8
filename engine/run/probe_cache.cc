#include "engine/run/probe_cache.h"

namespace hostprep {

ReadsAfter ReadsWith(const Become& become, const std::vector<PendingRead>& pending) {
  ReadsAfter after;
  for (const PendingRead& r : pending) {
    if (SameBecome(r.become, become)) {
      after.reads.push_back(r.read);
    } else {
      after.complete = false;
    }
  }
  return after;
}

ProbeCache::Key ProbeCache::KeyOf(const Become& become, const RemoteRead& read) {
  return {become.enabled, become.enabled ? become.user : "", static_cast<int>(read.kind), read.path,
          read.argv};
}

void ProbeCache::Store(const Become& become, const RemoteRead& read, ReadResult result) {
  answers_[KeyOf(become, read)] = std::move(result);
}

std::optional<ReadResult> ProbeCache::Find(const Become& become, const RemoteRead& read) const {
  auto it = answers_.find(KeyOf(become, read));
  if (it == answers_.end()) return std::nullopt;
  return it->second;
}

bool ProbeCache::Contains(const Become& become, const RemoteRead& read) const {
  return answers_.count(KeyOf(become, read)) > 0;
}

}  // namespace hostprep
