#!/bin/sh
# Runs a shell script in a throw-away root: a private mount namespace where
# /etc is a copy of the machine's /etc on a tmpfs. Whatever the script writes
# under /etc vanishes when it exits, also when it is killed, so a test (or
# the demo) can let hostprep change /etc without changing the machine. It
# makes no files or directories outside the namespace. Needs root (unshare).
#   usage: sandbox.sh 'SCRIPT' [ARG...]   ($1... inside SCRIPT are the ARGs)
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 'SCRIPT' [ARG...]" >&2
  exit 2
fi
exec unshare --mount --propagation private -- /bin/sh -c '
  set -e
  # fd 8 keeps the real /etc reachable after the tmpfs covers it.
  exec 8</etc
  mount -t tmpfs -o mode=0755 hostprep-sandbox /etc
  cp -a /proc/self/fd/8/. /etc/
  exec 8<&-
  script=$1
  shift
  exec /bin/sh -c "$script" sandbox "$@"
' sandbox "$@"
