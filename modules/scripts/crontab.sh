#!/bin/sh
# Used by modules/cron.cc (Ansible's cron module).
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: ACTION USER. ACTION -l prints the crontab; - installs the
# crontab read on stdin. USER empty: the crontab of the user this runs as.
# crontab's -u is given only for another user, as Ansible's module gives
# it: crontab refuses -u to a user without privilege, even for their own.
# Exits as crontab does (1 for -l without a crontab), 127 without crontab.
action=$1 user=$2
if [ -z "$user" ] || [ "$user" = "$(id -un)" ]; then
  exec crontab "$action"
fi
exec crontab -u "$user" "$action"
