// What one host carries through a run, and what its worker needs to know.
#ifndef HOSTPREP_ENGINE_RUN_HOST_STATE_H_
#define HOSTPREP_ENGINE_RUN_HOST_STATE_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/facts/fact_subset.h"
#include "engine/inventory/inventory.h"
#include "engine/module/read_result.h"
#include "engine/module/registry.h"
#include "engine/output/reporter.h"
#include "engine/output/trace.h"
#include "engine/playbook/include_loader.h"
#include "engine/playbook/playbook.h"
#include "engine/run/delegation.h"
#include "engine/run/host_io.h"
#include "engine/run/host_vars_board.h"
#include "engine/run/play_keywords.h"
#include "engine/run/run_options.h"

namespace hostprep {

// Per-host state that lives for the whole run (across plays). Owned by the
// Runner; used by one worker thread at a time, never concurrently.
struct HostState {
  explicit HostState(std::string host) : name(host), io(std::move(host)) {}

  std::string name;
  HostIo io;                              // the connection, answers read ahead, cost
  ConnectionSettings connection;          // this play's settings (become defaults, address)
  PlayBecome play_become;                 // this play's become keywords, rendered for the host
  // Gathered once per run (per become). Between its plays a host keeps
  // them on the hostvars board only (parked): see RunHostPlay.
  std::optional<Value> facts;
  bool facts_parked = false;
  Become facts_become;                    // the become the facts were gathered with
  FactSubset facts_subset;                // the collectors gathered so far
  Value registered = Value::object();     // register: results, by name (and set_fact)
  Value included_vars = Value::object();  // include_vars, below registered results
  bool unreachable = false;               // stays out of later plays, as in Ansible
  bool failed = false;
  // delegate_to: the hosts this host's tasks ran on, by name, each with its
  // own connection, kept for the run.
  std::map<std::string, std::unique_ptr<DelegateHost>> delegates;

  // What the run cost on this host, its delegated tasks included.
  HostCost cost() const;
  // Between plays, from the scheduler's thread: copies what the host keeps
  // for the run into that thread's memory (HostVarsBoard::Settle says why).
  void Settle();
};

// Where workers post results; the coordinator drains it. Thread-safe.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Post(TaskEvent event) = 0;
};

// `meta: end_play` and `end_batch`, as a host ran them: every host of the
// batch stops before its next task (hosts do not wait for each other, so a
// host further on may have run tasks past that point). Set by workers.
struct PlayEnd {
  std::atomic<bool> play{false};   // later batches do not start either
  std::atomic<bool> batch{false};  // reset for each batch
  bool now() const { return play.load() || batch.load(); }
};

// Read-only context shared by every worker of one play.
struct PlayContext {
  const Playbook* playbook = nullptr;
  const Play* play = nullptr;
  std::string play_name;  // as shown: the play's name templated (Scheduler::PlayName)
  // --start-at-task: the id of the task the play starts at ("" = its
  // start); `skip_all`: the play runs nothing, not even fact gathering (the
  // task is in a later play), as in Ansible.
  std::string start_at;
  bool skip_all = false;
  const Inventory* inventory = nullptr;
  const ModuleRegistry* modules = nullptr;
  const RunOptions* options = nullptr;
  TransportFactory* transports = nullptr;
  const PlaySettings* settings = nullptr;    // the play's keywords, rendered
  // The magic variables that are the same on every host of the batch:
  // `groups`, the play's hosts as Ansible gives them (every host its pattern
  // matches: ansible_play_hosts_all, --limit aside; those not failed when
  // the batch started: ansible_play_hosts; the batch's: ansible_play_batch,
  // play_hosts) and the play's (playbook_dir, omit...). Held once for all of
  // them: each host's inventory scope has it as its parent (a copy per host
  // was, at 10,000 hosts, 10,000 lists of 10,000 names). Null: none set.
  const Variables* batch_shared = nullptr;
  const std::atomic<bool>* abort = nullptr;  // set by the coordinator: stop before the next task
  Trace* trace = nullptr;                    // --trace; null when not asked for
  IncludeLoader* includes = nullptr;         // the play's; thread-safe; null: no include runs
  PlayEnd* end = nullptr;                    // the play's; null: no meta end_* runs
  HostVarsBoard* hostvars = nullptr;         // the run's; null: `hostvars` is undefined
  const Lookups* lookups = nullptr;          // the play's; null: lookup() fails
};

enum class HostOutcome { kOk, kFailed, kUnreachable, kAborted };

// Runs `ctx.play` on one host: connect, facts, graph, tasks, handlers.
// Blocks; posts every result to `sink`. Once the play is over on the host,
// what only a running host needs goes: the answers read ahead, and the
// facts when the hostvars board holds them (packed there; taken back when
// the host's next play starts). With `last` (no later play may include the
// host), or when the host failed or was unreachable (no later play runs
// it), its connections close too, delegated hosts' with them, and the
// facts of its delegated hosts are dropped.
HostOutcome RunHostPlay(const PlayContext& ctx, HostState* state, EventSink* sink,
                        bool last = false);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_HOST_STATE_H_
