#!/usr/bin/env bash
# Profiles the hostprep controller on the benchmark's workload (issue 5:
# "profile what stands between you and the targets"), and measures what the
# hosts spend on it.
#
#   bench/profile.sh [--hosts N] [--freq HZ]
#
# Starts N netns test hosts (default 50), puts them on the benchmark's clean
# slate, then runs, each once: the floor (`ssh true` to every host at once),
# hostprep's pre-stage first run and its unchanged re-run (--forks N), the two
# hostprep runs under `perf record --call-graph dwarf`. For each it records
# the wall time, the controller's CPU time (perf's task-clock), the machine's
# CPU time (`perf stat -a`: includes whatever else runs on the machine) and the
# hosts' CPU time: the user + system time of every host's sshd and all it
# started (the listener's own time plus its reaped children's, from
# /proc/PID/stat before and after), which is exact per run however loaded the
# machine is. Writes into $BENCH_PROFILE (default /var/tmp/hostprep-profile):
# summary.txt, {first,rerun}-self.txt and {first,rerun}-children.txt (perf
# report, top symbols by self and inclusive time), the perf.data files and
# the hostprep JSON logs. Never in git: perf.data files are large.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

n=50
freq=499
while (($#)); do
  case $1 in
    --hosts) n=${2:?--hosts needs a host count}; shift 2 ;;
    --freq) freq=${2:?--freq needs a sampling frequency in Hz}; shift 2 ;;
    -h | --help) sed -n 's/^#   \(bench\/profile.sh .*\)/usage: \1/p' "$0"; exit 0 ;;
    *) echo "profile: unknown argument '$1': use --hosts N or --freq HZ" >&2; exit 2 ;;
  esac
done
[[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 200)) ||
  { echo "profile: host count '$n' is not a number from 1 to 200: fix --hosts" >&2; exit 2; }
[[ $freq =~ ^[0-9]+$ ]] && ((freq >= 1)) ||
  { echo "profile: --freq '$freq' is not a positive number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "profile: the test hosts and perf need root: run it as root" >&2; exit 2; }
PERF=${PERF:-/usr/bin/perf}
[ -x "$PERF" ] || { echo "profile: no perf at $PERF: install linux-perf or set PERF" >&2; exit 2; }
HP=$root/build/hostprep
[ -x "$HP" ] || { echo "profile: no $HP: build it (ninja -C build hostprep)" >&2; exit 2; }

out=${BENCH_PROFILE:-/var/tmp/hostprep-profile}
mkdir -p "$out"
TH=$root/tests/hosts/testhosts
D=/var/tmp/hostprep-testhosts/${BENCH_HOSTS_NAME:-profile}-$n
work=$(mktemp -d /var/tmp/hostprep-profile.XXXXXX)
stat_pid=""  # the running `perf stat -a`, stopped on exit
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -z "$stat_pid" ] || kill -INT "$stat_pid" 2>/dev/null || true
  if [ -e "$D" ]; then
    TESTHOSTS_QUIET=1 "$TH" down "$D" >/dev/null 2>&1 ||
      echo "profile: could not tear down $D: run tests/hosts/testhosts down $D" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "profile: $*" >&2; exit 1; }

if [ -e "$D" ] && [ -n "$(ls -A "$D")" ]; then
  TESTHOSTS_QUIET=1 "$TH" down "$D" >/dev/null
fi
TESTHOSTS_QUIET=1 "$TH" up "$n" --dir "$D" >/dev/null || die "could not start $n test hosts"
ips=$(jq -r '.[] | select(.name | test("^node[0-9]+$")) | .ip' "$D/hosts.json")
sshd_pids=$(jq -r '.[] | select(.name | test("^node[0-9]+$")) | .sshd_pid' "$D/hosts.json")
inv=$work/inventory
mkdir -p "$inv"
bench/hostprep/make-inventory.sh "$D" "$n" "$inv"
reset_script=$(cat bench/hostprep/reset-host.sh)
seq 1 "$n" | xargs -P 8 -I{} "$TH" exec "$D" node{} sh -c "$reset_script" ||
  die "resetting the test hosts of $D failed"

# Seconds of CPU the hosts' sshds and everything they started have used:
# fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime), in ticks.
tck=$(getconf CLK_TCK)
hosts_cpu() {
  local p sum=0 f
  for p in $sshd_pids; do
    # The command name (field 2) has no spaces for sshd: split on spaces.
    read -r -a f <"/proc/$p/stat" || die "host sshd $p is gone"
    sum=$((sum + f[13] + f[14] + f[15] + f[16]))
  done
  awk -v s="$sum" -v t="$tck" 'BEGIN { printf "%.2f", s / t }'
}
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

