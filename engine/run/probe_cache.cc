#include "engine/run/probe_cache.h"

namespace hostprep {

bool SameBecome(const Become& a, const Become& b) {
  return a.enabled == b.enabled && (!a.enabled || a.user == b.user);
}

ReadsAfter ReadsWith(const Become& become, std::vector<PendingRead> pending) {
  ReadsAfter after;
  for (PendingRead& r : pending) {
    if (SameBecome(r.become, become)) {
      after.reads.push_back(std::move(r.read));
    } else {
      after.complete = false;
    }
  }
  return after;
}

void ProbeCache::StoreAfterChange(const Become& become, const ReadsAfter& after,
                                  std::vector<ReadResult> answers) {
  for (size_t i = 0; i < after.reads.size(); ++i) {
    Store(become, after.reads[i], std::move(answers[i]));
  }
  if (after.complete) stale_ = false;
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

void ProbeCache::Invalidate(const std::vector<Action>& actions) {
  if (actions.empty() || answers_.empty()) return;
  answers_.clear();
  stale_ = true;
}

Result<std::vector<ReadResult>> ReadAll(Transport* transport, const std::vector<PendingRead>& reads,
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
      if (done[i] || !SameBecome(reads[i].become, become)) continue;
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

Result<std::vector<ReadResult>> ProbeHost(const PlayContext& ctx, HostState* state,
                                          const std::vector<PendingRead>& reads) {
  TraceSpan span(ctx.trace, state->name, "probe", "probe", &state->cost.probe_seconds);
  span.args()["reads"] = reads.size();
  return ReadAll(state->transport.get(), reads, ctx.options->task_timeout);
}

}  // namespace hostprep
