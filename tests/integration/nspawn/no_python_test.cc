// hostprep needs no Python on the target: the nspawn tree has python3 (for
// Ansible on the compat twins), so this test makes it unrunnable in the box
// and runs facts, package and service there. Python comes back as the tree
// has it (mode 0755) after the test, also when it fails.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/nspawn/nspawn_test_util.h"

namespace {

using hostprep::testing::Box;
using hostprep::testing::Has;
using hostprep::testing::Output;

TEST_CASE(
    "nspawn: hostprep gathers facts, installs and removes a package and starts a service "
    "on a host whose python3 cannot run") {
  Output out = Box(R"SH(
py=/usr/bin/python3.11
trap '$X chmod 0755 $py; rm -rf "$T"' EXIT
$X dpkg --purge hello >/dev/null 2>&1
$X chmod 0644 $py
$X python3 -c pass 2>/dev/null || echo "python3 does not run"
cat >$T/p.yml <<'EOF'
- hosts: box
  gather_facts: true
  tasks:
    - name: facts without python
      assert:
        that: [ansible_facts.distribution == 'Debian', ansible_facts.service_mgr == 'systemd']
    - name: hello
      package: {name: hello, state: present, update_cache: true}
    - name: hello is there
      command: hello
      changed_when: false
    - name: no hello
      package: {name: hello, state: absent}
    - name: sshd running
      service: {name: ssh, state: started}
EOF
RUN $T/p.yml
$X dpkg-query -W hello 2>/dev/null || echo "hello absent"
)SH");
  INFO(out.text);
  CHECK(Has(out.text, "python3 does not run\n"));
  CHECK(Has(out.text, " changed=2 "));
  CHECK(Has(out.text, " failed=0 "));
  CHECK(Has(out.text, "exit 0\nhello absent\n"));
}

}  // namespace
