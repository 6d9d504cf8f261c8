#!/bin/sh
# Used by modules/user.cc (ansible.builtin.user, generate_ssh_key): makes
# the user's SSH key pair as Ansible's module makes it (ssh_key_gen).
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: KEYFILE USER TYPE BITS COMMENT_GIVEN COMMENT FORCE. The key's
# directory is made 0700 and the user's when missing; COMMENT_GIVEN 0 means
# Ansible's default comment ("ansible-generated on HOSTNAME"); FORCE 1
# replaces an existing pair. No passphrase (hostprep refuses one). Prints
# "fingerprint LINE" (ssh-keygen -l's) and "pubkey LINE" of the new key.
key=$1 user=$2 type=$3 bits=$4 given=$5 comment=$6 force=$7
dir=${key%/*}
dir=${dir:-/}
if [ ! -e "$dir" ]; then
  mkdir -m 700 -- "$dir"
  chown -- "$user:" "$dir"
fi
if [ "$given" != 1 ]; then comment="ansible-generated on $(hostname)"; fi
if [ "$force" = 1 ]; then rm -f -- "$key.pub"; fi
set -- ssh-keygen -q -t "$type"
if [ "$bits" -gt 0 ]; then set -- "$@" -b "$bits"; fi
set -- "$@" -C "$comment" -f "$key" -N ''
if [ -e "$key" ]; then echo y | "$@" >/dev/null; else "$@" </dev/null >/dev/null; fi
chown -- "$user:" "$key" "$key.pub"
printf 'fingerprint %s\npubkey %s\n' "$(ssh-keygen -l -f "$key" | head -n 1)" "$(head -n 1 "$key.pub")"
