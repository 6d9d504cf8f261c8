// The module interface. A module is a unit of pure functions; only the engine
// talks to hosts. For each task and host the engine:
//   1. normalises the rendered arguments against spec() and calls Validate,
//   2. calls Probe to learn which reads the plan needs, and performs them
//      (batched with other tasks' reads when it can),
//   3. calls Plan with the read results: the change as before/after, a diff,
//      and the actions that would make it. Plan may ask for one more round
//      of reads (Change::more_reads); keep that rare,
//   4. in check mode stops there; otherwise performs the actions in order,
//      stopping at the first that fails.
// No module knows whether it runs in check or diff mode, and no module does
// I/O: so module logic is tested with read results in and a Change out.
// Modules are stateless and thread-safe: one instance serves every host.
#ifndef HOSTPREP_ENGINE_MODULE_MODULE_H_
#define HOSTPREP_ENGINE_MODULE_MODULE_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/module/arg_spec.h"
#include "engine/module/read_result.h"

namespace hostprep {

// One read a plan needs. On the target unless kLocalFile. Its answer is a
// ReadResult (engine/module/read_result.h), in the same position.
struct Read {
  enum class Kind {
    kStat,       // lstat `path`
    kReadFile,   // content of `path` (missing file is not an error)
    kExec,       // run a read-only query `argv` (dpkg-query, systemctl show, ...)
    kLocalFile,  // a file on the controller, relative to the playbook's directory;
                 // with `render` true it is rendered as a template with the
                 // task's variables (file: template:)
    // Answered on the controller from the task's variables, into
    // ReadResult::value (debug's var, assert's that): `path` holds the text.
    kEvaluate,   // a bare expression; its value, or the string
                 // "VARIABLE IS NOT DEFINED!" when it is undefined
    kCondition,  // a condition, under the run's rule (Templar::EvaluateCondition)
    kSetting,    // a setting of the run by name: "verbosity" (the -v count),
                 // "connection" (the host's: "ssh", "local")
  };
  Kind kind = Kind::kStat;
  std::string path;
  std::vector<std::string> argv;
  bool render = false;
  // For a rendered kLocalFile: Jinja's trim_blocks and lstrip_blocks, as
  // Ansible's template module sets them by default.
  bool trim_blocks = true;
  bool lstrip_blocks = false;

  static Read Stat(std::string p) { return {Kind::kStat, std::move(p), {}, false}; }
  static Read File(std::string p) { return {Kind::kReadFile, std::move(p), {}, false}; }
  static Read Query(std::vector<std::string> a) { return {Kind::kExec, "", std::move(a), false}; }
  static Read Local(std::string p, bool render_template) {
    return {Kind::kLocalFile, std::move(p), {}, render_template};
  }
  static Read Evaluate(std::string expr) { return {Kind::kEvaluate, std::move(expr), {}, false}; }
  static Read Condition(std::string expr) { return {Kind::kCondition, std::move(expr), {}, false}; }
  static Read Setting(std::string name) { return {Kind::kSetting, std::move(name), {}, false}; }
  // Answered without the host.
  bool on_controller() const {
    return kind == Kind::kLocalFile || kind == Kind::kEvaluate || kind == Kind::kCondition ||
           kind == Kind::kSetting;
  }
};

// What no round trip of actions can do: the host goes away (a reboot) and
// the engine waits for it to come back, over new connections (reboot,
// wait_for_connection). The engine, in order:
//   1. runs `command` (the reboot command) when there is one; the
//      connection dropping under it counts as success,
//   2. waits `delay_seconds`,
//   3. with `boot_id_argv`: drops the connection and connects again (each
//      connection within `connect_timeout_seconds`), until that command
//      exits 0 with a non-empty output other than `boot_id`, for at most
//      `timeout_seconds`: the reboot is proven by the boot id changing,
//      never by a connection dropping,
//   4. runs `test` (a connection that answers it is enough when empty),
//      reconnecting after each failure, for at most `timeout_seconds`
//      more.
// Between tries it waits `sleep_seconds`, or when 0 1, 2, 4... seconds up
// to 12, as Ansible's reboot. The commands run as the task's become. What
// the engine did reaches Module::Report as an ExecResult with exit code 0
// and AwaitReport as JSON on stdout. The answers read before it no longer
// hold: the host's state after it is unknown. An action of its own: the
// engine never batches it with other tasks' actions.
struct Await {
  std::vector<std::string> command;
  int delay_seconds = 0;
  std::vector<std::string> boot_id_argv;
  std::string boot_id;
  std::vector<std::string> test;
  int timeout_seconds = 600;
  int connect_timeout_seconds = 0;  // 0: the run's (--timeout)
  int sleep_seconds = 0;
};

// How an Await went, for Module::Report (stdout of its ExecResult, as JSON).
struct AwaitReport {
  // Where it stopped: "done", or the step that failed: "command" (it exited
  // non-zero: rc/stdout/stderr), "boot_id" or "test" (out of time; `error`
  // says what the last try saw).
  std::string stage = "done";
  int elapsed = 0;  // whole seconds from after `command` (from the start without one)
  int rc = 0;
  std::string stdout_data;
  std::string stderr_data;
  std::string error;

