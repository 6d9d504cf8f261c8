#include "engine/run/action_executor.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "engine/base/text.h"
#include "engine/module/arg_spec.h"

namespace hostprep {

namespace {

// What a step of the batch is for, to read its result back.
struct StepRole {
  enum class Kind {
    kBackup,   // copies the old file; prints "copied" when there was one
    kWrite,    // a file write
    kChecked,  // a fixed program: a non-zero exit fails with `what`
    kCommand,  // the module's command: its result is the task's
    kRead,     // a read after the actions
    kPre,      // a guard read before every unit
    kPost,     // a guard read just before its unit
    kGuard,    // the unit's guard
  };
  Kind kind = Kind::kChecked;
  std::string what;    // for errors: "chown /etc/x", "back up /etc/x"
  std::string backup;  // kBackup: the backup's path
  size_t unit = 0;
};

// The steps of `actions`, each with its role.
class Batch {
 public:
  void Add(Step step, StepRole::Kind kind, std::string what = "", std::string backup = "") {
    steps_.push_back(std::move(step));
    roles_.push_back({kind, std::move(what), std::move(backup), unit_});
  }
  void set_unit(size_t unit) { unit_ = unit; }
  size_t size() const { return steps_.size(); }
  void Checked(std::vector<std::string> argv, std::string what) {
    Add(Step::Exec(std::move(argv)), StepRole::Kind::kChecked, std::move(what));
  }
  void Attributes(const Action& a, bool with_mode) {
    if (!a.owner.empty() || !a.group.empty()) {
      std::string spec = a.owner;
      if (!a.group.empty()) spec += ":" + a.group;
      Checked({"chown", "-h", "--", spec, a.path}, "chown " + a.path);
    }
    if (a.mode && with_mode) Checked({"chmod", "--", FormatMode(*a.mode), a.path}, "chmod " + a.path);
  }
  const std::vector<Step>& steps() const { return steps_; }
  const std::vector<StepRole>& roles() const { return roles_; }

 private:
  std::vector<Step> steps_;
  std::vector<StepRole> roles_;
  size_t unit_ = 0;
};

std::string BackupName(const std::string& path) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d@%H:%M:%S", &tm);
  return fmt::format("{}.{}~", path, stamp);
}

void AddWrite(const Action& a, Batch* batch) {
  if (a.backup) {
    const std::string backup = BackupName(a.path);
    // Only when the file exists: a first write has nothing to keep.
    batch->Add(Step::Exec({"/bin/sh", "-c",
                           "if [ -e \"$1\" ]; then cp -p -- \"$1\" \"$2\" && echo copied; fi",
                           "sh", a.path, backup}),
               StepRole::Kind::kBackup, "back up " + a.path, backup);
  }
  WriteRequest w;
  w.path = a.path;
  w.content = a.content;
  w.mode = a.mode;
  w.owner = a.owner;
  w.group = a.group;
  w.validate_argv = a.validate_argv;
  w.follow = a.follow;
  batch->Add(Step::Write(std::move(w)), StepRole::Kind::kWrite, a.path);
}

void AddAction(const Action& a, Batch* batch) {
  switch (a.kind) {
    case Action::Kind::kWriteFile:
      AddWrite(a, batch);
      break;
    case Action::Kind::kMakeDirectory:
      batch->Checked({"mkdir", "-p", "--", a.path}, "create directory " + a.path);
      batch->Attributes(a, true);
      break;
    case Action::Kind::kRemove:
      batch->Checked({"rm", "-rf", "--", a.path}, "remove " + a.path);
      break;
    case Action::Kind::kSymlink:
      batch->Checked({"ln", "-sfn", "--", a.target, a.path}, "link " + a.path + " -> " + a.target);
      batch->Attributes(a, false);  // chmod would follow the link
      break;
    case Action::Kind::kSetAttributes:
      batch->Attributes(a, true);
      break;
    case Action::Kind::kTouch:
      batch->Checked({"touch", "--", a.path}, "touch " + a.path);
      batch->Attributes(a, true);
      break;
    case Action::Kind::kExec:
      batch->Add(Step::Exec(a.argv, a.stdin_data), StepRole::Kind::kCommand);
      break;
    case Action::Kind::kAwait:
      // HostPlay carries it out itself (HostIo::Await), never in a batch.
      std::fprintf(stderr, "internal error: a wait for the host reached a batch of actions\n");
      std::abort();
  }
}

// Reads the batch's results into `out`; false at the step that failed.
bool ReadBack(const StepRole& role, StepResult& r, ActionOutcome* out) {
  switch (role.kind) {
    case StepRole::Kind::kBackup:
      if (r.exec.exit_code != 0) {
        out->status =
            Status::Error(fmt::format("{}: {}", role.what, Trim(r.exec.stderr_data)));
        return false;
      }
      if (r.exec.stdout_data == "copied\n") out->backup_file = role.backup;
      return true;
    case StepRole::Kind::kWrite:
      out->status = r.status;  // its errors already name the path
      return r.status.ok();
    case StepRole::Kind::kChecked:
      if (r.exec.exit_code != 0) {
        std::string err = Trim(r.exec.stderr_data);
        if (err.empty()) err = fmt::format("exit code {}", r.exec.exit_code);
        out->status = Status::Error(fmt::format("{}: {}", role.what, err));
        return false;
      }
      return true;
    case StepRole::Kind::kCommand:
      out->ran_command = true;
      out->last_exec = std::move(r.exec);
      return out->last_exec.exit_code == 0;
    case StepRole::Kind::kRead:
    case StepRole::Kind::kPre:
    case StepRole::Kind::kPost:
    case StepRole::Kind::kGuard:
      return true;  // read by ExecuteBatch
  }
  return true;
}

// Removes the backup a failed write left behind: the file was left as it
// was (refused by validate, say), so a backup of it would only be clutter,
// as in Ansible.
void DropBackup(const Become& become, Transport* t, ActionOutcome* out) {
  if (out->status.ok() || out->backup_file.empty()) return;
  ExecRequest rm;
  rm.argv = {"rm", "-f", "--", out->backup_file};
  rm.become = become;
  (void)t->Exec(rm);
  out->backup_file.clear();
}

}  // namespace

