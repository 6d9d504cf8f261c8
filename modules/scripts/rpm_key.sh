#!/bin/sh
# Used by modules/rpm_key.cc (ansible.builtin.rpm_key), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Argument: KEY, a key file's path ("" when the key is given by its id).
# Prints "@@ rpm PATH" (no PATH: rpm is missing, and nothing more) and
# "@@ gpg PATH" (gpg, else gpg2; no PATH: neither), then
#   @@ keyfile RC   when KEY is a file: gpg's colon listing of it, with
#                   fingerprints (stderr mixed in), and gpg's exit status
#   @@ imported RC  when rpm knows gpg-pubkey packages: gpg's colon listing
#                   of their descriptions, as Ansible's module pipes them
#   @@ armored yes  when KEY is a file holding an armored public key block
#   @@ imported none  when it knows none
key=$1
if ! rpm=$(command -v rpm); then
  echo '@@ rpm'
  exit 0
fi
if ! gpg=$(command -v gpg || command -v gpg2); then
  printf '@@ rpm %s\n@@ gpg\n' "$rpm"
  exit 0
fi
printf '@@ rpm %s\n@@ gpg %s\n' "$rpm" "$gpg"
if [ -n "$key" ] && [ -f "$key" ]; then
  info=$("$gpg" --no-tty --batch --with-colons --fixed-list-mode --with-fingerprint -- "$key" 2>&1)
  printf '@@ keyfile %s\n%s\n' "$?" "$info"
  if grep -q -e '-----BEGIN PGP PUBLIC KEY BLOCK-----' -- "$key" &&
    grep -q -e '-----END PGP PUBLIC KEY BLOCK-----' -- "$key"; then
    echo '@@ armored yes'
  fi
fi
if "$rpm" -q gpg-pubkey >/dev/null 2>&1; then
  info=$("$rpm" -q gpg-pubkey --qf '%{description}' |
    "$gpg" --no-tty --batch --with-colons --fixed-list-mode - 2>&1)
  printf '@@ imported %s\n%s\n' "$?" "$info"
else
  echo '@@ imported none'
fi
