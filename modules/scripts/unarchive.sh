#!/bin/sh
# Used by modules/unarchive.cc (ansible.builtin.unarchive). Embedded at build
# time without its comment lines; checked by shellcheck.
#
# Arguments, all data (never spliced into shell text):
#   MODE    inspect: read-only, tells whether the archive is extracted in
#           DEST as Ansible's module judges it; apply: extracts it when it is
#           not, then sets OWNER/GROUP/FMODE on its files
#   SRC     the archive on the target, or "-": it comes on stdin (uploaded
#           from the controller), kept in a temporary file removed at the end
#   DEST    the directory to extract into
#   ROOT_OWNER ROOT_GROUP  1 when Uid/Gid differences count (owner/group not given)
#   FMODE   the octal mode to set ("" = none); OWNER GROUP likewise
#   then tar's words after the verb, as Ansible's module builds them, with
#   @ZIP@ where the compression flag goes and @SRC@ for the archive.
# Prints sections "@@ NAME [VALUE]" (see ParseUnarchiveAnswer): uid, dest,
# src, handler, reasons, list, unarchived, attrs, and after an extraction
# tar, extract (its rc), out and err; deststat last.
mode=$1 src=$2 dest=$3 count_uid=$4 count_gid=$5 fmode=$6 owner=$7 group=$8
shift 8
LC_ALL=C LANG=C LANGUAGE=C LC_MESSAGES=C
export LC_ALL LANG LANGUAGE LC_MESSAGES

tmp=
cleanup() { if [ -n "$tmp" ]; then rm -rf -- "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

deststat() {
  if info=$(stat -c '%u %g %U %G %a %h %s %F' -- "$dest" 2>/dev/null); then
    echo "@@ deststat $info"
  fi
}

echo "@@ uid $(id -u)"
if [ "$src" = - ]; then
  tmp=$(mktemp -d) || exit 1
  src=$tmp/source
  cat >"$src" || exit 1
fi
if [ ! -d "$dest" ]; then
  echo "@@ dest missing"
  exit 0
fi
echo "@@ dest ok"
if [ ! -e "$src" ]; then echo "@@ src missing"; exit 0; fi
if [ ! -r "$src" ]; then echo "@@ src unreadable"; exit 0; fi
if [ ! -s "$src" ]; then echo "@@ src empty"; exit 0; fi
echo "@@ src ok $src"

# Runs `tar VERB -C DEST WORDS...` with $zipflag for @ZIP@ (left out when
# empty) and the archive for @SRC@.
run_tar() (
  verb=$1
  shift
  for w do
    shift
    case $w in
      @ZIP@) if [ -n "$zipflag" ]; then set -- "$@" "$zipflag"; fi ;;
      @SRC@) set -- "$@" "$src" ;;
      *) set -- "$@" "$w" ;;
    esac
  done
  cd -- "$dest" && exec "$tarbin" "$verb" -C "$dest" "$@"
)

handler=
reasons=
if command -v unzip >/dev/null 2>&1; then
  if unzip -Z -1 -- "$src" >/dev/null 2>&1; then handler=ZipArchive; fi
else
  reasons="Unable to find required 'unzip' or 'unzip' binary in the path."
fi
tarbin=$(command -v gtar || command -v tar)
zipflag=
if [ -z "$handler" ]; then
  if [ -z "$tarbin" ]; then
    reasons="$reasons
Unable to find required 'gtar' or 'tar' binary in the path"
  elif ! "$tarbin" --version 2>/dev/null | head -n 1 | grep -q '^tar.*GNU'; then
    reasons="$reasons
