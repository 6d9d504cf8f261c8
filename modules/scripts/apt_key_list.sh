#!/bin/sh
# Used by modules/apt_key.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Lists the keys apt trusts as Ansible's apt_key lists them (apt-key adv
# --list-public-keys --keyid-format=long): those of keyring $1, or with $1
# empty those of all apt's keyrings and then, after a line "@@trusted.gpg",
# those of /etc/apt/trusted.gpg alone (where apt-key add puts a key). A
# keyring that does not exist lists nothing and is not made (apt-key would
# make it empty). Fails with 127 when apt-key or gpg is missing.
for b in apt-key gpg; do
  if ! command -v "$b" >/dev/null 2>&1; then
    echo "Failed to find required executable $b in paths: $PATH" >&2
    exit 127
  fi
done
export LC_ALL=C APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1
list() {
  if [ -e "$1" ]; then apt-key --keyring "$1" adv --list-public-keys --keyid-format=long; fi
}
if [ -n "$1" ]; then list "$1"; exit; fi
apt-key adv --list-public-keys --keyid-format=long || exit
echo "@@trusted.gpg"
list /etc/apt/trusted.gpg
