#include "engine/run/action_executor.h"

#include <fmt/format.h>

#include <ctime>

#include "engine/base/text.h"
#include "engine/module/arg_spec.h"

namespace hostprep {

namespace {

// Runs a fixed program (no shell) and turns a non-zero exit into an error
// that names what failed.
Status RunChecked(Transport* t, std::vector<std::string> argv, const Become& become,
                  const std::string& what) {
  ExecRequest req;
  req.argv = std::move(argv);
  req.become = become;
  Result<ExecResult> r = t->Exec(req);
  if (!r.ok()) return r.status().WithContext(what);
  if (r->exit_code != 0) {
    std::string err = Trim(r->stderr_data);
    if (err.empty()) err = fmt::format("exit code {}", r->exit_code);
    return Status::Error(fmt::format("{}: {}", what, err));
  }
  return Status::Ok();
}

Status SetAttributes(Transport* t, const Action& a, const Become& become) {
  if (!a.owner.empty() || !a.group.empty()) {
    std::string spec = a.owner;
    if (!a.group.empty()) spec += ":" + a.group;
    Status s = RunChecked(t, {"chown", "-h", "--", spec, a.path}, become, "chown " + a.path);
    if (!s.ok()) return s;
  }
  if (a.mode) {
    Status s =
        RunChecked(t, {"chmod", "--", FormatMode(*a.mode), a.path}, become, "chmod " + a.path);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

std::string BackupName(const std::string& path) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d@%H:%M:%S", &tm);
  return fmt::format("{}.{}~", path, stamp);
}

}  // namespace

ActionOutcome ExecuteActions(const std::vector<Action>& actions, const Become& become,
                             int timeout_seconds, Transport* t) {
  ActionOutcome out;
  for (const Action& a : actions) {
    Status s;
    switch (a.kind) {
      case Action::Kind::kWriteFile: {
        if (a.backup) {
          std::string backup = BackupName(a.path);
          ExecRequest req;
          // Only when the file exists: a first write has nothing to keep.
          req.argv = {"/bin/sh", "-c",
                      "if [ -e \"$1\" ]; then cp -p -- \"$1\" \"$2\" && echo copied; fi", "sh",
                      a.path, backup};
          req.become = become;
          Result<ExecResult> r = t->Exec(req);
          if (!r.ok() || r->exit_code != 0) {
            out.status = Status::Error(
                fmt::format("back up {}: {}", a.path, r.ok() ? Trim(r->stderr_data) : r.message()));
            return out;
          }
          if (r->stdout_data == "copied\n") out.backup_file = backup;
        }
        WriteRequest w;
        w.path = a.path;
        w.content = a.content;
        w.mode = a.mode;
        w.owner = a.owner;
        w.group = a.group;
        w.validate_argv = a.validate_argv;
        w.become = become;
        s = t->WriteFile(w);  // its errors already name the path
        if (!s.ok() && !out.backup_file.empty()) {
          // The file was left as it was (refused by validate, say): a backup
          // of it would only be clutter, as in Ansible.
          ExecRequest rm;
          rm.argv = {"rm", "-f", "--", out.backup_file};
          rm.become = become;
          (void)t->Exec(rm);
          out.backup_file.clear();
        }
        break;
      }
      case Action::Kind::kMakeDirectory:
        s = RunChecked(t, {"mkdir", "-p", "--", a.path}, become, "create directory " + a.path);
        if (s.ok()) s = SetAttributes(t, a, become);
        break;
      case Action::Kind::kRemove:
        s = RunChecked(t, {"rm", "-rf", "--", a.path}, become, "remove " + a.path);
        break;
      case Action::Kind::kSymlink:
        s = RunChecked(t, {"ln", "-sfn", "--", a.target, a.path}, become,
                       "link " + a.path + " -> " + a.target);
        if (s.ok() && (!a.owner.empty() || !a.group.empty())) {
          Action attrs = a;
          attrs.mode.reset();  // chmod would follow the link
          s = SetAttributes(t, attrs, become);
        }
        break;
      case Action::Kind::kSetAttributes:
        s = SetAttributes(t, a, become);
        break;
      case Action::Kind::kTouch:
        s = RunChecked(t, {"touch", "--", a.path}, become, "touch " + a.path);
        if (s.ok()) s = SetAttributes(t, a, become);
        break;
      case Action::Kind::kExec: {
        ExecRequest req;
        req.argv = a.argv;
        req.stdin_data = a.stdin_data;
        req.become = become;
        req.timeout_seconds = timeout_seconds;
        Result<ExecResult> r = t->Exec(req);
        if (!r.ok()) {
          out.status = r.status();
          return out;
        }
        out.ran_command = true;
        out.last_exec = *r;
        if (r->exit_code != 0) return out;
        break;
      }
    }
    if (!s.ok()) {
      out.status = s;
      return out;
    }
  }
  return out;
}

}  // namespace hostprep
