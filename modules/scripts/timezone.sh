#!/bin/sh
# Used by modules/timezone.cc (community.general.timezone), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Argument: NAME, the zone asked for ("" when only hwclock is). Prints lines
# "KEY VALUE":
#   zonefile     yes when /usr/share/zoneinfo/NAME is a regular file, else no
#   timedatectl  its path and "ok" when plain `timedatectl` exits 0 (how
#                Ansible's module picks systemd), "fails", or "none"
# With timedatectl usable, then a line "status" and `timedatectl status`'s
# output to the end. Otherwise the files Ansible's module reads without it:
#   reconfigure  the path of dpkg-reconfigure, or "none"
#   localtime    "link TARGET" (resolving: "link-ok TARGET"), "file" or
#                "missing", for /etc/localtime
#   same         yes when /etc/localtime's bytes are NAME's zone file's
# then a line "timezone" and /etc/timezone's bytes to the end, or a line
# "timezone-missing".
name=$1
if [ -n "$name" ] && [ -f "/usr/share/zoneinfo/$name" ]; then
  echo 'zonefile yes'
else
  echo 'zonefile no'
fi
if tdc=$(command -v timedatectl); then
  if timedatectl >/dev/null 2>&1; then
    printf 'timedatectl %s ok\nstatus\n' "$tdc"
    timedatectl status
    exit 0
  fi
  printf 'timedatectl %s fails\n' "$tdc"
else
  echo 'timedatectl none'
fi
printf 'reconfigure %s\n' "$(command -v dpkg-reconfigure || echo none)"
if [ -L /etc/localtime ]; then
  if [ -e /etc/localtime ]; then kind='link-ok'; else kind='link'; fi
  printf 'localtime %s %s\n' "$kind" "$(readlink /etc/localtime)"
elif [ -e /etc/localtime ]; then
  echo 'localtime file'
else
  echo 'localtime missing'
fi
if [ -n "$name" ] && cmp -s /etc/localtime "/usr/share/zoneinfo/$name"; then
  echo 'same yes'
else
  echo 'same no'
fi
if [ -f /etc/timezone ]; then
  echo timezone
  cat /etc/timezone
else
  echo timezone-missing
fi
