#!/bin/sh
# Used by modules/selinux.cc (ansible.posix.selinux), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: POLICY ("" when none is given) and KERNEL ("yes" when grubby's
# kernel arguments are to be read). Prints, each after an "@@ NAME" line:
#   enforce   the selinuxfs mount and its enforce file's value, as libselinux
#             finds them (is_selinux_enabled, security_getenforce), or none
#   policy    yes when /etc/selinux/POLICY/policy exists, else no
#   grubby    (with KERNEL yes) its path and exit status and then
#             `grubby --info=ALL`'s output, or none
policy=$1
echo '@@ enforce'
found=none
for mnt in /sys/fs/selinux /selinux; do
  if [ -r "$mnt/enforce" ]; then
    found="$mnt $(cat "$mnt/enforce")"
    break
  fi
done
echo "$found"
echo '@@ policy'
if [ -n "$policy" ] && [ -e "/etc/selinux/$policy/policy" ]; then echo yes; else echo no; fi
if [ "$2" = yes ]; then
  if grubby=$(command -v grubby); then
    info=$("$grubby" --info=ALL 2>/dev/null)
    printf '@@ grubby %s %s\n%s\n' "$?" "$grubby" "$info"
  else
    echo '@@ grubby none'
  fi
fi