Command \"$tarbin\" detected as tar type bsd. GNU tar required."
  else
    for try in TgzArchive:-z TarArchive: TarBzipArchive:-j TarXzArchive:-J \
               TarZstdArchive:--use-compress-program=zstd; do
      zipflag=${try#*:}
      if listed=$(run_tar --list "$@" 2>/dev/null) && [ -n "$listed" ]; then
        handler=${try%%:*}
        break
      fi
    done
    if [ -z "$handler" ]; then
      reasons="$reasons
Command \"$tarbin\" could not handle archive"
    fi
  fi
fi
echo "@@ handler ${handler:-none}"
if [ -z "$handler" ]; then
  echo "@@ reasons"
  printf '%s\n' "$reasons"
  exit 0
fi
if [ "$handler" = ZipArchive ]; then
  echo "@@ zip"
  exit 0
fi

list=$listed
echo "@@ list"
printf '%s\n' "$list"

# Whether tar --diff finds what Ansible's module counts as a difference.
unarchived() {
  run_tar --diff "$@" 2>&1 |
    grep -v ': : Warning: Cannot stat: No such file or directory$' | {
      found=no
      while IFS= read -r line; do
        case $line in
          *': Uid differs') [ "$(id -u)" = 0 ] && [ "$count_uid" = 1 ] && found=yes ;;
          *': Gid differs') [ "$(id -u)" = 0 ] && [ "$count_gid" = 1 ] && found=yes ;;
          *': Mode differs') [ -z "$fmode" ] && found=yes ;;
          *': Mod time differs' | *': Warning: Cannot stat: No such file or directory')
            found=yes ;;
          *': Invalid owner'* | *': Invalid group'*) found=yes ;;
        esac
      done
      [ "$found" = no ]
    }
}

# Sets (apply) or counts (inspect) the owner, group and mode that differ on
# the archive's files and its top folders; prints the count.
attributes() {
  n=0
  want_uid='' want_gid=''
  if [ -n "$owner" ]; then
    case $owner in *[!0-9]*) want_uid=$(id -u -- "$owner" 2>/dev/null) ;; *) want_uid=$owner ;; esac
  fi
  if [ -n "$group" ]; then
    case $group in
      *[!0-9]*) want_gid=$(getent group -- "$group" | cut -d: -f3) ;;
      *) want_gid=$group ;;
    esac
  fi
  printf '%s\n' "$list" | {
    while IFS= read -r f; do
      f=${f#/}
      printf '%s\n' "$f"
      case $f in */*) printf '%s\n' "${f%%/*}" ;; esac
    done
  } | awk '!seen[$0]++' | {
    while IFS= read -r f; do
      p=$dest/$f
      [ -e "$p" ] || [ -L "$p" ] || continue
      info=$(stat -c '%u %g %a' -- "$p")
      uid=${info%% *} rest=${info#* }
      gid=${rest%% *} perm=${rest#* }
      if [ -n "$want_uid" ] && [ "$uid" != "$want_uid" ]; then
        n=$((n + 1)); [ "$mode" = apply ] && chown -h -- "$want_uid" "$p"
      fi
      if [ -n "$want_gid" ] && [ "$gid" != "$want_gid" ]; then
        n=$((n + 1)); [ "$mode" = apply ] && chgrp -h -- "$want_gid" "$p"
      fi
      if [ -n "$fmode" ] && [ ! -L "$p" ] && [ "$((0$perm))" != "$((0$fmode))" ]; then
        n=$((n + 1)); [ "$mode" = apply ] && chmod -- "$fmode" "$p"
      fi
    done
    echo "$n"
  }
}

if unarchived "$@"; then
  echo "@@ unarchived yes"
else
  echo "@@ unarchived no"
  if [ "$mode" = apply ]; then
    echo "@@ tar $tarbin"
    out=$(mktemp) err=$(mktemp)
    run_tar --extract "$@" >"$out" 2>"$err"
    echo "@@ extract $?"
    echo "@@ out"
    cat -- "$out"
    echo "@@ err"
    cat -- "$err"
    rm -f -- "$out" "$err"
  fi
fi
if [ -n "$owner$group$fmode" ]; then echo "@@ attrs $(attributes)"; fi
deststat
