#!/bin/sh
# Used by modules/apt_key.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# The keys of a key file ($1 file, $2 its path on the host) or of key text
# ($1 data, $2 the text), as `gpg --with-colons` prints them: how Ansible's
# apt_key finds a key's id. gpg runs in a temporary home, removed after,
# so that the read leaves nothing behind (Ansible's makes root's ~/.gnupg).
h=$(mktemp -d) || exit 1
if [ "$1" = data ]; then
  printf '%s' "$2" | GNUPGHOME=$h LC_ALL=C gpg --batch --with-colons -
else
  GNUPGHOME=$h LC_ALL=C gpg --batch --with-colons -- "$2"
fi
rc=$?
rm -rf "$h"
exit $rc
