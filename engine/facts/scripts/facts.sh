#!/bin/sh
# The facts script (engine/facts/facts*.cc parse what it prints).
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints what Ansible's fact collectors read, for the controller to compute
# the facts as they do: key=value lines, the lines of many files as
# "PATH:LINE" (one grep), and between "net=begin" and "net=end" what `ip`
# answered. Every probe tolerates a missing tool or file so that a minimal
# host (busybox, no iproute2, no timeout, no /sys) still answers.
#
# The script runs on every host on every run, and on a re-run it is most of
# the target's work: starting a process costs far more than the shell's own
# builtins, but the shell's `read` takes one byte per system call, so a file
# of more than a few lines is cheaper read by a program. So: one grep for
# the files (os-release, meminfo, cpuinfo, /sys/class/net/*, DMI, ...), one
# `ip -batch` for the routes and addresses (netlink: no file lists IPv4
# addresses), one `date` for the clock, and for the mounts a grep (the
# table can be long) and one `stat -f` (their sizes); short answers
# (kernel, host name, uid, passwd's line) the shell reads itself. Each
# shortcut falls back to the program that answered before.
# POSIX sh only (dash, busybox ash, bash as sh); no `local`, no $'...'.
# uname(2) answers from the UTS namespace that /proc/sys/kernel shows,
# except under a personality: linux32 rewrites the machine (i686), uname26
# the release. So /proc only with the plain personality 00000000; older
# kernels have no /proc/sys/kernel/arch and still run `uname -m`.

# $1 = caller: the script runs under sudo only so that it rides in the
# tasks' batch; the user facts are those of the user who called sudo
# (SUDO_UID, SUDO_GID, SUDO_USER), as the play, which does not become,
# would gather them.
# $2 = the sections a gather_subset leaves out, words: net (ip and the
# interfaces), mounts, date.
mode=${1:-}
skip_sections=" ${2:-} "
wants() {
  case "$skip_sections" in *" $1 "*) return 1 ;; esac
}
lower=abcdefghijklmnopqrstuvwxyz; upper=ABCDEFGHIJKLMNOPQRSTUVWXYZ; digits=0123456789
pers=; kernel=; arch=; node=; ostype=; kversion=
if [ -r /proc/self/personality ]; then read -r pers < /proc/self/personality; fi
if [ "$pers" = 00000000 ]; then
  if [ -r /proc/sys/kernel/osrelease ]; then read -r kernel < /proc/sys/kernel/osrelease; fi
  if [ -r /proc/sys/kernel/arch ]; then read -r arch < /proc/sys/kernel/arch; fi
fi
if [ -r /proc/sys/kernel/hostname ]; then read -r node < /proc/sys/kernel/hostname; fi
if [ -r /proc/sys/kernel/ostype ]; then read -r ostype < /proc/sys/kernel/ostype; fi
if [ -r /proc/sys/kernel/version ]; then IFS= read -r kversion < /proc/sys/kernel/version; fi
kernel=${kernel:-$(uname -r)}; arch=${arch:-$(uname -m)}; node=${node:-$(uname -n)}
ostype=${ostype:-$(uname -s)}; kversion=${kversion:-$(uname -v)}
echo "kernel=$kernel"
echo "arch=$arch"
echo "hostname=$node"
echo "system=$ostype"
echo "kernel_version=$kversion"
# Ansible's userspace_bits are its Python's; ours are the shell's own: a
# 64-bit process has mappings above 4 GiB (more than 8 hex digits).

bits=
if [ -r /proc/self/maps ]; then
  bits=32
  while read -r range _; do
    case "${range%%-*}" in ?????????*) bits=64; break ;; esac
  done < /proc/self/maps
fi
echo "bits=$bits"
# Ansible's fqdn is Python's socket.getfqdn(): the host name looked up, its
# address looked up again, and of the names that give, the first with a
# dot. When NSS asks /etc/hosts first and the name is there, the forward
# answer is the first line naming it, and the reverse one the first line
# with that address (glibc 2.36, measured: comments cut at '#', names
# matched without case, lines with a bad address skipped, the last of
# several hosts: lines obeyed). The shell reads those lines itself when it
# can judge them the same way, and leaves to `hostname -f` (the canonical
# name: the same but where the first name has no dot and an alias has)
# otherwise: no single hosts: line starting with plain `files` (none: musl,
# or glibc's DNS-first default), an upper-case or odd name that could
# match, a line before the match whose address is not a plain dotted quad
# or IPv6, a matching line whose address is not a plain dotted quad (an
# IPv6 line answers getaddrinfo but not busybox's gethostbyname), no match
# within the first 64 lines. Without hostname, the answer was and is the
# host name.

