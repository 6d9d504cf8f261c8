#!/usr/bin/env bash
# The demo: installs what is missing, builds the hostprep binary (not the
# tests), starts three throw-away SSH test hosts (network namespaces with
# their own sshd and /etc, see tests/hosts/README.md), and runs the example
# pre-stage playbook on them over SSH: validate, graph, check with diff, apply,
# and a re-apply that reports changed=0. The hosts are removed at the end, also
# on failure or Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tests/setup.sh" --demo "$root/build"

hp="$root/build/hostprep"
testhosts="$root/tests/hosts/testhosts"
pb="$root/examples/local-prestage/site.yml"
step() { printf "\n\033[1m== %s\033[0m\n" "$*"; }

step "starting 3 SSH test hosts"
dir=$(TESTHOSTS_QUIET=1 "$testhosts" up 3 | tail -n 1)
trap 'step "removing the test hosts"; "$testhosts" down "$dir" >/dev/null' EXIT
ssh_opts=(-i "$dir/inventory.ini" --limit nodes -c ssh --known-hosts "$dir/known_hosts"
          --ssh-config none)

step "hostprep validate"
"$hp" validate "$pb" -i "$dir/inventory.ini"
step "hostprep graph (text; --format dot or mermaid to draw it)"
"$hp" graph "$pb"
step "check mode with diff: what would change (nothing is written)"
"$hp" run "$pb" "${ssh_opts[@]}" --check --diff
step "apply"
"$hp" run "$pb" "${ssh_opts[@]}"
step "re-apply: nothing left to change"
"$hp" run "$pb" "${ssh_opts[@]}"
step "what node1 has now"
"$testhosts" exec "$dir" node1 sh -c 'ls -l /etc/modules-load.d/hostprep-* /etc/sysctl.d/99-kubernetes.conf /etc/containerd/config.toml'