BatchOutcome ExecuteBatch(const std::vector<BatchUnit>& units,
                          const std::vector<RemoteRead>& reads_after, const Become& become,
                          int timeout_seconds, Transport* t) {
  Batch batch;
  // The guard reads of every unit but the first, before anything changes.
  std::vector<std::vector<size_t>> pre(units.size());
  for (size_t u = 1; u < units.size(); ++u) {
    batch.set_unit(u);
    for (const RemoteRead& read : units[u].guard) {
      pre[u].push_back(batch.size());
      batch.Add(Step::Read(read, true), StepRole::Kind::kPre);
    }
  }
  for (size_t u = 0; u < units.size(); ++u) {
    batch.set_unit(u);
    if (!pre[u].empty()) {
      std::vector<std::pair<size_t, size_t>> same;
      for (size_t k = 0; k < units[u].guard.size(); ++k) {
        same.emplace_back(pre[u][k], batch.size());
        batch.Add(Step::Read(units[u].guard[k], true), StepRole::Kind::kPost);
      }
      batch.Add(Step::Guard(std::move(same)), StepRole::Kind::kGuard);
    }
    for (const Action& a : units[u].actions) AddAction(a, &batch);
  }
  batch.set_unit(units.size());
  for (const RemoteRead& read : reads_after) batch.Add(Step::Read(read), StepRole::Kind::kRead);

  BatchOutcome out;
  out.units.resize(units.size());
  Result<std::vector<StepResult>> results = t->RunSteps(batch.steps(), become, timeout_seconds);
  if (!results.ok()) {
    out.status = results.status();
    return out;
  }
  std::vector<ReadResult> after;
  bool complete = true;  // every step ran and none failed
  for (size_t i = 0; i < results->size(); ++i) {
    StepResult& r = (*results)[i];
    const StepRole& role = batch.roles()[i];
    if (!r.ran) {
      complete = false;
      break;
    }
    if (role.kind == StepRole::Kind::kRead) {
      after.push_back(std::move(r.read));
      continue;
    }
    UnitOutcome& unit = out.units[role.unit];
    if (role.kind == StepRole::Kind::kPost) unit.guard_after.push_back(std::move(r.read));
    if (role.kind == StepRole::Kind::kGuard) unit.guard_failed = r.exec.exit_code != 0;
    if (unit.guard_failed || !ReadBack(role, r, &unit.actions)) {
      complete = false;
      break;
    }
  }
  for (UnitOutcome& unit : out.units) DropBackup(become, t, &unit.actions);
  if (complete) out.reads_after = std::move(after);
  return out;
}

ActionOutcome ExecuteActions(const std::vector<Action>& actions,
                             const std::vector<RemoteRead>& reads_after, const Become& become,
                             int timeout_seconds, Transport* t) {
  BatchOutcome batch = ExecuteBatch({BatchUnit{{}, actions}}, reads_after, become,
                                    timeout_seconds, t);
  ActionOutcome out = std::move(batch.units.front().actions);
  if (!batch.status.ok()) out.status = batch.status;
  out.reads_after = std::move(batch.reads_after);
  return out;
}

}  // namespace hostprep
