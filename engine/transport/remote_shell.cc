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

// Arguments: records, run in order:
//   s PATH                 stat (kStatScript's step)
//   r PATH                 read (kReadScript's step)
//   x N ARGV...            a read-only query, stdin from /dev/null
//   S PATH, R PATH         stat, read, answered at once on their own (for g)
//   g N A1 B1 ... AN BN    a guard: records A and B gave the same answers
//                          (exit code, stdout, stderr), for each of N pairs
//   X SIZE N ARGV...       a command; its stdin is the next SIZE bytes of ours
//   w SIZE PATH MODE OWNER GROUP N VALIDATE...
//                          kWriteScript's write; the content is the next SIZE
//                          bytes of our stdin
// A failed change (X or w) or guard (g) stops the batch: later records are
// not run and their exit code is "-". Each record leaves its exit code in R<N> and its
// stdout and stderr in files N.o and N.e of a private temp dir, so that the
// answers come back framed by their sizes: a line "rc RC0 RC1...", a line
// "blob [N SIZE]...", then `wc -c` of the files and the blobs, a line "data",
// and their bytes.
//
// Process starts are what a probe costs on the target, so the stats and
// reads between two changes wait in a queue (flush): one `stat` answers every
// stat of an existing path, and one `cat` reads every readable regular file
// into a blob, framed by the sizes one `stat -L` gave before it; a second
// `stat -L` after it proves that no file changed meanwhile, else each is read
// again on its own. Paths that do not exist, cannot be read, are symlinks (a
// stat) or live in /proc or /sys (whose sizes lie) are answered one by one
// (one), exactly as the single-read scripts do, and with no process at all
// when there is no such entry in a directory that can be searched.
//
// An argv is expanded through eval of "${1}" "${2}"..., a path through P<N>
// and a validate argv through v1, v2..., so that no value is ever parsed as
// shell text. Each write runs in a subshell, so its exit and its trap are its
// own. `take` copies exactly SIZE bytes of stdin (head -c never reads ahead)
// and checks that they came.
constexpr char kStepsScript[] = R"SH(LC_ALL=C; export LC_ALL
t=$(mktemp -d) || { echo 'cannot make a temporary directory' >&2; exit 97; }
trap 'rm -rf -- "$t"' EXIT
trap 'exit 1' HUP INT TERM PIPE
take() {
  head -c "$1" >"$2" || return 1
  [ "$1" = 0 ] || [ "$(($(wc -c <"$2")))" = "$1" ] || { echo 'the input was cut short' >&2; return 1; }
}
one() {
  d=$3
  while [ -n "$d" ] && [ ! -e "$d" ] && [ ! -L "$d" ]; do d=${d%/*}; done
  if [ "$d" != "$3" ]; then
    if [ ! -d "${d:-/}" ]; then
      echo "$3: Not a directory" >"$t/$2.e"; eval "R$2=1"; return
    elif [ -x "${d:-/}" ]; then
      echo "$3: No such file or directory" >"$t/$2.e"; eval "R$2=1"; return
    fi
  fi
  if [ "$1" = r ]; then
    if [ -d "$3" ]; then echo 'is a directory' >"$t/$2.e"; r=21
    else cat -- "$3" >"$t/$2.o" 2>"$t/$2.e"; r=$?; fi
  else
    stat -c '%f %u %g %s %U %G' -- "$3" >"$t/$2.o" 2>"$t/$2.e"; r=$?
    if [ $r = 0 ] && [ -L "$3" ]; then readlink -- "$3" >>"$t/$2.o" 2>>"$t/$2.e" || r=1; fi
  fi
  eval "R$2=\$r"
}
flush() {
  set --; l=
  for j in $qs; do
    eval "p=\$P$j"
    if [ -L "$p" ] || [ ! -e "$p" ]; then one s "$j" "$p"; else set -- "$@" "$p"; l="$l $j"; fi
  done
  if [ $# -gt 0 ]; then
    if stat -c '%f %u %g %s %U %G' -- "$@" >"$t/st" 2>/dev/null; then
      { for j in $l; do IFS= read -r a; printf '%s\n' "$a" >"$t/$j.o"; eval "R$j=0"; done; } <"$t/st"
    else
      for j in $l; do eval "one s $j \"\$P$j\""; done
    fi
  fi
  set --; l=
  for j in $qr; do
    eval "p=\$P$j"
    case $p in
    /proc/* | /sys/*) one r "$j" "$p" ;;
    *) if [ -f "$p" ] && [ -r "$p" ]; then set -- "$@" "$p"; l="$l $j"; else one r "$j" "$p"; fi ;;
    esac
  done
  if [ $# -gt 0 ]; then
    b=$t/b$i
    if a=$(stat -L -c '%s %i %Y %Z' -- "$@" 2>/dev/null) && cat -- "$@" >"$b" 2>/dev/null &&
      [ "$(stat -L -c '%s %i %Y %Z' -- "$@" 2>/dev/null)" = "$a" ]; then
      set -- $a
      for j in $l; do m="$m $j $1"; eval "R$j=0"; shift 4; done
      blobs="$blobs b$i"
    else
      for j in $l; do eval "one r $j \"\$P$j\""; done
    fi
  fi
  qs=; qr=
}
i=0; stop=; qs=; qr=; m=; blobs=
while [ $# -gt 0 ]; do
  k=$1; shift; o=$t/$i.o; e=$t/$i.e; : >"$o"; : >"$e"; rc=-
  case $k in
  x)
    n=$1; shift; c=; j=1
    while [ $j -le $n ]; do c="$c \"\${$j}\""; j=$((j + 1)); done
    if [ -z "$stop" ]; then eval "$c" </dev/null >"$o" 2>"$e"; rc=$?; fi
    shift $n ;;
  S|R)
    case $1 in /*) p=$1 ;; *) p=./$1 ;; esac; shift
    if [ -z "$stop" ]; then
      if [ "$k" = R ]; then one r $i "$p"; else one s $i "$p"; fi
      eval "rc=\$R$i"
    fi ;;
  g)
    n=$1; shift
    if [ -z "$stop" ]; then
      rc=0; j=0
      while [ $j -lt $n ]; do
        eval "[ \"\$R$1\" = \"\$R$2\" ]" || rc=1
        for x in o e; do
          if [ $rc = 0 ] && { [ -s "$t/$1.$x" ] || [ -s "$t/$2.$x" ]; }; then
            cmp -s -- "$t/$1.$x" "$t/$2.$x" || rc=1
          fi
        done
        shift 2; j=$((j + 1))
      done
      [ $rc = 0 ] || stop=1
    else
      shift $((2 * n))
    fi ;;
  X)
    flush
    z=$1; n=$2; shift 2; c=; j=1
    while [ $j -le $n ]; do c="$c \"\${$j}\""; j=$((j + 1)); done
    if [ -n "$stop" ]; then :
    elif [ "$z" = 0 ]; then eval "$c" </dev/null >"$o" 2>"$e"; rc=$?
    elif take "$z" "$t/in" 2>"$e"; then eval "$c" <"$t/in" >"$o" 2>"$e"; rc=$?
    else rc=96; fi
    shift $n
    [ "$rc" = 0 ] || stop=1 ;;
  w)
    flush
    n=$6
    if [ -z "$stop" ]; then (
      z=$1; mode=$3; owner=$4; group=$5; nv=$6
      case $2 in /*) p=$2 ;; *) p=./$2 ;; esac
      shift 6
      if [ -L "$p" ]; then
        l=$(readlink -f -- "$p" && echo x) || l=
        case $l in /*x) p=${l%?x} ;; *) echo "cannot resolve the symlink $p" >&2; exit 1 ;; esac
      fi
      if [ -d "$p" ]; then echo 'is a directory' >&2; exit 21; fi
      d=${p%/*}; [ -n "$d" ] || d=/
      if [ ! -d "$d" ]; then echo "directory $d does not exist" >&2; exit 22; fi
      tmp=
      trap '[ -z "$tmp" ] || rm -f -- "$tmp"' EXIT
      tmp=$(mktemp "$d/.hostprep.XXXXXX") || exit 1
      take "$z" "$tmp" || exit 1
      if [ -e "$p" ]; then
        old=$(stat -c '%a %u %g' -- "$p") || exit 1
        om=${old%% *}; og=${old##* }; ou=${old#* }; ou=${ou%% *}
        chown -- "$ou:$og" "$tmp" 2>/dev/null || :
        [ -n "$mode" ] || mode=$om
      fi
      [ -n "$mode" ] || mode=644
      if [ -n "$owner" ]; then chown -- "$owner" "$tmp" || exit 23; fi
      if [ -n "$group" ]; then chown -- ":$group" "$tmp" || exit 24; fi
      chmod "$mode" "$tmp" || exit 1
      if [ "$nv" -gt 0 ]; then
        c=; j=1
        while [ $j -le "$nv" ]; do
          eval "a=\${$j}"; r=
          while :; do
            case $a in *%s*) r=$r${a%%"%s"*}$tmp; a=${a#*"%s"} ;; *) break ;; esac
          done
          eval "v$j=\$r\$a"; c="$c \"\$v$j\""; j=$((j + 1))
        done
        err=$(eval "$c" 2>&1 </dev/null >/dev/null) || { rc=$?; [ -n "$err" ] || err="$v1 exited $rc"; printf '%s\n' "$err" >&2; exit 25; }
      fi
      sync -- "$tmp" 2>/dev/null || sync
      mv -f -- "$tmp" "$p" || exit 1
      tmp=
    ) >"$o" 2>"$e"; rc=$?; fi
    shift $((6 + n))
    [ "$rc" = 0 ] || stop=1 ;;
  *)
    case $1 in /*) p=$1 ;; *) p=./$1 ;; esac; shift
    if [ -z "$stop" ]; then
      eval "P$i=\$p"; rc=
      if [ "$k" = r ]; then qr="$qr $i"; else qs="$qs $i"; fi
    fi ;;
  esac
  eval "R$i=\$rc"; i=$((i + 1))
done
flush
cd "$t" || exit 97
j=0; rcs=; files=
while [ $j -lt $i ]; do eval "rcs=\"\$rcs \$R$j\""; files="$files $j.o $j.e"; j=$((j + 1)); done
echo "rc$rcs"
echo "blob$m"
if [ $i -gt 0 ]; then wc -c -- $files $blobs || exit 98; fi
echo data
if [ $i -gt 0 ]; then cat -- $files $blobs || exit 98; fi
)SH";

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
  Result<std::vector<StepResult>> result = RunSteps({Step::Write(request)}, request.become, 0);
  if (!result.ok()) return result.status();
  return result->front().status;
}

Result<FileInfo> ShellTransport::Stat(const std::string& path, const Become& become) {
  Result<ExecResult> result = Exec(StatCommand(path, become));
  if (!result.ok()) return result.status();
  return ParseStat(path, *result);
}

ExecRequest StepsCommand(const std::vector<Step>& steps, const Become& become) {
  ExecRequest request;
  request.argv = {"sh", "-c", kStepsScript, "sh"};
  std::vector<std::string>& argv = request.argv;
  auto add_argv = [&](const std::vector<std::string>& command) {
    argv.push_back(std::to_string(command.size()));
    argv.insert(argv.end(), command.begin(), command.end());
  };
  for (const Step& step : steps) {
    switch (step.kind) {
      case Step::Kind::kRead:
        if (step.read.kind == RemoteRead::Kind::kExec) {
          argv.push_back("x");
          add_argv(step.read.argv);
        } else {
          const bool stat = step.read.kind == RemoteRead::Kind::kStat;
          argv.push_back(step.now ? (stat ? "S" : "R") : (stat ? "s" : "r"));
          argv.push_back(step.read.path);
        }
        break;
      case Step::Kind::kGuard:
        argv.insert(argv.end(), {"g", std::to_string(step.same.size())});
        for (const auto& [a, b] : step.same) {
          argv.insert(argv.end(), {std::to_string(a), std::to_string(b)});
        }
        break;
      case Step::Kind::kWrite: {
        const WriteRequest& w = step.write;
        argv.insert(argv.end(), {"w", std::to_string(w.content.size()), w.path,
                                 w.mode ? fmt::format("{:o}", *w.mode) : "", w.owner, w.group});
        add_argv(w.validate_argv);
        request.stdin_data += w.content;
        break;
      }
      case Step::Kind::kExec:
        argv.insert(argv.end(), {"X", std::to_string(step.stdin_data.size())});
        add_argv(step.argv);
        request.stdin_data += step.stdin_data;
        break;
    }
  }
  request.become = become;
  return request;
}

ExecRequest ReadManyCommand(const std::vector<RemoteRead>& reads, const Become& become) {
  std::vector<Step> steps;
  steps.reserve(reads.size());
  for (const RemoteRead& read : reads) steps.push_back(Step::Read(read));
  return StepsCommand(steps, become);
}

namespace {

std::vector<std::string> Fields(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

// Splits StepsCommand's output into one ExecResult per step; a step that
// did not run has exit code -1.
Result<std::vector<ExecResult>> SplitSteps(size_t count, const std::string& out) {
  auto bad = [&](const std::string& what) {
    return Status::Error(fmt::format("unexpected answer from the remote script ({})", what));
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
  // "blob N SIZE...": the steps whose stdout is in the blobs, in order.
  if (!line(&text) || !StartsWith(text, "blob")) return bad("no blob line");
  const std::vector<std::string> blob = Fields(text.substr(4));
  if (blob.size() % 2 != 0) return bad("odd blob line");
  std::vector<uint64_t> sizes;
  uint64_t blob_bytes = 0;
  for (size_t i = 0; count > 0; ++i) {  // N.o, N.e per step, the blob files, then total
    if (!line(&text)) return bad("sizes cut short");
    const std::vector<std::string> f = Fields(text);
    if (f.size() != 2) return bad("bad size line");
    if (f[1] == "total") break;
    const uint64_t size = std::strtoull(f[0].c_str(), nullptr, 10);
    if (i < 2 * count) {
      sizes.push_back(size);
    } else {
      blob_bytes += size;
    }
  }
  if (sizes.size() != 2 * count) return bad("wrong number of sizes");
  if (!line(&text) || text != "data") return bad("no data marker");
  std::vector<ExecResult> results(count);
  for (size_t i = 0; i < count; ++i) {
    results[i].exit_code = rcs[i] == "-" ? -1 : std::atoi(rcs[i].c_str());
    for (std::string* part : {&results[i].stdout_data, &results[i].stderr_data}) {
      const uint64_t size = sizes[2 * i + (part == &results[i].stdout_data ? 0 : 1)];
      if (out.size() - at < size) return bad("data cut short");
      *part = out.substr(at, size);
      at += size;
    }
  }
  if (out.size() - at != blob_bytes) return bad("blob size differs");
  for (size_t k = 0; k < blob.size(); k += 2) {
    const size_t step = std::strtoull(blob[k].c_str(), nullptr, 10);
    const uint64_t size = std::strtoull(blob[k + 1].c_str(), nullptr, 10);
    if (step >= count || out.size() - at < size) return bad("blob cut short");
    results[step].stdout_data = out.substr(at, size);
    at += size;
  }
  if (at != out.size()) return bad("trailing data");
  return results;
}

}  // namespace

Result<std::vector<StepResult>> ParseSteps(const std::vector<Step>& steps,
                                           const ExecResult& result) {
  if (result.exit_code != 0) {
    return Status::Error(fmt::format("the remote script failed: {}", Reason(result)));
  }
  Result<std::vector<ExecResult>> parts = SplitSteps(steps.size(), result.stdout_data);
  if (!parts.ok()) return parts.status();
  std::vector<StepResult> results(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    ExecResult& part = (*parts)[i];
    StepResult& r = results[i];
    r.ran = part.exit_code != -1;
    if (!r.ran) continue;
    const Step& step = steps[i];
    switch (step.kind) {
      case Step::Kind::kWrite:
        r.status = ParseWriteFile(step.write.path, part);
        break;
      case Step::Kind::kExec:
      case Step::Kind::kGuard:
        r.exec = std::move(part);
        break;
      case Step::Kind::kRead:
        switch (step.read.kind) {
          case RemoteRead::Kind::kStat: {
            Result<FileInfo> info = ParseStat(step.read.path, part);
            if (info.ok()) r.read.stat = *info; else r.read.status = info.status();
            break;
          }
          case RemoteRead::Kind::kReadFile: {
            Result<std::optional<std::string>> content = ParseReadFile(step.read.path, part);
            if (content.ok()) r.read.content = *content; else r.read.status = content.status();
            break;
          }
          case RemoteRead::Kind::kExec:
            r.read.exec = std::move(part);
            break;
        }
        break;
    }
  }
  return results;
}

Result<std::vector<ReadResult>> ParseReadMany(const std::vector<RemoteRead>& reads,
                                              const ExecResult& result) {
  std::vector<Step> steps;
  steps.reserve(reads.size());
  for (const RemoteRead& read : reads) steps.push_back(Step::Read(read));
  Result<std::vector<StepResult>> parsed = ParseSteps(steps, result);
  if (!parsed.ok()) return parsed.status();
  std::vector<ReadResult> results;
  results.reserve(reads.size());
  for (StepResult& r : *parsed) results.push_back(std::move(r.read));
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

Result<std::vector<StepResult>> ShellTransport::RunSteps(const std::vector<Step>& steps,
                                                         const Become& become,
                                                         int timeout_seconds) {
  if (steps.empty()) return std::vector<StepResult>();
  ExecRequest request = StepsCommand(steps, become);
  request.timeout_seconds = timeout_seconds;
  Result<ExecResult> result = Exec(request);
  if (!result.ok()) return result.status();
  return ParseSteps(steps, *result);
}

}  // namespace hostprep
