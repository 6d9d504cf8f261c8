#include "engine/run/host_io.h"

#include <fmt/format.h>

#include "engine/run/local_files.h"

namespace hostprep {

namespace {

// Makes the transport answer `reads` in as few round trips as it can: one
// per distinct become. Errors in the result are the transport's (host lost).
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

}  // namespace

std::string TransportKey(const ConnectionSettings& s) {
  return fmt::format("{}|{}|{}|{}|{}|{}", s.connection, s.address, s.port, s.user,
                     s.private_key_file, s.ssh_common_args);
}

void HostIo::BeginPlay(Trace* trace, int timeout_seconds) {
  trace_ = trace;
  timeout_seconds_ = timeout_seconds;
  cache_.Clear();
  stale_ = false;
}

Status HostIo::Connect(TransportFactory* factory, const ConnectionSettings& settings) {
  const std::string key = TransportKey(settings);
  if (!transport_ || transport_key_ != key) {
    transport_.reset();
    Result<std::unique_ptr<Transport>> made = factory->Create(host_, settings);
    if (!made.ok()) return made.status();
    transport_ = std::move(*made);
    transport_key_ = key;
  }
  TraceSpan span(trace_, host_, "connect", "connect", &cost_.connect_seconds);
  return transport_->Connect();
}

Status HostIo::Reconnect(TransportFactory* factory, const ConnectionSettings& settings) {
  if (transport_) {
    const TransportStats t = transport_->stats();
    retired_.round_trips += t.round_trips;
    retired_.bytes_sent += t.bytes_sent;
    retired_.bytes_received += t.bytes_received;
    transport_.reset();  // closes the session before the new one opens
  }
  return Connect(factory, settings);
}

HostCost HostIo::cost() const {
  HostCost c = cost_;
  c.round_trips = retired_.round_trips;
  c.bytes_sent = retired_.bytes_sent;
  c.bytes_received = retired_.bytes_received;
  if (transport_) {
    const TransportStats t = transport_->stats();
    c.round_trips += t.round_trips;
    c.bytes_sent += t.bytes_sent;
    c.bytes_received += t.bytes_received;
  }
  return c;
}

std::optional<ReadResult> HostIo::Find(const Become& become, const RemoteRead& read) const {
  return cache_.Find(become, read);
}

std::optional<std::string> HostIo::ReadLocal(const std::string& path) const {
  return ReadControllerFile(path);
}

FileInfo HostIo::StatLocal(const std::string& path) const { return StatControllerFile(path); }

Result<std::vector<ReadResult>> HostIo::Read(const std::vector<PendingRead>& reads) {
  if (reads.empty()) return std::vector<ReadResult>{};
  Result<std::vector<ReadResult>> answers = [&] {
    TraceSpan span(trace_, host_, "probe", "probe", &cost_.probe_seconds);
    span.args()["reads"] = reads.size();
    return ReadAll(transport_.get(), reads, timeout_seconds_);
  }();
  if (!answers.ok()) return answers;
  for (size_t i = 0; i < reads.size(); ++i) {
    cache_.Store(reads[i].become, reads[i].read, (*answers)[i]);
  }
  return answers;
}

void HostIo::ReadAhead(const std::vector<PendingRead>& reads) {
  stale_ = false;
  (void)Read(reads);  // best effort: see the header
}

void HostIo::Forget() {
  if (!cache_.empty()) stale_ = true;
  cache_.Clear();
}

void HostIo::KeepAfterChange(const Become& become, const ReadsAfter& after,
                             std::optional<std::vector<ReadResult>> answers) {
  if (!answers) return;  // a change failed: the reads after it were not made
  for (size_t i = 0; i < after.reads.size(); ++i) {
    cache_.Store(become, after.reads[i], std::move((*answers)[i]));
  }
  if (after.complete) stale_ = false;
}

ActionOutcome HostIo::Apply(const std::vector<Action>& actions, const Become& become,
                            const std::vector<PendingRead>& reads_after) {
  if (!actions.empty()) Forget();
  const ReadsAfter after = ReadsWith(become, reads_after);
  TraceSpan span(trace_, host_, "apply", "apply", &cost_.apply_seconds);
  span.args()["actions"] = actions.size();
  span.args()["reads"] = after.reads.size();
  ActionOutcome done =
      ExecuteActions(actions, after.reads, become, timeout_seconds_, transport_.get());
  KeepAfterChange(become, after, std::move(done.reads_after));
  done.reads_after.reset();
  return done;
}

BatchOutcome HostIo::Send(const std::vector<BatchUnit>& units, const Become& become,
                          const std::vector<PendingRead>& reads_after) {
  // The units were planned from the answers kept so far; the batch reads
  // their guards again itself.
  cache_.Clear();
  stale_ = true;
  const ReadsAfter after = ReadsWith(become, reads_after);
  TraceSpan span(trace_, host_, "apply", "apply", &cost_.apply_seconds);
  span.args()["tasks"] = units.size();
  span.args()["reads"] = after.reads.size();
  BatchOutcome done = ExecuteBatch(units, after.reads, become, timeout_seconds_, transport_.get());
  KeepAfterChange(become, after, std::move(done.reads_after));
  done.reads_after.reset();
  return done;
}

void HostIo::KeepGuardAnswers(const Become& become, const std::vector<RemoteRead>& reads,
                              const std::vector<ReadResult>& answers) {
  for (size_t k = 0; k < answers.size() && k < reads.size(); ++k) {
    cache_.Store(become, reads[k], answers[k]);
  }
}

}  // namespace hostprep
