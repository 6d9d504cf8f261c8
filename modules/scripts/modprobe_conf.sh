#!/bin/sh
# Used by modules/modprobe.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints every regular file of /etc/modules-load.d and /etc/modprobe.d, as
# Ansible's modprobe module reads them all: "F SIZE PATH" and then exactly
# SIZE bytes of the file, or "N DIR" for a directory that does not exist.
# A name holding a line break is skipped (no module's file is named so).
nl=$(printf '\nx'); nl=${nl%x}
for d in /etc/modules-load.d /etc/modprobe.d; do
  if [ ! -d "$d" ]; then printf 'N %s\n' "$d"; continue; fi
  for f in "$d"/* "$d"/.[!.]*; do
    case $f in *"$nl"*) continue ;; esac
    if [ -f "$f" ] && [ -r "$f" ]; then
      n=$(wc -c < "$f") || exit 1
      printf 'F %s %s\n' "${n##* }" "$f"
      cat -- "$f" || exit 1
    fi
  done
done
