#!/usr/bin/env bash
# What the facts script costs a host: runs engine/facts/scripts/facts.sh (as
# embedded: comment lines left out) N times inside a throw-away netns test
# host, each run in a subshell of one dash as the batch script runs it, and
# prints the wall and CPU time (user + sys, the script and every program it
# starts) per run. With --before REV, the script of that commit too; with
# --skip WORDS, also the script leaving out those sections, as a
# gather_subset makes it (FactsRead: 'net mounts' for min, 'net mounts
# date' for '!all,!min').
#
#   bench/facts_script.sh [--before REV] [--skip WORDS] [N]   (as root; N: 100)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
before='' skip=''
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before=${2:?--before needs a commit}; shift 2 ;;
    --skip) skip=${2:?--skip needs the sections to leave out}; shift 2 ;;
    *) break ;;
  esac
done
n=${1:-100}
[[ $n =~ ^[0-9]+$ ]] || { echo "facts_script: N must be a whole number, not '$n'" >&2; exit 2; }
dir=/var/tmp/hostprep-testhosts/bench-facts-$$
trap 'tests/hosts/testhosts down "$dir" >/dev/null 2>&1 || true' EXIT
TESTHOSTS_QUIET=1 tests/hosts/testhosts up 1 --dir "$dir" >/dev/null
sed '/^[[:space:]]*#/d' engine/facts/scripts/facts.sh >"$dir/hosts/node1/tmp/after.sh"
if [ -n "$before" ]; then
  # (engine/run/scripts/facts.sh before the facts had a library of their own)
  { git show "$before:engine/facts/scripts/facts.sh" 2>/dev/null ||
    git show "$before:engine/run/scripts/facts.sh"; } |
    sed '/^[[:space:]]*#/d' >"$dir/hosts/node1/tmp/before.sh"
fi
cat >"$dir/hosts/node1/tmp/time.sh" <<'SH'
TIMEFORMAT="%R %U %S"
t=$( { time dash -c 's=$(cat "$1"); n=$2; skip=$3; i=0
  while [ $i -lt $n ]; do ( set -- "" "$skip"; eval "$s" ) >/dev/null 2>&1; i=$((i + 1)); done' \
  sh "$1" "$2" "${3:-}"; } 2>&1)
set -- $t "$2"
awk -v w="$1" -v u="$2" -v s="$3" -v n="$4" \
  'BEGIN { printf "wall %.2f ms, cpu %.2f ms per run (%d runs)\n", w * 1000 / n, (u + s) * 1000 / n, n }'
SH
for script in ${before:+before} after; do
  printf '%-7s ' "$script:"
  tests/hosts/testhosts exec "$dir" node1 bash /tmp/time.sh "/tmp/$script.sh" "$n"
done
if [ -n "$skip" ]; then
  printf '%-7s ' "skip:"
  tests/hosts/testhosts exec "$dir" node1 bash /tmp/time.sh /tmp/after.sh "$n" "$skip"
fi
