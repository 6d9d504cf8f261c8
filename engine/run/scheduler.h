// The run loop. One coordinator (the thread that calls Run) owns the run
// state: which hosts are done, failed, unreachable, the recap counters, and
// the reporter. Workers each run one host's graph at a time (RunHostPlay) and
// post results back through a queue; no lock guards graph or run state.
//
// Per play: the play's hosts (pattern, --limit, minus hosts that failed or
// were unreachable in earlier plays) are split into serial batches; in each
// batch up to --forks hosts run at once, every host through its own graph
// without waiting for the others. any_errors_fatal and max_fail_percentage
// stop the play: running hosts stop before their next task and later batches
// do not start. As in ansible-playbook, a stopped play, or a batch whose
// hosts all failed, ends the playbook.
#ifndef HOSTPREP_ENGINE_RUN_SCHEDULER_H_
#define HOSTPREP_ENGINE_RUN_SCHEDULER_H_

#include <map>
#include <string>
#include <vector>

#include "engine/run/host_state.h"
#include "engine/run/host_vars_board.h"

namespace hostprep {

struct RunSummary {
  std::map<std::string, HostStats> stats;
  std::vector<std::string> host_order;
  bool changed = false;      // some task changed (or would change, in check mode)
  bool failed = false;       // some host failed
  bool unreachable = false;  // some host was unreachable
  // Why the playbook could not go on (a play keyword that cannot be
  // rendered); "" when it could.
  std::string error;
  // ansible-playbook's codes: 0 ok, 2 a host failed, 3 a host unreachable,
  // 4 a play that could not start.
  int exit_code() const { return !error.empty() ? 4 : failed ? 2 : unreachable ? 3 : 0; }
};

class Scheduler {
 public:
  // Borrows everything; all must outlive the scheduler.
  Scheduler(const Playbook& playbook, const Inventory& inventory, const ModuleRegistry& modules,
            TransportFactory* transports, Reporter* reporter, const RunOptions& options);

  // Runs every play. A host's connections close once it is done with the
  // last play that may include it; those still open close at the end, all
  // at once.
  RunSummary Run();

  // Spans for --trace go to `trace` (borrowed; may be null).
  void set_trace(Trace* trace) { trace_ = trace; }

 private:
  void RunPlay(const Play& play);
  // Fills last_play_ before the first play.
  void PlanLastPlays();
  // Whether no play after the one running may include `host`.
  bool InLastPlay(const std::string& host) const;
  void CloseConnections();
  // Runs one batch of hosts; returns false when the play must stop.
  bool RunBatch(const PlayContext& ctx, const std::vector<std::string>& batch);

  const Playbook& playbook_;
  const Inventory& inventory_;
  const ModuleRegistry& modules_;
  TransportFactory* transports_;
  Reporter* reporter_;
  const RunOptions& options_;
  Value groups_;
  HostVarsBoard hostvars_;  // what `hostvars` reads, for the whole run
  std::map<std::string, HostState> hosts_;
  // The index of the last play whose pattern may match each host (absent:
  // none), and of the play running.
  std::map<std::string, size_t> last_play_;
  size_t play_index_ = 0;
  RunSummary summary_;
  Trace* trace_ = nullptr;
  bool stop_playbook_ = false;  // a play ended the run (see RunBatch)
  bool start_pending_ = false;  // --start-at-task given and its task not reached yet
};

// The play's name as Ansible shows it: templated with what is known before
// any host (PlayScope: the play's and its roles' variables, the extra vars,
// `groups` and the other magic variables of no host); as written when that
// fails (an undefined variable).
std::string PlayName(const Play& play, const Value& groups, const RunOptions& options);
// The same, with the play's variables already at hand (a PlayScope's).
std::string PlayName(const Play& play, const Variables& play_vars);

// Splits `hosts` into batches as `serial` says (integers, "N%" of the play's
// hosts, the last size repeating; empty or 0 = one batch).
std::vector<std::vector<std::string>> SerialBatches(const std::vector<std::string>& hosts,
                                                    const std::vector<Value>& serial);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_SCHEDULER_H_
