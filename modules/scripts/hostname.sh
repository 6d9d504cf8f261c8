#!/bin/sh
# Used by modules/hostname.cc (ansible.builtin.hostname), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: NAME (the host name asked for) and FQDN ("1": also print the
# fqdn of the running host name).
# Prints lines "KEY VALUE":
#   systemd   yes when systemctl is there and systemd is the running init
#             (/run/systemd/system/ and the two older canaries, as Ansible's
#             module checks)
#   id        os-release's ID
#   kernel    the running host name
# with systemd: transient and static (hostnamectl's answers, or
# "failed RC OUTPUT" when it fails); without: etc_hostname and etc_HOSTNAME
# (those files' first line, stripped later; "none" when not a file).
# Then fqdn_name: Python's socket.getfqdn(NAME) (NAME's first address
# looked up, then that address's names: the first with a dot, else the
# first; NAME when a lookup fails) when NAME is not the running host
# name, and fqdn_kernel likewise for it when FQDN is 1.
name=$1 want=$2
systemd=no
if command -v systemctl >/dev/null 2>&1; then
  for canary in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do
    if [ -e "$canary" ]; then systemd=yes; fi
  done
fi
echo "systemd $systemd"
id=
if [ -r /etc/os-release ]; then
  id=$(sed -n 's/^ID=//p' /etc/os-release | head -n 1 | tr -d '"'"'")
fi
echo "id $id"
kernel=$(cat /proc/sys/kernel/hostname 2>/dev/null || uname -n)
echo "kernel $kernel"
if [ "$systemd" = yes ]; then
  for kind in transient static; do
    if out=$(hostnamectl --"$kind" status 2>&1); then
      printf '%s %s\n' "$kind" "$(printf '%s' "$out" | head -n 1)"
    else
      printf '%s failed %s %s\n' "$kind" "$?" "$(printf '%s' "$out" | tr '\n' ' ')"
    fi
  done
else
  for f in hostname HOSTNAME; do
    if [ -f "/etc/$f" ]; then
      printf 'etc_%s %s\n' "$f" "$(head -n 1 "/etc/$f")"
    else
      printf 'etc_%s none\n' "$f"
    fi
  done
fi
fqdn_of() {
  command -v getent >/dev/null 2>&1 || { echo "$1"; return; }
  addr=$(timeout 2 getent ahosts "$1" 2>/dev/null | awk 'NR == 1 { print $1 }')
  names=
  if [ -n "$addr" ]; then
    names=$(timeout 2 getent hosts "$addr" 2>/dev/null | awk 'NR == 1 { $1 = ""; print }')
  fi
  if [ -z "$names" ]; then echo "$1"; return; fi
  # shellcheck disable=SC2086
  set -- $names
  first=$1
  for n; do case "$n" in *.*) echo "$n"; return ;; esac; done
  echo "$first"
}
if [ "$name" != "$kernel" ]; then echo "fqdn_name $(fqdn_of "$name")"; fi
if [ "$want" = 1 ]; then echo "fqdn_kernel $(fqdn_of "$kernel")"; fi
