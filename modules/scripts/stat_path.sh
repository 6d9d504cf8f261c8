#!/bin/sh
# Used by modules/stat.cc (Ansible's stat module), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: FOLLOW (1: stat what a symlink points to) ALGO (a checksum
# tool's prefix: sha1, md5, sha256...; empty: none) MIME ATTR MD5 (1 or 0)
# PATH ("~" and "~/..." are the login's home, as Ansible expands them).
# Prints "missing", or lines "KEY VALUE":
#   path   PATH, ~ expanded
#   stat   %f %u %g %s %i %d %h atime mtime ctime %b %o %t %T %U %G
#   access r|- w|- x|-         (test -r/-w/-x, for the user the read runs as)
#   target / source            a symlink's readlink and readlink -f
#   checksum / md5             of a readable regular file
#   mime                       `file -b --mime-type --mime-encoding`
#   attr                       `lsattr -vd`: the version and the flags
# A failed stat prints "error MESSAGE" on stdout and exits 0, so that the
# batch of reads it runs in goes on.
follow=$1 algo=$2 mime=$3 attr=$4 md5=$5 p=$6
# shellcheck disable=SC2088 # a literal "~" in the pattern, expanded by hand
case $p in
"~") p=$HOME ;;
"~/"*) p=$HOME/${p#"~/"} ;;
esac
st() { if [ "$follow" = 1 ]; then stat -L "$@"; else stat "$@"; fi; }
if [ ! -e "$p" ] && [ ! -L "$p" ]; then
  d=${p%/*}
  if [ "$d" = "$p" ] || [ -z "$d" ] || [ -x "$d" ] || [ ! -e "$d" ]; then echo missing; exit 0; fi
fi
printf 'path %s\n' "$p"
f='%f %u %g %s %i %d %h %.9X %.9Y %.9Z %b %o %t %T %U %G'
if ! s=$(st -c "$f" -- "$p" 2>&1); then
  # A stat without sub-second times (busybox): whole seconds.
  if ! s=$(st -c '%f %u %g %s %i %d %h %X %Y %Z %b %o %t %T %U %G' -- "$p" 2>&1); then
    case $s in *'No such file'*) echo missing ;; *) printf 'error %s\n' "$s" ;; esac
    exit 0
  fi
fi
printf 'stat %s\n' "$s"
a=
if [ -r "$p" ]; then a=r; else a=-; fi
if [ -w "$p" ]; then a=${a}w; else a=${a}-; fi
if [ -x "$p" ]; then a=${a}x; else a=${a}-; fi
printf 'access %s\n' "$a"
reg=
if [ "$follow" = 1 ] || [ ! -L "$p" ]; then [ -f "$p" ] && reg=1; fi
if [ ! "$follow" = 1 ] && [ -L "$p" ]; then
  printf 'target %s\n' "$(readlink -- "$p")"
  printf 'source %s\n' "$(readlink -f -- "$p")"
fi
if [ -n "$reg" ] && [ -r "$p" ]; then
  if [ -n "$algo" ] && c=$("${algo}sum" <"$p" 2>/dev/null); then printf 'checksum %s\n' "${c%% *}"; fi
  if [ "$md5" = 1 ] && c=$(md5sum <"$p" 2>/dev/null); then printf 'md5 %s\n' "${c%% *}"; fi
fi
if [ "$mime" = 1 ] && command -v file >/dev/null 2>&1; then
  if m=$(file -b --mime-type --mime-encoding -- "$p" 2>/dev/null); then printf 'mime %s\n' "$m"; fi
fi
if [ "$attr" = 1 ] && command -v lsattr >/dev/null 2>&1; then
  if m=$(lsattr -vd -- "$p" 2>/dev/null); then printf 'attr %s\n' "$m"; fi
fi
exit 0
