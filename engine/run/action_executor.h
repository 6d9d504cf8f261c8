// Carries out a module's actions on a host through its Transport, in order,
// stopping at the first that fails, in one Transport::RunSteps batch: one
// round trip on the shell transports. Every path and value travels as an
// argument or as stdin, never inside shell text.
#ifndef HOSTPREP_ENGINE_RUN_ACTION_EXECUTOR_H_
#define HOSTPREP_ENGINE_RUN_ACTION_EXECUTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/module/module.h"
#include "engine/transport/transport.h"

namespace hostprep {

struct ActionOutcome {
  Status status;             // error: an action could not be carried out
  bool ran_command = false;  // a kExec action ran (its rc/stdout/stderr below)
  ExecResult last_exec;      // the last kExec action's result
  std::string backup_file;   // set when a backup was made
  // The answers to `reads_after`, when every action succeeded.
  std::optional<std::vector<ReadResult>> reads_after;
};

// Several tasks' actions in one round trip. Each unit's plan was made on
// the state read before the batch; its `guard` lists the reads that plan
// used. Before a unit (but the first) acts, its guard reads are made again
// and compared with the same reads made at the start of the batch: when the
// units before it changed any answer, the batch stops there, so that no
// unit acts on a plan made on state that has changed.
struct BatchUnit {
  std::vector<RemoteRead> guard;
  std::vector<Action> actions;
};

struct UnitOutcome {
  bool guard_failed = false;            // an earlier unit changed what its plan read
  std::vector<ReadResult> guard_after;  // its guard reads, after the earlier units
  ActionOutcome actions;                // as ExecuteActions reports it
};

struct BatchOutcome {
  Status status;  // the host could not be asked: nothing is known to have run
  std::vector<UnitOutcome> units;
  // The answers to `reads_after`, when every unit ran and succeeded.
  std::optional<std::vector<ReadResult>> reads_after;
};

BatchOutcome ExecuteBatch(const std::vector<BatchUnit>& units,
                          const std::vector<RemoteRead>& reads_after, const Become& become,
                          int timeout_seconds, Transport* transport);

// Runs `actions` on `transport`, then, in the same batch, `reads_after`: the
// state the tasks after these actions will need, read after the change. A
// kExec action with a non-zero exit code stops the sequence and is reported
// through last_exec (not as a Status error): the engine decides with
// failed_when whether that fails the task. A write refused after its backup
// was made removes the backup (one more round trip, on that failure only).
ActionOutcome ExecuteActions(const std::vector<Action>& actions,
                             const std::vector<RemoteRead>& reads_after, const Become& become,
                             int timeout_seconds, Transport* transport);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_ACTION_EXECUTOR_H_
