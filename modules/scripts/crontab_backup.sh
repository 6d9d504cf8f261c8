#!/bin/sh
# Used by modules/cron.cc (Ansible's cron module, backup: true).
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Keeps the crontab read on stdin in a new file /tmp/crontabXXXXXXXX
# (TMPDIR when set), readable by its owner only, as Ansible's module keeps
# its backup.
umask 077
f=$(mktemp "${TMPDIR:-/tmp}/crontabXXXXXXXX") && cat >"$f"