is_ipv4() {
  case "$1" in ''|*[!$digits.]*|*..*|.*|*.) return 1 ;; esac
  rest=$1; count=0
  while :; do
    octet=${rest%%.*}
    case "$octet" in 0|[1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5]) ;; *) return 1 ;; esac
    count=$((count + 1))
    if [ "$rest" = "$octet" ]; then break; fi
    rest=${rest#*.}
  done
  [ $count -eq 4 ]
}
fqdn=; files_first=
if command -v hostname >/dev/null 2>&1; then
  case "$node" in ''|*[!$lower$digits._-]*) ;; *)
    if [ -r /etc/nsswitch.conf ] && [ -r /etc/hosts ]; then
      while read -r db src next _; do
        if [ "$db" = hosts: ]; then
          case "$files_first$src $next" in "files ["*) files_first=x ;; "files "*) files_first=1 ;; *) files_first=x ;; esac
        fi
      done < /etc/nsswitch.conf
    fi ;;
  esac
  if [ "$files_first" = 1 ]; then
    lines=0; unsure=; set -f
    while read -r line; do
      lines=$((lines + 1)); if [ $lines -gt 64 ]; then break; fi
      set -- ${line%%#*}
      if [ $# -lt 2 ]; then continue; fi
      addr=$1; shift; hit=; odd=
      for name; do
        case "$name" in
          "$node") hit=1 ;;
          *[!$lower$upper$digits._-]*) odd=1 ;;
          *[$upper]*) if [ ${#name} -eq ${#node} ]; then odd=1; fi ;;
        esac
      done
      if [ -n "$odd" ]; then break; fi
      if is_ipv4 "$addr"; then
        # h_10_0_0_1: the names of the first line with that address
        rest=$addr; key=h
        while :; do key=${key}_${rest%%.*}; case "$rest" in *.*) rest=${rest#*.} ;; *) break ;; esac; done
        eval "if [ -z \"\${$key+x}\" ]; then $key=\$*; fi"
        if [ -n "$hit" ]; then
          if [ -z "$unsure" ]; then
            eval "set -- \$$key"
            fqdn=$1
            for name; do case "$name" in *.*) fqdn=$name; break ;; esac; done
          fi
          break
        fi
      else
        if [ -n "$hit" ]; then break; fi
        case "$addr" in *:*) ;; *) unsure=1 ;; esac
      fi
    done < /etc/hosts
    set +f
  fi
  if [ -z "$fqdn" ]; then
    if command -v timeout >/dev/null 2>&1; then
      fqdn=$(timeout 2 hostname -f 2>/dev/null) || fqdn=${fqdn:-$node}
    else
      fqdn=$(hostname -f 2>/dev/null) || fqdn=${fqdn:-$node}
    fi
  fi
else
  fqdn=$node
fi
echo "fqdn=$fqdn"
# The ids as getuid() and the rest give them: Uid: and Gid: of the shell's
# own /proc/self/status (real, effective), else `id`. The user as Python's
# getpass.getuser() names it: $LOGNAME, $USER, $LNAME or $USERNAME, else
# the name of the uid. Its passwd entry as getpwnam() then getpwuid() find
# it: /etc/passwd read by the shell (NSS's `files`), `getent` for a user
# only another source knows.

ruid=; euid=; rgid=; egid=
if [ -r /proc/self/status ]; then
  while read -r key real eff _; do
    case "$key" in
      Uid:) ruid=$real; euid=$eff ;;
      Gid:) rgid=$real; egid=$eff; break ;;
    esac
  done < /proc/self/status
