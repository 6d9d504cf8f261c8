#!/usr/bin/env bash
# The benchmark of issue 5: hostprep against the SSH floor and against Ansible,
# on netns SSH test hosts (tests/hosts/testhosts), for N hosts each.
#
#   bench/run.sh [--workload prestage|roles] [--hosts "10 50"] [--with-100] [--runs N] [--ansible-runs K] [--report]
#
# --workload: prestage (default) is Kubespray's node pre-stage; roles is the
# Ansible-shaped role project of tests/integration/testdata/role_project
# (roles, include_tasks by OS family, include_vars, set_fact, handlers, an
# argument spec), which both tools run as written but for the content
# writes (bench/roles/ansible: copy where hostprep uses file), with the
# facts gathered; its results go to bench/results-roles.
#
# For each N it starts N test hosts, then measures, interleaved, --runs times
# (default 3; Ansible only in the first K of them, default all, 0 for none:
# the floor and hostprep alone, for 100 or 200 hosts where one Ansible run
# takes many minutes): the floor (one fresh OpenSSH connection per host running
# `true`, all in parallel), hostprep's pre-stage first run and unchanged
# re-run (--forks N), and Ansible's equivalent playbook first run and re-run. It prints a
# table of medians and writes results.md, results.csv, samples.csv,
# machine.txt and bench.png into bench/results/ (BENCH_RESULTS=DIR to change);
# the logs of every run go to bench/results/raw/. --report only rewrites
# results.md and bench.png from the results.csv and machine.txt there.
# BENCH_HOSTS_NAME=NAME (default bench) names the test-host run dirs
# /var/tmp/hostprep-testhosts/NAME-N, so two benchmarks never share hosts. What
# each side does: bench/README.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() {
  echo "usage: $(sed -n '5p' "$0" | sed 's/^#   //')"
}

hosts_list="10 50"
workload=prestage
runs=3
ansible_runs=""
report_only=0
while (($#)); do
  case $1 in
    --workload) workload=${2:?--workload needs prestage or roles}; shift 2 ;;
    --hosts) hosts_list=${2:?--hosts needs a list of host counts, e.g. --hosts \"10 50\"}; shift 2 ;;
    --with-100) hosts_list="$hosts_list 100"; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --ansible-runs) ansible_runs=${2:?--ansible-runs needs a number}; shift 2 ;;
    --report) report_only=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench: unknown argument '$1': use --workload prestage|roles, --hosts \"10 50\", --with-100, --runs N, --ansible-runs K or --report" >&2; exit 2 ;;
  esac
done
[[ $workload == prestage || $workload == roles ]] ||
  { echo "bench: --workload '$workload' is not prestage or roles" >&2; exit 2; }
for n in $hosts_list; do
  [[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 200)) ||
    { echo "bench: host count '$n' is not a number from 1 to 200: fix --hosts" >&2; exit 2; }
done
[[ $runs =~ ^[0-9]+$ ]] && ((runs >= 1)) ||
  { echo "bench: --runs '$runs' is not a number of 1 or more" >&2; exit 2; }
ansible_runs=${ansible_runs:-$runs}
[[ $ansible_runs =~ ^[0-9]+$ ]] && ((ansible_runs <= runs)) ||
  { echo "bench: --ansible-runs '$ansible_runs' is not a number from 0 to --runs ($runs)" >&2; exit 2; }
hosts_name=${BENCH_HOSTS_NAME:-bench}
[[ $hosts_name =~ ^[A-Za-z0-9_.-]+$ ]] ||
  { echo "bench: BENCH_HOSTS_NAME '$hosts_name' must be a plain name (letters, digits, . _ -)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: the test hosts need root: run it as root" >&2; exit 2; }

