#!/bin/sh
# Used by modules/user.cc (ansible.builtin.user): makes a missing home as
# Ansible's module makes it (create_homedir, chown_homedir).
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: HOME SKEL USER. Nothing when HOME exists; else a copy of SKEL (symlinks kept) when it exists,
# else an empty directory with its parents; then the mode login.defs' UMASK
# gives, and everything in it owned by USER and USER's group.
home=$1 skel=$2 user=$3
if [ -e "$home" ]; then
  exit 0
elif [ -e "$skel" ]; then
  up=${home%/*}
  mkdir -p -- "${up:-/}"
  cp -RPp -- "$skel" "$home"
else
  mkdir -p -- "$home"
fi
mask=$(sed -n 's/^UMASK[[:space:]]\{1,\}\([0-9]\{1,\}\)$/\1/p' /etc/login.defs 2>/dev/null | tail -n 1)
if [ -n "$mask" ]; then
  chmod "$(printf '%o' $((0777 & ~0$mask)))" -- "$home"
fi
chown -R -- "$user:" "$home"
