#!/bin/sh
# Used by modules/unarchive.cc (ansible.builtin.unarchive). Embedded at build
# time without its comment lines; checked by shellcheck.
#
# Arguments, all data (never spliced into shell text):
#   MODE    inspect: read-only, tells whether a tar archive is extracted in
#           DEST as Ansible's module judges it, or prints what the plan needs
#           to judge a zip archive; apply: extracts a tar archive when it is
#           not, then sets OWNER/GROUP/FMODE on its files; zip-stat (SRC
#           ""): prints what the plan needs to judge a zip archive read on
#           the controller, whose members follow @NAMES@ and the zipinfo
#           times to read as local times follow @STAMPS@; zip-apply: runs
#           unzip with the words after @UNZIP@ (none: no extraction), then
#           sets OWNER/GROUP/FMODE on the members after @MEMBERS@
#   SRC     the archive on the target, or "-": it comes on stdin (uploaded
#           from the controller), kept in a temporary file removed at the end
#   DEST    the directory to extract into
#   ROOT_OWNER ROOT_GROUP  1 when Uid/Gid differences count (owner/group not given)
#   FMODE   the octal mode to set ("" = none); OWNER GROUP likewise
#   then tar's words after the verb, as Ansible's module builds them, with
#   @ZIP@ where the compression flag goes and @SRC@ for the archive, then
#   @ZIPINFO@ and zipinfo's pattern words (-x EXCLUDES... or INCLUDES...).
# Prints sections "@@ NAME [VALUE]" (see unarchive.cc's Interpret): uid,
# dest, src, handler, reasons, list, unarchived, attrs, and after an
# extraction tar, extract (its rc), out and err; deststat last. For a zip
# archive (unarchive_zip.cc): ids, groups, future, umask, zipinfo, names,
# crc, times, stat, sums; after zip-apply: unzip, extract, out, err, attrs.
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
if [ "$mode" != zip-stat ]; then
  if [ ! -e "$src" ]; then echo "@@ src missing"; exit 0; fi
  if [ ! -r "$src" ]; then echo "@@ src unreadable"; exit 0; fi
  if [ ! -s "$src" ]; then echo "@@ src empty"; exit 0; fi
  echo "@@ src ok $src"
fi

# Runs `tar VERB -C DEST WORDS...` with $zipflag for @ZIP@ (left out when
# empty) and the archive for @SRC@.
run_tar() (
  verb=$1
  shift
  done=no
  for w do
    shift
    [ "$done" = yes ] && continue
    case $w in
      @ZIPINFO@) done=yes ;;
      @ZIP@) if [ -n "$zipflag" ]; then set -- "$@" "$zipflag"; fi ;;
      @SRC@) set -- "$@" "$src" ;;
      *) set -- "$@" "$w" ;;
    esac
  done
  cd -- "$dest" && exec "$tarbin" "$verb" -C "$dest" "$@"
)

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
        n=$((n + 1)); [ "$mode" != inspect ] && chown -h -- "$want_uid" "$p"
      fi
      if [ -n "$want_gid" ] && [ "$gid" != "$want_gid" ]; then
        n=$((n + 1)); [ "$mode" != inspect ] && chgrp -h -- "$want_gid" "$p"
      fi
      if [ -n "$fmode" ] && [ ! -L "$p" ] && [ "$((0$perm))" != "$((0$fmode))" ]; then
        n=$((n + 1)); [ "$mode" != inspect ] && chmod -- "$fmode" "$p"
      fi
    done
    echo "$n"
  }
}