fi
if [ -z "$ruid" ]; then ruid=$(id -ru); euid=$(id -u); rgid=$(id -rg); egid=$(id -g); fi
user=${LOGNAME:-${USER:-${LNAME:-${USERNAME:-}}}}
if [ "$mode" = caller ] && [ -n "${SUDO_UID:-}" ]; then
  ruid=$SUDO_UID; euid=$SUDO_UID; rgid=${SUDO_GID:-$SUDO_UID}; egid=$rgid; user=${SUDO_USER:-}
fi
echo "uid=$ruid $euid $rgid $egid"
named=; owned=
if [ -r /etc/passwd ]; then
  while IFS= read -r line; do
    case "$line" in
      "$user":*) if [ -n "$user" ]; then named=$line; break; fi ;;
    esac
    if [ -z "$owned" ]; then
      rest=${line#*:}; rest=${rest#*:}
      if [ "${rest%%:*}" = "$ruid" ]; then owned=$line; if [ -z "$user" ]; then break; fi; fi
    fi
  done < /etc/passwd
fi
if [ -z "$named$owned" ] && command -v getent >/dev/null 2>&1; then
  if [ -n "$user" ]; then named=$(getent passwd "$user"); fi
  if [ -z "$named" ]; then owned=$(getent passwd "$ruid"); fi
fi
if [ -z "$user" ]; then user=${owned%%:*}; fi
echo "user=$user"
echo "passwd=${named:-$owned}"
# Programs as Ansible's get_bin_path finds them: an executable file in
# $PATH, then in /sbin, /usr/sbin and /usr/local/sbin; $bin is its path.
# busybox's applets can do less (no ip -batch, no date -f): a program that
# is busybox is asked once, for what busybox can answer.

have() {
  bin=; saved=$IFS; IFS=:
  for dir in $PATH /sbin /usr/sbin /usr/local/sbin; do
    if [ -n "$dir" ] && [ -x "$dir/$1" ] && [ ! -d "$dir/$1" ]; then bin=$dir/$1; break; fi
  done
  IFS=$saved
  [ -n "$bin" ]
}
busybox() {
  # shellcheck disable=SC3013 # dash, bash, busybox and mksh have -ef; another sh: not busybox
  { [ "$bin" -ef /bin/busybox ] || [ "$bin" -ef /usr/bin/busybox ]; } 2>/dev/null
}
for tool in systemctl initctl lsb_release findmnt dmidecode; do
  if have "$tool"; then echo "have=$tool"; fi
done
# What exists decides the package manager (Ansible's fixed paths), the
# service manager, virtualization (/proc/*, /sys/module/*/initstate: the
# loaded modules /proc/modules lists), AppArmor and the release files that
# count even when empty.

for path in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper \
  /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /usr/pkg/bin/pkgin /opt/local/bin/pkgin \
  /opt/tools/bin/pkgin /opt/local/bin/port /usr/local/bin/brew /opt/homebrew/bin/brew \
  /sbin/apk /usr/sbin/pkg /usr/sbin/swlist /usr/bin/emerge /usr/sbin/pkgadd /usr/bin/pkg \
  /usr/bin/xbps-install /usr/local/sbin/pkg /usr/bin/swupd /usr/sbin/sorcery /usr/bin/installp \
  /QOpenSys/pkgs/bin/yum /run/ostree-booted /usr/bin/rpm \
  /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ \
  /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /dev/kvm /rhev/ \
  /sys/module/kvm/initstate /sys/module/vboxdrv/initstate /sys/module/virtio/initstate \
  /sys/kernel/security/apparmor /sys/fs/selinux/enforce /etc/vmware-release /etc/arch-release \
  /etc/mtab /etc/os-release /usr/lib/os-release /sys/devices/virtual/dmi/id/product_name \
  /etc/ansible/facts.d /usr/lib/python3/dist-packages/distro /usr/lib/python3*/site-packages/distro \
  /usr/local/lib/python3*/dist-packages/distro /usr/local/lib/python3*/site-packages/distro; do
  if [ -e "$path" ]; then echo "exists=$path"; fi
done
if [ -e /usr/bin/rpm ] && [ -e /usr/bin/apt-get ]; then
  if /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1; then echo "apt_rpm=1"; fi
fi
if [ -L /etc/products.d/baseproduct ]; then
  echo "baseproduct=$(readlink -f /etc/products.d/baseproduct 2>/dev/null)"
fi
# PID 1's name decides the service manager; /sbin/init's link only where
# that name says nothing (unreadable, init, a shell), as Ansible asks.
comm=
if [ -r /proc/1/comm ]; then read -r comm < /proc/1/comm; fi
case "$comm" in ''|init|*sh)
  if [ -L /sbin/init ]; then echo "init_link=$(readlink /sbin/init 2>/dev/null)"; fi ;;
