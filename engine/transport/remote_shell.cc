#include "engine/transport/remote_shell.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "engine/base/text.h"
#include "engine/transport/remote_steps.h"
#include "engine/transport/scripts.h"  // generated from scripts/*.sh

namespace hostprep {

namespace {

ExecRequest ShellRequest(const char* script, std::vector<std::string> args, const Become& become) {
  ExecRequest request;
  request.argv = {"sh", "-c", script, "sh"};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.become = become;
  return request;
}

bool IsMissing(const ExecResult& result) {
  return HasSubstring(result.stderr_data, "No such file or directory") ||
         HasSubstring(result.stderr_data, "Not a directory");
}

FileType TypeFromMode(unsigned long raw) {
  switch (raw & 0170000) {
    case 0100000:
      return FileType::kFile;
    case 0040000:
      return FileType::kDirectory;
    case 0120000:
      return FileType::kSymlink;
    default:
      return FileType::kOther;
  }
}

}  // namespace

std::string ShellFailureReason(const ExecResult& result) {
  const std::string& err = result.stderr_data;
  if (HasSubstring(err, "Permission denied")) return "permission denied";
  if (HasSubstring(err, "Read-only file system")) return "read-only file system";
  if (HasSubstring(err, "No space left on device")) return "no space left on device";
  if (HasSubstring(err, "Operation not permitted")) return "operation not permitted";
  std::string text = Trim(err);
  if (text.empty()) return fmt::format("failed with exit code {}", result.exit_code);
  return text;
}

namespace {

// The user become asks for ("" means root).
std::string BecomeUser(const Become& become) {
  return become.user.empty() ? "root" : become.user;
}

// become_flags are written for one method; each takes its own.
std::vector<std::string> SudoFlags(const Become& become) {
  std::vector<std::string> out;
  for (const std::string& flag : become.flags)
    if (flag != "-m") out.push_back(flag);
  return out;
}

}  // namespace

bool BecomeWraps(const Become& become, const std::string& login_user) {
  return become.enabled && BecomeUser(become) != login_user;
}

std::vector<std::string> BecomeArgv(const Become& become, const std::string& login_user,
                                    const std::vector<std::string>& argv) {
  if (!BecomeWraps(become, login_user)) return argv;
  std::vector<std::string> out = {"sudo"};
  const std::vector<std::string> flags = SudoFlags(become);
  out.insert(out.end(), flags.begin(), flags.end());
  for (const char* arg : {"-n", "-u"}) out.push_back(arg);
  out.push_back(BecomeUser(become));
  out.push_back("--");
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::vector<std::string> PasswordBecomeArgv(const Become& become, const std::string& marker,
                                            const std::vector<std::string>& argv) {
  // $0 is the marker; `read` takes one byte at a time from a pipe, so what
  // follows the marker line is left for the command.
  static const char kSkipPassword[] =
      "while IFS= read -r l; do [ \"$l\" = \"$0\" ] && break; done; exec \"$@\"";
  std::vector<std::string> out = {"sudo"};
  const std::vector<std::string> flags = SudoFlags(become);
  out.insert(out.end(), flags.begin(), flags.end());
  const std::vector<std::string> rest = {
      "-S", "-p", "",   "-u",          BecomeUser(become),
      "--", "sh", "-c", kSkipPassword, marker};
  out.insert(out.end(), rest.begin(), rest.end());
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::vector<std::string> SuBecomeArgv(const Become& become, const std::string& marker,
                                      bool with_password, const std::vector<std::string>& argv) {
  const bool keep_env =
      std::find(become.flags.begin(), become.flags.end(), "-m") != become.flags.end();
  std::vector<std::string> out = {"sh",
                                  "-c",
                                  scripts::kSuBecome,
                                  marker,
                                  BecomeUser(become),
                                  keep_env ? "-m" : "",
                                  with_password ? "1" : "0"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Status CheckSuBecome(const ExecResult& result, const Become& become, const std::string& marker,
                     bool with_password) {
  if (result.exit_code != 125 || !StartsWith(result.stderr_data, marker + " ")) {
    return Status::Ok();
  }
  const std::string user = BecomeUser(become);
  std::string said = Trim(result.stderr_data.substr(marker.size() + 1));
  if (StartsWith(said, "su: ")) said = said.substr(4);
  if (HasSubstring(said, "Authentication failure")) {
    return Status::Error(
        with_password
            ? fmt::format("su rejected the become password: it must be {}'s password", user)
            : fmt::format("su needs {}'s password on this host: use --ask-become-pass, or log in "
                          "as root",
                          user));
  }
  if (HasSubstring(said, "does not exist")) {
    return Status::Error(fmt::format("become: user {} does not exist on this host", user));
  }
  if (HasSubstring(said, "su: not found") || HasSubstring(said, "su: command not found")) {
    return Status::Error(
        "become_method su needs su, which is not installed on this host: install it (util-linux), "
        "or use sudo");
  }
  return Status::Error(fmt::format("su did not run the command as {}: {}", user, said));
}

Status CheckBecome(const ExecResult& result) {
  if (result.exit_code == 0) return Status::Ok();
  const std::string& err = result.stderr_data;
  if (HasSubstring(err, "sudo: a password is required") ||
      HasSubstring(err, "sudo: a terminal is required")) {
    return Status::Error("sudo needs a password on this host: use --ask-become-pass");
  }
  if (HasSubstring(err, "incorrect password attempt")) {
    return Status::Error("sudo rejected the become password: check it, or the user's sudo rights");
  }
  if (HasSubstring(err, "is not in the sudoers file") ||
      HasSubstring(err, "is not allowed to execute")) {
    return Status::Error(fmt::format("sudo refused: {}", Trim(err)));
  }
  if (StartsWith(err, "sudo: unknown user")) {
    return Status::Error(fmt::format("become: {}", Trim(err.substr(6))));
  }
  return Status::Ok();
}

ExecRequest ReadFileCommand(const std::string& path, const Become& become) {
  return ShellRequest(scripts::kReadFile, {path}, become);
}

Result<std::optional<std::string>> ParseReadFile(const std::string& path,
                                                 const ExecResult& result) {
  if (result.exit_code == 0) return std::optional<std::string>(result.stdout_data);
  if (result.exit_code == 21) return Status::Error(fmt::format("read {}: is a directory", path));
  if (IsMissing(result)) return std::optional<std::string>();
  return Status::Error(fmt::format("read {}: {}", path, ShellFailureReason(result)));
}

ExecRequest StatCommand(const std::string& path, const Become& become) {
  return ShellRequest(scripts::kStat, {path}, become);
}

Result<FileInfo> ParseStat(const std::string& path, const ExecResult& result) {
  if (result.exit_code != 0) {
    if (IsMissing(result)) return FileInfo{};
    return Status::Error(fmt::format("stat {}: {}", path, ShellFailureReason(result)));
  }
  const std::string& out = result.stdout_data;
  const size_t eol = out.find('\n');
  const std::vector<std::string> fields = Split(out.substr(0, eol), ' ');
  if (eol == std::string::npos || fields.size() != 6) {
    return Status::Error(fmt::format("stat {}: unexpected output from stat: '{}'", path, out));
  }
  FileInfo info;
  try {
    const unsigned long raw = std::stoul(fields[0], nullptr, 16);
    info.type = TypeFromMode(raw);
    info.mode = static_cast<unsigned>(raw & 07777);
    info.size = std::stoull(fields[3]);
    info.uid = static_cast<uint32_t>(std::stoul(fields[1]));
    info.gid = static_cast<uint32_t>(std::stoul(fields[2]));
  } catch (const std::exception&) {
    return Status::Error(fmt::format("stat {}: unexpected output from stat: '{}'", path, out));
  }
  // GNU stat prints UNKNOWN for an id without a name.
  info.owner = fields[4] == "UNKNOWN" ? fields[1] : fields[4];
  info.group = fields[5] == "UNKNOWN" ? fields[2] : fields[5];
  if (info.type == FileType::kSymlink) {
    info.link_target = out.substr(eol + 1);
    if (EndsWith(info.link_target, "\n")) info.link_target.pop_back();
  }
  return info;
}

Status ParseWriteFile(const std::string& path, const ExecResult& result) {
  const std::string err = Trim(result.stderr_data);
  switch (result.exit_code) {
    case 0:
      return Status::Ok();
    case 21:
      return Status::Error(fmt::format("write {}: is a directory", path));
    case 22:
      return Status::Error(fmt::format("write {}: {}", path, err));
    case 23:
      return Status::Error(fmt::format("write {}: cannot set the owner: {}", path, err));
    case 24:
      return Status::Error(fmt::format("write {}: cannot set the group: {}", path, err));
    case 25:
      return Status::Error(fmt::format("write {}: validation failed: {}", path, err));
    default:
      return Status::Error(fmt::format("write {}: {}", path, ShellFailureReason(result)));
  }
}

std::string ShellTransport::PasswordStdin(const std::string& stdin_data) const {
  return become_password_ + "\n" + become_marker_ + "\n" + stdin_data;
}

Result<ExecResult> ShellTransport::SuExec(const ExecRequest& request) {
  const bool with_password = !become_password_.empty();
  Result<ExecResult> result = RunCommand(
      SuBecomeArgv(request.become, become_marker_, with_password, request.argv),
      with_password ? PasswordStdin(request.stdin_data) : request.stdin_data,
      request.timeout_seconds);
  if (!result.ok()) return result;
  Status su = CheckSuBecome(*result, request.become, become_marker_, with_password);
  if (!su.ok()) return su;
  return result;
}

Result<ExecResult> ShellTransport::Exec(const ExecRequest& request) {
  if (!BecomeWraps(request.become, login_user()))
    return RunCommand(request.argv, request.stdin_data, request.timeout_seconds);
  if (request.become.method == BecomeMethod::kSu) return SuExec(request);
  const bool with_password = !become_password_.empty();
  Result<ExecResult> result =
      with_password
          ? RunCommand(PasswordBecomeArgv(request.become, become_marker_, request.argv),
                       PasswordStdin(request.stdin_data), request.timeout_seconds)
          : RunCommand(BecomeArgv(request.become, login_user(), request.argv), request.stdin_data,
                       request.timeout_seconds);
  if (!result.ok()) return result;
  if (result->exit_code == 127 && (HasSubstring(result->stderr_data, "sudo: not found") ||
                                   HasSubstring(result->stderr_data, "sudo: command not found"))) {
    return Status::Error(
        "become needs sudo, which is not installed on this host: install sudo, or log in as the "
        "become user");
  }
  if (result->exit_code == 126 && HasSubstring(result->stderr_data, "sudo: Permission denied")) {
    return Status::Error(
        "become needs sudo, which this user may not run on this host (permission denied): check "
        "the mode of sudo, or log in as the become user");
  }
  Status sudo = CheckBecome(*result);
  if (!sudo.ok()) return sudo;
  return result;
}

void ShellTransport::set_become_password(std::string password) {
  become_password_ = std::move(password);
}

std::string ShellTransport::NewBecomeMarker() {
  std::random_device random;
  return fmt::format("hostprep-become-{:08x}{:08x}", random(), random());
}

Result<std::optional<std::string>> ShellTransport::ReadFile(const std::string& path,
                                                            const Become& become) {
  Result<ExecResult> result = Exec(ReadFileCommand(path, become));
  if (!result.ok()) return result.status();
  return ParseReadFile(path, *result);
}

Status ShellTransport::WriteFile(const WriteRequest& request) {
  Result<std::vector<StepResult>> result = RunSteps({Step::Write(request)}, request.become, 0);
  if (!result.ok()) return result.status();
  return result->front().status;
}

Result<FileInfo> ShellTransport::Stat(const std::string& path, const Become& become) {
  Result<ExecResult> result = Exec(StatCommand(path, become));
  if (!result.ok()) return result.status();
  return ParseStat(path, *result);
}

Result<std::vector<ReadResult>> ShellTransport::ReadMany(const std::vector<RemoteRead>& reads,
                                                         const Become& become,
                                                         int timeout_seconds) {
  Result<std::vector<StepResult>> results = RunSteps(ReadSteps(reads), become, timeout_seconds);
  if (!results.ok()) return results.status();
  return ReadAnswers(std::move(*results));
}

Result<std::vector<StepResult>> ShellTransport::RunSteps(const std::vector<Step>& steps,
                                                         const Become& become,
                                                         int timeout_seconds) {
  if (steps.empty()) return std::vector<StepResult>();
  const std::string marker = NewAnswerMarker();
  ExecRequest request = StepsCommand(steps, become, marker);
  request.timeout_seconds = timeout_seconds;
  Result<ExecResult> result = Exec(request);
  if (!result.ok()) return result.status();
  std::vector<size_t> again;
  Result<std::vector<StepResult>> parsed = ParseSteps(steps, marker, *result, &again);
  if (!parsed.ok() || again.empty()) return parsed;
  // Rare: files whose size lies, each read again on its own in one more
  // round trip. That gives the same state only if no change came after them.
  for (size_t i = again.front(); i < steps.size(); ++i) {
    if (steps[i].kind == Step::Kind::kWrite || steps[i].kind == Step::Kind::kExec) {
      return Status::Error(fmt::format(
          "read {}: its size does not match what it holds (a /proc or /sys file behind a "
          "symlink?), and the batch changed the host after reading it",
          steps[again.front()].read.path));
    }
  }
  std::vector<Step> alone;
  for (size_t i : again) alone.push_back(Step::Read(steps[i].read, true));
  Result<std::vector<StepResult>> second = RunSteps(alone, become, timeout_seconds);
  if (!second.ok()) return second.status();
  for (size_t k = 0; k < again.size(); ++k) (*parsed)[again[k]] = std::move((*second)[k]);
  return parsed;
}

}  // namespace hostprep
