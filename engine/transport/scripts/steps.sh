#!/bin/sh
# The batch script (engine/transport/remote_steps.cc builds its arguments and
# reads its answer). Embedded at build time with its comment lines removed;
# checked by shellcheck (ctest shellcheck_scripts).
#
# Arguments: records, run in order:
#   s PATH                 stat (the single stat script's semantics)
#   r PATH                 read (the single read script's semantics)
#   x N ARGV...            a read-only query, stdin from /dev/null
#   S PATH, R PATH, Q N ARGV...
#                          stat, read, query, answered at once into the temp
#                          dir, for g to compare
#   g N A1 B1 ... AN BN    a guard: records A and B gave the same answers
#                          (exit code, stdout, stderr), for each of N pairs
#   X SIZE N ARGV...       a command; its stdin is the next SIZE bytes of ours
#   w SIZE PATH MODE OWNER GROUP N VALIDATE...
#                          an atomic write (ParseWriteFile's exit codes); the
#                          content is the next SIZE bytes of our stdin; a
#                          symlink at PATH is written through
#   W SIZE PATH ...        the same, but a symlink at PATH is replaced by
#                          the new file
# A failed change (X or w) or guard (g) stops the batch: later records are
# not run and get no answer.
#
# The answer, on stdout and stderr alike, is a run of segments
# DATA "\n" MARKER " " TAG "\n"; the first (TAG "start") drops whatever the
# login shell or sudo printed first, the last is TAG "end". Tags on stdout:
#   o I RC          DATA is record I's stdout, RC its exit code
#   stat I...       one `stat` for several records, one line each: the
#                   answer of an s record; for an r record, the size, inode
#                   and times its blob is checked against
#   link I...       one `readlink -z` for the symlinks among those: targets
#   blob I...       one `cat` of several r records: their contents back to
#                   back, each as long as its stat line says
#   void            DATA is to be ignored (the files changed while being
#                   read, or a batch tool failed): each record is answered
#                   again on its own in a later segment
#   files I RC...   (then no DATA but `wc -c` of I.o I.e... and their bytes)
#                   the records whose output waited in the temp dir
# and on stderr, `e I`: record I's stderr.
#
# Process starts are what a probe costs on the target. The stats and reads
# between two changes wait in a queue (flush): one `stat` answers every
# stat of an existing path and also records the state of every readable
# regular file, one `cat` reads all of those, and a second `stat` proves
# that none changed meanwhile (else each is read again on its own). That
# `stat` follows symlinks (-L) unless a stat asked about a symlink, whose
# own answer it must give; then a read through a symlink is made alone.
# Paths that do not exist, cannot be read or live in /proc or /sys (whose
# sizes lie) are answered one by one (one), exactly as the single scripts
# do, and with no process at all when there is no such entry in a
# directory that can be searched.
#
# A query `/bin/sh -c SCRIPT NAME ARGS...` (the modules' own probe
# scripts) runs in a subshell of this shell, which costs a fork but not the
# start of a new sh; the subshell first forgets this script's functions and
# variables (unset), so SCRIPT sees what a new sh would.
#
# An argv is expanded through eval of "${1}" "${2}"..., a path through P<N>
# and a validate argv through v1, v2..., so that no value is ever parsed as
# shell text. Each write runs in a subshell, so its exit and its trap are its
# own. `take` copies exactly SIZE bytes of stdin (head -c never reads ahead,
# and `read` takes the marker line a byte at a time) and checks that they
# came.
LC_ALL=C; export LC_ALL
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
      unset M N t F L i stop qs qr k n c j p r d l cl kl a z o e rc x wk
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
  w|W)
    wk=$k; flush
    n=$6
    if [ -z "$stop" ]; then
      tmp; F="$F $i"
      (
      z=$1; mode=$3; owner=$4; group=$5; nv=$6
      case $2 in /*) p=$2 ;; *) p=./$2 ;; esac
      shift 6
      nl=
      if [ "$wk" = W ]; then
        if [ -L "$p" ]; then nl=1; fi
      elif [ -L "$p" ]; then
        l=$(readlink -f -- "$p" && echo x) || l=
        case $l in /*x) p=${l%?x} ;; *) echo "cannot resolve the symlink $p" >&2; exit 1 ;; esac
      fi
      if [ -z "$nl" ] && [ -d "$p" ]; then echo 'is a directory' >&2; exit 21; fi
      d=${p%/*}; [ -n "$d" ] || d=/
      if [ ! -d "$d" ]; then echo "directory $d does not exist" >&2; exit 22; fi
      tmp=
      trap '[ -z "$tmp" ] || rm -f -- "$tmp"' EXIT
      umask 077; set -C; f=$d/.hostprep.$N.$i
      true >"$f" || exit 1
      set +C; tmp=$f
      head -c "$z" >>"$tmp" || exit 1
      if [ -z "$nl" ] && [ -e "$p" ]; then
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
        # shellcheck disable=SC2154 # v1 is set by the eval above
        err=$(eval "$c" 2>&1 </dev/null >/dev/null) || { rc=$?; [ -n "$err" ] || err="$v1 exited $rc"; printf '%s\n' "$err" >&2; exit 25; }
      fi
      sync -- "$tmp" 2>/dev/null || sync
      # -T: a link being replaced may point to a directory, never move into it.
      if [ "$wk" = W ]; then mv -fT -- "$tmp" "$p" || exit 1
      else mv -f -- "$tmp" "$p" || exit 1; fi
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
