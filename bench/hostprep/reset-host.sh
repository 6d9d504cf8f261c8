# Puts one netns test host back on the benchmark's clean slate (run inside the
# host with `testhosts exec DIR NAME sh -c "$(cat reset-host.sh)"`): none of
# the files the pre-stage writes, Kubespray's legacy sysctl file to remove, an
# fstab with an active swap line, and Debian's 99-sysctl.conf -> ../sysctl.conf
# link. The same slate as tests/integration/prestage_ssh_test.cc.
rm -rf /etc/containerd /etc/systemd/system/swap.target \
  /etc/modules-load.d/kubespray-br_netfilter.conf /etc/modules-load.d/overlay.conf \
  /etc/modules-load.d/ip_vs*.conf /etc/modules-load.d/nf_conntrack.conf \
  /etc/sysctl.d/bridge-nf-call.conf
# Gone when empty, as on a machine without one (Debian without kmod): every
# first run then creates it, not only the first first run.
rmdir /etc/modprobe.d 2>/dev/null || true
ln -sfn ../sysctl.conf /etc/sysctl.d/99-sysctl.conf
printf "# kept as it is\n" >/etc/sysctl.conf
echo net.ipv4.ip_forward=1 >/etc/sysctl.d/ipv4-ip_forward.conf
printf "UUID=0a1b / ext4 errors=remount-ro 0 1\n/swapfile none swap sw 0 0\n" >/etc/fstab
