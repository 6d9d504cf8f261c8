// The .deb as an air-gapped site gets it: built with CPack from this build,
// carried into a Debian 12 host that sees only its offline repository, and
// installed there with `apt-get install ./hostprep_*.deb`, which must find
// every dependency among Debian's own packages. The installed hostprep then
// runs a playbook on that host with `connection: local`, and the package is
// purged again (also when the test fails).
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/nspawn/nspawn_test_util.h"

namespace {

using hostprep::testing::Box;
using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::Section;

TEST_CASE(
    "nspawn: the .deb installs with apt from Debian's packages alone and runs a local playbook") {
  Output out = Box(R"SH(
trap '$X sh -c "apt-get purge -y -q --autoremove hostprep; rm -rf /root/deb-test /etc/hostprep-deb-test.conf /etc/hostprep-deb-test.env" >/dev/null 2>&1; rm -rf "$T"' EXIT
(cd "$(dirname "$HP")" && cpack -G DEB -B "$T/pkg" >"$T/cpack.log" 2>&1) || { cat "$T/cpack.log"; exit 1; }
deb=$(ls "$T"/pkg/hostprep_*_amd64.deb)
echo "== depends"
dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort
echo "== files"
dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '/$' | sort
$X mkdir -p /root/deb-test
$X sh -c 'cat >/root/deb-test/hostprep_amd64.deb' <"$deb"
$X apt-get update -q >/dev/null
echo "== install"
$X sh -c 'cd /root/deb-test && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./hostprep_amd64.deb >install.log 2>&1; echo "apt exit $?"; [ -x /usr/bin/hostprep ] || cat install.log'
echo "== version"
$X hostprep version
$X sh -c 'cat >/root/deb-test/site.yml' <<'EOF'
- hosts: localhost
  connection: local
  gather_facts: true
  tasks:
    - name: a config file
      ansible.builtin.copy:
        dest: /etc/hostprep-deb-test.conf
        content: "distribution={{ ansible_distribution }}\n"
        mode: "0644"
    - name: a setting in another
      ansible.builtin.lineinfile:
        path: /etc/hostprep-deb-test.env
        line: installed=deb
        create: true
EOF
echo "== run"
$X hostprep run /root/deb-test/site.yml -i localhost, --color never || echo "exit $?"
echo "== rerun"
$X hostprep run /root/deb-test/site.yml -i localhost, --color never || echo "exit $?"
echo "== file"
$X cat /etc/hostprep-deb-test.conf /etc/hostprep-deb-test.env
echo "== end"
)SH");
  INFO(out.text);
  const std::string depends = Section(out.text, "depends");
  for (const char* lib : {"libssh-4", "libyaml-cpp0.7", "libstdc++6", "libc6"}) {
    CHECK_MESSAGE(Has(depends, std::string(lib) + "\n"), lib);
  }
  CHECK(Section(out.text, "files") ==
        "./usr/bin/hostprep\n"
        "./usr/share/bash-completion/completions/hostprep\n"
        "./usr/share/doc/hostprep/copyright\n"
        "./usr/share/man/man1/hostprep.1.gz\n");
  CHECK(Section(out.text, "install") == "apt exit 0\n");
  CHECK(Has(Section(out.text, "version"), "hostprep 0.1.0 (commit "));
  const std::string run = Section(out.text, "run");
  CHECK(Has(run, "changed: [localhost]"));
  CHECK(Has(run, "changed=2 "));
  CHECK(Has(Section(out.text, "rerun"), "changed=0 "));
  CHECK(Section(out.text, "file") == "distribution=Debian\ninstalled=deb\n");
  CHECK(Has(out.text, "== end\n"));
}

}  // namespace