  std::string ToJson() const;
  // An output that is not an AwaitReport: an error.
  static Result<AwaitReport> Parse(const ExecResult& output);
};

// One step that changes a host. The engine performs them in order.
struct Action {
  enum class Kind {
    kWriteFile,      // path, content, mode/owner/group, validate_argv, backup
    kMakeDirectory,  // path (and missing parents), mode/owner/group
    kRemove,         // path (a directory with everything in it)
    kSymlink,        // path -> target (replacing what is there)
    kSetAttributes,  // mode/owner/group of path, no content change
    kTouch,          // create empty or update times
    kExec,           // argv with stdin_data; non-zero exit fails the task
    kAwait,          // `await`: the host goes away and comes back (see Await)
  };
  Kind kind = Kind::kExec;
  std::string path;
  std::string content;
  std::optional<unsigned> mode;
  std::string owner;
  std::string group;
  std::string target;
  std::vector<std::string> argv;
  std::string stdin_data;
  std::vector<std::string> validate_argv;
  bool backup = false;  // keep PATH.<timestamp>~ of the old file
  bool follow = true;   // kWriteFile: false replaces a symlink at path (WriteRequest)
  Await await;          // kAwait: the only action of its task
};

// The outcome of Plan.
struct Change {
  bool changed = false;
  std::vector<Action> actions;     // empty when nothing is to be done
  std::string diff;                // unified diff for --diff; "" = none
  std::string message;             // one line for the output ("would run: ls")
  std::vector<Read> more_reads;    // non-empty: read these too, then Plan again
  Value result = Value::object();  // module return values (path, state, ...)
  // Return values only a real run registers (merged over `result` when the
  // actions are to run, not in check mode): what Ansible's module says it
  // did, such as timezone's msg.
  Value applied_result = Value::object();
  // False when whether the host would change cannot be told without acting
  // (a command with neither creates nor removes): check mode then reports
  // the task skipped, as Ansible does, instead of guessing.
  bool predictable = true;
  bool skipped = false;            // the module decided not to act (creates: exists)
  // Whether a kExec action's rc, stdout and stderr become the task's
  // registered result, as command's and shell's do; false for a module whose
  // commands are its own business (sysctl -p), whose result Ansible does not
  // fill with them. A non-zero exit fails the task either way.
  bool command_output = true;
  // The task's last kExec action reports what it did, on its stdout: the
  // engine hands that output to Module::Report, whose Change then says
  // whether the host changed, whether the task failed, and what it
  // registers (unarchive decides on the target whether to extract an
  // archive it has just uploaded). Such a task is unpredictable in check
  // mode unless `predictable` says otherwise.
  bool reports = false;
  // Non-empty: in check mode the task is skipped with this message, whatever
  // Plan found (a failure included), as Ansible's module is where it does
  // not support check mode (unarchive with tar).
  std::string check_mode_skip;
  std::string skip_reason;
  // The module decided the task fails (fail, assert): `message` says why,
  // `result` is registered as it is.
  bool failed = false;
  // What the output shows under the task's line even when it is ok, as
  // Ansible's debug and assert are always shown; null = nothing.
  Value display;
};

// Resources a task touches, for the automatic graph edges. Strings:
//   "dir:/etc/foo"    this task creates or manages the directory /etc/foo
//   "path:/etc/x/y"   this task writes /etc/x/y: it comes after the task that
//                     provides the nearest ancestor "dir:"
//   "kmod:NAME", "pkg:NAME", "service:NAME", "file:/path": matched exactly
//   between provides and needs.
struct Resources {
  std::vector<std::string> provides;
  std::vector<std::string> needs;
};

class Module {
 public:
  virtual ~Module() = default;

  virtual const ArgSpec& spec() const = 0;

  // Checks beyond the spec (combinations, formats). `args` are normalised;
  // when `templates_pending` some values may still be template strings.
  virtual void Validate(const Value& args, bool templates_pending,
                        std::vector<ArgError>* errors) const {
    (void)args;
    (void)templates_pending;
    (void)errors;
  }

  virtual std::vector<Read> Probe(const Value& args, const Value& facts) const = 0;

  // `reads` answers Probe's reads in order, followed by any more_reads.
  virtual Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                              const Value& facts) const = 0;

  // For a Change with `reports`: what the task did, from the output of its
  // last kExec action (which exited 0). The returned Change's changed,
  // failed, message and result replace the planned ones; its result is
  // merged over the planned result. Pure, like Plan.
  virtual Result<Change> Report(const Value& args, const ExecResult& output) const {
    (void)args;
    (void)output;
    return Status::Error("internal error: this module reports nothing from its actions");
  }

  virtual Resources Declare(const Value& args) const {
    (void)args;
    return {};
  }
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_MODULE_MODULE_H_
