#!/bin/sh
# The facts script (engine/run/facts.cc parses what it prints).
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints key=value lines. Every probe tolerates a missing tool or file so that
# a minimal host (busybox, no iproute2, no timeout, no /proc) still answers.
#
# The script runs on every host on every run, and on a re-run it is most of
# the target's work: starting a process costs far more than the shell's own
# builtins, so it reads files with `read` and starts a program only where no
# file holds the answer. On a current Linux with its name in /etc/hosts and
# no default route it starts none; with a default route it starts one `ip`.
# Every shortcut falls back to the program that answered before, so each fact
# has the value it had when the script ran uname, hostname -f, id and ip.
# POSIX sh only (dash, busybox ash, bash as sh); no `local`, no $'...'.
# uname(2) answers from the UTS namespace that /proc/sys/kernel shows,
# except under a personality: linux32 rewrites the machine (i686), uname26
# the release. So /proc only with the plain personality 00000000; older
# kernels have no /proc/sys/kernel/arch and still run `uname -m`.

if [ -r /etc/os-release ]; then . /etc/os-release; fi
echo "id=${ID:-}"
echo "id_like=${ID_LIKE:-}"
echo "version_id=${VERSION_ID:-}"
echo "codename=${VERSION_CODENAME:-}"
lower=abcdefghijklmnopqrstuvwxyz; upper=ABCDEFGHIJKLMNOPQRSTUVWXYZ; digits=0123456789
pers=; kernel=; arch=; node=
if [ -r /proc/self/personality ]; then read -r pers < /proc/self/personality; fi
if [ "$pers" = 00000000 ]; then
  if [ -r /proc/sys/kernel/osrelease ]; then read -r kernel < /proc/sys/kernel/osrelease; fi
  if [ -r /proc/sys/kernel/arch ]; then read -r arch < /proc/sys/kernel/arch; fi
fi
if [ -r /proc/sys/kernel/hostname ]; then read -r node < /proc/sys/kernel/hostname; fi
kernel=${kernel:-$(uname -r)}; arch=${arch:-$(uname -m)}; node=${node:-$(uname -n)}
echo "kernel=$kernel"
echo "arch=$arch"
echo "hostname=$node"
# hostname -f prints the canonical name NSS gives for the host name, and
# may ask DNS: on an air-gapped host with an unreachable resolver that
# would stall every run, hence the 2 s bound. When NSS asks /etc/hosts
# first and the name is there, the answer is the first name of the first
# line naming it (glibc 2.36, measured: comments cut at '#', names matched
# without case, lines with a bad address skipped, the last of several
# hosts: lines obeyed). The shell reads that line itself when it can
# judge it the same way, and leaves to hostname -f: no single hosts:
# line starting with plain `files` (none: musl, or glibc's DNS-first
# default), an upper-case or odd name that could match, a matching line whose address
# is not a plain dotted quad (an IPv6 line answers getaddrinfo but not
# busybox's gethostbyname), no match within the first 64 lines. Without
# hostname, the answer was and is the host name.

