#include "engine/run/probe_cache.h"

#include "engine/base/text.h"

namespace hostprep {

ProbeCache::Key ProbeCache::KeyOf(const Become& become, const RemoteRead& read) {
  return {become.enabled, become.enabled ? become.user : "", static_cast<int>(read.kind),
          read.path, read.argv};
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

namespace {

// `a` is `b` or a path below it.
bool Within(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const std::string prefix = EndsWith(b, "/") ? b : b + "/";
  return StartsWith(a, prefix);
}

}  // namespace

void ProbeCache::DropPath(const std::string& path) {
  for (auto it = answers_.begin(); it != answers_.end();) {
    const std::string& read_path = std::get<3>(it->first);
    const bool file_read = std::get<2>(it->first) != static_cast<int>(RemoteRead::Kind::kExec);
    if (file_read && (Within(read_path, path) || Within(path, read_path))) {
      it = answers_.erase(it);
      stale_ = true;
    } else {
      ++it;
    }
  }
}

void ProbeCache::Invalidate(const std::vector<Action>& actions) {
  for (const Action& action : actions) {
    if (action.kind == Action::Kind::kExec) {
      stale_ = stale_ || !answers_.empty();
      answers_.clear();
      return;
    }
    DropPath(action.path);
  }
}

Result<std::vector<ReadResult>> ReadAll(Transport* transport,
                                        const std::vector<PendingRead>& reads,
                                        int timeout_seconds) {
  std::vector<ReadResult> results(reads.size());
  std::vector<bool> done(reads.size(), false);
  for (size_t first = 0; first < reads.size(); ++first) {
    if (done[first]) continue;
    // Every read with the same become as the first one not yet done.
    const Become& become = reads[first].become;
    std::vector<size_t> group;
    std::vector<RemoteRead> batch;
    for (size_t i = first; i < reads.size(); ++i) {
      const Become& b = reads[i].become;
      if (done[i] || b.enabled != become.enabled || (b.enabled && b.user != become.user)) continue;
      group.push_back(i);
      batch.push_back(reads[i].read);
    }
    Result<std::vector<ReadResult>> answers = transport->ReadMany(batch, become, timeout_seconds);
    if (!answers.ok()) return answers.status();
    for (size_t j = 0; j < group.size(); ++j) {
      results[group[j]] = std::move((*answers)[j]);
      done[group[j]] = true;
    }
  }
  return results;
}

}  // namespace hostprep