# --- what it needs ------------------------------------------------------------
# Debian's packages, only the missing ones (as tests/setup.sh does), and
# hostprep itself when build/hostprep is missing.
install_missing() {
  local p missing=()
  local want=(gnuplot-nox openssh-client jq time procps iproute2 git)
  ((ansible_runs == 0)) || want+=(ansible)
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
if [ "$workload" = roles ]; then
  results=${BENCH_RESULTS:-$root/bench/results-roles}
else
  results=${BENCH_RESULTS:-$root/bench/results}
fi
# --- the report ---------------------------------------------------------------------
# results.md and bench.png from results.csv and machine.txt in $results.
write_report() {
  local csv=$results/results.csv runs_line
  runs_line=$(sed -n 's/^runs per measurement: //p' "$results/machine.txt")
  {
    echo "## Results"
    echo
    echo '```'
    cat "$results/machine.txt"
    echo '```'
    echo
    echo "Runs per measurement: $runs_line; medians, wall time in seconds. Ratios: hostprep re-run / floor, Ansible"
    echo "re-run / hostprep re-run, Ansible first / hostprep first. Peak RSS: the controller's"
    echo "largest process (/usr/bin/time %M), maximum over the runs; \"-\": not measured (--ansible-runs 0)."
    echo
    echo "| hosts | floor | hostprep first | hostprep re-run | Ansible first | Ansible re-run | re-run / floor | Ansible / hostprep re-run | Ansible / hostprep first | hostprep peak RSS | Ansible peak RSS | hostprep round trips per host (first, re-run) | load avg (start; end) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    tail -n +2 "$csv" | awk -F, '
      function num(v, f) { return v == "" || v == "n/a" ? "-" : sprintf(f, v) }
      { printf "| %s | %.2f | %.2f | %.2f | %s | %s | %sx | %s | %s | %s MiB | %s | %d, %d | %s; %s |\n",
        $1, $2, $3, $4, num($5, "%.1f"), num($6, "%.1f"), $7, num($8, "%sx"), num($9, "%sx"), $10,
        num($11, "%s MiB"), $12 / $1, $13 / $1, $20, $21 }'
    echo
    echo "The controller's own CPU time (user + system, /usr/bin/time; median over runs) against its"
    echo "wall time: the rest of the wall time it waits for the hosts."
    echo
    echo "| hosts | first run CPU | first run CPU / wall | re-run CPU | re-run CPU / wall |"
    echo "|---:|---:|---:|---:|---:|"
    tail -n +2 "$csv" | awk -F, '$22 != "" { printf "| %s | %.2f s | %.1f%% | %.2f s | %.1f%% |\n",
      $1, $22, 100 * $22 / $3, $23, 100 * $23 / $4 }'
    echo
    echo "Where hostprep's time goes: per-host means from the JSON recap's cost (median over runs)."
    echo
    echo "| hosts | re-run connect | re-run probe | re-run apply | first connect | first probe | first apply |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    tail -n +2 "$csv" | awk -F, '{ printf "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", $1, $14, $15, $16, $17, $18, $19 }'
  } >"$results/results.md"

  gnuplot -e "csv='$csv'; out='$results/bench.png'" "$root/bench/plot.gp" ||
    echo "bench: gnuplot could not draw $results/bench.png" >&2

  cat "$results/results.md"
}

if ((report_only)); then
  [ -f "$results/results.csv" ] && [ -f "$results/machine.txt" ] ||
    { echo "bench: --report needs results.csv and machine.txt in $results: run the benchmark first" >&2; exit 2; }
  write_report
  exit 0
fi

install_missing
HP=$root/build/hostprep
[ -x "$HP" ] || tests/setup.sh

TH=$root/tests/hosts/testhosts
raw=$results/raw
rm -rf "$raw"
mkdir -p "$raw"
work=$(mktemp -d /var/tmp/hostprep-bench.XXXXXX)
D=""         # the current test-host run dir, torn down on exit

