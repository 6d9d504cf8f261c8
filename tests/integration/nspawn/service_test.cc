// The service module (and swap's mask) for real: the hostprep binary over SSH
// against the nspawn test host, whose PID 1 is systemd. The unit under test,
// hostprep-demo.service (`sleep infinity`), is written by the tests; each test
// starts from no such unit, swap.target unmasked.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/nspawn/nspawn_test_util.h"

namespace {

using hostprep::testing::Box;
using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::Output;

// Reset, then: PLAY NAME ARGS writes $T/p.yml with one task; UNIT [DIR] writes
// the demo unit into DIR (default /etc/systemd/system) and reloads systemd
// (without hostprep); S prints
// "active=... enabled=... pid=..." as systemctl reports them.
constexpr const char* kReset = R"SH(
$X sh -c 'systemctl stop hostprep-demo; systemctl unmask hostprep-demo swap.target
  systemctl disable hostprep-demo; rm -f /etc/systemd/system/hostprep-demo.service \
    /usr/local/lib/systemd/system/hostprep-demo.service; systemctl daemon-reload' >/dev/null 2>&1
PLAY() { printf -- '- hosts: box\n  tasks:\n    - name: %s\n      %s\n' "$1" "$2" >$T/p.yml; }
UNIT() {
  $X sh -c 'mkdir -p "$1" && cat >"$1/hostprep-demo.service" && systemctl daemon-reload' \
    sh "${1:-/etc/systemd/system}" <<'EOF'
[Unit]
Description=hostprep demo
[Service]
ExecStart=/bin/sleep infinity
[Install]
WantedBy=multi-user.target
EOF
}
S() {
  echo "active=$($X systemctl is-active hostprep-demo)" \
    "enabled=$($X systemctl is-enabled hostprep-demo 2>/dev/null)" \
    "pid=$($X systemctl show -P MainPID hostprep-demo)"
}
)SH";

Output Run(const std::string& script) { return Box(std::string(kReset) + script); }

TEST_CASE(
    "nspawn service: a unit written by the file module is loaded and started, and started again is "
    "ok") {
  Output out = Run(R"SH(
cat >$T/p.yml <<'EOF'
- hosts: box
  tasks:
    - name: demo unit
      id: unit
      file:
        path: /etc/systemd/system/hostprep-demo.service
        mode: "0644"
        content: |
          [Unit]
          Description=hostprep demo
          [Service]
          ExecStart=/bin/sleep infinity
          [Install]
          WantedBy=multi-user.target
    - name: demo started
      service: {name: hostprep-demo, state: started, daemon_reload: true}
      after: [unit]
EOF
RUN $T/p.yml --diff
S
PLAY "demo started" "service: {name: hostprep-demo, state: started}"
RUN $T/p.yml --diff
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "changed: [box] demo started\n  active: inactive -> active\n"));
  CHECK(Has(out.text, "exit 0\nactive=active enabled=disabled pid="));
  CHECK(Has(out.text, " changed=2 "));
  CHECK(Has(out.text, " changed=0 "));
  CHECK(Count(out.text, "exit 0\n") == 2);
}

TEST_CASE("nspawn service: stopped stops once, restarted restarts every time") {
  Output out = Run(R"SH(
UNIT
$X systemctl start hostprep-demo
S
PLAY "demo stopped" "service: {name: hostprep-demo, state: stopped}"
RUN $T/p.yml --diff
S
RUN $T/p.yml
PLAY "demo restarted" "service: {name: hostprep-demo, state: restarted}"
RUN $T/p.yml
S
RUN $T/p.yml --diff
S
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "changed: [box] demo stopped\n  active: active -> inactive\n"));
  CHECK(Has(out.text, "exit 0\nactive=inactive enabled=disabled pid=0\n"));
  CHECK(Count(out.text, "changed: [box] demo restarted\n") == 2);
  CHECK(Has(out.text, "changed: [box] demo restarted\n  active: active -> active (restarted)\n"));
  // Recaps: stop (changed), stop again (ok), restart twice (changed twice).
  CHECK(Count(out.text, " changed=1 ") == 3);
  CHECK(Count(out.text, " changed=0 ") == 1);
  // Each restart gives the unit a new main process.
  std::string pids;
  for (size_t at = out.text.find("active=active enabled=disabled pid="); at != std::string::npos;
       at = out.text.find("active=active enabled=disabled pid=", at + 1)) {
    const size_t start = at + std::string("active=active enabled=disabled pid=").size();
    pids += out.text.substr(start, out.text.find('\n', start) - start) + " ";
  }
  INFO(pids);
  CHECK(Count(pids, " ") == 3);
  const size_t a = pids.find(' '), b = pids.find(' ', a + 1);
  CHECK(pids.substr(0, a) != pids.substr(a + 1, b - a - 1));
  CHECK(pids.substr(a + 1, b - a - 1) != pids.substr(b + 1, pids.size() - b - 2));
}

