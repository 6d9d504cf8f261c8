#!/bin/sh
# Runs a shell script in a throw-away root: a private mount namespace where
# /tmp is a fresh tmpfs and /etc a copy of the machine's /etc on it. Whatever
# the script writes there vanishes when it exits, also when it is killed, so
# a test (or the demo) can let hostprep change /etc without changing the
# machine. Needs root (or a user namespace) for unshare.
#   usage: sandbox.sh 'SCRIPT' [ARG...]   ($1... inside SCRIPT are the ARGs)
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 'SCRIPT' [ARG...]" >&2
  exit 2
fi
exec unshare --mount --propagation private -- /bin/sh -c '
  set -e
  mount -t tmpfs -o mode=1777 hostprep-sandbox /tmp
  mkdir /tmp/.sandbox-etc
  cp -a /etc/. /tmp/.sandbox-etc/
  mount --bind /tmp/.sandbox-etc /etc
  script=$1
  shift
  exec /bin/sh -c "$script" sandbox "$@"
' sandbox "$@"