# The words after @ZIPINFO@ in the arguments, run as `zipinfo -T -s SRC
# WORDS` (unzip -Z without zipinfo), as Ansible's is_unarchived.
run_zipinfo() (
  while [ $# -gt 0 ] && [ "$1" != @ZIPINFO@ ]; do shift; done
  [ $# -gt 0 ] && shift
  if [ "$handler" = ZipZArchive ]; then
    exec unzip -Z -T -s "$src" "$@"
  fi
  exec zipinfo -T -s "$src" "$@"
)

# Runs the extraction "$@"; prints its exit status, stdout and stderr.
extract() {
  out=$(mktemp) err=$(mktemp)
  "$@" >"$out" 2>"$err"
  echo "@@ extract $?"
  echo "@@ out"
  cat -- "$out"
  echo "@@ err"
  cat -- "$err"
  rm -f -- "$out" "$err"
}

# zlib's CRC-32 of a file, in hex, from the trailer gzip writes.
crc32() {
  gzip -1 -c -- "$1" | tail -c 8 | od -An -tx1 -N4 | awk '{ print $4 $3 $2 $1 }'
}

# The arguments after the word $1 up to the word $2 (or the end), one a
# line; $3... are the arguments.
words_after() (
  mark=$1 end=$2
  shift 2
  while [ $# -gt 0 ] && [ "$1" != "$mark" ]; do shift; done
  [ $# -gt 0 ] && shift
  for w do
    if [ "$w" = "$end" ]; then break; fi
    printf '%s\n' "$w"
  done
)

# What unarchive_zip.cc needs to judge the zip archive against DEST.
zip_facts() {
  zi=$(run_zipinfo "$@" 2>/dev/null)
  echo "@@ zipinfo $?"
  printf '%s\n' "$zi"
  names=$(unzip -Z -1 -- "$src" 2>/dev/null)
  echo "@@ names"
  printf '%s\n' "$names"
  echo "@@ crc"
  unzip -v -- "$src" 2>/dev/null
  dest_facts "$(printf '%s\n' "$zi" | awk 'NF >= 8 && length($7) == 15 { print $7 }' | sort -u)"
}

# What DEST holds of the archive's $names, and $1's zipinfo times (one a
# line) as seconds since the epoch, read as the host's local times.
dest_facts() {
  echo "@@ ids $(id -u) $(id -g)"
  echo "@@ groups $(id -G)"
  fu='' fg=''
  if [ -n "$owner" ]; then fu=$(id -u -- "$owner" 2>/dev/null); fi
  if [ -n "$group" ]; then fg=$(getent group -- "$group" | cut -d: -f3); fi
  echo "@@ future ${fu:--} ${fg:--}"
  echo "@@ umask $(umask)"
  echo "@@ times"
  printf '%s\n' "$1" | grep -v '^$' |
    sed 's/^\(....\)\(..\)\(..\)\.\(..\)\(..\)\(..\)$/\1-\2-\3 \4:\5:\6/' |
    date -f - '+%Y%m%d.%H%M%S %s' 2>/dev/null
  echo "@@ stat"
  printf '%s\n' "$names" | sed -n 'p; s|^\([^/]*\)/.*|\1|p' | awk 'NF && !seen[$0]++' |
    D=$dest awk '{ print ENVIRON["D"] "/" $0 }' |
    xargs -r -d '\n' stat -c '%f %u %g %s %.9Y %n' -- 2>/dev/null
  echo "@@ sums"
  printf '%s\n' "$names" | while IFS= read -r f; do
    if [ -n "$f" ] && [ -f "$dest/$f" ] && [ ! -L "$dest/$f" ]; then
      printf '%s %s\n' "$(crc32 "$dest/$f")" "$f"
    fi
  done
}

# Runs unzip with the words after @UNZIP@ (@SRC@ is the archive) when there
# are any, then sets the attributes of the members after @MEMBERS@.
zip_apply() {
  list=$(words_after @MEMBERS@ '' "$@")
  while [ $# -gt 0 ] && [ "$1" != @UNZIP@ ]; do shift; done
  [ $# -gt 0 ] && shift
  if [ $# -gt 0 ] && [ "$1" != @MEMBERS@ ]; then
    stop=
    for w do
      shift
      if [ "$w" = @MEMBERS@ ]; then stop=1; fi
      if [ -n "$stop" ]; then continue; fi
      if [ "$w" = @SRC@ ]; then set -- "$@" "$src"; else set -- "$@" "$w"; fi
    done
    echo "@@ unzip $(command -v unzip)"
    echo "@@ cmd"
    printf '%s\n' "$@"
    extract unzip "$@"
  fi
  if [ -n "$owner$group$fmode" ]; then echo "@@ attrs $(attributes)"; fi
}

if [ "$mode" = zip-stat ]; then
  if ! command -v unzip >/dev/null 2>&1; then
    echo "@@ handler nounzip"
  elif command -v zipinfo >/dev/null 2>&1; then
    echo "@@ handler ZipArchive"
  else
    echo "@@ handler ZipZArchive"
  fi
  names=$(words_after @NAMES@ @STAMPS@ "$@")
  dest_facts "$(words_after @STAMPS@ '' "$@")"
  deststat
  exit 0
fi
if [ "$mode" = zip-apply ]; then
  echo "@@ zipapply"
  zip_apply "$@"
  deststat
  exit 0
fi

handler=
reasons=
if command -v unzip >/dev/null 2>&1; then
  if unzip -Z -1 -- "$src" >/dev/null 2>&1; then
    handler=ZipArchive
    command -v zipinfo >/dev/null 2>&1 || handler=ZipZArchive
  fi
elif [ "$(od -An -tx1 -N4 -- "$src" | tr -d ' \n')" = 504b0304 ]; then
  handler=nounzip
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
case $handler in
  nounzip) exit 0 ;;
  Zip*)
    if [ "$mode" = inspect ]; then zip_facts "$@"; fi
    deststat
    exit 0
    ;;
esac

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

if unarchived "$@"; then
  echo "@@ unarchived yes"
else
  echo "@@ unarchived no"
  if [ "$mode" = apply ]; then
    echo "@@ tar $tarbin"
    extract run_tar --extract "$@"
  fi
fi
if [ -n "$owner$group$fmode" ]; then echo "@@ attrs $(attributes)"; fi
deststat
