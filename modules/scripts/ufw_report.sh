#!/bin/sh
# Used by modules/ufw.cc (community.general.ufw): the last step of a task
# that ran ufw commands. Reads nothing but ufw's state; changes nothing.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Arguments: UFW (its path) and ALWAYS ("yes" when Ansible's module says
# changed whatever ufw did: reload, reset, logging on an inactive ufw). Stdin: what `ufw status verbose` printed and the
# "### tuple" lines of the user rules files held before the task's commands
# ran, as ufw.cc's UfwStateText writes them. Prints "@@ same yes" or
# "@@ same no" (whether the state is still that: Ansible's module reports a
# change when it is not) and "@@ always ALWAYS", then "@@ status 0" and what `ufw status verbose`
# prints now; when that fails, only "@@ status RC" and what it said.
ufw=$1
before=$(cat)
status=$(LANG=C LC_ALL=C "$ufw" status verbose 2>/dev/null)
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "@@ status $rc"
  LANG=C LC_ALL=C "$ufw" status verbose 2>&1
  exit 0
fi
tuples=$(for f in /lib/ufw/user.rules /lib/ufw/user6.rules /etc/ufw/user.rules \
  /etc/ufw/user6.rules /var/lib/ufw/user.rules /var/lib/ufw/user6.rules; do
  if [ -f "$f" ]; then grep -h '^### tuple' "$f"; fi
done)
now=$(printf '%s\n@@@@\n%s' "$status" "$tuples")
if [ "$now" = "$before" ]; then echo '@@ same yes'; else echo '@@ same no'; fi
echo "@@ always $2"
echo "@@ status $rc"
printf '%s\n' "$status"
