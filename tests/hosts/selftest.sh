#!/usr/bin/env bash
# Self-test of tests/hosts/testhosts: brings up 3 hosts, checks them with the real OpenSSH
# client, tears them down (also when a check fails) and checks nothing of the run remains.
# Needs root. Last line: "N passed, N failed"; exit status non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
th=$here/testhosts
passed=0
failed=0
DIR=""

check() {  # check NAME CMD...: runs CMD, counts and reports the result
  local name=$1
  shift
  if "$@" >/tmp/testhosts-selftest.$$ 2>&1; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
    sed 's/^/      /' /tmp/testhosts-selftest.$$
  fi
}

sshc() { timeout 20 ssh -F "$DIR/ssh_config" -o BatchMode=yes "$@"; }

expect_output() {  # expect_output WANT CMD...: CMD succeeds and prints exactly WANT
  local want=$1 got
  shift
  got=$("$@") || { echo "command failed: $*"; return 1; }
  [ "$got" = "$want" ] || { echo "want '$want', got '$got'"; return 1; }
}

fails() { ! "$@"; }

teardown() {
  if [ -n "$DIR" ] && [ -d "$DIR" ]; then "$th" down "$DIR" >/dev/null 2>&1; fi
}

finish() {
  teardown
  rm -f /tmp/testhosts-selftest.$$
  echo "$passed passed, $failed failed"
  if ((failed)); then exit 1; fi
  exit 0
}
trap finish EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" != 0 ]; then
  failed=1
  echo "FAIL  selftest needs root (network and mount namespaces)"
  exit 1
fi

out=$("$th" up 3) || { failed=$((failed + 1)); echo "FAIL  testhosts up 3"; exit 1; }
DIR=$(tail -1 <<<"$out")
ID=$(sed -n 's/^ID=//p' "$DIR/run.env")
SLOT=$(sed -n 's/^SLOT=//p' "$DIR/run.env")
pw=$(cat "$DIR/become-password")
echo "run $ID in $DIR"

for n in node1 node2 node3 bastion; do
  check "root key login on $n prints hostname $n" expect_output "$n" sshc "$n" hostname
done
check "hidden1 is reachable through the bastion" expect_output hidden1 sshc hidden1 hostname
check "hidden1 is not reachable directly" fails sshc -o ProxyJump=none -o ConnectTimeout=3 hidden1 true
check "hpuser logs in with the key" expect_output hpuser sshc hpuser@node1 id -un
check "hpuser sudo -n works on a NOPASSWD host" expect_output root sshc hpuser@node1 sudo -n id -un
check "hpuser sudo -n fails on the password host" fails sshc hpuser@node3 sudo -n true
check "hpuser sudo -S with the password works on the password host" \
  expect_output root sshc hpuser@node3 "echo '$pw' | sudo -S -p '' id -un"
check "hpuser sudo -S with a wrong password fails" \
  fails sshc hpuser@node3 "echo wrong | sudo -S -p '' id -un"

marker=testhosts-selftest-$ID
check "a file written in node1's /etc" sshc node1 "echo here >/etc/$marker"
check "is there on node1" expect_output here sshc node1 cat "/etc/$marker"
check "is absent on node2" fails sshc node2 test -e "/etc/$marker"
check "is absent on the machine" fails test -e "/etc/$marker"
check "exec runs inside the host" expect_output "node1 here" "$th" exec "$DIR" node1 sh -c "echo \$(hostname) \$(cat /etc/$marker)"
check "each host has its own hpuser in /etc/passwd (machine has none)" fails grep -q '^hpuser:' /etc/passwd

check "stop-sshd stops node2" "$th" stop-sshd "$DIR" node2
check "node2 is unreachable with sshd stopped" fails sshc -o ConnectTimeout=3 node2 true
check "node1 still answers" expect_output node1 sshc node1 hostname
check "start-sshd starts node2 again" "$th" start-sshd "$DIR" node2
check "node2 answers again" expect_output node2 sshc node2 hostname
check "rekey gives node1 a new key" "$th" rekey "$DIR" node1
check "node1's changed host key is refused" fails sshc node1 true

# Teardown, then nothing of the run may remain.
pids=$(jq -r '.[] | .sshd_pid, .holder_pid, .unshare_pid' "$DIR/hosts.json" 2>/dev/null | tr '\n' ' ')
check "hosts.json lists 15 pids" test "$(wc -w <<<"$pids")" = 15
check "testhosts down succeeds" "$th" down "$DIR"
check "run dir is gone" fails test -e "$DIR"
check "no namespace of the run remains" fails sh -c "ip netns list | grep -q 'hp-$ID-'"
check "no interface of the run remains" fails sh -c "ip -o link show | grep -q 'hp$ID'"
check "no route of the run remains" fails sh -c "ip route show table all | grep -qE '10\.213\.$SLOT\.0/24|10\.214\.$SLOT\.0/30'"
still=""
for p in $pids; do
  if [ -e "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] &&
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qE "$ID|unshare|sshd|sleep"; then
    still="$still $p"
  fi
done
check "no process of the run remains" test -z "$still"
check "no process mentions the run dir" fails sh -c "ps -eo args | grep -v grep | grep -q '$DIR'"

# A run left in a dir (as by a killed ctest) is taken down by `up --replace`
# into the same dir; without --replace the dir is refused.
DIR=/var/tmp/hostprep-testhosts/selftest-replace-$$
check "up 1 into a dir of our own" "$th" up 1 --dir "$DIR"
old_id=$(sed -n 's/^ID=//p' "$DIR/run.env" 2>/dev/null)
check "up into the same dir without --replace is refused" fails "$th" up 1 --dir "$DIR"
check "up --replace into the same dir starts a new run" "$th" up 1 --dir "$DIR" --replace
new_id=$(sed -n 's/^ID=//p' "$DIR/run.env" 2>/dev/null)
check "the new run has a new id" test -n "$new_id" -a "$new_id" != "$old_id"
check "no namespace of the replaced run remains" fails sh -c "ip netns list | grep -q 'hp-$old_id-'"
check "the new run answers" expect_output node1 sshc node1 hostname
check "testhosts down of the new run succeeds" "$th" down "$DIR"