esac
# Ansible's is_chroot: $debian_chroot, else whether / is PID 1's root (test
# -ef: the same device and inode), which only root can see (and not always
# in a container); where it cannot, Ansible compares /'s inode with its
# file system's root inode (a `stat`): left out here.

if [ -n "${debian_chroot:-}" ]; then
  echo "chroot=1"
elif [ -e /proc/1/root/. ]; then
  # shellcheck disable=SC3013 # dash, bash, busybox and mksh have -ef; another sh fails (2): nothing
  [ / -ef /proc/1/root/. ] 2>/dev/null
  case $? in 0) echo "chroot=0" ;; 1) echo "chroot=1" ;; esac
fi
# PID 1's environment (root only) names a container; the shell's `read`
# drops its NUL separators, so a variable is found by its text alone.

if [ -r /proc/1/environ ]; then
  { IFS= read -r penv < /proc/1/environ; } 2>/dev/null || :
  case "$penv" in *container=lxc*) echo "pid1_container=lxc" ;; esac
  case "$penv" in *container=podman*) echo "pid1_container=podman" ;; esac
  case "$penv" in container=?*|*container=?*) echo "pid1_container=any" ;; esac
fi
# The files, in one grep: "PATH:LINE" for each line. cpuinfo's flags and
# bugs lines (most of its bytes) are left out, except on Xen where the
# flags tell paravirtualization. Unreadable and missing files print
# nothing (-s); -a keeps a file with NULs (the environment) as text. The
# shell's globs read their directory each: one for /etc's release and
# version files, one for the interfaces, whose files are named one by one.

skip="^(bugs|flags|vmx flags|power management)	"
if [ -e /proc/xen ]; then skip="^(bugs|vmx flags|power management)	"; fi
dmi=/sys/devices/virtual/dmi/id
set -- /usr/lib/os-release /etc/*[-_][rv]e[lr][es][ai][so][en] /etc/coreos/update.conf \
  /proc/meminfo /proc/cpuinfo /proc/self/status /proc/1/cgroup /proc/1/comm /proc/uptime \
  /proc/cmdline /proc/loadavg \
  /proc/sys/crypto/fips_enabled /run/systemd/container /proc/xen/capabilities \
  /sys/hypervisor/type /etc/resolv.conf /etc/machine-id /var/lib/dbus/machine-id \
  /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /etc/selinux/config \
  /etc/ssh/ssh_host_*_key.pub /etc/openssh/ssh_host_*_key.pub /etc/ssh_host_*_key.pub
if [ -e "$dmi" ]; then
  for name in bios_date bios_vendor bios_version board_asset_tag board_name board_serial \
    board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor \
    chassis_version chassis_type product_name product_serial product_uuid product_version \
    sys_vendor product_family; do
    set -- "$@" "$dmi/$name"
  done
fi
# An interface: what sysfs says of it, and the directories and links that
# say what it is; none without net (a name holds no blank: the unquoted
# glob expands whole).

ifaces=
if wants net; then ifaces='/sys/class/net/*'; fi
# shellcheck disable=SC2086 # expanded on purpose: the glob, when wanted
for path in $ifaces; do
  if [ ! -d "$path" ]; then continue; fi
  dev=${path##*/}
  echo "interface=$dev"
  set -- "$@" "$path/address" "$path/mtu" "$path/operstate" "$path/type" "$path/flags" \
    "$path/speed"
  if [ -d "$path/bridge" ]; then
    echo "bridge=$dev"
    set -- "$@" "$path/bridge/bridge_id" "$path/bridge/stp_state"
    for port in "$path"/brif/*; do
      if [ -e "$port" ]; then echo "bridge_port=$dev ${port##*/}"; fi
    done
  fi
  if [ -d "$path/bonding" ]; then
    echo "bonding=$dev"
    for name in slaves mode miimon lacp_rate primary all_slaves_active; do
      set -- "$@" "$path/bonding/$name"
    done
  fi
  if [ -d "$path/bonding_slave" ]; then
    echo "bonding_slave=$dev"
    set -- "$@" "$path/bonding_slave/perm_hwaddr"
  fi
  if [ -e "$path/device" ] && cd -P "$path/device" 2>/dev/null; then
    echo "pciid=$dev ${PWD##*/}"
    if cd -P "$path/device/driver/module" 2>/dev/null; then echo "module=$dev ${PWD##*/}"; fi
  fi
