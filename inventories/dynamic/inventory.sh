#!/bin/sh
# A dynamic inventory in Ansible's script protocol, in plain POSIX sh (the
# shape a Terraform output wrapper prints):
#   inventory.sh --list       every group, with all host variables in _meta
#   inventory.sh --host NAME  one host's variables
set -eu

host_vars() {
  case "$1" in
    cp1) printf '{"ansible_host": "192.0.2.31", "ip": "10.0.1.31"}' ;;
    worker1) printf '{"ansible_host": "192.0.2.41", "ip": "10.0.1.41"}' ;;
    worker2) printf '{"ansible_host": "192.0.2.42", "ip": "10.0.1.42", "node_labels": {"disk": "ssd"}}' ;;
    *) printf '{}' ;;
  esac
}

case "${1:-}" in
  --list)
    cat <<JSON
{
  "kube_control_plane": {"hosts": ["cp1"], "vars": {"node_role": "control-plane"}},
  "kube_node": ["worker1", "worker2"],
  "k8s_cluster": {"children": ["kube_control_plane", "kube_node"], "vars": {"kube_version": "1.32.5"}},
  "_meta": {
    "hostvars": {
      "cp1": $(host_vars cp1),
      "worker1": $(host_vars worker1),
      "worker2": $(host_vars worker2)
    }
  }
}
JSON
    ;;
  --host)
    [ $# -eq 2 ] || { echo "usage: $0 --host NAME" >&2; exit 2; }
    host_vars "$2"
    ;;
  *)
    echo "usage: $0 --list | --host NAME" >&2
    exit 2
    ;;
esac
