#!/bin/sh
# Used by modules/mount.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# What the mount module needs to know of the path $1, as Ansible's module
# sees it (relative paths from the login directory, as there):
#   exists yes|no     Python's os.path.exists (follows symlinks)
#   ismount yes|no    ansible.posix's ismount(): lstat works, not a symlink,
#                     and the path's device differs from its parent's or
#                     its inode is its parent's (the root of a file system)
p=$1
if [ -e "$p" ]; then echo "exists yes"; else echo "exists no"; fi
ismount=no
if [ -e "$p" ] && [ ! -L "$p" ]; then
  self=$(stat -c '%d %i' -- "$p" 2>/dev/null) || self=
  # The parent as realpath(PATH/..) finds it: the kernel's ".." of a
  # directory; the directory a file is in.
  if [ -d "$p" ]; then up=$p/..; else up=$(dirname -- "$p"); fi
  parent=$(stat -L -c '%d %i' -- "$up" 2>/dev/null) || parent=
  if [ -n "$self" ] && [ -n "$parent" ]; then
    if [ "${self% *}" != "${parent% *}" ] || [ "${self#* }" = "${parent#* }" ]; then
      ismount=yes
    fi
  fi
fi
echo "ismount $ismount"
