#!/usr/bin/env bash
# Builds the libFuzzer harnesses (a clang build tree of their own, with ASan
# and UBSan) and runs each for SECONDS from the seed corpus in
# tests/fuzz/corpus/<target>/, with its dictionary. New inputs go to a scratch
# corpus outside the source tree, removed at the end. Prints, per target, the
# executions, the corpus size and the seconds it ran; exits non-zero when any
# target found a crash, a hang (-timeout), a memory blowup (-rss_limit_mb), a
# leak or a sanitizer report, and prints where the reproducer was written.
#
# Usage: tests/fuzz/run.sh [--build-dir DIR] [--fixed] [SECONDS] [TARGET...]
#   --fixed   the test suite's mode: seed 1 and a fixed number of inputs per
#             target (what SECONDS gave on a 2-core machine), bounded by twice
#             SECONDS. Not fully repeatable: libFuzzer reads the seed corpus
#             in directory order, so two checkouts can try different inputs
#   SECONDS   per target (default 30)
#   TARGET    playbook ini_inventory yaml_inventory dynamic_inventory
#             template ssh_config batch_answer (default: all of them)
#   DIR       the fuzz build tree (default: build-fuzz/ beside build/);
#             reproducers land in DIR/crashes/TARGET/
# See tests/fuzz/README.md for longer runs and for turning a crash into a test.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$root/build-fuzz
if [ "${1:-}" = --build-dir ]; then
  [ $# -ge 2 ] || { echo "usage: $0 [--build-dir DIR] [SECONDS] [TARGET...]" >&2; exit 2; }
  build_dir=$2
  shift 2
fi
fixed=
if [ "${1:-}" = --fixed ]; then
  fixed=1
  shift
fi
seconds=${1:-30}
case $seconds in
  '' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
[ $# -eq 0 ] || shift
all_targets=(playbook ini_inventory yaml_inventory dynamic_inventory template ssh_config
  batch_answer facts_output)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  case " ${all_targets[*]} " in
    *" $t "*) ;;
    *) echo "run.sh: no fuzz target '$t' (targets: ${all_targets[*]})" >&2; exit 2 ;;
  esac
done

# --fixed: inputs per target for 30 s here (2 cores, ASan+UBSan), scaled to
# SECONDS. Measured executions in 30 s: playbook 20-26k, ini_inventory
# 14-39k, yaml_inventory 33-45k, dynamic_inventory 187-205k, template 34-42k,
# ssh_config 80-87k, batch_answer 480-594k, facts_output 5k (the machine busy).
runs_of() {
  local per30
  case $1 in
    playbook) per30=20000 ;;
    ini_inventory) per30=14000 ;;
    yaml_inventory) per30=30000 ;;
    dynamic_inventory) per30=180000 ;;
    template) per30=32000 ;;
    ssh_config) per30=75000 ;;
    batch_answer) per30=450000 ;;
    facts_output) per30=5000 ;;
  esac
  echo $((per30 * seconds / 30))
}

# The dictionaries (tests/fuzz/dict/NAME.dict) each target is given.
dicts_of() {
  case $1 in
    playbook) echo yaml playbook jinja ;;
    yaml_inventory) echo yaml inventory ;;
    ini_inventory) echo ini inventory ;;
    dynamic_inventory) echo json inventory ;;
    template) echo jinja ;;
    ssh_config) echo ssh_config ;;
    batch_answer) echo batch_answer ;;
    facts_output) echo facts_output ;;
  esac
}

compiler=$(command -v clang++ || true)
if [ -z "$compiler" ]; then
  echo "run.sh: clang++ is missing (tests/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 2
fi

echo "fuzz: building in $build_dir"
build_start=$SECONDS
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" -DHOSTPREP_FUZZ=ON \
  -DHOSTPREP_WERROR=ON >/dev/null
cmake --build "$build_dir" -- $(printf '%s_fuzz ' "${targets[@]}")
echo "fuzz: built in $((SECONDS - build_start)) s"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/hostprep-fuzz.XXXXXX")
fuzzer_pid=
cleanup() {
  if [ -n "$fuzzer_pid" ]; then
    kill "$fuzzer_pid" 2>/dev/null || true
    wait "$fuzzer_pid" 2>/dev/null || true
  fi
  rm -rf -- "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Leaks are findings; a UBSan report stops the run with its stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=$(printf '%-18s %12s %8s %8s  %s' target executions corpus seconds result)
for t in "${targets[@]}"; do
  crashes=$build_dir/crashes/$t
  mkdir -p "$scratch/$t" "$crashes"
  dict=$scratch/$t.dict
  : >"$dict"
  for d in $(dicts_of "$t"); do cat "$root/tests/fuzz/dict/$d.dict" >>"$dict"; done
  log=$scratch/$t.log
  limits=(-max_total_time="$seconds")
  if [ -n "$fixed" ]; then
    limits=(-seed=1 -runs="$(runs_of "$t")" -max_total_time=$((2 * seconds)))
    echo "fuzz: $t for $(runs_of "$t") inputs from seed 1 (at most $((2 * seconds)) s)"
  else
    echo "fuzz: $t for $seconds s"
  fi
  start=$SECONDS
  # In the background, so that an interrupt can stop it (cleanup).
  "$build_dir/tests/fuzz/${t}_fuzz" "${limits[@]}" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -dict="$dict" -artifact_prefix="$crashes/" \
    "$scratch/$t" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1 &
  fuzzer_pid=$!
  status=0
  wait "$fuzzer_pid" || status=$?
  fuzzer_pid=
  took=$((SECONDS - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  result=ok
  if [ "$status" -ne 0 ] || grep -q -e '^==[0-9]*==ERROR' -e 'runtime error:' "$log"; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    result="FAILED (exit $status)"
    failed+=("$t")
    cp "$log" "$crashes/last.log"
    echo "fuzz: $t found a problem; the end of its log ($crashes/last.log):" >&2
    grep -v -e '^#[0-9]' -e '^INFO:' "$log" | tail -n 60 >&2
    echo "fuzz: reproducer: ${artifact:-(none written)}" >&2
    echo "fuzz: replay it with $build_dir/tests/fuzz/${t}_fuzz ${artifact:-FILE}" >&2
  fi
  summary+=$'\n'$(printf '%-18s %12s %8s %8s  %s' "$t" "${execs:-?}" "${corpus:-?}" "$took" \
    "$result")
done

echo
echo "$summary"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]} (reproducers under $build_dir/crashes/)" >&2
  exit 1
fi
