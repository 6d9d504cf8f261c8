#!/bin/sh
# Writes a Kubespray-shaped inventory for the ssh_hosts fixture's test hosts
# into OUT (a directory the caller created): inventory.ini with Kubespray's
# groups (node1 the control plane and etcd, node2 and node3 workers, the
# harness's bastion in `bastion`), this directory's group_vars, and the
# fixture's key in group_vars/all/connection.yml.
# usage: make-inventory.sh HOSTS_RUN_DIR OUT
set -eu
D=$1 OUT=$2
here=$(dirname "$0")
ip() { awk -v h="$1" '$1 == h { sub("ansible_host=", "", $2); print $2 }' "$D/inventory.ini"; }
{
  echo "[kube_control_plane]"
  echo "node1 ansible_host=$(ip node1) ip=$(ip node1) access_ip=$(ip node1) etcd_member_name=etcd1"
  echo
  echo "[etcd:children]"
  echo "kube_control_plane"
  echo
  echo "[kube_node]"
  echo "node2 ansible_host=$(ip node2) ip=$(ip node2) access_ip=$(ip node2)"
  echo "node3 ansible_host=$(ip node3) ip=$(ip node3) access_ip=$(ip node3)"
  echo
  echo "[calico_rr]"
  echo
  echo "[k8s_cluster:children]"
  echo "kube_control_plane"
  echo "kube_node"
  echo "calico_rr"
  echo
  echo "[bastion]"
  echo "bastion ansible_host=$(ip bastion)"
} >"$OUT/inventory.ini"
cp -r "$here/group_vars" "$OUT/"
printf 'ansible_user: root\nansible_ssh_private_key_file: %s/id_ed25519\n' "$D" \
  >"$OUT/group_vars/all/connection.yml"
