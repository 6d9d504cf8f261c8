#!/bin/sh
# Used by modules/sysctl.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Whether $1 is a symlink and, for one, the file it resolves to: "file", or
# "link" and `readlink -f`'s answer, or on failure "link" and the raw target
# with exit code 3. Run by the batch in its own shell, it starts a process
# only for a link (Debian's 99-sysctl.conf is one).
if [ ! -L "$1" ]; then echo file; exit 0; fi
echo link
readlink -f -- "$1" && exit 0
readlink -- "$1"
exit 3
