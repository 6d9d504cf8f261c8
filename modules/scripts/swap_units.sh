#!/bin/sh
# Used by modules/swap.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# What each of its arguments (swap.target's unit files in /etc and /run) is,
# one line each: "null" (a symlink to /dev/null: a mask), "link TARGET",
# "file SIZE", "dir", "other" or "missing". The shell's own tests answer a
# mask or a missing file without starting any program; a stat would not: a
# stat of a symlink costs the batch a `readlink` and keeps its shared `stat`
# from following links (so a read through a symlink is made on its own).
for p; do
  if [ -L "$p" ]; then
    # shellcheck disable=SC3013 # -ef: dash, bash and busybox ash all have it
    if [ "$p" -ef /dev/null ]; then echo null
    else
      t=$(readlink -- "$p") || t=
      case $t in *"
"*) t='(a name with a newline)' ;; esac
      printf 'link %s\n' "$t"
    fi
  elif [ -d "$p" ]; then echo dir
  elif [ -f "$p" ]; then
    if [ -s "$p" ]; then printf 'file %s\n' "$(wc -c <"$p" 2>/dev/null)"; else echo 'file 0'; fi
  elif [ -e "$p" ]; then echo other
  else echo missing; fi
done
