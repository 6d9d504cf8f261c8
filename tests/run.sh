#!/usr/bin/env bash
# The whole test suite: sets up (installs what is missing, builds), then runs
# every test with ctest. Extra arguments go to ctest (e.g. -LE vm, -R sysctl).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tests/setup.sh" "$root/build"
cd "$root/build"
ctest --output-on-failure "$@"
