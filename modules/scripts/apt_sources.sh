#!/bin/sh
# Used by modules/apt_repository.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints the one-line sources apt_repository reads, as Ansible's module
# loads them: /etc/apt/sources.list and every regular /etc/apt/sources.list.d/
# *.list (dot files left out, as Python's glob leaves them), each as
# "F SIZE PATH" and then exactly SIZE bytes of the file; "N DIR" when the
# directory does not exist. A name holding a line break is skipped.
nl=$(printf '\nx'); nl=${nl%x}
show() {
  n=$(wc -c < "$1") || exit 1
  printf 'F %s %s\n' "${n##* }" "$1"
  cat -- "$1" || exit 1
}
if [ -f /etc/apt/sources.list ]; then show /etc/apt/sources.list; fi
d=/etc/apt/sources.list.d
if [ ! -d "$d" ]; then printf 'N %s\n' "$d"; exit 0; fi
for f in "$d"/*.list; do
  case $f in *"$nl"*) continue ;; esac
  if [ -f "$f" ]; then show "$f"; fi
done
