#!/bin/sh
# Used by modules/get_url.cc, read-only: the SHA-1 of FILE when it is a
# regular file (symlinks followed), else nothing. Embedded at build time
# without its comment lines; checked by shellcheck.
if [ -f "$1" ]; then sha1sum < "$1" | cut -d' ' -f1; fi
