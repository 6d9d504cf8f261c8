#include "engine/transport/remote_shell.h"

#include <cstdlib>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "engine/base/text.h"

namespace hostprep {

namespace {

// Every script starts like this: messages in English so they can be
// recognised, and a relative path made to start with "./" so that no path
// can ever be read as an option by a tool that ignores "--".
constexpr char kPrelude[] =
    "LC_ALL=C; export LC_ALL\n"
    "case $1 in /*) p=$1 ;; *) p=./$1 ;; esac\n";

constexpr char kReadScript[] =
    "if [ -d \"$p\" ]; then echo 'is a directory' >&2; exit 21; fi\n"
    "exec cat -- \"$p\"\n";

constexpr char kStatScript[] =
    "stat -c '%f %u %g %s %U %G' -- \"$p\" || exit 1\n"
    "if [ -L \"$p\" ]; then readlink -- \"$p\" || exit 1; fi\n";

// Arguments: PATH MODE OWNER GROUP [VALIDATE_ARGV...]; content on stdin.
// Exit codes 21-25 name the step that refused, for ParseWriteFile.
constexpr char kWriteScript[] =
    "mode=$2; owner=$3; group=$4; shift 4\n"
    // Write through a symlink, as Ansible does: replace the file it points to.
    "if [ -L \"$p\" ]; then\n"
    "  t=$(readlink -f -- \"$p\" && echo x) || t=\n"
    "  case $t in /*x) p=${t%?x} ;; *) echo \"cannot resolve the symlink $p\" >&2; exit 1 ;; esac\n"
    "fi\n"
    "if [ -d \"$p\" ]; then echo 'is a directory' >&2; exit 21; fi\n"
    "d=${p%/*}; [ -n \"$d\" ] || d=/\n"
    "if [ ! -d \"$d\" ]; then echo \"directory $d does not exist\" >&2; exit 22; fi\n"
    "tmp=\n"
    "trap '[ -z \"$tmp\" ] || rm -f -- \"$tmp\"' EXIT\n"
    "trap 'exit 1' HUP INT TERM PIPE\n"
    "tmp=$(mktemp \"$d/.hostprep.XXXXXX\") || exit 1\n"
    "cat > \"$tmp\" || exit 1\n"
    "if [ -e \"$p\" ]; then\n"
    "  old=$(stat -c '%a %u %g' -- \"$p\") || exit 1\n"
    "  om=${old%% *}; og=${old##* }; ou=${old#* }; ou=${ou%% *}\n"
    // Keeping the old owner is best effort: only root may give files away.
    "  chown -- \"$ou:$og\" \"$tmp\" 2>/dev/null || :\n"
    "  [ -n \"$mode\" ] || mode=$om\n"
    "fi\n"
    "[ -n \"$mode\" ] || mode=644\n"
    "if [ -n \"$owner\" ]; then chown -- \"$owner\" \"$tmp\" || exit 23; fi\n"
    "if [ -n \"$group\" ]; then chown -- \":$group\" \"$tmp\" || exit 24; fi\n"
    // After chown, which clears the setuid and setgid bits.
    "chmod \"$mode\" \"$tmp\" || exit 1\n"
    "if [ $# -gt 0 ]; then\n"
    // Rotate the arguments once, replacing every %s with the temp path.
    "  n=$#\n"
    "  while [ \"$n\" -gt 0 ]; do\n"
    "    a=$1; shift; r=\n"
    "    while :; do\n"
    "      case $a in *%s*) r=$r${a%%\"%s\"*}$tmp; a=${a#*\"%s\"} ;; *) break ;; esac\n"
    "    done\n"
    "    set -- \"$@\" \"$r$a\"; n=$((n - 1))\n"
    "  done\n"
    // A check that fails silently (grep -q) still says how it failed.
    "  err=$(\"$@\" 2>&1 </dev/null >/dev/null) || { rc=$?; [ -n \"$err\" ] || "
    "err=\"$1 exited $rc\"; printf '%s\\n' \"$err\" >&2; exit 25; }\n"
    "fi\n"
    "sync -- \"$tmp\" 2>/dev/null || sync\n"
    "mv -f -- \"$tmp\" \"$p\" || exit 1\n"
    "tmp=\n";

// Arguments: records `s PATH`, `r PATH` and `x N ARGV...`, in order. Each
// record leaves its exit code and its stdout and stderr in files N.o and
// N.e of a private temp dir, so that the answers can be sent back framed by
// their sizes: one line "rc RC0 RC1...", then `wc -c` of the files, a line
// "data", and the files' bytes. The stat and read steps are the kStatScript
// and kReadScript steps above; an exec record's argv is expanded through
// eval of "${1}" "${2}"... so its values are never parsed as shell text.
constexpr char kReadManyScript[] =
    "LC_ALL=C; export LC_ALL\n"
    "t=$(mktemp -d) || { echo 'cannot make a temporary directory' >&2; exit 97; }\n"
    "trap 'rm -rf -- \"$t\"' EXIT\n"
    "trap 'exit 1' HUP INT TERM PIPE\n"
    "i=0; rcs=; files=\n"
    "while [ $# -gt 0 ]; do\n"
    "  k=$1; shift; o=$t/$i.o; e=$t/$i.e\n"
    "  if [ \"$k\" = x ]; then\n"
    "    n=$1; shift; c=; j=1\n"
    "    while [ $j -le $n ]; do c=\"$c \\\"\\${$j}\\\"\"; j=$((j + 1)); done\n"
    "    eval \"$c\" </dev/null >\"$o\" 2>\"$e\"; rc=$?\n"
    "    shift $n\n"
    "  else\n"
    "    case $1 in /*) p=$1 ;; *) p=./$1 ;; esac; shift\n"
    "    if [ \"$k\" = r ]; then\n"
    "      if [ -d \"$p\" ]; then : >\"$o\"; echo 'is a directory' >\"$e\"; rc=21\n"
    "      else cat -- \"$p\" >\"$o\" 2>\"$e\"; rc=$?; fi\n"
    "    else\n"
    "      stat -c '%f %u %g %s %U %G' -- \"$p\" >\"$o\" 2>\"$e\"; rc=$?\n"
    "      if [ $rc = 0 ] && [ -L \"$p\" ]; then readlink -- \"$p\" >>\"$o\" 2>>\"$e\" || rc=1; fi\n"
    "    fi\n"
    "  fi\n"
    "  rcs=\"$rcs $rc\"; files=\"$files $i.o $i.e\"; i=$((i + 1))\n"
    "done\n"
    "cd \"$t\" || exit 97\n"
    "echo \"rc$rcs\"\n"
    "if [ $i -gt 0 ]; then wc -c -- $files || exit 98; fi\n"
    "echo data\n"
    "if [ $i -gt 0 ]; then cat -- $files || exit 98; fi\n";

ExecRequest ShellRequest(const char* script, std::vector<std::string> args, const Become& become) {
  ExecRequest request;
  request.argv = {"sh", "-c", std::string(kPrelude) + script, "sh"};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.become = become;
  return request;
}

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// The tool's own words for a failure the user can act on, without the
// "sh: 1:" or "cat: 'x':" noise; "" when stderr was empty.
std::string Reason(const ExecResult& result) {
  const std::string& err = result.stderr_data;
  if (Contains(err, "Permission denied")) return "permission denied";
  if (Contains(err, "Read-only file system")) return "read-only file system";
  if (Contains(err, "No space left on device")) return "no space left on device";
  if (Contains(err, "Operation not permitted")) return "operation not permitted";
  std::string text = Trim(err);
  if (text.empty()) return fmt::format("failed with exit code {}", result.exit_code);
  return text;
}

bool IsMissing(const ExecResult& result) {
  return Contains(result.stderr_data, "No such file or directory") ||
         Contains(result.stderr_data, "Not a directory");
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

std::vector<std::string> BecomeArgv(const Become& become, const std::string& login_user,
                                    const std::vector<std::string>& argv) {
  const std::string user = become.user.empty() ? "root" : become.user;
  if (!become.enabled || user == login_user) return argv;
  std::vector<std::string> out = {"sudo", "-n", "-u", user, "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::vector<std::string> PasswordBecomeArgv(const Become& become, const std::string& marker,
                                            const std::vector<std::string>& argv) {
  // $0 is the marker; `read` takes one byte at a time from a pipe, so what
  // follows the marker line is left for the command.
  static const char kSkipPassword[] =
      "while IFS= read -r l; do [ \"$l\" = \"$0\" ] && break; done; exec \"$@\"";
  std::vector<std::string> out = {"sudo", "-S", "-p", "", "-u",
                                  become.user.empty() ? "root" : become.user,
                                  "--", "sh", "-c", kSkipPassword, marker};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Status CheckBecome(const ExecResult& result) {
  if (result.exit_code == 0) return Status::Ok();
  const std::string& err = result.stderr_data;
  if (Contains(err, "sudo: a password is required") ||
      Contains(err, "sudo: a terminal is required")) {
    return Status::Error("sudo needs a password on this host: use --ask-become-pass");
  }
  if (Contains(err, "incorrect password attempt")) {
    return Status::Error("sudo rejected the become password: check it, or the user's sudo rights");
  }
  if (Contains(err, "is not in the sudoers file") || Contains(err, "is not allowed to execute")) {
    return Status::Error(fmt::format("sudo refused: {}", Trim(err)));
  }
  if (StartsWith(err, "sudo: unknown user")) {
    return Status::Error(fmt::format("become: {}", Trim(err.substr(6))));
  }
  return Status::Ok();
}

ExecRequest ReadFileCommand(const std::string& path, const Become& become) {
  return ShellRequest(kReadScript, {path}, become);
}

Result<std::optional<std::string>> ParseReadFile(const std::string& path,
                                                 const ExecResult& result) {
  if (result.exit_code == 0) return std::optional<std::string>(result.stdout_data);
  if (result.exit_code == 21) return Status::Error(fmt::format("read {}: is a directory", path));
  if (IsMissing(result)) return std::optional<std::string>();
  return Status::Error(fmt::format("read {}: {}", path, Reason(result)));
}

ExecRequest StatCommand(const std::string& path, const Become& become) {
  return ShellRequest(kStatScript, {path}, become);
}

Result<FileInfo> ParseStat(const std::string& path, const ExecResult& result) {
  if (result.exit_code != 0) {
    if (IsMissing(result)) return FileInfo{};
    return Status::Error(fmt::format("stat {}: {}", path, Reason(result)));
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

ExecRequest WriteFileCommand(const WriteRequest& request) {
  std::vector<std::string> args = {request.path,
                                   request.mode ? fmt::format("{:o}", *request.mode) : "",
                                   request.owner, request.group};
  args.insert(args.end(), request.validate_argv.begin(), request.validate_argv.end());
  ExecRequest exec = ShellRequest(kWriteScript, std::move(args), request.become);
  exec.stdin_data = request.content;
  return exec;
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
      return Status::Error(fmt::format("write {}: {}", path, Reason(result)));
  }
}

Result<ExecResult> ShellTransport::Exec(const ExecRequest& request) {
  std::vector<std::string> argv = BecomeArgv(request.become, login_user(), request.argv);
  const bool with_password = argv.size() != request.argv.size() && !become_password_.empty();
  if (with_password) argv = PasswordBecomeArgv(request.become, become_marker_, request.argv);
  Result<ExecResult> result =
      with_password ? RunCommand(argv,
                                 become_password_ + "\n" + become_marker_ + "\n" + request.stdin_data,
                                 request.timeout_seconds)
                    : RunCommand(argv, request.stdin_data, request.timeout_seconds);
  if (!result.ok() || argv.size() == request.argv.size()) return result;
  if (result->exit_code == 127 && (Contains(result->stderr_data, "sudo: not found") ||
                                   Contains(result->stderr_data, "sudo: command not found"))) {
    return Status::Error("become needs sudo, which is not installed on this host");
  }
  Status sudo = CheckBecome(*result);
  if (!sudo.ok()) return sudo;
  return result;
}

void ShellTransport::set_become_password(std::string password) {
  become_password_ = std::move(password);
  std::random_device random;
  become_marker_ = fmt::format("hostprep-become-{:08x}{:08x}", random(), random());
}

Result<std::optional<std::string>> ShellTransport::ReadFile(const std::string& path,
                                                            const Become& become) {
  Result<ExecResult> result = Exec(ReadFileCommand(path, become));
  if (!result.ok()) return result.status();
  return ParseReadFile(path, *result);
}

Status ShellTransport::WriteFile(const WriteRequest& request) {
  Result<ExecResult> result = Exec(WriteFileCommand(request));
  if (!result.ok()) return result.status();
  return ParseWriteFile(request.path, *result);
}

Result<FileInfo> ShellTransport::Stat(const std::string& path, const Become& become) {
  Result<ExecResult> result = Exec(StatCommand(path, become));
  if (!result.ok()) return result.status();
  return ParseStat(path, *result);
}

ExecRequest ReadManyCommand(const std::vector<RemoteRead>& reads, const Become& become) {
  ExecRequest request;
  request.argv = {"sh", "-c", kReadManyScript, "sh"};
  for (const RemoteRead& read : reads) {
    switch (read.kind) {
      case RemoteRead::Kind::kStat:
      case RemoteRead::Kind::kReadFile:
        request.argv.push_back(read.kind == RemoteRead::Kind::kStat ? "s" : "r");
        request.argv.push_back(read.path);
        break;
      case RemoteRead::Kind::kExec:
        request.argv.push_back("x");
        request.argv.push_back(std::to_string(read.argv.size()));
        request.argv.insert(request.argv.end(), read.argv.begin(), read.argv.end());
        break;
    }
  }
  request.become = become;
  return request;
}

namespace {

std::vector<std::string> Fields(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

// Splits ReadManyCommand's output into one ExecResult per read.
Result<std::vector<ExecResult>> SplitReadMany(size_t count, const std::string& out) {
  auto bad = [&](const std::string& what) {
    return Status::Error(fmt::format("unexpected answer from the probe script ({})", what));
  };
  size_t at = 0;
  auto line = [&](std::string* text) {
    const size_t eol = out.find('\n', at);
    if (eol == std::string::npos) return false;
    *text = out.substr(at, eol - at);
    at = eol + 1;
    return true;
  };
  std::string text;
  if (!line(&text) || !StartsWith(text, "rc")) return bad("no exit codes");
  const std::vector<std::string> rcs = Fields(text.substr(2));
  if (rcs.size() != count) return bad("wrong number of exit codes");
  std::vector<uint64_t> sizes;
  for (size_t i = 0; count > 0 && i < 2 * count + 1; ++i) {  // N.o, N.e per read, then total
    if (!line(&text)) return bad("sizes cut short");
    const std::vector<std::string> f = Fields(text);
    if (f.empty()) return bad("empty size line");
    if (i < 2 * count) sizes.push_back(std::strtoull(f[0].c_str(), nullptr, 10));
  }
  if (!line(&text) || text != "data") return bad("no data marker");
  std::vector<ExecResult> results(count);
  for (size_t i = 0; i < count; ++i) {
    results[i].exit_code = std::atoi(rcs[i].c_str());
    for (std::string* part : {&results[i].stdout_data, &results[i].stderr_data}) {
      const uint64_t size = sizes[2 * i + (part == &results[i].stdout_data ? 0 : 1)];
      if (out.size() - at < size) return bad("data cut short");
      *part = out.substr(at, size);
      at += size;
    }
  }
  if (at != out.size()) return bad("trailing data");
  return results;
}

}  // namespace

Result<std::vector<ReadResult>> ParseReadMany(const std::vector<RemoteRead>& reads,
                                              const ExecResult& result) {
  if (result.exit_code != 0) {
    return Status::Error(fmt::format("probe script failed: {}", Reason(result)));
  }
  Result<std::vector<ExecResult>> parts = SplitReadMany(reads.size(), result.stdout_data);
  if (!parts.ok()) return parts.status();
  std::vector<ReadResult> results(reads.size());
  for (size_t i = 0; i < reads.size(); ++i) {
    ExecResult& part = (*parts)[i];
    ReadResult& r = results[i];
    switch (reads[i].kind) {
      case RemoteRead::Kind::kStat: {
        Result<FileInfo> info = ParseStat(reads[i].path, part);
        if (info.ok()) r.stat = *info; else r.status = info.status();
        break;
      }
      case RemoteRead::Kind::kReadFile: {
        Result<std::optional<std::string>> content = ParseReadFile(reads[i].path, part);
        if (content.ok()) r.content = *content; else r.status = content.status();
        break;
      }
      case RemoteRead::Kind::kExec:
        r.exec = std::move(part);
        break;
    }
  }
  return results;
}

Result<std::vector<ReadResult>> ShellTransport::ReadMany(const std::vector<RemoteRead>& reads,
                                                         const Become& become,
                                                         int timeout_seconds) {
  if (reads.empty()) return std::vector<ReadResult>();
  ExecRequest request = ReadManyCommand(reads, become);
  request.timeout_seconds = timeout_seconds;
  Result<ExecResult> result = Exec(request);
  if (!result.ok()) return result.status();
  return ParseReadMany(reads, *result);
}

}  // namespace hostprep
