#!/bin/sh
# Used by modules/wait_for.cc (ansible.builtin.wait_for), read-only: it
# looks at ports, paths and /proc/net/tcp and changes nothing.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments, all data (never spliced into shell text):
#   MODE      once: look once, print "ok" or "notyet"; wait: as Ansible's
#             module, delay, then poll until the condition holds or TIMEOUT
#   KIND      port, path, drained or sleep
#   STATE     started/present, stopped/absent, drained
#   TIMEOUT DELAY SLEEP CONNECT_TIMEOUT (whole seconds)
#   HOST PORT PATH
#   REGEX     a Perl-compatible pattern ("" = none), searched over the whole
#             file (or what the port sends) with ^ and $ at line breaks
#   STATES    the /proc/net/tcp state codes that count as active (01 06 ...)
#   HOSTS     the hex addresses drained counts (/proc/net/tcp's spelling)
#   EXCLUDE   the hex remote addresses drained does not count
# Prints one line "RESULT ELAPSED [MESSAGE]", RESULT one of ok, notyet,
# timeout, error. After "ok" for a path: "stat LINE" (stat -c '%u %g %U %G
# %a %h %s %F', when the path exists) or "nostat", then with REGEX the
# text of its first match in the file (the module takes the groups from it:
# the file itself, a log maybe, does not travel).
mode=$1 kind=$2 state=$3 timeout=$4 delay=$5 pause=$6 connect=$7
host=$8 port=$9
shift 9
path=$1 regex=$2 states=$3 hosts=$4 exclude=$5
LC_ALL=C
export LC_ALL

now() { date +%s%N; }
start=$(now)
elapsed() { echo $(( ($(now) - start) / 1000000000 )); }
remaining() { echo $(( (start + timeout * 1000000000 - $(now) + 999999999) / 1000000000 )); }

# Whether a TCP connection to HOST:PORT opens within $1 seconds.
connects() {
  timeout "$1" bash -c 'exec 3<>"/dev/tcp/$1/$2"' bash "$host" "$port" 2>/dev/null
}

# Whether what HOST:PORT sends matches REGEX within $1 seconds.
sends_match() {
  timeout "$1" bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 2
    data=
    while IFS= read -r line <&3 || [ -n "$line" ]; do
      data="$data$line
"
      if printf "%s" "$data" | grep -Pzqa -- "(?m)$3"; then exit 0; fi
      line=
    done
    exit 1' bash "$host" "$port" "$regex" 2>/dev/null
}

# The active connections on PORT whose local address is one of HOSTS and
# whose remote one is none of EXCLUDE.
active() {
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -f "$f" ] && cat "$f"
  done | awk -v port="$(printf '%04X' "$port")" -v states="$states" \
    -v hosts="$hosts" -v exclude="$exclude" '
    BEGIN {
      n = split(states, s, " "); for (i = 1; i <= n; i++) st[s[i]] = 1
      n = split(hosts, h, " "); for (i = 1; i <= n; i++) mine[h[i]] = 1
      n = split(exclude, x, " "); for (i = 1; i <= n; i++) skip[x[i]] = 1
      count = 0
    }
    $2 == "local_address" { next }
    {
      if (!($4 in st)) next
      split($2, l, ":"); split($3, r, ":")
      if (l[2] != port || (r[1] in skip)) next
      any = length(l[1]) == 8 ? "00000000" : "00000000000000000000000000000000"
      if ((l[1] in mine) || (any in mine) ||
          (substr(l[1], 1, 24) == "0000000000000000FFFF0000" &&
           ("0000000000000000FFFF000000000000" in mine))) count++
    }
    END { print count }'
}

# 0: the condition holds; 1: not yet; 2: an error, told on stdout.
check() {
  case $kind in
    port)
      if [ "$state" = started ] || [ "$state" = present ]; then
        left=$(remaining)
        [ "$left" -gt "$connect" ] && left=$connect
        [ "$left" -lt 1 ] && left=1
        if [ -n "$regex" ]; then sends_match "$left"; else connects "$left"; fi
        [ $? -eq 0 ] && return 0
        return 1
      fi
      connects "$connect" && return 1
      return 0 ;;
    path)
      if [ "$state" = absent ]; then
        [ -e "$path" ] && return 1
        return 0
      fi
      if ! err=$(stat -L -- "$path" 2>&1 >/dev/null); then
        case $err in
          *'No such file or directory') return 1 ;;
        esac
        echo "${err##*: }"
        return 2
      fi
      [ -z "$regex" ] && return 0
      [ -r "$path" ] || return 1
      grep -Pzqa -- "(?m)$regex" "$path" 2>/dev/null && return 0
      return 1 ;;
    drained)
      [ "$(active)" -eq 0 ] && return 0
      return 1 ;;
  esac
  return 1
}

report_ok() {
  echo "ok $(elapsed)"
  if [ "$kind" = path ]; then
    if [ -e "$path" ]; then
      echo "stat $(stat -c '%u %g %U %G %a %h %s %F' -- "$path")"
    else
      echo nostat
    fi
    if [ -n "$regex" ] && [ "$state" != absent ]; then
      grep -Pzoa -m 1 -- "(?m)$regex" "$path" 2>/dev/null | head -z -n 1 | tr -d '\000'
    fi
  fi
  exit 0
}

if [ "$mode" = once ]; then
  why=$(check)
  case $? in
    0) report_ok ;;
    2) echo "error $(elapsed) $why" ;;
    *) echo "notyet $(elapsed)" ;;
  esac
  exit 0
fi

[ "$delay" -gt 0 ] && sleep "$delay"
if [ "$kind" = sleep ]; then
  sleep "$timeout"
  echo "ok $(elapsed)"
  exit 0
fi
while [ "$(now)" -lt $(( start + timeout * 1000000000 )) ]; do
  why=$(check)
  case $? in
    0) report_ok ;;
    2) echo "error $(elapsed) $why"; exit 0 ;;
  esac
  sleep "$pause"
done
echo "timeout $(elapsed)"
