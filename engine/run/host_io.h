// One host's I/O during a run: the only code that talks to its Transport.
// It owns the transport (kept across plays while the connection settings
// stay the same), the answers read ahead (the probe cache), and the host's
// cost figures (--stats) and trace spans (--trace); and it alone builds
// batch steps (through ExecuteActions / ExecuteBatch).
//
// Answers are kept until an action could have changed them, and any action
// can (see probe_cache.h). After a change the host is "stale": the first
// read that misses should read ahead for every task still to run, in one
// round trip, instead of read by read. A change's own round trip carries
// the reads of the tasks still to run, so an unchanged run keeps a single
// round trip and each change costs one more.
//
// Every method but cost() may block on the network. Used by one host's
// worker at a time; not thread-safe.
#ifndef HOSTPREP_ENGINE_RUN_HOST_IO_H_
#define HOSTPREP_ENGINE_RUN_HOST_IO_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/inventory/inventory.h"
#include "engine/module/module.h"
#include "engine/output/reporter.h"
#include "engine/output/trace.h"
#include "engine/run/action_executor.h"
#include "engine/run/probe_cache.h"
#include "engine/run/read_source.h"
#include "engine/transport/transport.h"

namespace hostprep {

// Makes the transport for a host. The real one picks local or SSH from the
// connection settings; tests hand out FakeTransports. Called from worker
// threads: implementations must be thread-safe.
class TransportFactory {
 public:
  virtual ~TransportFactory() = default;
  virtual Result<std::unique_ptr<Transport>> Create(const std::string& host,
                                                    const ConnectionSettings& settings) = 0;
};

// The settings a transport is made from, as one string: a host keeps its
// transport while this stays the same (and its facts cache entry with it).
std::string TransportKey(const ConnectionSettings& settings);

class HostIo : public ReadSource {
 public:
  explicit HostIo(std::string host) : host_(std::move(host)) {}

  // Before each play: where spans go (null: no --trace) and the time limit
  // of each command (0: none). Forgets every answer.
  void BeginPlay(Trace* trace, int timeout_seconds);

  // After each play: forgets every answer (the next play reads afresh
  // anyway), so that a finished host keeps none of them.
  void EndPlay();

  // Opens the connection, making a transport when there is none or the
  // settings differ from the last one's. An error: the host is unreachable.
  Status Connect(TransportFactory* factory, const ConnectionSettings& settings);
  // Drops the connection and opens a new one (`meta: reset_connection`: a
  // new login sees group changes made since). Its cost is kept.
  Status Reconnect(TransportFactory* factory, const ConnectionSettings& settings);
  // Closes the connection at the end of the run, keeping what it cost.
  void Close() { Drop(); }

  // Carries out an Await (engine/module/module.h) for reboot and
  // wait_for_connection: the one action that drops and makes the host's
  // connection itself, with `settings` (its connect timeout the Await's).
  // Blocks up to the Await's delay and twice its timeout. What happened is
  // reported as Module::Report reads it (AwaitReport on stdout). The
  // answers read before are forgotten unless the connection that read them
  // answered the test and nothing else ran (a host already reachable).
  ActionOutcome Await(TransportFactory* factory, const ConnectionSettings& settings,
                      const hostprep::Await& await, const Become& become);

  // Times, round trips and bytes so far.
  HostCost cost() const;

  std::optional<ReadResult> Find(const Become& become, const RemoteRead& read) const override;
  std::optional<std::string> ReadLocal(const std::string& path) const override;
  FileInfo StatLocal(const std::string& path) const override;
  bool Has(const PendingRead& read) const { return cache_.Contains(read.become, read.read); }

  // The host changed (or the plans were made with other facts) since the
  // tasks still to run were read ahead.
  bool stale() const { return stale_; }
  // The reads ahead were planned with facts that turned out different: the
  // next miss reads ahead again.
  void MarkStale() { stale_ = true; }
  // Something other than this host's own tasks acted on it (another host's
  // delegate_to): no answer read so far holds, and the next miss reads
  // ahead again.
  void Invalidate() {
    cache_.Clear();
    stale_ = true;
  }

  // Reads now, one round trip per distinct become, and keeps the answers.
  // An error: the host could not be asked (nothing kept).
  Result<std::vector<ReadResult>> Read(const std::vector<PendingRead>& reads);

  // Reads ahead for the tasks still to run, best effort: when the host
  // cannot be asked nothing is kept, and each task reads for itself so the
  // error is reported as that task's. The host is no longer stale.
  void ReadAhead(const std::vector<PendingRead>& reads);

  // One task's actions and, in the same round trip after them, `reads_after`
  // (those made as `become`): the state the tasks after it need.
  ActionOutcome Apply(const std::vector<Action>& actions, const Become& become,
                      const std::vector<PendingRead>& reads_after);

  // Several tasks' guarded actions in one round trip, then `reads_after`
  // (see ExecuteBatch).
  BatchOutcome Send(const std::vector<BatchUnit>& units, const Become& become,
                    const std::vector<PendingRead>& reads_after);

  // Keeps what a failed guard read: its unit is planned again from it.
  void KeepGuardAnswers(const Become& become, const std::vector<RemoteRead>& reads,
                        const std::vector<ReadResult>& answers);

 private:
  // Drops every answer before a change; keeps what the change's round trip
  // read after it (those of `after`); fresh again when that was all of them.
  void Forget();
  // Closes the connection, keeping what it cost.
  void Drop();
  void KeepAfterChange(const Become& become, const ReadsAfter& after,
                       std::optional<std::vector<ReadResult>> answers);

  std::string host_;
  std::unique_ptr<Transport> transport_;
  TransportStats retired_;     // what connections dropped by Reconnect cost
  std::string transport_key_;  // the connection settings transport_ was made for
  ProbeCache cache_;
  bool stale_ = false;
  HostCost cost_;  // times; round trips and bytes are the transport's
  Trace* trace_ = nullptr;
  int timeout_seconds_ = 0;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_HOST_IO_H_
