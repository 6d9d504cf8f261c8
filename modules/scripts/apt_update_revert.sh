#!/bin/sh
# Used by modules/apt_repository.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Runs the command of the first $1 words after it (apt-get update with its
# retries); when it fails, puts the apt sources back as they were before the
# task, as Ansible's apt_repository reverts them, and fails saying so. The
# words after the command are the revert: "rm PATH" for a file the task
# made, "put PATH CONTENT" for a file it changed or removed. Values travel
# as arguments only: the eval below names argument positions, never their
# text.
k=$1; shift
words=''
i=1
while [ "$i" -le "$k" ]; do words="$words \"\${$i}\""; i=$((i + 1)); done
eval "$words" && exit 0
rc=$?
shift "$k"
while [ "$#" -gt 0 ]; do
  case $1 in
    rm) rm -f -- "$2"; shift 2 ;;
    put) printf '%s' "$3" > "$2"; shift 3 ;;
    *) echo "apt_update_revert: unknown step $1" >&2; exit 2 ;;
  esac
done
echo "Failed to update apt cache: apt-get update exited $rc (the sources were put back as they were)" >&2
exit 1
