#include "engine/run/host_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "engine/base/text.h"
#include "engine/run/local_files.h"

namespace hostprep {

namespace {

// Makes the transport answer `reads` in as few round trips as it can: one
// per distinct become. Errors in the result are the transport's (host lost).
Result<std::vector<ReadResult>> PerformReads(Transport* transport,
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

using Clock = std::chrono::steady_clock;

int WholeSecondsSince(Clock::time_point start) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count());
}

// The first line of a command's error output, or its exit code.
std::string Why(const ExecResult& e) {
  std::string text = Trim(e.stderr_data.empty() ? e.stdout_data : e.stderr_data);
  const size_t nl = text.find('\n');
  if (nl != std::string::npos) text = text.substr(0, nl);
  return fmt::format("exit code {}{}", e.exit_code, text.empty() ? "" : ": " + text);
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

void HostIo::EndPlay() {
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

void HostIo::Drop() {
  if (!transport_) return;
  const TransportStats t = transport_->stats();
  retired_.round_trips += t.round_trips;
  retired_.bytes_sent += t.bytes_sent;
  retired_.bytes_received += t.bytes_received;
  transport_.reset();  // closes the session before a new one opens
}

Status HostIo::Reconnect(TransportFactory* factory, const ConnectionSettings& settings) {
  Drop();
  return Connect(factory, settings);
}

// Why the engine, not a module, does this: a reboot (and a host coming
// back) needs the connection dropped and made again, which no action run
// over the connection can do. Why the boot id and fresh connections: a
// connection that drops proves nothing (a large host may answer for a
// minute after the reboot command, ansible/ansible#78007), and a session
// kept across the reboot may hang on a peer that is gone
// (ansible/ansible#79992): each try of the boot id is a new connection
// and a command with a deadline, and only a clean exit with another boot
// id counts.
ActionOutcome HostIo::Await(TransportFactory* factory, const ConnectionSettings& settings,
                            const hostprep::Await& await, const Become& become) {
  TraceSpan span(trace_, host_, "await", "apply", &cost_.apply_seconds);
  ConnectionSettings quick = settings;
  if (await.connect_timeout_seconds > 0) quick.connect_timeout = await.connect_timeout_seconds;
  AwaitReport report;
  std::string error;
  // The answers read so far hold while the session that read them lives
  // and nothing ran: a host already reachable keeps them (one round trip).
  bool lost = !await.command.empty();
  // One command on the connection, made first when there is none; an error
  // (no connection, or it broke) drops it.
  auto run = [&](const std::vector<std::string>& argv, int timeout) -> std::optional<ExecResult> {
    if (!transport_) {
      lost = true;
      if (Status s = Connect(factory, quick); !s.ok()) {
        error = s.message();
        Drop();
        return std::nullopt;
      }
    }
    Result<ExecResult> done = transport_->Exec(ExecRequest{argv, "", become, timeout});
    if (done.ok()) return *done;
    error = done.message();
    Drop();
    return std::nullopt;
  };
  // Tries `attempt` until it holds or `timeout_seconds` have passed since
  // the phase began; false when the time ran out.
  auto until = [&](const std::function<bool()>& attempt) {
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(await.timeout_seconds);
    for (int tries = 0;; ++tries) {
      if (attempt()) return true;
      const auto left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) return false;
      const int backoff =
          await.sleep_seconds > 0 ? await.sleep_seconds : std::min(1 << std::min(tries, 4), 12);
      std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::seconds(backoff), left));
    }
  };
  auto finish = [&](const std::string& stage, Clock::time_point start) {
    if (lost) {
      cache_.Clear();
      stale_ = true;
    }
    report.stage = stage;
    report.elapsed = WholeSecondsSince(start);
    report.error = error;
    ActionOutcome out;
    out.ran_command = true;
    out.last_exec.stdout_data = report.ToJson();
    return out;
  };

  Clock::time_point start = Clock::now();
  if (!await.command.empty()) {
    // The host going down under its reboot command is what was asked for.
    if (std::optional<ExecResult> done = run(await.command, timeout_seconds_);
        done && done->exit_code != 0) {
      report.rc = done->exit_code;
      report.stdout_data = done->stdout_data;
      report.stderr_data = done->stderr_data;
      return finish("command", start);
    }
    start = Clock::now();
    Drop();  // never trusted again: the host is going away under it
  }
  if (await.delay_seconds > 0)
    std::this_thread::sleep_for(std::chrono::seconds(await.delay_seconds));
  // A try's command must answer within the connect timeout (10 s at least):
  // a session whose peer vanished must not hold the wait.
  const int try_timeout = std::max(10, await.connect_timeout_seconds);
  if (!await.boot_id_argv.empty()) {
    const bool rebooted = until([&] {
      Drop();
      std::optional<ExecResult> id = run(await.boot_id_argv, try_timeout);
      if (!id) return false;
      const std::string now = Trim(id->stdout_data);
      if (id->exit_code != 0) {
        error = "the boot id command failed: " + Why(*id);
      } else if (now.empty() || now == await.boot_id) {
        error = "the boot id is still " + (now.empty() ? std::string("empty") : now);
      } else {
        return true;
      }
      return false;
    });
    if (!rebooted) return finish("boot_id", start);
  }
  // Without a reboot the test may meet a session whose peer is gone; after
  // one it runs on the connection that just read the new boot id.
  const std::vector<std::string> test =
      await.test.empty() ? std::vector<std::string>{"true"} : await.test;
  const int test_timeout = await.boot_id_argv.empty() ? try_timeout : timeout_seconds_;
  const bool answered = until([&] {
    std::optional<ExecResult> done = run(test, test_timeout);
    if (!done) return false;
    if (done->exit_code == 0) return true;
    error = "the test command failed: " + Why(*done);
    return false;
  });
  if (!answered) return finish("test", start);
  error.clear();
  return finish("done", start);
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
    return PerformReads(transport_.get(), reads, timeout_seconds_);
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
