#!/bin/sh
# Used by modules/apt_key.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# After apt-key add or del, checks as Ansible's apt_key does that key $2
# (its last 8 or 16 hex digits, as listed) is now listed ($1 present) or
# not ($1 absent) among the keys of keyring $3 (empty: all of apt's).
export LC_ALL=C APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1
if [ -n "$3" ]; then
  out=$(apt-key --keyring "$3" adv --list-public-keys --keyid-format=long) || exit
else
  out=$(apt-key adv --list-public-keys --keyid-format=long) || exit
fi
n=${#2}
ids=$(printf '%s\n' "$out" | awk -v n="$n" '($1 == "pub" || $1 == "sub") && !/expired/ {
  split($2, a, "/"); print substr(a[2], length(a[2]) - n + 1) }')
found=0
for id in $ids; do if [ "$id" = "$2" ]; then found=1; fi; done
if [ "$1" = present ] && [ "$found" = 0 ]; then
  echo "apt-key did not return an error, but failed to add the key (check that the id is correct and *not* a subkey)" >&2
  exit 1
fi
if [ "$1" = absent ] && [ "$found" = 1 ]; then
  echo "apt-key did not return an error, but the key was not removed (check that the id is correct and *not* a subkey)" >&2
  exit 1
fi
exit 0