TEST_CASE("nspawn service: enabled enables once and disabling is a change back") {
  Output out = Run(R"SH(
UNIT
PLAY "demo at boot" "service: {name: hostprep-demo, enabled: true}"
RUN $T/p.yml --diff
S
RUN $T/p.yml
PLAY "demo not at boot" "service: {name: hostprep-demo, enabled: false}"
RUN $T/p.yml --diff
S
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "changed: [box] demo at boot\n  enabled: disabled -> enabled\n"));
  CHECK(Has(out.text, "exit 0\nactive=inactive enabled=enabled pid=0\n"));
  CHECK(Has(out.text, "changed: [box] demo not at boot\n  enabled: enabled -> disabled\n"));
  CHECK(Has(out.text, "exit 0\nactive=inactive enabled=disabled pid=0\n"));
  CHECK(Count(out.text, " changed=1 ") == 2);
  CHECK(Count(out.text, " changed=0 ") == 1);
}

TEST_CASE("nspawn service: masked masks a stopped unit once and unmasked brings it back") {
  // The mask is a link in /etc/systemd/system: this unit's file lives in /usr/local/lib.
  Output out = Run(R"SH(
UNIT /usr/local/lib/systemd/system
$X systemctl start hostprep-demo
PLAY "demo masked" "service: {name: hostprep-demo, state: stopped, masked: true}"
RUN $T/p.yml --diff
S
RUN $T/p.yml
PLAY "demo unmasked" "service: {name: hostprep-demo, masked: false}"
RUN $T/p.yml --diff
S
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text,
            "changed: [box] demo masked\n  active: active -> inactive\n"
            "  masked: no -> yes\n"));
  CHECK(Has(out.text, "exit 0\nactive=inactive enabled=masked pid=0\n"));
  CHECK(Has(out.text, "changed: [box] demo unmasked\n  masked: yes -> no\n"));
  CHECK(Has(out.text, "exit 0\nactive=inactive enabled=disabled pid=0\n"));
  CHECK(Count(out.text, " changed=1 ") == 2);
  CHECK(Count(out.text, " changed=0 ") == 2);
}

TEST_CASE(
    "nspawn service: masking a unit whose file is in /etc/systemd/system fails before it runs") {
  Output out = Run(R"SH(
UNIT
$X systemctl start hostprep-demo
PLAY "demo masked" "service: {name: hostprep-demo, state: stopped, masked: true}"
RUN $T/p.yml --check
RUN $T/p.yml
S
)SH");
  INFO(out.text);
  CHECK(Count(out.text,
              "failed: [box] demo masked => unit hostprep-demo.service cannot be "
              "masked: its unit file is /etc/systemd/system/hostprep-demo.service, "
              "where the mask would go (move the unit file to "
              "/usr/local/lib/systemd/system, or remove it and do not mask)\n") == 2);
  CHECK(Count(out.text, "exit 2\n") == 2);
  // Nothing ran: the unit still runs.
  CHECK(Has(out.text, "exit 2\nactive=active enabled=disabled pid="));
}

TEST_CASE("nspawn service: check mode shows the change and changes nothing") {
  Output out = Run(R"SH(
UNIT
PLAY "demo up" "service: {name: hostprep-demo, state: started, enabled: true}"
RUN $T/p.yml --check --diff
S
)SH");
  INFO(out.text);
  CHECK(Has(out.text,
            "changed: [box] demo up => would enable, start hostprep-demo.service\n"
            "  enabled: disabled -> enabled\n  active: inactive -> active\n"));
  CHECK(Has(out.text, " changed=1 "));
  CHECK(Has(out.text, "exit 0\nactive=inactive enabled=disabled pid=0\n"));
}

TEST_CASE("nspawn service: an unknown unit fails naming the unit and what would fix it") {
  Output out = Run(R"SH(
PLAY "start the missing" "service: {name: hostprep-no-such-unit, state: started}"
RUN $T/p.yml
)SH");
  INFO(out.text);
  CHECK(Has(out.text,
            "failed: [box] start the missing => Could not find the requested service "
            "hostprep-no-such-unit: host (install the package that provides it, or write its "
            "unit file and set daemon_reload: true)\n"));
  CHECK(Has(out.text, " failed=1 "));
  CHECK(Has(out.text, "exit 2\n"));
}

TEST_CASE("nspawn swap: mask masks swap.target once and runs no swapoff in a container") {
  Output out = Run(R"SH(
echo "swaps: $($X sh -c 'tail -n +2 /proc/swaps | wc -l')"
$X cat /etc/fstab >$T/fstab.before
PLAY "no swap" "swap: {state: absent, mask: true}"
RUN $T/p.yml --diff
echo "swap.target: $($X systemctl is-enabled swap.target)"
RUN $T/p.yml
$X cat /etc/fstab | cmp - $T/fstab.before && echo "fstab unchanged"
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "swaps: 0\n"));
  CHECK(Has(out.text, "changed: [box] no swap\n  swap.target: "));
  CHECK(Has(out.text, "swap.target: masked\n"));
  CHECK(!Has(out.text, "swapoff"));
  CHECK(Count(out.text, " changed=1 ") == 1);
  CHECK(Count(out.text, " changed=0 ") == 1);
  CHECK(Has(out.text, "fstab unchanged\n"));
}

}  // namespace
