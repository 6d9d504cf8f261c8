#!/bin/sh
# Used by modules/service_facts.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints what Ansible's service_facts reads, in sections that start with a
# line "@@ NAME": "@@ sysv", `service --status-all` (where service exists
# and neither chkconfig nor rc-status does); when PID 1 is systemd, "@@
# units", `systemctl list-units --no-pager --type service --all`, "@@
# files", `systemctl list-unit-files --no-pager --type service --all`, and
# "@@ show", for each unit file list-units did not name, a line "NAME RC
# OUTPUT" of `systemctl show NAME --property=ActiveState`.
export LC_ALL=C.UTF-8 LANG=C.UTF-8
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 &&
  ! command -v rc-status >/dev/null 2>&1; then
  echo "@@ sysv"
  service --status-all 2>/dev/null
fi
grep -q systemd /proc/1/comm 2>/dev/null || exit 0
command -v systemctl >/dev/null 2>&1 || exit 0
units=$(systemctl list-units --no-pager --type service --all 2>/dev/null)
files=$(systemctl list-unit-files --no-pager --type service --all 2>/dev/null)
echo "@@ units"
printf '%s\n' "$units"
echo "@@ files"
printf '%s\n' "$files"
echo "@@ show"
listed=" $(printf '%s\n' "$units" | tr -s ' ' | tr '\n' ' ')"
printf '%s\n' "$files" | while read -r name _; do
  case $name in *.service) ;; *) continue ;; esac
  case $listed in *" $name "*) continue ;; esac
  out=$(systemctl show "$name" --property=ActiveState 2>/dev/null)
  printf '%s %s %s\n' "$name" "$?" "$out"
done
