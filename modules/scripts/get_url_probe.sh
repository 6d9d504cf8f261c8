#!/bin/sh
# Used by modules/get_url.cc (ansible.builtin.get_url), read-only: what is at
# DEST and what the server answers. Embedded at build time without its
# comment lines; checked by shellcheck.
#
# Arguments: URL DEST ALGO WANT SUMS_URL FORCE TMP NAME ASK, then curl's options for
# every request. ALGO: md5, sha1, sha224, sha256, sha384, sha512 or "";
# WANT: the checksum asked for in the task ("" for none or a SUMS_URL);
# FORCE: 1 or 0; TMP: the directory for the response ("" = mktemp's); NAME:
# the file's name in DEST when DEST is a directory, as the URL gives it; ASK:
# 0 when the server is not to be asked for URL (the request needs what only
# the download step's stdin carries: request none), else 1.
# Prints sections, each a line "@@ NAME" and its text:
#   curl     "none" when the host has no curl, and nothing after it
#   dest     file, dir, other or missing (symlinks followed)
#   parent   yes or no: whether DEST's directory exists
#   digest   ALGO's digest of DEST, when DEST is a file and ALGO given
#   sha1     DEST's SHA-1, when DEST is a file
#   sums     SUMS_URL's body, then "@@ sums_status CODE" and "@@ sums_error"
#   request  HEAD (DEST missing), GET-IF (GET if DEST's mtime is older;
#            a plain GET for a file: URL, as urllib ignores the time there),
#            GET, or none (DEST is a file with the WANT digest, no FORCE)
#   status   the HTTP status of the request (000: none was answered, or a
#            file: URL) and the URL after redirects
#   error    what curl said when it failed
#   headers  the status lines, Content-Length and Content-Disposition of
#            every response (redirects first): nothing that changes by the
#            second, so that the answer read again as a guard compares
#   body     the body's SHA-1, for a GET answered 200
#   named    DEST/NAME's SHA-1 (nothing when it is not a file), DEST a directory
url=$1 dest=$2 algo=$3 want=$4 sums_url=$5 force=$6 tmp=$7 name=$8 ask=$9
shift 9
if ! command -v curl >/dev/null 2>&1; then
  printf '@@ curl\nnone\n'
  exit 0
fi
if [ -d "$dest" ]; then kind=dir
elif [ -f "$dest" ]; then kind='file'
elif [ -e "$dest" ]; then kind=other
else kind=missing
fi
printf '@@ dest\n%s\n' "$kind"
if [ -d "$(dirname -- "$dest")" ]; then parent=yes; else parent=no; fi
printf '@@ parent\n%s\n' "$parent"
digest=
if [ "$kind" = file ]; then
  case $algo in
    md5|sha1|sha224|sha256|sha384|sha512)
      digest=$("${algo}sum" < "$dest" | cut -d' ' -f1)
      printf '@@ digest\n%s\n' "$digest" ;;
  esac
  printf '@@ sha1\n'
  sha1sum < "$dest" | cut -d' ' -f1
fi
work=$(mktemp -d ${tmp:+"$tmp/get_url.XXXXXXXX"}) || exit 1
trap 'rm -rf "$work"' EXIT
if [ -n "$sums_url" ]; then
  code=$(curl -sS -L -o "$work/sums" -w '%{http_code}' "$@" -- "$sums_url" 2>"$work/err")
  printf '@@ sums\n'
  cat "$work/sums" 2>/dev/null
  printf '\n@@ sums_status\n%s\n@@ sums_error\n' "$code"
  cat "$work/err"
fi
if [ "$ask" = 0 ] ||
  { [ "$kind" = file ] && [ "$force" = 0 ] && [ -n "$want" ] && [ "$digest" = "$want" ]; }; then
  printf '@@ request\nnone\n'
  exit 0
fi
case $kind in
  missing|other) request=HEAD; set -- --head "$@" ;;
  file)
    case $force$url in
      1*|0file:*) request=GET ;;
      *) request=GET-IF; set -- -z "$dest" "$@" ;;
    esac ;;
  dir) request=GET ;;
esac
printf '@@ request\n%s\n' "$request"
code=$(curl -sS -L -D "$work/headers" -o "$work/body" -w '%{http_code} %{url_effective}' "$@" -- "$url" 2>"$work/err")
printf '@@ status\n%s\n@@ error\n' "$code"
cat "$work/err"
printf '@@ headers\n'
grep -i -E '^(HTTP/|content-length:|content-disposition:)' "$work/headers" 2>/dev/null
if [ "$request" != HEAD ] && [ -f "$work/body" ]; then
  printf '@@ body\n'
  sha1sum < "$work/body" | cut -d' ' -f1
fi
if [ "$kind" = dir ]; then
  printf '@@ named\n'
  if [ -f "$dest/$name" ]; then sha1sum < "$dest/$name" | cut -d' ' -f1; fi
fi
