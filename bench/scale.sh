#!/usr/bin/env bash
# The controller at fleet scale: hostprep_scale_bench (bench/scale/scale_bench.cc)
# runs the role project of tests/integration/testdata/role_project on simulated
# hosts that replay a recorded host's answers after an injected latency, and
# reports wall and CPU time, peak RSS, threads and file descriptors. Writes
# bench/results-scale/results.md and results.csv (or under $BENCH_RESULTS).
# Usage: bench/scale.sh [--hosts "1000 10000"] [--forks "256 1000"] [--latency-ms 20]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
hosts="1000 10000"
forks="256 1000"
latency=20
while (($#)); do
  case $1 in
    --hosts) hosts=$2; shift 2 ;;
    --forks) forks=$2; shift 2 ;;
    --latency-ms) latency=$2; shift 2 ;;
    *) echo "usage: bench/scale.sh [--hosts LIST] [--forks LIST] [--latency-ms N]" >&2; exit 2 ;;
  esac
done
out=${BENCH_RESULTS:-$root/bench/results-scale}
bench=$root/build/hostprep_scale_bench
[ -x "$bench" ] || "$root/tests/setup.sh" "$root/build"
mkdir -p "$out"
csv=$out/results.csv
echo "hosts,forks,latency_ms,phase,wall_s,cpu_s,cpu_ms_per_host,peak_rss_mib,peak_threads,peak_fds,round_trips_per_host" >"$csv"
for n in $hosts; do
  for f in $forks; do
    for phase in rerun first; do
      echo "scale: $n hosts, --forks $f, $latency ms, $phase run" >&2
      json=$("$bench" --hosts "$n" --forks "$f" --latency-ms "$latency" --phase "$phase" \
        --var node_label=fleet)
      jq -r '[.hosts, .forks, .latency_ms, .phase, (.wall_s*100|round/100), (.cpu_s*100|round/100),
              (.cpu_ms_per_host*100|round/100), (.peak_rss_mib|round), .peak_threads, .peak_fds,
              .round_trips_per_host] | @csv' <<<"$json" | tr -d '"' >>"$csv"
    done
  done
done
{
  echo "## The controller at scale"
  echo
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); hostprep $(git -C "$root" describe --always --dirty);"
  echo "cpus: $(nproc); simulated hosts replaying a recorded host with $latency ms per round trip"
  echo "(bench/scale/scale_bench.cc). CPU is the controller's user + system time; RSS its peak."
  echo
  echo "| hosts | forks | run | wall s | CPU s | CPU ms per host | peak RSS MiB | peak threads | peak fds | round trips per host |"
  echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  tail -n +2 "$csv" | while IFS=, read -r h f _ p w c cph rss th fd rt; do
    echo "| $h | $f | $p | $w | $c | $cph | $rss | $th | $fd | $rt |"
  done
} >"$out/results.md"
cat "$out/results.md"
