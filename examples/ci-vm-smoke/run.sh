#!/usr/bin/env bash
# A playbook against a throw-away Debian 12 VM, as a CI job: installs what is missing, builds
# hostprep, boots a VM (tests/vm/vmhost), runs the playbook over SSH in check mode, applies
# it, applies it again and fails unless that second run reports changed=0; with --reboot it
# then cold-reboots the VM and fails unless a third run still reports changed=0. The VM is
# removed at the end, also on failure or Ctrl-C. Exit status 0 means all of that held.
#
#   examples/ci-vm-smoke/run.sh [--reboot] [PLAYBOOK [HOSTPREP_RUN_ARGS...]]
#
# PLAYBOOK defaults to playbooks/kubespray-prestage.yml. The VM is `box` in the inventory's
# groups vm, kube_control_plane, etcd and k8s_cluster (Kubespray's shape); put your
# variables in group_vars next to a copy of this script's inventory, or pass -e.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
reboot=0
if [ "${1:-}" = --reboot ]; then reboot=1; shift; fi
pb=${1:-$root/playbooks/kubespray-prestage.yml}
shift || true
extra=("$@")

step() { printf "\n\033[1m== %s (%s s)\033[0m\n" "$*" "$SECONDS"; }
fail() { printf "\n\033[1mci-vm-smoke: %s\033[0m\n" "$*" >&2; exit 1; }

step "packages and build"
"$root/tests/setup.sh" "$root/build" >/dev/null
hp="$root/build/hostprep"
vmhost="$root/tests/vm/vmhost"

work=$(mktemp -d)
dir=""
cleanup() {
  if [ -n "$dir" ]; then step "removing the VM"; "$vmhost" down "$dir" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

step "booting the VM (the first run builds the image: minutes)"
dir=$("$vmhost" up | tail -n 1)
# shellcheck disable=SC1091
. "$dir/run.env"
cat >"$work/inventory.ini" <<EOF
[vm]
box ansible_host=127.0.0.1 ansible_port=$PORT ansible_user=root ansible_ssh_private_key_file=$dir/id_ed25519

[kube_control_plane]
box

[etcd:children]
kube_control_plane

[k8s_cluster:children]
kube_control_plane
EOF
export HOSTPREP_FACTS_CACHE=$work/facts
run() {
  "$hp" run "$pb" -i "$work/inventory.ini" -c ssh --known-hosts "$dir/known_hosts" \
    --ssh-config none "${extra[@]}" "$@" 2>&1 | tee "$work/last.log"
  return "${PIPESTATUS[0]}"
}
unchanged() { grep -q "changed=0 " "$work/last.log" && ! grep -qE "changed=[1-9]" "$work/last.log"; }

step "check mode with diff"
run --check --diff || fail "the check run failed"
step "apply"
run || fail "the apply failed"
step "re-apply: nothing may change"
run --stats || fail "the re-apply failed"
unchanged || fail "the re-apply changed something: the playbook is not idempotent"
if ((reboot)); then
  step "cold reboot"
  "$vmhost" reboot "$dir"
  step "apply after the reboot: nothing may change"
  run --stats || fail "the apply after the reboot failed"
  unchanged || fail "after a reboot the playbook changed something: the state did not persist"
fi
step "passed"
