#include "engine/transport/remote_steps.h"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <random>
#include <string_view>

#include "engine/base/text.h"
#include "engine/transport/remote_shell.h"

namespace hostprep {

namespace {

// Arguments: records, run in order:
//   s PATH                 stat (the single stat script's semantics)
//   r PATH                 read (the single read script's semantics)
//   x N ARGV...            a read-only query, stdin from /dev/null
//   S PATH, R PATH, Q N ARGV...
//                          stat, read, query, answered at once into the temp
//                          dir, for g to compare
//   g N A1 B1 ... AN BN    a guard: records A and B gave the same answers
//                          (exit code, stdout, stderr), for each of N pairs
//   X SIZE N ARGV...       a command; its stdin is the next SIZE bytes of ours
//   w SIZE PATH MODE OWNER GROUP N VALIDATE...
//                          an atomic write (ParseWriteFile's exit codes); the
//                          content is the next SIZE bytes of our stdin
// A failed change (X or w) or guard (g) stops the batch: later records are
// not run and get no answer.
//
// The answer, on stdout and stderr alike, is a run of segments
// DATA "\n" MARKER " " TAG "\n"; the first (TAG "start") drops whatever the
// login shell or sudo printed first, the last is TAG "end". Tags on stdout:
//   o I RC          DATA is record I's stdout, RC its exit code
//   stat I...       one `stat` for several records, one line each: the
//                   answer of an s record; for an r record, the size, inode
//                   and times its blob is checked against
//   link I...       one `readlink -z` for the symlinks among those: targets
//   blob I...       one `cat` of several r records: their contents back to
//                   back, each as long as its stat line says
//   void            DATA is to be ignored (the files changed while being
//                   read, or a batch tool failed): each record is answered
//                   again on its own in a later segment
//   files I RC...   (then no DATA but `wc -c` of I.o I.e... and their bytes)
//                   the records whose output waited in the temp dir
// and on stderr, `e I`: record I's stderr.
//
// Process starts are what a probe costs on the target. The stats and reads
// between two changes wait in a queue (flush): one `stat` answers every
// stat of an existing path and also records the state of every readable
// regular file, one `cat` reads all of those, and a second `stat` proves
// that none changed meanwhile (else each is read again on its own). That
// `stat` follows symlinks (-L) unless a stat asked about a symlink, whose
// own answer it must give; then a read through a symlink is made alone.
// Paths that do not exist, cannot be read or live in /proc or /sys (whose
// sizes lie) are answered one by one (one), exactly as the single scripts
// do, and with no process at all when there is no such entry in a
// directory that can be searched.
//
// A query `/bin/sh -c SCRIPT NAME ARGS...` (the modules' own probe
// scripts) runs in a subshell of this shell, which costs a fork but not the
// start of a new sh; the subshell first forgets this script's functions and
// variables (unset), so SCRIPT sees what a new sh would.
//
// An argv is expanded through eval of "${1}" "${2}"..., a path through P<N>
// and a validate argv through v1, v2..., so that no value is ever parsed as
// shell text. Each write runs in a subshell, so its exit and its trap are its
// own. `take` copies exactly SIZE bytes of stdin (head -c never reads ahead,
// and `read` takes the marker line a byte at a time) and checks that they
// came.
constexpr char kStepsScript[] = R"SH(LC_ALL=C; export LC_ALL
IFS= read -r M && IFS= read -r N && [ ${#M} -ge 32 ] && [ ${#N} -ge 16 ] ||
  { echo 'no answer marker on stdin' >&2; exit 97; }
t=; F=
trap '[ -z "$t" ] || rm -rf -- "$t"' EXIT
trap 'exit 1' HUP INT TERM PIPE
printf '\n%s start\n' "$M"; printf '\n%s start\n' "$M" >&2
tmp() {
  [ -z "$t" ] || return 0
  t=$(mktemp -d) || { echo 'cannot make a temporary directory' >&2; exit 97; }
}
end() { printf '\n%s o %s %s\n' "$M" "$1" "$2"; printf '\n%s e %s\n' "$M" "$1" >&2; }
take() {
  head -c "$1" >"$2" || return 1
  [ "$1" = 0 ] || [ "$(($(wc -c <"$2")))" = "$1" ] || { echo 'the input was cut short' >&2; return 1; }
}
one() {
  d=$2
  while [ -n "$d" ] && [ ! -e "$d" ] && [ ! -L "$d" ]; do d=${d%/*}; done
  if [ "$d" != "$2" ]; then
    if [ ! -d "${d:-/}" ]; then
      echo "$2: Not a directory" >&2; r=1; return
    elif [ -x "${d:-/}" ]; then
      echo "$2: No such file or directory" >&2; r=1; return
    fi
  fi
  if [ "$1" = r ]; then
    if [ -d "$2" ]; then echo 'is a directory' >&2; r=21
    else cat -- "$2"; r=$?; fi
  else
    stat -c '%f %u %g %s %U %G' -- "$2"; r=$?
    if [ $r = 0 ] && [ -L "$2" ]; then readlink -- "$2" || r=1; fi
  fi
}
again() {
  for j; do
    eval "p=\$P$j"
    case " $cl " in *" $j "*) one r "$p" ;; *) one s "$p" ;; esac
    end "$j" "$r"
  done
}
flush() {
  set --; l=; cl=; kl=; c=; k=; L=
  for j in $qs; do
    eval "p=\$P$j"
    if [ -L "$p" ]; then set -- "$@" "$p"; l="$l $j"; kl="$kl $j"; k="$k \"\$P$j\""
    elif [ -e "$p" ]; then set -- "$@" "$p"; l="$l $j"
    else one s "$p"; end "$j" "$r"; fi
  done
  if [ -n "$kl" ]; then L=; else L=-L; fi
  for j in $qr; do
    eval "p=\$P$j"
    case $p in
    /proc/* | /sys/*) one r "$p"; end "$j" "$r" ;;
    *)
      if [ -f "$p" ] && [ -r "$p" ] && { [ -n "$L" ] || [ ! -L "$p" ]; }; then
        set -- "$@" "$p"; l="$l $j"; cl="$cl $j"; c="$c \"\$P$j\""
      else one r "$p"; end "$j" "$r"; fi ;;
    esac
  done
  qs=; qr=
  [ $# -gt 0 ] || return 0
  if ! a=$(stat $L -c '%f %u %g %s %U %G %i %Y %Z' -- "$@" 2>/dev/null); then
    again $l; return 0
  fi
  printf '%s\n%s stat%s\n' "$a" "$M" "$l"
  if [ -n "$kl" ]; then
    if eval "readlink -z -- $k" 2>/dev/null; then printf '\n%s link%s\n' "$M" "$kl"
    else printf '\n%s void\n' "$M"; again $kl; fi
  fi
  if [ -n "$cl" ]; then
    if eval "cat -- $c" 2>/dev/null &&
      [ "$(stat $L -c '%f %u %g %s %U %G %i %Y %Z' -- "$@" 2>/dev/null)" = "$a" ]; then
      printf '\n%s blob%s\n' "$M" "$cl"
    else
      printf '\n%s void\n' "$M"; again $cl
    fi
  fi
}
argv() { c=; j=1; while [ $j -le "$1" ]; do c="$c \"\${$j}\""; j=$((j + 1)); done; }
query() {
  n=$1; shift
  if [ "$n" -ge 3 ] && [ "$1" = /bin/sh ] && [ "$2" = -c ]; then
    (
      c=; j=5
      while [ $j -le "$n" ]; do c="$c \"\${$j}\""; j=$((j + 1)); done
      eval "set -- \"\${3}\" $c"
      j=0; while [ $j -lt $i ]; do unset P$j R$j; j=$((j + 1)); done
      unset -f tmp end take one again flush argv query
      unset M N t F L i stop qs qr k n c j p r d l cl kl a z o e rc x
      eval "shift; $1"
    ) </dev/null
  else
    argv "$n"; eval "$c" </dev/null
  fi
}
i=0; stop=; qs=; qr=
while [ $# -gt 0 ]; do
  k=$1; shift
  case $k in
  x)
    n=$1; shift
    if [ -z "$stop" ]; then query "$n" "$@"; end $i $?; fi
    shift $n ;;
  Q)
    n=$1; shift
    if [ -z "$stop" ]; then
      tmp; F="$F $i"
      query "$n" "$@" >"$t/$i.o" 2>"$t/$i.e"
      eval "R$i=\$?"
    fi
    shift $n ;;
  S|R)
    case $1 in /*) p=$1 ;; *) p=./$1 ;; esac; shift
    if [ -z "$stop" ]; then
      tmp; F="$F $i"
      case $k in R) k=r ;; *) k=s ;; esac
      one $k "$p" >"$t/$i.o" 2>"$t/$i.e"
      eval "R$i=\$r"
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
      end $i $rc
      [ $rc = 0 ] || stop=1
    else
      shift $((2 * n))
    fi ;;
  X)
    flush
    z=$1; n=$2; shift 2; argv "$n"
    if [ -z "$stop" ]; then
      tmp; F="$F $i"; o=$t/$i.o; e=$t/$i.e
      if [ "$z" = 0 ]; then eval "$c" </dev/null >"$o" 2>"$e"; rc=$?
      elif take "$z" "$t/in" 2>"$e"; then eval "$c" <"$t/in" >"$o" 2>"$e"; rc=$?
      else : >"$o"; rc=96; fi
      eval "R$i=\$rc"
      [ "$rc" = 0 ] || stop=1
    fi
    shift $n ;;
  w)
    flush
    n=$6
    if [ -z "$stop" ]; then
      tmp; F="$F $i"
      (
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
      umask 077; set -C; f=$d/.hostprep.$N.$i
      true >"$f" || exit 1
      set +C; tmp=$f
      head -c "$z" >>"$tmp" || exit 1
      if [ -e "$p" ]; then
        a=$(stat -c '%s %a %u %g' -- "$tmp" "$p") || exit 1
        old=${a#*"
"}; a=${a%%"
"*}; old=${old#* }
        om=${old%% *}; og=${old##* }; ou=${old#* }; ou=${ou%% *}
        chown -- "$ou:$og" "$tmp" 2>/dev/null || :
        [ -n "$mode" ] || mode=$om
      else
        a=$(stat -c %s -- "$tmp") || exit 1
      fi
      [ "${a%% *}" = "$z" ] || { echo 'the input was cut short' >&2; exit 1; }
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
      ) >"$t/$i.o" 2>"$t/$i.e"
      rc=$?
      eval "R$i=\$rc"
      [ "$rc" = 0 ] || stop=1
    fi
    shift $((6 + n)) ;;
  *)
    case $1 in /*) p=$1 ;; *) p=./$1 ;; esac; shift
    if [ -z "$stop" ]; then
      eval "P$i=\$p"
      if [ "$k" = r ]; then qr="$qr $i"; else qs="$qs $i"; fi
    fi ;;
  esac
  i=$((i + 1))
done
flush
if [ -n "$F" ]; then
  cd "$t" || exit 97
  l=; rl=
  for j in $F; do l="$l $j.o $j.e"; eval "rl=\"\$rl $j \$R$j\""; done
  printf '\n%s files%s\n' "$M" "$rl"
  wc -c -- $l || exit 98
  cat -- $l || exit 98
fi
printf '\n%s end\n' "$M"; printf '\n%s end\n' "$M" >&2
)SH";

Status Bad(const std::string& what) {
  return Status::Error(fmt::format("unexpected answer from the remote script ({})", what));
}

// One segment of an answer stream: DATA "\n" MARKER " " TAG "\n".
struct Segment {
  std::string_view data;
  std::vector<std::string_view> tag;  // the tag's words
};

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t space = text.find(' ', at);
    const size_t stop = space == std::string_view::npos ? text.size() : space;
    if (stop > at) out.push_back(text.substr(at, stop - at));
    at = stop + 1;
  }
  return out;
}

// An exit code as the script prints one ($?, 0 to 255): the negative codes
// are this parser's own marks (not run, read again), never the target's.
bool ToExitCode(std::string_view text, int* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty() && *out >= 0 && *out <= 255;
}

bool ToNumber(std::string_view text, uint64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// The segment of `out` that starts at `*at`, and `*at` moved past it;
// false when no full segment is left.
bool NextSegment(std::string_view out, const std::string& separator, size_t* at, Segment* segment) {
  const size_t found = out.find(separator, *at);
  if (found == std::string_view::npos) return false;
  const size_t tag_at = found + separator.size();
  const size_t eol = out.find('\n', tag_at);
  if (eol == std::string_view::npos) return false;
  segment->data = out.substr(*at, found - *at);
  segment->tag = Words(out.substr(tag_at, eol - tag_at));
  *at = eol + 1;
  return !segment->tag.empty();
}

// Where the answer proper starts: after the "start" segment.
Result<size_t> Start(std::string_view out, const std::string& separator) {
  size_t at = 0;
  Segment first;
  if (!NextSegment(out, separator, &at, &first) || first.tag.size() != 1 ||
      first.tag[0] != "start") {
    return Bad("no start marker");
  }
  return at;
}

// The exit code of a read whose answer must be asked for again on its own.
constexpr int kReadAgain = -2;

// The answers being put together, one per step; a step without one did not run.
class Answers {
 public:
  explicit Answers(const std::vector<Step>& steps)
      : steps_(steps), results_(steps.size(), ExecResult{-1, "", ""}) {}

  Status Stdout(std::string_view out, const std::string& separator);
  Status Stderr(std::string_view err, const std::string& separator);
  std::vector<ExecResult> Take() { return std::move(results_); }

 private:
  Result<size_t> Index(std::string_view word) const {
    uint64_t i = 0;
    if (!ToNumber(word, &i) || i >= results_.size()) return Bad("bad step number");
    return static_cast<size_t>(i);
  }
  Status Stats(const Segment& s);
  Status Links(const Segment& s);
  Status Blob(const Segment& s);
  Status Files(const Segment& s, std::string_view out, size_t* at);

  const std::vector<Step>& steps_;
  std::vector<ExecResult> results_;                             // exit code -1: not run
  std::map<size_t, std::vector<std::string_view>> stat_lines_;  // step -> words
};

bool IsStat(const Step& step) {
  return step.kind == Step::Kind::kRead && step.read.kind == RemoteRead::Kind::kStat;
}

// A read the batch's shared `cat` answers (an r record): only these are in a
// blob, and only these can be asked again on their own.
bool IsStreamedRead(const Step& step) {
  return step.kind == Step::Kind::kRead && step.read.kind == RemoteRead::Kind::kReadFile &&
         !step.now;
}

Status Answers::Stats(const Segment& s) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= s.data.size();) {
    const size_t eol = std::min(s.data.find('\n', at), s.data.size());
    lines.push_back(s.data.substr(at, eol - at));
    at = eol + 1;
  }
  if (lines.size() != s.tag.size() - 1) return Bad("wrong number of stat lines");
  for (size_t k = 0; k < lines.size(); ++k) {
    Result<size_t> i = Index(s.tag[k + 1]);
    if (!i.ok()) return i.status();
    std::vector<std::string_view> words = Words(lines[k]);
    if (words.size() != 9) return Bad("bad stat line");
    if (IsStat(steps_[*i])) {
      // The single stat's answer: its six fields.
      std::string answer;
      for (size_t w = 0; w < 6; ++w) {
        answer.append(words[w]);
        answer.push_back(w == 5 ? '\n' : ' ');
      }
      results_[*i] = ExecResult{0, std::move(answer), ""};
    }
    stat_lines_[*i] = std::move(words);
  }
  return Status::Ok();
}

Status Answers::Links(const Segment& s) {
  std::string_view data = s.data;
  for (size_t k = 1; k < s.tag.size(); ++k) {
    Result<size_t> i = Index(s.tag[k]);
    if (!i.ok()) return i.status();
    const size_t nul = data.find('\0');
    if (nul == std::string_view::npos || results_[*i].exit_code != 0) return Bad("bad link list");
    results_[*i].stdout_data.append(data.substr(0, nul));
    results_[*i].stdout_data.push_back('\n');
    data.remove_prefix(nul + 1);
  }
  if (!data.empty()) return Bad("trailing link data");
  return Status::Ok();
}

Status Answers::Blob(const Segment& s) {
  std::string_view data = s.data;
  std::vector<std::pair<size_t, uint64_t>> sizes;  // step, size
  uint64_t total = 0;  // never above data.size(), so the sum cannot wrap
  bool adds_up = true;
  for (size_t k = 1; k < s.tag.size(); ++k) {
    Result<size_t> i = Index(s.tag[k]);
    if (!i.ok()) return i.status();
    // Anything else would be asked again as a read it is not.
    if (!IsStreamedRead(steps_[*i])) return Bad("blob of a step that is no read");
    auto line = stat_lines_.find(*i);
    uint64_t size = 0;
    if (line == stat_lines_.end() || !ToNumber(line->second[3], &size)) {
      return Bad("blob without sizes");
    }
    sizes.emplace_back(*i, size);
    if (size > data.size() - total) adds_up = false;
    if (adds_up) total += size;
  }
  if (!adds_up || data.size() != total) {
    // A file whose size lies (/proc or /sys reached through a symlink) or
    // that changed size after the check: each must be read on its own.
    for (const auto& [i, size] : sizes) results_[i].exit_code = kReadAgain;
    return Status::Ok();
  }
  for (const auto& [i, size] : sizes) {
    results_[i] = ExecResult{0, std::string(data.substr(0, size)), ""};
    data.remove_prefix(size);
  }
  return Status::Ok();
}

// "files I RC...", then `wc -c` of I.o I.e for each, a total line, and
// their bytes in the same order.
Status Answers::Files(const Segment& s, std::string_view out, size_t* at) {
  if (s.tag.size() % 2 != 1) return Bad("odd files line");
  const size_t count = (s.tag.size() - 1) / 2;
  std::vector<uint64_t> sizes;
  for (;;) {
    const size_t eol = out.find('\n', *at);
    if (eol == std::string_view::npos) return Bad("sizes cut short");
    std::vector<std::string_view> f = Words(out.substr(*at, eol - *at));
    *at = eol + 1;
    if (f.size() != 2) return Bad("bad size line");
    if (f[1] == "total") break;
    uint64_t size = 0;
    if (!ToNumber(f[0], &size)) return Bad("bad size line");
    sizes.push_back(size);
  }
  if (sizes.size() != 2 * count) return Bad("wrong number of sizes");
  for (size_t k = 0; k < count; ++k) {
    Result<size_t> i = Index(s.tag[1 + 2 * k]);
    if (!i.ok()) return i.status();
    ExecResult& r = results_[*i];
    if (!ToExitCode(s.tag[2 + 2 * k], &r.exit_code)) return Bad("bad exit code");
    for (std::string* part : {&r.stdout_data, &r.stderr_data}) {
      const uint64_t size = sizes[2 * k + (part == &r.stdout_data ? 0 : 1)];
      if (out.size() - *at < size) return Bad("data cut short");
      *part = std::string(out.substr(*at, size));
      *at += size;
    }
  }
  return Status::Ok();
}

Status Answers::Stdout(std::string_view out, const std::string& separator) {
  Result<size_t> start = Start(out, separator);
  if (!start.ok()) return start.status();
  size_t at = *start;
  Segment s;
  while (NextSegment(out, separator, &at, &s)) {
    const std::string_view kind = s.tag[0];
    Status st;
    if (kind == "end") {
      return at == out.size() && s.data.empty() ? Status::Ok() : Bad("trailing data");
    } else if (kind == "o" && s.tag.size() == 3) {
      Result<size_t> i = Index(s.tag[1]);
      int rc = 0;
      if (!i.ok()) return i.status();
      if (!ToExitCode(s.tag[2], &rc)) return Bad("bad exit code");
      results_[*i] = ExecResult{rc, std::string(s.data), ""};
      continue;
    } else if (kind == "stat") {
      st = Stats(s);
    } else if (kind == "link") {
      st = Links(s);
    } else if (kind == "blob") {
      st = Blob(s);
    } else if (kind == "files" && s.data.empty()) {
      st = Files(s, out, &at);
    } else if (kind != "void") {
      return Bad("unknown tag");
    }
    if (!st.ok()) return st;
  }
  return Bad("no end marker");
}

Status Answers::Stderr(std::string_view err, const std::string& separator) {
  Result<size_t> start = Start(err, separator);
  if (!start.ok()) return start.status();
  size_t at = *start;
  Segment s;
  while (NextSegment(err, separator, &at, &s)) {
    if (s.tag[0] == "end") return Status::Ok();
    if (s.tag[0] != "e" || s.tag.size() != 2) return Bad("unknown stderr tag");
    Result<size_t> i = Index(s.tag[1]);
    if (!i.ok()) return i.status();
    results_[*i].stderr_data = std::string(s.data);
  }
  return Bad("no end marker on stderr");
}

}  // namespace

std::string NewAnswerMarker() {
  std::random_device random;
  std::string out;
  for (int i = 0; i < 6; ++i) out += fmt::format("{:08x}", random());
  return out;
}

ExecRequest StepsCommand(const std::vector<Step>& steps, const Become& become,
                         const std::string& marker) {
  ExecRequest request;
  request.argv = {"sh", "-c", kStepsScript, "sh"};
  // The first 32 digits frame the answer; the last 16 name the temp files
  // of writes, so that those names tell nothing about the marker.
  request.stdin_data = marker.substr(0, 32) + "\n" + marker.substr(32) + "\n";
  std::vector<std::string>& argv = request.argv;
  auto add_argv = [&](const std::vector<std::string>& command) {
    argv.push_back(std::to_string(command.size()));
    argv.insert(argv.end(), command.begin(), command.end());
  };
  for (const Step& step : steps) {
    switch (step.kind) {
      case Step::Kind::kRead:
        if (step.read.kind == RemoteRead::Kind::kExec) {
          argv.push_back(step.now ? "Q" : "x");
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

std::vector<Step> ReadSteps(const std::vector<RemoteRead>& reads) {
  std::vector<Step> steps;
  steps.reserve(reads.size());
  for (const RemoteRead& read : reads) steps.push_back(Step::Read(read));
  return steps;
}

std::vector<ReadResult> ReadAnswers(std::vector<StepResult> results) {
  std::vector<ReadResult> out;
  out.reserve(results.size());
  for (StepResult& r : results) out.push_back(std::move(r.read));
  return out;
}

Result<std::vector<StepResult>> ParseSteps(const std::vector<Step>& steps,
                                           const std::string& marker, const ExecResult& result,
                                           std::vector<size_t>* read_again) {
  if (result.exit_code != 0) {
    return Status::Error(fmt::format("the remote script failed: {}", ShellFailureReason(result)));
  }
  const std::string separator = "\n" + marker.substr(0, 32) + " ";
  Answers answers(steps);
  Status st = answers.Stdout(result.stdout_data, separator);
  if (st.ok()) st = answers.Stderr(result.stderr_data, separator);
  if (!st.ok()) return st;
  std::vector<ExecResult> parts = answers.Take();
  std::vector<StepResult> results(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    ExecResult& part = parts[i];
    StepResult& r = results[i];
    if (part.exit_code == kReadAgain) {
      if (read_again == nullptr) return Bad("blob size differs");
      read_again->push_back(i);
      continue;
    }
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
            if (info.ok())
              r.read.stat = *info;
            else
              r.read.status = info.status();
            break;
          }
          case RemoteRead::Kind::kReadFile: {
            Result<std::optional<std::string>> content = ParseReadFile(step.read.path, part);
            if (content.ok())
              r.read.content = *content;
            else
              r.read.status = content.status();
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

}  // namespace hostprep
