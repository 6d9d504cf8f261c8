#!/bin/sh
# Used by modules/mount.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Carries out what the mount module planned, after its fstab write, as
# Ansible's ansible.posix.mount does it; the values come as arguments:
#   umount NAME                       unmount NAME
#   absent NAME UMOUNT RMDIR          unmount NAME (UMOUNT 1), then rmdir it (RMDIR 1)
#   mount NAME FSTAB RESTORE MKDIR ROPTS ARG...
#                                     create NAME and its missing parents
#                                     (MKDIR 1), then `mount ARG... NAME`
#   remount NAME FSTAB RESTORE MKDIR ROPTS ARG...
#                                     `mount -o ROPTS ARG... NAME`, or when that
#                                     fails `umount NAME` and `mount ARG... NAME`
#   remounted ...                     the same for state remounted: with ROPTS
#                                     other than "remount" (opts given) a failed
#                                     remount fails without the fallback
# ARG... ends with "--" and what follows it (src, for an ephemeral mount).
# With RESTORE 1 the fstab's old content comes on stdin: a failed mount puts
# it back in FSTAB, and removes the directories it made, as Ansible does.
# Prints "ok", or "failed" and Ansible's message on the next lines; exits
# 0 either way (the module's Report reads the answer).
PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
op=$1 name=$2
shift 2
created=
restore=0
fstab=

fail() {
  printf 'failed\n%s' "$1"
  exit 0
}

# Runs a command, its output (stdout and stderr, trailing line breaks
# kept, as Ansible's module joins them) in $out.
run() {
  out=$(
    "$@" 2>&1
    r=$?
    echo .
    exit "$r"
  )
  r=$?
  out=${out%.}
  return "$r"
}

# $out, for $(trimmed): without its trailing line breaks, as the messages
# Ansible's module takes from Python's exceptions.
trimmed() { printf '%s' "$out"; }

ok() {
  echo ok
  exit 0
}

# Puts the fstab back and removes the directories made, newest first.
rollback() {
  if [ "$restore" = 1 ]; then cat >"$fstab" || :; fi
  set -f
  old_ifs=$IFS
  IFS='
'
  for d in $created; do rmdir -- "$d" 2>/dev/null || :; done
  IFS=$old_ifs
  set +f
}

# mkdir -p NAME, remembering each directory made (Ansible's module undoes
# them when the mount fails).
make_dirs() {
  case $name in /*) cur=/ ;; *) cur= ;; esac
  rest=$name
  while [ "${rest#/}" != "$rest" ]; do rest=${rest#/}; done
  while [ "${rest%/}" != "$rest" ]; do rest=${rest%/}; done
  set -f
  old_ifs=$IFS
  IFS=/
  # shellcheck disable=SC2086 # split at the slashes, no globbing
  set -- $rest
  IFS=$old_ifs
  set +f
  first=1
  for part; do
    if [ "$first" = 1 ]; then cur=$cur$part; first=0; else cur=$cur/$part; fi
    if [ ! -e "$cur" ]; then
      if ! run mkdir -- "$cur"; then
        [ -d "$cur" ] && continue
        # As Ansible's module: the directories made so far stay.
        created=
        rollback
        fail "Error making dir $name: $(trimmed)"
      fi
      created="$cur
$created"
    fi
  done
}

case $op in
  umount)
    run umount -- "$name" || fail "Error unmounting $name: $out"
    ;;
  absent)
    if [ "$1" = 1 ]; then
      run umount -- "$name" || fail "Error unmounting $name: $out"
    fi
    if [ "$2" = 1 ]; then
      run rmdir -- "$name" || fail "Error rmdir $name: $(trimmed)"
    fi
    ;;
  mount | remount | remounted)
    fstab=$1 restore=$2 mkdir=$3 ropts=$4
    shift 4
    if [ "$op" = remounted ]; then what=remounting; else what=mounting; fi
    [ "$mkdir" = 1 ] && make_dirs
    if [ "$op" = mount ]; then
      run mount "$@" "$name" && ok
    else
      run mount -o "$ropts" "$@" "$name" && ok
      if [ "$op" = remounted ] && [ "$ropts" != remount ]; then
        fail 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.'
      fi
      run umount -- "$name" && run mount "$@" "$name" && ok
    fi
    rollback
    fail "Error $what $name: $out"
    ;;
  *)
    fail "mount_apply.sh: unknown operation $op"
    ;;
esac
ok
