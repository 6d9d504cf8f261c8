#!/usr/bin/env bash
# Template rendering, hostprep against Ansible, side by side in one run:
#
# 1. in one process, the same 427-line containerd config
#    (bench/template/containerd.toml.j2 with vars.yml: runtimes, registries,
#    labels, hosts; nested loops and conditionals) rendered N times by
#    `hostprep template --repeat N` and by Ansible's own Templar
#    (template/ansible_render.py): milliseconds per render;
# 2. one playbook with that one template task, run with connection: local by
#    `hostprep run` and by `ansible-playbook` (first run, which writes the
#    file): wall seconds, the median of --runs.
#
# Every measurement is checked: the two renders must be the same byte for
# byte, and both playbooks must write that same file.
#
# Usage: bench/template.sh [--renders N] [--runs R]   (default 200 and 5)
# Writes bench/results-template/results.md (or $BENCH_RESULTS/...).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
renders=200
runs=5
while (($#)); do
  case $1 in
    --renders) renders=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/template.sh [--renders N] [--runs R]" >&2; exit 2 ;;
  esac
done
results=${BENCH_RESULTS:-$root/bench/results-template}
hostprep=$root/build/hostprep
[ -x "$hostprep" ] || "$root/tests/setup.sh" "$root/build"
dir=$root/bench/template
work=$(mktemp -d /tmp/hostprep-bench-template.XXXXXX)
trap 'rm -rf "$work"' EXIT

per_render() { sed -n 's/.*: \([0-9.]*\) ms per render$/\1/p' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }

echo "template: rendering $renders times in one process"
(cd "$dir" && "$hostprep" template containerd.toml.j2 -e @vars.yml --repeat "$renders") \
  >"$work/hostprep.toml" 2>"$work/hostprep.time"
/usr/bin/python3 "$dir/ansible_render.py" "$renders" >"$work/ansible.toml" 2>"$work/ansible.time"
if ! cmp -s "$work/hostprep.toml" "$work/ansible.toml"; then
  diff -u "$work/ansible.toml" "$work/hostprep.toml" | head -40 >&2
  echo "template: hostprep and Ansible render differently" >&2
  exit 1
fi
hp_ms=$(per_render "$work/hostprep.time")
an_ms=$(per_render "$work/ansible.time")

echo "template: one template task, $runs runs each"
hp_runs=() an_runs=()
for ((i = 0; i < runs; i++)); do
  for side in hostprep ansible; do
    rm -rf "$work/$side-out" && mkdir -p "$work/$side-out"
    start=$(now)
    if [ "$side" = hostprep ]; then
      (cd "$dir" && "$hostprep" run hostprep.yml -e "dest_dir=$work/$side-out") \
        >"$work/$side.log" 2>&1 || { cat "$work/$side.log" >&2; exit 1; }
    else
      (cd "$dir" && ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, ansible.yml \
        -e "dest_dir=$work/$side-out") >"$work/$side.log" 2>&1 || { cat "$work/$side.log" >&2; exit 1; }
    fi
    end=$(now)
    cmp -s "$work/$side-out/config.toml" "$work/ansible.toml" ||
      { echo "template: $side's playbook wrote a different file" >&2; exit 1; }
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f", b - a}')
    if [ "$side" = hostprep ]; then hp_runs+=("$seconds"); else an_runs+=("$seconds"); fi
  done
done
hp_task=$(printf '%s\n' "${hp_runs[@]}" | median)
an_task=$(printf '%s\n' "${an_runs[@]}" | median)

mkdir -p "$results"
{
  echo "# Template rendering: hostprep against Ansible"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)."
  echo "ansible-core $(ansible --version | awk 'NR == 1 {print $NF}' | tr -d ']'), hostprep $(git -C "$root" describe --always --dirty)."
  echo "The same $(wc -l <"$work/ansible.toml")-line containerd config, the same bytes from both."
  echo
  echo "| measure | hostprep | Ansible | Ansible / hostprep |"
  echo "|---|---|---|---|"
  printf '| one render, in one process (%s renders) | %.3f ms | %.3f ms | %.0fx |\n' \
    "$renders" "$hp_ms" "$an_ms" "$(awk -v a="$an_ms" -v h="$hp_ms" 'BEGIN {print a / h}')"
  printf '| a playbook of that one template task, connection local (median of %s) | %.3f s | %.3f s | %.0fx |\n' \
    "$runs" "$hp_task" "$an_task" "$(awk -v a="$an_task" -v h="$hp_task" 'BEGIN {print a / h}')"
} >"$results/results.md"
cat "$results/results.md"
