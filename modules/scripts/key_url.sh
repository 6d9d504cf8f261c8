#!/bin/sh
# Used by modules/apt_key.cc and modules/rpm_key.cc: a key given by URL.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: URL, curl's options (get_url's, GetUrlCurlOptions), @CMD@, then
# a command in which the argument @KEY@ stands for the downloaded key.
# Downloads URL with curl into a temporary directory, runs the command and
# exits with its status; the directory (also gpg's home, GNUPGHOME, so that
# gpg leaves nothing behind) is removed at the end. A failed download (no
# curl, no answer, a status other than 200 for a URL other than file:)
# prints the reason on stderr and exits 90.
url=$1
shift
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' HUP INT TERM
key=$d/key
GNUPGHOME=$d/home
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME" || exit 1

# curl with the options before @CMD@.
fetch() (
  k=0
  for w do
    shift
    if [ "$w" = @CMD@ ]; then break; fi
    set -- "$@" "$w"
    k=$((k + 1))
  done
  shift $(($# - k))
  curl -sS -L -o "$key" -w '%{http_code}' "$@" -- "$url" 2>"$d/err"
)

if ! command -v curl >/dev/null 2>&1; then
  echo "the host has no curl, which downloads the key: install curl first" >&2
  exit 90
fi
if ! code=$(fetch "$@"); then
  echo "Request failed: $(head -n 1 "$d/err")" >&2
  exit 90
fi
case $url in
  file:*) ;;
  *)
    if [ "$code" != 200 ]; then
      echo "HTTP Error $code" >&2
      exit 90
    fi
    ;;
esac
while [ $# -gt 0 ] && [ "$1" != @CMD@ ]; do shift; done
shift
for w do
  shift
  if [ "$w" = @KEY@ ]; then set -- "$@" "$key"; else set -- "$@" "$w"; fi
done
"$@"
