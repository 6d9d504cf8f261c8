#!/bin/sh
# Becomes another user with su (engine/transport/remote_shell.cc,
# SuBecomeArgv) and runs a command as that user.
# $0: the transport's random marker; $1: the user; $2: su's options ("" or
# -m); $3: 1 when stdin starts with the password line and then a line
# holding the marker, 0 when it holds only the command's own stdin; then the
# command's argv.
# su reads its password from its own stdin, which is only the password: the
# command gets the rest of stdin through fd 3, and its stdout and stderr as
# they were through fds 6 and 4. su's own stderr (its "Password: " prompt,
# its refusals) is read into $r with the marker that the command prints just
# before it starts; without the marker su never ran the command, and its
# words go to stderr after the marker, with exit 125 (CheckSuBecome).
# The password stays in a variable given to printf, a builtin: never in an
# argv. No LC_ALL here: the command runs in the environment it was given.
m=$0 u=$1 o=$2 w=$3
shift 3
p=
if [ "$w" = 1 ]; then
  IFS= read -r p
  while IFS= read -r l; do [ "$l" = "$m" ] && break; done
fi
exec 3<&0 4>&2 6>&1
# shellcheck disable=SC2016 # the command su runs, expanded by its own sh
r=$(printf '%s\n' "$p" | su ${o:+"$o"} -s /bin/sh -c 'printf %s "$0" >&5; exec "$@" <&3 3<&- 2>&4 4>&- 5>&- 6>&-' -- "$u" "$m" "$@" 5>&1 2>&1 >&6)
c=$?
case $r in *"$m"*) exit "$c" ;; esac
r=${r#Password: }
printf '%s %s\n' "$m" "${r:-su exited $c}" >&2
exit 125