is_ipv4() {
  case "$1" in ''|*[!$digits.]*|*..*|.*|*.) return 1 ;; esac
  rest=$1; count=0
  while :; do
    octet=${rest%%.*}
    case "$octet" in 0|[1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5]) ;; *) return 1 ;; esac
    count=$((count + 1))
    if [ "$rest" = "$octet" ]; then break; fi
    rest=${rest#*.}
  done
  [ $count -eq 4 ]
}
fqdn=; files_first=
if command -v hostname >/dev/null 2>&1; then
  case "$node" in ''|*[!$lower$digits._-]*) ;; *)
    if [ -r /etc/nsswitch.conf ] && [ -r /etc/hosts ]; then
      while read -r db src next _; do
        if [ "$db" = hosts: ]; then
          case "$files_first$src $next" in "files ["*) files_first=x ;; "files "*) files_first=1 ;; *) files_first=x ;; esac
        fi
      done < /etc/nsswitch.conf
    fi ;;
  esac
  if [ "$files_first" = 1 ]; then
    lines=0; set -f
    while read -r line; do
      lines=$((lines + 1)); if [ $lines -gt 64 ]; then break; fi
      set -- ${line%%#*}
      if [ $# -lt 2 ]; then continue; fi
      addr=$1; shift; hit=; odd=
      for name; do
        case "$name" in
          "$node") hit=1 ;;
          *[!$lower$upper$digits._-]*) odd=1 ;;
          *[$upper]*) if [ ${#name} -eq ${#node} ]; then odd=1; fi ;;
        esac
      done
      if [ -n "$odd" ]; then break; fi
      if [ -n "$hit" ]; then
        if is_ipv4 "$addr"; then fqdn=$1; fi
        break
      fi
    done < /etc/hosts
    set +f
  fi
  if [ -z "$fqdn" ]; then
    if command -v timeout >/dev/null 2>&1; then
      fqdn=$(timeout 2 hostname -f 2>/dev/null) || fqdn=${fqdn:-$node}
    else
      fqdn=$(hostname -f 2>/dev/null) || fqdn=${fqdn:-$node}
    fi
  fi
else
  fqdn=$node
fi
echo "fqdn=$fqdn"
# `id -u` prints the effective uid: the second number of Uid: in the
# shell's own /proc/self/status (the shell opens the file for `read`).

uid=${SUDO_UID:-}
if [ -z "$uid" ] && [ -r /proc/self/status ]; then
  while read -r key _ euid _; do
    if [ "$key" = Uid: ]; then uid=$euid; break; fi
  done < /proc/self/status
fi
echo "uid=${uid:-$(id -u)}"

while read -r key value _; do
  case "$key" in
    MemTotal:) echo "memtotal_kb=$value" ;;
    SwapTotal:) echo "swaptotal_kb=$value"; break ;;
  esac
done < /proc/meminfo
for m in apt-get dnf yum zypper apk pacman; do
  if command -v "$m" >/dev/null 2>&1; then echo "pkg=$m"; break; fi
done
if [ -d /run/systemd/system ]; then echo "svc=systemd"; elif command -v rc-service >/dev/null 2>&1; then echo "svc=openrc"; else echo "svc=service"; fi
# The default route and its interface's first IPv4 address, as
# `ip -4 route show default | head -n 1` and `ip -4 -o addr show dev DEV`
# give them. /proc/net/route lists the main table in key order, default
# routes (destination and mask 00000000, in either byte order) first:
# without one, ip would print no route, so it is not started. Otherwise
# one `ip -batch` answers both questions; an ip without -batch (busybox)
# is asked twice as before.

if command -v ip >/dev/null 2>&1; then
  routed=1
  if [ -r /proc/net/route ]; then
    routed=
    while read -r _ dest _ _ _ _ _ mask _; do
      case "$dest" in
        Destination) ;;
        00000000) if [ "$mask" = 00000000 ]; then routed=1; break; fi ;;
        *) break ;;
      esac
    done < /proc/net/route
  fi
  gw=; dev=; address=
  set -f
  if [ -z "$routed" ]; then
    :
  elif out=$(ip -4 -batch - 2>/dev/null <<'IP'
route show default
addr show
IP
); then
    first=1; ours=
    while read -r line; do
      set -- $line
      case "$1" in
        [$digits]*:)
          first=
          if [ -n "$ours" ]; then break; fi
          case "$2" in "$dev:"|"$dev@"*) if [ -n "$dev" ]; then ours=1; fi ;; esac ;;
        inet) if [ -n "$ours" ]; then address=${2%%/*}; break; fi ;;
        *)
          if [ -n "$first" ]; then
            first=
            while [ $# -gt 0 ]; do
              case "$1" in via) gw="$2"; shift ;; dev) dev="$2"; shift ;; esac
              shift
            done
          fi ;;
      esac
    done <<EOF
$out
EOF
  else
    # shellcheck disable=SC2046 # split into words on purpose: the route's fields
    set -- $(ip -4 route show default 2>/dev/null | head -n 1)
    while [ $# -gt 0 ]; do
      case "$1" in via) gw="$2"; shift ;; dev) dev="$2"; shift ;; esac
      shift
    done
    if [ -n "$dev" ]; then
      # shellcheck disable=SC2046 # split into words on purpose: the address's fields
      set -- $(ip -4 -o addr show dev "$dev" 2>/dev/null | head -n 1)
      address=${4%%/*}
    fi
  fi
  set +f
  echo "gateway=$gw"
  echo "interface=$dev"
  if [ -n "$dev" ]; then echo "address=$address"; fi
fi
echo "end=hostprep-facts"
