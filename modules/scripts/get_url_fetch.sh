#!/bin/sh
# Used by modules/get_url.cc (ansible.builtin.get_url): downloads URL to DEST
# (OP "download"), or asks for it and keeps DEST when the server answers 304
# or DEST's bytes (OP "ask": If-Modified-Since DEST's time; "ask-force":
# without), or only sets DEST's attributes (OP "attrs"). Embedded at build
# time without its comment lines; checked by shellcheck.
#
# Arguments: OP URL DEST TMP ALGO WANT BACKUP MODE OWNER GROUP, then curl's
# options. The body goes to a new file in TMP (or DEST's directory); when
# ALGO is given its digest must be WANT, else DEST is left as it was. The
# new file takes DEST's mode and owner when DEST exists (0666 less the
# umask when not), then MODE (octal), OWNER and GROUP when given; BACKUP 1
# keeps a copy of DEST as DEST.PID.YYYY-MM-DD@HH:MM:SS~; then it replaces
# DEST in one rename. Prints lines "KEY VALUE": status, elapsed, sha1, md5,
# backup_file, then "stat UID GID USER GROUP MODE LINKS SIZE TYPE" of DEST;
# on failure "msg TEXT" (and exit status 1). The ask ops also print "msg
# TEXT" (urllib's), "same CODE" when DEST is kept, and "failed" (exit
# status 0) instead of exit status 1, so that the report says it changed
# nothing. curl's options may
# hold "-K -": its config (credentials, headers) is then this script's stdin.
op=$1 url=$2 dest=$3 tmp=$4 algo=$5 want=$6 backup=$7 mode=$8 owner=$9 group=${10}
shift 10
fail() {
  printf 'msg %s\n' "$1"
  case $op in ask*) printf 'failed\n' && exit 0 ;; esac
  exit 1
}
set_attrs() {
  if [ -n "$mode" ]; then chmod -- "$mode" "$1" || fail "chmod $mode failed on $1"; fi
  if [ -n "$owner" ]; then chown -- "$owner" "$1" || fail "chown $owner failed on $1"; fi
  if [ -n "$group" ]; then chgrp -- "$group" "$1" || fail "chgrp $group failed on $1"; fi
}
digests() {
  printf 'sha1 %s\nmd5 %s\n' "$(sha1sum < "$1" | cut -d' ' -f1)" "$(md5sum < "$1" | cut -d' ' -f1)"
}
if [ "$op" != attrs ]; then
  dir=${tmp:-$(dirname -- "$dest")}
  new=$(mktemp "$dir/.get_url.XXXXXXXX") || fail "cannot make a temporary file in $dir"
  trap 'rm -f "$new" "$new.err" "$new.h"' EXIT
  if [ "$op" = ask ] && [ -f "$dest" ]; then
    case $url in file:*) ;; *) set -- -z "$dest" "$@" ;; esac
  fi
  start=$(date +%s)
  code=$(curl -sS -L -D "$new.h" -o "$new" -w '%{http_code}' "$@" -- "$url" 2>"$new.err") ||
    fail "Request failed: $(head -n 1 "$new.err")"
  printf 'status %s\nelapsed %s\n' "$code" "$(($(date +%s) - start))"
  if [ "$op" != download ]; then
    if [ "$code" = 304 ]; then
      printf 'msg HTTP Error 304: Not Modified\nsame 304\n'
      printf 'stat %s\n' "$(stat -c '%u %g %U %G %a %h %s %F' -- "$dest")"
      exit 0
    fi
    len=$(grep -i '^content-length:' "$new.h" | tail -n 1 | cut -d: -f2 | tr -d ' \r')
    printf 'msg OK (%s bytes)\n' "${len:-unknown}"
    answered=$code
    case $url in file:*) answered=200 ;; esac
    if [ "$answered" = 200 ] && [ -f "$dest" ] &&
      [ "$(sha1sum < "$new" | cut -d' ' -f1)" = "$(sha1sum < "$dest" | cut -d' ' -f1)" ]; then
      printf 'same 200\n'
      set_attrs "$dest"
      digests "$dest"
      printf 'stat %s\n' "$(stat -c '%u %g %U %G %a %h %s %F' -- "$dest")"
      exit 0
    fi
  fi
  case $url in
    file:*) ;;
    *) [ "$code" = 200 ] || fail "Request failed" ;;
  esac
  if [ -n "$algo" ]; then
    got=$("${algo}sum" < "$new" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "The checksum for $dest did not match $want; it was $got."
  fi
  if [ -e "$dest" ]; then
    { chmod "$(stat -L -c %a -- "$dest")" "$new" && chown "$(stat -L -c %u:%g -- "$dest")" "$new"; } ||
      fail "cannot give the download $dest's mode and owner"
  else
    chmod "$(printf '%o' $((0666 & ~$(umask))))" "$new" || fail "chmod failed on $new"
  fi
  set_attrs "$new"
  if [ "$backup" = 1 ] && [ -e "$dest" ]; then
    saved="$dest.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
    cp -p -- "$dest" "$saved" || fail "Could not make backup of $dest to $saved"
    printf 'backup_file %s\n' "$saved"
  fi
  mv -f -- "$new" "$dest" || fail "failed to copy the download to $dest"
  digests "$dest"
else
  set_attrs "$dest"
fi
printf 'stat %s\n' "$(stat -c '%u %g %U %G %a %h %s %F' -- "$dest")"
