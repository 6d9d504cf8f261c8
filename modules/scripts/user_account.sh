#!/bin/sh
# Used by modules/user.cc (ansible.builtin.user), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: USER HOME KEYFILE. HOME: the task's home ("" for none);
# KEYFILE: the ssh key file to look at ("" for none; relative: under the
# user's home). Prints lines "KEY VALUE":
#   passwd    USER's passwd entry, or "nouser" alone on its line
#   password  LOCKED SHA: 1 when the password field (shadow's when passwd's
#             has one character or none) starts with '!', else 0; and the
#             SHA-256 of the field less its leading '!'s (the hash itself
#             never leaves the host)
#   shadow    MIN MAX EXPIRE of shadow's entry (-1 for an empty field)
#   group     one line of the group database each
#   oldhome   exists or missing: the passwd entry's home
#   home      exists or missing: HOME, else the passwd entry's home
#   parent    directory or missing: HOME's directory
#   key       the key file's path; keystate private-present public-present
#             (1 or 0 each); fingerprint and pubkey when the private key is there
user=$1 home=$2 key=$3
getent group | sed 's/^/group /'
if ! pw=$(getent passwd "$user"); then
  echo nouser
else
  printf 'passwd %s\n' "$pw"
  sp=$(getent shadow "$user" 2>/dev/null) || sp=
  field=$(printf '%s\n' "$pw" | cut -d: -f2)
  if [ "${#field}" -le 1 ]; then field=$(printf '%s\n' "$sp" | cut -d: -f2); fi
  case $field in '!'*) locked=1 ;; *) locked=0 ;; esac
  while case $field in '!'*) true ;; *) false ;; esac; do field=${field#!}; done
  printf 'password %s %s\n' "$locked" "$(printf '%s' "$field" | sha256sum | cut -c1-64)"
  if [ -n "$sp" ]; then
    printf '%s\n' "$sp" | awk -F: '{ printf "shadow %s %s %s\n", ($4 == "" ? -1 : $4), ($5 == "" ? -1 : $5), ($8 == "" ? -1 : $8) }'
  fi
  old=$(printf '%s\n' "$pw" | cut -d: -f6)
  if [ -e "$old" ]; then echo 'oldhome exists'; else echo 'oldhome missing'; fi
  if [ -z "$home" ]; then home=$old; fi
fi
if [ -n "$home" ]; then
  if [ -e "$home" ]; then echo 'home exists'; else echo 'home missing'; fi
  up=${home%/*}
  if [ -d "${up:-/}" ]; then echo 'parent directory'; else echo 'parent missing'; fi
fi
case $key in
'' | /*) ;;
*) if [ -n "$home" ]; then key=${home%/}/$key; else key=; fi ;;
esac
if [ -n "$key" ]; then
  printf 'key %s\n' "$key"
  priv=0 pub=0
  if [ -e "$key" ]; then priv=1; fi
  if [ -e "$key.pub" ]; then pub=1; fi
  printf 'keystate %s %s\n' "$priv" "$pub"
  if [ "$priv" = 1 ]; then
    printf 'fingerprint %s\n' "$(ssh-keygen -l -f "$key" 2>&1 | head -n 1)"
    if [ -f "$key.pub" ]; then printf 'pubkey %s\n' "$(head -n 1 "$key.pub")"; fi
  fi
fi
