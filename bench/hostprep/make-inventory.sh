#!/bin/sh
# Writes the benchmark's Kubespray-shaped inventory for the N nodes of a
# testhosts run into OUT (a directory the caller created): node1 is the
# control plane and etcd, node2..nodeN are workers, all in k8s_cluster.
# group_vars are the prestage SSH test's (tests/integration/testdata/prestage),
# plus the run's key in group_vars/all/connection.yml. hostprep and Ansible
# both read this same inventory and these same group_vars.
# usage: make-inventory.sh HOSTS_RUN_DIR N OUT
set -eu
D=$1 N=$2 OUT=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
ip() { awk -v h="$1" '$1 == h { sub("ansible_host=", "", $2); print $2 }' "$D/inventory.ini"; }
{
  echo "[kube_control_plane]"
  echo "node1 ansible_host=$(ip node1) ip=$(ip node1) access_ip=$(ip node1) etcd_member_name=etcd1"
  echo
  echo "[etcd:children]"
  echo "kube_control_plane"
  echo
  echo "[kube_node]"
  i=2
  while [ "$i" -le "$N" ]; do
    echo "node$i ansible_host=$(ip node$i) ip=$(ip node$i) access_ip=$(ip node$i)"
    i=$((i + 1))
  done
  echo
  echo "[calico_rr]"
  echo
  echo "[k8s_cluster:children]"
  echo "kube_control_plane"
  echo "kube_node"
  echo "calico_rr"
} >"$OUT/inventory.ini"
cp -r "$root/tests/integration/testdata/prestage/group_vars" "$OUT/"
printf 'ansible_user: root\nansible_ssh_private_key_file: %s/id_ed25519\n' "$D" \
  >"$OUT/group_vars/all/connection.yml"
