#!/usr/bin/env bash
# The demo: installs what is missing, builds hostprep, then runs the example
# pre-stage playbook on this machine with connection: local inside a
# throw-away root (a private mount namespace with a copy of /etc), so the
# machine itself is not changed: validate, graph, check with diff, apply,
# and a re-apply that reports changed=0.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tests/setup.sh" "$root/build"

# shellcheck disable=SC2016  # expanded inside the sandbox
script='
set -e
cd "$1"
hp=./build/hostprep
pb=examples/local-prestage/site.yml
step() { printf "\n\033[1m== %s\033[0m\n" "$*"; }
step "hostprep validate $pb"
$hp validate "$pb"
step "hostprep graph $pb"
$hp graph "$pb" -i localhost,
step "check mode with diff: what would change (nothing is written)"
$hp run "$pb" -i localhost, --check --diff
step "apply"
$hp run "$pb" -i localhost,
step "re-apply: nothing left to change"
$hp run "$pb" -i localhost,
step "what was written"
ls -l /etc/modules-load.d/hostprep-* /etc/sysctl.d/99-kubernetes.conf /etc/containerd/config.toml
'
"$root/tests/e2e/sandbox.sh" "$script" "$root"
