#!/bin/sh
# Reads the file $1 (engine/transport/remote_shell.cc), used where no batch
# runs. Its first lines are every script's: messages in English so they can
# be recognised, and a relative path made to start with "./" so that no path
# can ever be read as an option by a tool that ignores "--".
# Embedded at build time without its comment lines; checked by shellcheck.
LC_ALL=C; export LC_ALL
case $1 in /*) p=$1 ;; *) p=./$1 ;; esac
if [ -d "$p" ]; then echo 'is a directory' >&2; exit 21; fi
exec cat -- "$p"
