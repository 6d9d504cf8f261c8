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
# On failure prints Ansible's message and exits 1.
PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
op=$1 name=$2
shift 2
created=
restore=0
fstab=

fail() {
  printf '%s\n' "$1"
  exit 1
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
      if ! out=$(mkdir -- "$cur" 2>&1); then
        [ -d "$cur" ] && continue
        # As Ansible's module: the directories made so far stay.
        created=
        rollback
        fail "Error making dir $name: $out"
      fi
      created="$cur
$created"
    fi
  done
}

case $op in
  umount)
    out=$(umount -- "$name" 2>&1) || fail "Error unmounting $name: $out"
    ;;
  absent)
    if [ "$1" = 1 ]; then
      out=$(umount -- "$name" 2>&1) || fail "Error unmounting $name: $out"
    fi
    if [ "$2" = 1 ]; then
      out=$(rmdir -- "$name" 2>&1) || fail "Error rmdir $name: $out"
    fi
    ;;
  mount | remount | remounted)
    fstab=$1 restore=$2 mkdir=$3 ropts=$4
    shift 4
    if [ "$op" = remounted ]; then what=remounting; else what=mounting; fi
    [ "$mkdir" = 1 ] && make_dirs
    if [ "$op" = mount ]; then
      out=$(mount "$@" "$name" 2>&1) && exit 0
    else
      out=$(mount -o "$ropts" "$@" "$name" 2>&1) && exit 0
      if [ "$op" = remounted ] && [ "$ropts" != remount ]; then
        fail 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.'
      fi
      out=$(umount -- "$name" 2>&1) && out=$(mount "$@" "$name" 2>&1) && exit 0
    fi
    rollback
    fail "Error $what $name: $out"
    ;;
  *)
    fail "mount_apply.sh: unknown operation $op"
    ;;
esac
