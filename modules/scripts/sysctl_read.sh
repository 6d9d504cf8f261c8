#!/bin/sh
# Used by modules/sysctl.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints one record per key, so one round trip reads every key:
# "value<TAB>PATH<TAB>VALUE" (each line of the value followed by a space, as
# `tr '\n' ' '` gives it), "missing<TAB>PATH" or "unreadable<TAB>PATH". The
# keys are positional arguments: they never become shell code. One `grep`
# reads every readable key (paths never hold a ':', so "PATH:LINE" splits
# cleanly); the shell's own `read` cannot read them, as dash reads a byte at
# a time and a sysctl file read at an offset past 0 ends there. When grep
# fails, each key is read on its own as before.
n=$#
while [ $n -gt 0 ]; do
  p=$1; shift; n=$((n - 1)); f=/proc/sys/$p
  if [ ! -e "$f" ]; then printf 'missing\t%s\n' "$p"
  elif [ ! -r "$f" ]; then printf 'unreadable\t%s\n' "$p"
  else set -- "$@" "$f"; fi
done
[ $# -gt 0 ] || exit 0
if out=$(grep -aH '' -- "$@" 2>/dev/null) || [ $? = 1 ]; then
  for f; do
    v=
    while IFS= read -r l; do
      case $l in "$f:"*) v="$v${l#"$f:"} " ;; esac
    done <<EOF
$out
EOF
    printf 'value\t%s\t%s\n' "${f#/proc/sys/}" "$v"
  done
else
  for f; do
    if v=$(tr '\n' ' ' 2>/dev/null < "$f"); then printf 'value\t%s\t%s\n' "${f#/proc/sys/}" "$v"
    else printf 'unreadable\t%s\n' "${f#/proc/sys/}"; fi
  done
fi
