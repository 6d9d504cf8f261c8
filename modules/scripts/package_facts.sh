#!/bin/sh
# Used by modules/package_facts.cc.
# Embedded at build time without its comment lines; checked by shellcheck.
#
# Prints the installed packages in sections that start with a line "@@
# NAME": "@@ apt ARCH" (the native architecture), a line per package
# dpkg knows: "STATUS\tPACKAGE\tVERSION\tARCH\tSECTION"; "@@ archives",
# `apt list --installed` (the archives each installed version is in); "@@
# releases", "FILE\tFIELD\tVALUE" for the Origin, Suite and Codename of
# each Release file of the lists; "@@ rpm", a line per package:
# "NAME\tVERSION\tRELEASE\tEPOCH\tARCH".
export LC_ALL=C.UTF-8 LANG=C.UTF-8
if command -v dpkg-query >/dev/null 2>&1; then
  echo "@@ apt $(dpkg --print-architecture 2>/dev/null)"
  dpkg-query -W -f='${db:Status-Abbrev}\t${binary:Package}\t${Version}\t${Architecture}\t${Section}\n' 2>/dev/null
  echo "@@ archives"
  apt list --installed 2>/dev/null
  echo "@@ releases"
  for f in /var/lib/apt/lists/*Release; do
    [ -f "$f" ] || continue
    sed -n -e '/^\(MD5Sum\|SHA1\|SHA256\|SHA512\):/q' \
      -e 's/^\(Origin\|Suite\|Codename\): *\(.*\)$/\1\t\2/p' "$f" |
      while IFS= read -r line; do printf '%s\t%s\n' "$f" "$line"; done
  done
fi
if command -v rpm >/dev/null 2>&1; then
  echo "@@ rpm"
  rpm -qa --qf '%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCH}\t%{ARCH}\n' 2>/dev/null
fi
exit 0