floor() {
  local ip pids=() p failed=0
  for ip in $ips; do
    ssh -F none -i "$D/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
      -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$D/known_hosts" \
      -o KexAlgorithms=curve25519-sha256 -o ControlMaster=no -o ConnectTimeout=60 \
      "root@$ip" true 2>>"$out/floor.log" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  ((failed == 0)) || die "the floor: $failed of $n ssh connections failed (see $out/floor.log)"
}

hostprep_run() {
  local kind=$1
  local cmd=(env HOSTPREP_FACTS_CACHE="$work/facts" "$HP" run playbooks/kubespray-prestage.yml
    -i "$inv/inventory.ini" -c ssh --known-hosts "$D/known_hosts" --ssh-config none
    -e @tests/integration/testdata/prestage/netns-safe.yml --forks "$n" --output json)
  "$PERF" record -q --call-graph dwarf,16384 -F "$freq" -o "$out/$kind.perf.data" -- \
    "$PERF" stat -x, -e task-clock -o "$out/$kind.task-clock" -- "${cmd[@]}" \
    >"$out/hostprep-$kind.json" 2>"$out/hostprep-$kind.err" ||
    die "hostprep $kind run failed (see $out/hostprep-$kind.json, .err)"
  local want='.changed > 0'
  [ "$kind" = first ] || want='.changed == 0'
  jq -e -s --argjson n "$n" "[.[] | select(.event == \"recap\")][0].hosts | to_entries
      | map(select(.value.failed == 0 and .value.unreachable == 0 and (.value | $want)))
      | length == \$n" "$out/hostprep-$kind.json" >/dev/null ||
    die "hostprep $kind run: not every host ended as expected ($want)"
}

# Runs one measurement (floor, first or rerun) and prints its summary line.
measure() {
  local kind=$1 h0 h1 t0 t1 load machine ctl="-" rt="-"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  # The whole machine's CPU while it runs: perf stat -a until SIGINT.
  "$PERF" stat -a -x, -e task-clock -o "$work/machine" &
  stat_pid=$!
  sleep 1  # perf stat counts from when it is set up, not from its start
  h0=$(hosts_cpu)
  t0=$(now)
  if [ "$kind" = floor ]; then floor; else hostprep_run "$kind"; fi
  t1=$(now)
  kill -INT "$stat_pid"
  wait "$stat_pid" || true
  stat_pid=
  h1=$(hosts_cpu)
  machine=$(awk -F, '/task-clock/ { printf "%.2f", $1 / 1000 }' "$work/machine")
  if [ "$kind" != floor ]; then
    ctl=$(awk -F, '/task-clock/ { printf "%.2f", $1 / 1000 }' "$out/$kind.task-clock")
    rt=$(jq -s '[.[] | select(.event == "recap")][0].hosts | [.[].cost.round_trips] | add' \
      "$out/hostprep-$kind.json")
  fi
  printf '%-6s wall %6.2f s  controller CPU %6s s  hosts CPU %6.2f s (%.3f s per host)  machine CPU %7s s  round trips %s  load %s\n' \
    "$kind" "$(sub "$t0" "$t1")" "$ctl" "$(sub "$h0" "$h1")" \
    "$(awk -v c="$(sub "$h0" "$h1")" -v n="$n" 'BEGIN { print c / n }')" "$machine" "$rt" "$load"
}

rm -rf "$work/facts"
{
  echo "hosts: $n, perf sampling at $freq Hz (dwarf call graphs), $(nproc) cpus"
  echo "hostprep: engine at $(git log -1 --format=%h -- engine modules playbooks)"
  measure floor
  measure first
  measure rerun
} | tee "$out/summary.txt"

# The top symbols of the controller, by self time and by inclusive time (full
# reports first, then the head: a pipe closed by head would fail the script).
report() {
  local kind=$1 name=$2
  shift 2
  "$PERF" report -i "$out/$kind.perf.data" --stdio -g none "$@" >"$work/report" 2>/dev/null ||
    die "perf report of $out/$kind.perf.data failed"
  grep -v '^#' "$work/report" | grep -v '^$' | sed 's/ *$//' | cut -c1-200 | head -n 40 \
    >"$out/$kind-$name.txt" || true
}
for kind in first rerun; do
  report "$kind" self --no-children --sort dso,symbol
  report "$kind" children --children --sort symbol
  report "$kind" dso --no-children --sort dso
  report "$kind" comm --no-children --sort comm
done
echo "profile: results in $out (summary.txt, *-self.txt, *-children.txt, *-dso.txt, *-comm.txt, *.perf.data)"