# Closes the ssh control masters Ansible leaves (ControlPersist), by socket.
close_masters() {
  local s
  for s in "$work"/cp.*/*; do
    [ -S "$s" ] && ssh -O exit -o ControlPath="$s" bench-host >/dev/null 2>&1 || true
  done
  rm -rf "$work"/cp.*
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  close_masters
  if [ -n "$D" ] && [ -e "$D" ]; then
    TESTHOSTS_QUIET=1 "$TH" down "$D" >/dev/null 2>&1 ||
      echo "bench: could not tear down $D: run tests/hosts/testhosts down $D" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ------------------------------------------------------------------
# Every side's ssh connect timeout, as bench/ansible/ansible.cfg's `timeout`.
# hostprep's default (10 s) is too short here at 200 hosts: the hosts that
# connected first start their tasks' shells on the same 2 cores, and a key
# exchange still waiting behind them took up to 18 s (one host of 200 timed out).
connect_timeout=30
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# median and maximum print nothing for no values (Ansible under --ansible-runs 0).
median() { (($#)) || return 0; printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
  if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maximum() { (($#)) || return 0; printf '%s\n' "$@" | sort -g | tail -n1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.1f", a / b; else print "n/a" }'; }
mib() { [ -z "$1" ] || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# The controller's peak RSS in KiB and CPU seconds (user + system) from the
# /usr/bin/time -f "$time_format" file FILE, as "RSS CPU".
time_format="%M %U %S"
rss_cpu() { awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$1"; }
die() { echo "bench: $*" >&2; exit 1; }

if [ "$workload" = roles ]; then
  reset_script="rm -rf /etc/hprole"
  # What ansible-playbook runs: the role project with bench/roles/ansible over it.
  ansible_project=$work/ansible-roles
  cp -r "$root/tests/integration/testdata/role_project" "$ansible_project"
  cp -r "$root/bench/roles/ansible/." "$ansible_project/"
else
  reset_script=$(cat "$root/bench/hostprep/reset-host.sh")
fi
# Every node back on the clean slate, 8 at a time.
reset_hosts() {
  seq 1 "$n" | xargs -P 8 -I{} "$TH" exec "$D" node{} sh -c "$reset_script" ||
    die "resetting the test hosts of $D failed"
}

# The floor: one fresh connection per host running `true`, all at once, with
# the key exchange libssh 0.10 negotiates with these servers (hostprep's).
floor_once() {
  local ip pids=() failed=0 p
  local ssh_opts=(-F none -i "$D/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$D/known_hosts"
    -o KexAlgorithms=curve25519-sha256 -o ControlMaster=no -o ConnectTimeout="$connect_timeout")
  for ip in $ips; do
    ssh "${ssh_opts[@]}" "root@$ip" true 2>>"$raw/floor-$n.log" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  ((failed == 0)) || die "the floor: $failed of $n ssh connections failed (see $raw/floor-$n.log)"
}

# One hostprep run (KIND first or rerun), its JSON events in $log; checks the
# recap: every host ok, something changed on every host on a first run and
# nothing on a re-run.
hostprep_once() {
  local kind=$1 log=$2 rc=0
  local what=(playbooks/kubespray-prestage.yml -i "$inv/inventory.ini"
    -e @tests/integration/testdata/prestage/netns-safe.yml)
  [ "$workload" = prestage ] ||
    what=(tests/integration/testdata/role_project/site.yml -i "$inv/nodes.ini")
  /usr/bin/time -f "$time_format" -o "$log.rss" env HOSTPREP_FACTS_CACHE="$work/facts-$n" \
    "$HP" run "${what[@]}" -c ssh --known-hosts "$D/known_hosts" --ssh-config none \
    --timeout "$connect_timeout" --forks "$n" --output json >"$log" 2>"$log.err" || rc=$?
  ((rc == 0)) || die "hostprep $kind run exited $rc (see $log, $log.err)"
  local want='.changed > 0'
  [ "$kind" = first ] || want='.changed == 0'
  jq -e -s --argjson n "$n" "[.[] | select(.event == \"recap\")][0].hosts | to_entries
      | map(select(.value.failed == 0 and .value.unreachable == 0 and (.value | $want)))
      | length == \$n" "$log" >/dev/null ||
    die "hostprep $kind run: not every host ended as expected ($want, see $log)"
}

# The recap's round trips (sum over hosts) and per-host mean connect, probe,
# apply seconds, as "RT CONNECT PROBE APPLY".
hostprep_cost() {
  jq -r -s '[.[] | select(.event == "recap")][0].hosts | [.[].cost] as $c | ($c | length) as $k
      | "\($c | map(.round_trips) | add) \($c | map(.connect_seconds) | add / $k)"
        + " \($c | map(.probe_seconds) | add / $k) \($c | map(.apply_seconds) | add / $k)"' "$1"
}

# One ansible-playbook run (KIND first or rerun) of bench/ansible/prestage.yml
# (or the role project, gathering facts as a play does by default), forks =
# N, with fresh ssh connections; checks the recap like hostprep_once.
ansible_once() {
  local kind=$1 log=$2 rc=0 cp
  local what=(-i "$inv/inventory.ini" bench/ansible/prestage.yml) gathering=explicit
  if [ "$workload" = roles ]; then
    what=(-i "$inv/nodes.ini" "$ansible_project/site.yml")
    gathering=implicit
  fi
  cp=$(mktemp -d "$work/cp.XXXX")
  /usr/bin/time -f "$time_format" -o "$log.rss" env ANSIBLE_CONFIG="$root/bench/ansible/ansible.cfg" \
    ANSIBLE_GATHERING="$gathering" \
    ANSIBLE_HOME="$work/ansible-home" ANSIBLE_LOCAL_TEMP="$work/ansible-tmp" ANSIBLE_NOCOLOR=1 \
    ANSIBLE_SSH_CONTROL_PATH_DIR="$cp" \
    ANSIBLE_SSH_COMMON_ARGS="-o UserKnownHostsFile=$D/known_hosts -o StrictHostKeyChecking=yes -o KexAlgorithms=curve25519-sha256 -o BatchMode=yes" \
    ansible-playbook "${what[@]}" -f "$n" \
    >"$log" 2>&1 || rc=$?
  close_masters
  ((rc == 0)) || die "ansible $kind run exited $rc (see $log)"
  local ok
  if [ "$kind" = first ]; then
    ok=$(grep -cE '^node[0-9]+ +: ok=[0-9]+ +changed=[1-9][0-9]* +unreachable=0 +failed=0 ' "$log" || true)
  else
    ok=$(grep -cE '^node[0-9]+ +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 ' "$log" || true)
  fi
  ((ok == n)) || die "ansible $kind run: $ok of $n hosts ended as expected (see $log)"
}

# Runs "$@" and prints its wall time in seconds.
timed() {
  local t0 t1
  t0=$(now)
  "$@"
  t1=$(now)
  elapsed "$t0" "$t1"
}

# --- the machine -----------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "workload: $workload"
  echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "hostprep: engine at $(git -C "$root" log -1 --format=%h -- engine modules playbooks CMakeLists.txt)$(git -C "$root" diff --quiet HEAD -- engine modules playbooks || echo ' (with uncommitted changes)'), $(dpkg-query -W -f='libssh ${Version}' libssh-4)"
  echo "openssh: $(ssh -V 2>&1)"
  if ((ansible_runs > 0)); then
    echo "ansible: $(ansible --version 2>/dev/null | sed -n 1p), Debian ansible $(dpkg-query -W -f='${Version}' ansible)"
  else
    echo "ansible: not run (--ansible-runs 0)"
  fi
  echo "runs per measurement: $runs (Ansible: $ansible_runs)"
} >"$results/machine.txt"
cat "$results/machine.txt"

csv=$results/results.csv
samples=$results/samples.csv
echo "hosts,floor_s,hostprep_first_s,hostprep_rerun_s,ansible_first_s,ansible_rerun_s,hostprep_rerun_over_floor,ansible_rerun_over_hostprep_rerun,ansible_first_over_hostprep_first,hostprep_peak_rss_mib,ansible_peak_rss_mib,hostprep_round_trips_first,hostprep_round_trips_rerun,rerun_connect_s,rerun_probe_s,rerun_apply_s,first_connect_s,first_probe_s,first_apply_s,load_start,load_end,hostprep_first_cpu_s,hostprep_rerun_cpu_s" >"$csv"
echo "hosts,run,measure,seconds,peak_rss_kib,round_trips,connect_s,probe_s,apply_s,cpu_s,load1" >"$samples"
load1() { cut -d' ' -f1 /proc/loadavg; }

# --- the runs ---------------------------------------------------------------------
for n in $hosts_list; do
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== $n hosts (load average $load_start)" >&2
  D=/var/tmp/hostprep-testhosts/$hosts_name-$n
  if [ -e "$D" ] && [ -n "$(ls -A "$D")" ]; then
    echo "bench: tearing down the leftover $D" >&2
    TESTHOSTS_QUIET=1 "$TH" down "$D" >/dev/null
  fi
  TESTHOSTS_QUIET=1 "$TH" up "$n" --dir "$D" >/dev/null || die "could not start $n test hosts"
  ips=$(jq -r '.[] | select(.name | test("^node[0-9]+$")) | .ip' "$D/hosts.json")
  inv=$work/inventory-$n
  mkdir -p "$inv"
  bench/hostprep/make-inventory.sh "$D" "$n" "$inv"
  # The role project's group: the nodes alone, as the harness lists them
  # (its bastion group would route every hostprep connection through the
  # bastion, Kubespray's convention, which Ansible does not follow).
  { echo "[nodes]"; grep -E '^node[0-9]+ ' "$D/inventory.ini"; } >"$inv/nodes.ini"

  floor=() hp_first=() hp_rerun=() an_first=() an_rerun=() hp_rss=() an_rss=()
  rt_first=() rt_rerun=() cost_first=() cost_rerun=() cpu_first=() cpu_rerun=()
  for r in $(seq 1 "$runs"); do
    echo "   run $r/$runs: floor" >&2
    s=$(timed floor_once)
    floor+=("$s")
    echo "$n,$r,floor,$s,,,,,,$(load1)" >>"$samples"
    echo "     floor: ${s}s (load $(load1))" >&2

    echo "   run $r/$runs: hostprep first run, re-run" >&2
    reset_hosts
    rm -rf "$work/facts-$n"
    for kind in first rerun; do
      log=$raw/hostprep-$n-$r-$kind.json
      s=$(timed hostprep_once "$kind" "$log")
      read -r rt c p a < <(hostprep_cost "$log")
      read -r rss cpu < <(rss_cpu "$log.rss")
      hp_rss+=("$rss")
      if [ "$kind" = first ]; then hp_first+=("$s") rt_first+=("$rt") cost_first+=("$c $p $a") cpu_first+=("$cpu")
      else hp_rerun+=("$s") rt_rerun+=("$rt") cost_rerun+=("$c $p $a") cpu_rerun+=("$cpu"); fi
      echo "$n,$r,hostprep_$kind,$s,$rss,$rt,$c,$p,$a,$cpu,$(load1)" >>"$samples"
      echo "     hostprep $kind: ${s}s, peak RSS $(mib "$rss") MiB, CPU ${cpu}s, $((rt / n)) round trips per host (load $(load1))" >&2
    done

    ((r <= ansible_runs)) || continue
    echo "   run $r/$runs: ansible first run, re-run" >&2
    reset_hosts
    for kind in first rerun; do
      log=$raw/ansible-$n-$r-$kind.log
      s=$(timed ansible_once "$kind" "$log")
      read -r rss cpu < <(rss_cpu "$log.rss")
      an_rss+=("$rss")
      if [ "$kind" = first ]; then an_first+=("$s"); else an_rerun+=("$s"); fi
      echo "$n,$r,ansible_$kind,$s,$rss,,,,,$cpu,$(load1)" >>"$samples"
      echo "     ansible $kind: ${s}s" >&2
    done
  done

  f=$(median "${floor[@]}") hf=$(median "${hp_first[@]}") hr=$(median "${hp_rerun[@]}")
  af=$(median "${an_first[@]}") ar=$(median "${an_rerun[@]}")
  col() { local i=$1; shift; printf '%s\n' "$@" | awk -v i="$i" '{ print $i }'; }
  echo "$n,$f,$hf,$hr,$af,$ar,$(ratio "$hr" "$f"),$(ratio "$ar" "$hr"),$(ratio "$af" "$hf"),$(mib "$(maximum "${hp_rss[@]}")"),$(mib "$(maximum "${an_rss[@]}")"),$(printf %.0f "$(median "${rt_first[@]}")"),$(printf %.0f "$(median "${rt_rerun[@]}")"),$(median $(col 1 "${cost_rerun[@]}")),$(median $(col 2 "${cost_rerun[@]}")),$(median $(col 3 "${cost_rerun[@]}")),$(median $(col 1 "${cost_first[@]}")),$(median $(col 2 "${cost_first[@]}")),$(median $(col 3 "${cost_first[@]}")),$load_start,$(cut -d' ' -f1-3 /proc/loadavg),$(median "${cpu_first[@]}"),$(median "${cpu_rerun[@]}")" >>"$csv"

  TESTHOSTS_QUIET=1 "$TH" down "$D" >/dev/null || die "could not tear down $D"
  D=""
done

write_report
echo
echo "bench: results in $results (results.md, results.csv, samples.csv, machine.txt, bench.png)"
