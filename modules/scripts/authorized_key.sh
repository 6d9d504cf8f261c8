#!/bin/sh
# Used by modules/authorized_key.cc (ansible.posix.authorized_key), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: USER PATH SSHDIR. PATH empty: USER's ~/.ssh/authorized_keys,
# SSHDIR then ~/.ssh. Prints "nouser" when getent does not know USER, else
# lines "KEY VALUE":
#   passwd   USER's passwd entry (getent passwd)
#   group    the name of USER's primary group (its number when it has none)
#   keyfile  PATH, sshdir SSHDIR (as computed from the home)
#   sshdir_state  directory, other or missing; parent_state the same for
#                 SSHDIR's directory
#   lstat    %f %h %u %g %s %U %G of PATH (not followed), or "missing"
# then, when PATH is a regular file (followed), a line "content" and the
# file's bytes to the end.
user=$1 p=$2 d=$3
if ! pw=$(getent passwd "$user"); then
  echo nouser
  exit 0
fi
printf 'passwd %s\n' "$pw"
gid=$(printf '%s\n' "$pw" | cut -d: -f4)
g=$(getent group "$gid" | cut -d: -f1)
printf 'group %s\n' "${g:-$gid}"
if [ -z "$p" ]; then
  home=$(printf '%s\n' "$pw" | cut -d: -f6)
  case $home in
  */) d=${home}.ssh ;;
  *) d=$home/.ssh ;;
  esac
  p=$d/authorized_keys
fi
printf 'keyfile %s\nsshdir %s\n' "$p" "$d"
state() { if [ -d "$1" ]; then echo directory; elif [ -e "$1" ]; then echo other; else echo missing; fi; }
up=${d%/*}
printf 'sshdir_state %s\nparent_state %s\n' "$(state "$d")" "$(state "${up:-/}")"
if [ -e "$p" ] || [ -L "$p" ]; then
  printf 'lstat %s\n' "$(stat -c '%f %h %u %g %s %U %G' -- "$p")"
else
  echo 'lstat missing'
fi
if [ -f "$p" ]; then
  echo content
  cat -- "$p"
fi