done
cd / || :
if command -v grep >/dev/null 2>&1; then
  grep -s -H -a -v -E -e "$skip" -- "$@" "/proc/$$/environ"
else
  for path in /etc/os-release /usr/lib/os-release /etc/debian_version /proc/meminfo; do
    if [ -r "$path" ]; then
      while IFS= read -r line || [ -n "$line" ]; do echo "$path:$line"; done < "$path"
    fi
  done
fi
# The routes Ansible asks for (to 8.8.8.8 and to an address of Google's,
# for the default interface, address and gateway) and every address, with
# one `ip -batch` (-force: a missing route does not end the batch).
# busybox's ip has neither -batch nor `route get` (for Ansible either): it
# is asked for the addresses alone; another ip that refuses -batch is
# asked for them again.

if wants net && have ip; then
  echo "net=begin"
  if busybox; then
    "$bin" addr show 2>/dev/null
  else
    out=$("$bin" -force -batch - 2>/dev/null <<'IP'
route get 8.8.8.8
route get 2404:6800:400a:800::1012
addr show
IP
)
    if [ -z "$out" ]; then out=$("$bin" addr show 2>/dev/null); fi
    printf '%s\n' "$out"
  fi
  echo "net=end"
fi
# The clock, as Ansible's date_time reads it: now (to the microsecond), and
# the zone's name on 15 January and 15 July, the one of the two with the
# larger offset being the zone's daylight-saving name (tzname[1]). One
# GNU date reads the three from stdin; busybox's date has no -f and is
# asked for now alone (another date without -f: asked again).

format='+date=%Y %m %A %w %W %d %H %M %S %s %N %Z %z'
if wants date && have date; then
  if busybox; then
    "$bin" "$format" 2>/dev/null
  elif ! "$bin" -f - "$format" 2>/dev/null <<'DATE'
now
jan 15
jul 15
DATE
  then
    "$bin" "$format" 2>/dev/null
  fi
fi
# The mounts Ansible lists from /etc/mtab (else /proc/mounts): those with
# a device path (or host:/path), picked by a grep, since a mount table can
# be long; with findmnt installed, the bind mounts it shows (a root other
# than / in mountinfo, picked by the same grep); and their sizes as
# statvfs gives them, from one `stat -f` (network file systems are left
# out: a dead server would hang it).

mtab=/proc/mounts
if [ -e /etc/mtab ]; then mtab=/etc/mtab; fi
info=
if have findmnt; then info=/proc/self/mountinfo; fi
if wants mounts && command -v grep >/dev/null 2>&1; then
  grep -s -H -E -e '^(/|\\|[^ ]*:/)' -e '^[0-9]+ [0-9]+ [0-9]+:[0-9]+ /[^ ]' -- \
    "$mtab" ${info:+"$info"} | {
    points=; set -f
    while IFS= read -r line; do
      printf '%s\n' "$line"
      case "$line" in "$mtab:"*) ;; *) continue ;; esac
      # shellcheck disable=SC2086 # split into words on purpose: the entry's fields
      set -- ${line#"$mtab:"}
      if [ $# -lt 4 ]; then continue; fi
      case "$3" in none|nfs|nfs4|cifs|smb3|smbfs|ncpfs|afs|9p|ceph|glusterfs|lustre|gpfs|fuse.*) continue ;; esac
      case "$2" in *\\*) continue ;; esac
      points="$points $2"
    done
    if [ -n "$points" ] && command -v stat >/dev/null 2>&1; then
      # shellcheck disable=SC2086 # split on purpose: no blank in a point without a backslash
      set -- $points
      stat -f -c 'statfs=%S %s %b %a %c %d %n' -- "$@" 2>/dev/null
    fi
    set +f
  }
fi
echo "end=hostprep-facts"
