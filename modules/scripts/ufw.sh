#!/bin/sh
# Used by modules/ufw.cc (community.general.ufw), read-only.
# Embedded at build time without its comment lines; checked by shellcheck.
#
#   ufw.sh bin          prints the paths of ufw and grep as Ansible's
#                       get_bin_path finds them (PATH, then /sbin, /usr/sbin and
#                       /usr/local/sbin), one a line, "-" for one not found,
#                       and then the directories searched, joined by ":"
#   ufw.sh run ARGS...  runs ufw ARGS in the C locale (status verbose,
#                       --version, --dry-run RULE...: queries that change
#                       nothing); exits 127 when there is no ufw
#   ufw.sh tuples       for each of ufw's user rules files that exists, in the
#                       order Ansible's module greps them, "@@ FILE" and its
#                       "### tuple" lines
search=$PATH
for d in /sbin /usr/sbin /usr/local/sbin; do
  case ":$search:" in
    *":$d:"*) ;;
    *) if [ -e "$d" ]; then search="$search:$d"; fi ;;
  esac
done
find_bin() {
  old_ifs=$IFS
  IFS=:
  for d in $search; do
    if [ -n "$d" ] && [ -f "$d/$1" ] && [ -x "$d/$1" ]; then
      IFS=$old_ifs
      echo "$d/$1"
      return 0
    fi
  done
  IFS=$old_ifs
  echo -
  return 1
}
mode=$1
shift
case $mode in
  bin)
    find_bin ufw || true
    find_bin grep || true
    echo "$search"
    ;;
  run)
    ufw=$(find_bin ufw) || { echo "no ufw in $search" >&2; exit 127; }
    LANG=C LC_ALL=C exec "$ufw" "$@"
    ;;
  tuples)
    for f in /lib/ufw/user.rules /lib/ufw/user6.rules /etc/ufw/user.rules /etc/ufw/user6.rules \
      /var/lib/ufw/user.rules /var/lib/ufw/user6.rules; do
      if [ -f "$f" ]; then
        echo "@@ $f"
        grep -h '^### tuple' "$f" || true
      fi
    done
    ;;
esac
