// The modules file, swap, sysctl and containerd_config over real SSH against
// the netns test hosts of the ctest fixture `ssh_hosts`: what a user sees
// (output, diffs, recaps, exit codes) and what is on the host afterwards.
// Every test is one shell script that sets up its host, runs hostprep, prints
// the host's state between "== name" markers and puts the host back, so a
// failed check never leaves a changed host behind. Each test owns one node.
//
// sysctl: ONLY net.* keys, which are per network namespace. vm.*, kernel.*
// and fs.* would change the machine itself and must never appear here.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Count;
using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::Section;
using hostprep::testing::Shell;

// Shell functions for the scripts: `play FILE NODE ARGS...` runs a playbook
// of testdata/modules on one node and prints its exit code; `on NODE CMD...`
// runs a command on the node.
constexpr const char* kFunctions = R"SH(
play() { f=$1; n=$2; shift 2
  $HP run tests/integration/testdata/modules/$f -i $D/inventory.ini --limit $n $SSH "$@"
  echo "exit $?"; }
on() { $TH exec $D "$@"; }
)SH";

// The end of a one-host run: its recap counts and the exit code (2 when a
// task failed, as ansible-playbook).
std::string Recap(int ok, int changed, int failed) {
  return "ok=" + std::to_string(ok) + "    changed=" + std::to_string(changed) +
         "    unreachable=0    failed=" + std::to_string(failed) +
         "    skipped=0    rescued=0    ignored=0\nexit " + (failed ? "2" : "0") + "\n";
}

TEST_CASE("ssh modules: file checks, applies and re-applies every state and attribute") {
  Output out = Shell(std::string(kFunctions) + R"SH(
on node1 sh -c 'rm -rf /etc/hpfile /etc/hpfile-pre; mkdir /etc/hpfile-pre; echo old > /etc/hpfile-pre/backup.conf; touch /etc/hpfile-pre/stale'
state() { on node1 sh -c 'cd /etc; for f in hpfile hpfile/app.conf hpfile/motd hpfile/rendered.conf hpfile/validated.conf hpfile/ids.conf hpfile/current.conf hpfile-pre/backup.conf hpfile-pre/stale; do if [ -e $f ] || [ -L $f ]; then stat -c "%n %F %a %U %G" $f; else echo "$f missing"; fi; done; echo "link $(readlink hpfile/current.conf)"; echo "backups $(ls hpfile-pre | grep -c "^backup\.conf\..*~$")"; for f in hpfile/app.conf hpfile/motd hpfile/rendered.conf hpfile-pre/backup.conf hpfile-pre/backup.conf.*~; do [ -e "$f" ] && printf "%s:\n%s\n" "$f" "$(cat "$f")"; done; true'; }
echo "== check"; play file.yml node1 --check --diff
echo "== after check"; state
echo "== apply"; play file.yml node1
echo "== after apply"; state
echo "== reapply"; play file.yml node1 --diff
echo "== after reapply"; state
echo "== end"
on node1 rm -rf /etc/hpfile /etc/hpfile-pre
)SH");
  INFO(out.text);
  const std::string check = Section(out.text, "check");
  CHECK(Has(check, "exit 0\n"));
  CHECK(Has(check, Recap(9, 9, 0)));
  CHECK(Has(check,
            "changed: [node1] content owned by hpuser => would create file /etc/hpfile/app.conf\n"
            "  --- before: /etc/hpfile/app.conf\n"
            "  +++ after: /etc/hpfile/app.conf\n"
            "  @@ -0,0 +1,2 @@\n"
            "  +listen=0.0.0.0\n"
            "  +workers=4\n"
            "  state: absent -> file\n"
            "  mode: 0640\n"
            "  owner: hpuser\n"
            "  group: hpuser\n"));
  CHECK(Has(check, "  +# rendered for node1\n  +port=8080\n"));
  CHECK(Has(check, "  state: absent -> link\n  target: /etc/hpfile/app.conf\n"));
  CHECK(Has(check, "  @@ -1 +1 @@\n  -old\n  +new\n"));
  CHECK(Has(check, "changed: [node1] stale file gone => would remove /etc/hpfile-pre/stale\n"));
  // Check mode wrote nothing.
  CHECK(Section(out.text, "after check") ==
        "hpfile missing\n"
        "hpfile/app.conf missing\n"
        "hpfile/motd missing\n"
        "hpfile/rendered.conf missing\n"
        "hpfile/validated.conf missing\n"
        "hpfile/ids.conf missing\n"
        "hpfile/current.conf missing\n"
        "hpfile-pre/backup.conf regular file 644 root root\n"
        "hpfile-pre/stale regular empty file 644 root root\n"
        "link \n"
        "backups 0\n"
        "hpfile-pre/backup.conf:\nold\n");

  const std::string apply = Section(out.text, "apply");
  CHECK(Has(apply, "exit 0\n"));
  CHECK(Has(apply, Recap(9, 9, 0)));
  const std::string after = Section(out.text, "after apply");
  CHECK(Has(after,
            "hpfile directory 750 hpuser hpuser\n"
            "hpfile/app.conf regular file 640 hpuser hpuser\n"
            "hpfile/motd regular file 644 root root\n"
            "hpfile/rendered.conf regular file 644 root root\n"
            "hpfile/validated.conf regular file 644 root root\n"
            "hpfile/ids.conf regular file 644 hpuser hpuser\n"
            "hpfile/current.conf symbolic link 777 root root\n"
            "hpfile-pre/backup.conf regular file 644 root root\n"
            "hpfile-pre/stale missing\n"
            "link /etc/hpfile/app.conf\n"
            "backups 1\n"
            "hpfile/app.conf:\nlisten=0.0.0.0\nworkers=4\n"
            "hpfile/motd:\nhostprep test host\ncopied from the controller\n"
            "hpfile/rendered.conf:\n# rendered for node1\nport=8080\n"
            "hpfile-pre/backup.conf:\nnew\n"));
  // The backup holds the replaced content.
  CHECK(Has(after, "~:\nold\n"));

  const std::string reapply = Section(out.text, "reapply");
  CHECK(Has(reapply, "exit 0\n"));
  CHECK(Has(reapply, Recap(9, 0, 0)));
  CHECK(Count(reapply, "ok: [node1] ") == 9);
  CHECK(Section(out.text, "after reapply") == after);
}

TEST_CASE("ssh modules: a refused validate fails the task and leaves the file, touch creates") {
  Output out = Shell(std::string(kFunctions) + R"SH(
on node1 sh -c 'rm -rf /etc/hpfile-pre; mkdir /etc/hpfile-pre; echo "good=0" > /etc/hpfile-pre/backup.conf'
echo "== refused"; play file_validate_fail.yml node1
echo "== after refused"; on node1 sh -c 'ls -A /etc/hpfile-pre; cat /etc/hpfile-pre/backup.conf'
echo "== touch"; play file_touch.yml node1 --diff
echo "== touch again"; play file_touch.yml node1 --diff
echo "== after touch"; on node1 stat -c "%n %F %a %U %G" /etc/hpfile-pre/touched
echo "== end"
on node1 rm -rf /etc/hpfile-pre
)SH");
  INFO(out.text);
  CHECK(Section(out.text, "refused") ==
        "\nPLAY [file validate refuses] "
        "**************************************************\n"
        "failed: [node1] refused content => write /etc/hpfile-pre/backup.conf: validation "
        "failed: grep exited 1\n"
        "\n"
        "PLAY RECAP "
        "********************************************************************\n"
        "node1                      : " +
            Recap(0, 0, 1));
  // Untouched, and no temp file left beside it.
  CHECK(Section(out.text, "after refused") == "backup.conf\ngood=0\n");
  const std::string touch = Section(out.text, "touch");
  CHECK(Has(touch,
            "changed: [node1] touched\n"
            "  --- before: /etc/hpfile-pre/touched\n"
            "  +++ after: /etc/hpfile-pre/touched\n"
            "  state: absent -> file\n"
            "  mode: 0600\n"
            "  owner: hpuser\n"));
  // Touching moves the times: a change every time, as in Ansible.
  CHECK(Has(Section(out.text, "touch again"), Recap(1, 1, 0)));
  CHECK(Section(out.text, "after touch") ==
        "/etc/hpfile-pre/touched regular empty file 600 hpuser root\n");
}

TEST_CASE("ssh modules: swap comments out only the fstab's swap lines") {
  // The machine has no active swap and these tests never turn swap on or
  // off: only the fstab edit is exercised here (swapoff is unit-tested and
  // runs in the VM tests).
  const std::string fstab =
      "# /etc/fstab: static file system information.\n"
      "UUID=0a1b2c3d-0000-4000-8000-000000000001 /  ext4  errors=remount-ro 0  1\n"
      "/dev/sdb1\tnone\tswap\tsw\t0\t0\n"
      "UUID=5e6f7a8b-0000-4000-8000-000000000002 swap swap defaults 0 0\n"
      "/swapfile none swap sw,pri=5 0 0   \n"
      "#/dev/sdc2 none swap sw 0 0\n"
      "tmpfs /tmp tmpfs defaults,size=1G 0 0\n"
      "/dev/sdd1 /srv/swap xfs defaults 0 2\n"
      "\n"
      "  \n"
      "nfs.example:/export /mnt/nfs nfs ro 0 0";
  std::string printf_arg;
  for (char c : fstab) printf_arg += c == '\n' ? "\\n" : c == '\t' ? "\\t" : std::string(1, c);
  Output out = Shell(std::string(kFunctions) + "fstab='" + printf_arg + "'\n" + R"SH(
on node2 sh -c 'cp -p /etc/fstab /root/fstab.hostprep-test && printf "$1" > /etc/fstab' sh "$fstab"
echo "== swaps"; cat /proc/swaps | wc -l
echo "== check"; play swap.yml node2 --check --diff
echo "== after check"; on node2 cat /etc/fstab; echo
echo "== apply"; play swap.yml node2
echo "== after apply"; on node2 cat /etc/fstab; echo
echo "== reapply"; play swap.yml node2 --diff
echo "== after reapply"; on node2 stat -c "%a %U" /etc/fstab
echo "== end"
on node2 sh -c 'cp -p /root/fstab.hostprep-test /etc/fstab && rm -f /root/fstab.hostprep-test'
)SH");
  INFO(out.text);
  // Only the header line: nothing to swapoff, and nothing was.
  CHECK(Section(out.text, "swaps") == "1\n");
  const std::string check = Section(out.text, "check");
  CHECK(Has(check,
            "changed: [node2] swap off => would comment out 3 swap lines in /etc/fstab\n"
            "  --- before: /etc/fstab\n"
            "  +++ after: /etc/fstab\n"
            "  @@ -1,8 +1,8 @@\n"
            "   # /etc/fstab: static file system information.\n"
            "   UUID=0a1b2c3d-0000-4000-8000-000000000001 /  ext4  errors=remount-ro 0  1\n"
            "  -/dev/sdb1\tnone\tswap\tsw\t0\t0\n"
            "  -UUID=5e6f7a8b-0000-4000-8000-000000000002 swap swap defaults 0 0\n"
            "  -/swapfile none swap sw,pri=5 0 0   \n"
            "  +# /dev/sdb1\tnone\tswap\tsw\t0\t0\n"
            "  +# UUID=5e6f7a8b-0000-4000-8000-000000000002 swap swap defaults 0 0\n"
            "  +# /swapfile none swap sw,pri=5 0 0   \n"
            "   #/dev/sdc2 none swap sw 0 0\n"
            "   tmpfs /tmp tmpfs defaults,size=1G 0 0\n"
            "   /dev/sdd1 /srv/swap xfs defaults 0 2\n"));
  CHECK(Has(check, "exit 0\n"));
  CHECK(Has(check, Recap(1, 1, 0)));
  CHECK(Section(out.text, "after check") == fstab + "\n");
  CHECK(Has(Section(out.text, "apply"), Recap(1, 1, 0)));
  CHECK(Section(out.text, "after apply") ==
        "# /etc/fstab: static file system information.\n"
        "UUID=0a1b2c3d-0000-4000-8000-000000000001 /  ext4  errors=remount-ro 0  1\n"
        "# /dev/sdb1\tnone\tswap\tsw\t0\t0\n"
        "# UUID=5e6f7a8b-0000-4000-8000-000000000002 swap swap defaults 0 0\n"
        "# /swapfile none swap sw,pri=5 0 0   \n"
        "#/dev/sdc2 none swap sw 0 0\n"
        "tmpfs /tmp tmpfs defaults,size=1G 0 0\n"
        "/dev/sdd1 /srv/swap xfs defaults 0 2\n"
        "\n"
        "  \n"
        "nfs.example:/export /mnt/nfs nfs ro 0 0\n");
  const std::string reapply = Section(out.text, "reapply");
  CHECK(Has(reapply, "ok: [node2] swap off\n"));
  CHECK(Has(reapply, Recap(1, 0, 0)));
  CHECK(Section(out.text, "after reapply") == "644 root\n");
}

// The machine's own value of each net.* key the sysctl test touches.
std::map<std::string, std::string> MachineValues() {
  std::map<std::string, std::string> values;
  for (const char* path : {"net/ipv4/ip_forward", "net/ipv4/conf/all/forwarding",
                           "net/core/somaxconn", "net/ipv4/ip_local_reserved_ports",
                           "net/ipv6/conf/all/forwarding", "net/ipv4/conf/all/rp_filter"}) {
    std::ifstream in(std::string("/proc/sys/") + path);
    std::stringstream text;
    text << in.rdbuf();
    values[path] = in ? text.str() : "(unreadable)";
  }
  return values;
}

TEST_CASE("ssh modules: sysctl sets net keys live and in files on the host only") {
  const std::map<std::string, std::string> machine_before = MachineValues();
  Output out = Shell(std::string(kFunctions) + R"SH(
keys="net.ipv4.ip_forward net.core.somaxconn net.ipv6.conf.all.forwarding net.ipv4.ip_local_reserved_ports net.ipv4.conf.all.rp_filter"
paths=$(echo $keys | tr . /)
on node3 sh -c 'for p in $1; do printf "%s\n" "$(cat /proc/sys/$p)"; done > /root/hostprep-sysctl.saved' sh "$paths"
echo "== saved"; on node3 sysctl $keys
on node3 sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 net.ipv4.conf.all.rp_filter=0
on node3 sh -c 'echo > /proc/sys/net/ipv4/ip_local_reserved_ports'
on node3 sh -c 'cd /etc/sysctl.d && rm -rf 9[0-4]-hostprep-*.conf /etc/hostprep-sysctl && printf "# kept comment\nnet.ipv4.tcp_syncookies = 1\nnet.core.somaxconn = 1024\nnet.ipv4.ip_forward=1\n; another comment\nnet.ipv4.conf.all.rp_filter = 2\n" > 90-hostprep-test.conf && mkdir /etc/hostprep-sysctl && printf "# real file\nnet.core.somaxconn = 1024\n" > /etc/hostprep-sysctl/real.conf && ln -s ../hostprep-sysctl/real.conf 93-hostprep-link.conf && sysctl -q -w net.core.somaxconn=2048'
live() { on node3 sysctl $keys; }
files() { on node3 sh -c 'cd /etc/sysctl.d; for f in 9[0-4]-hostprep-*.conf; do printf "%s:\n%s\n" $f "$(cat $f)"; done'; }
echo "== check"; play sysctl.yml node3 --check --diff
echo "== after check live"; live
echo "== after check files"; files
echo "== apply"; play sysctl.yml node3 --diff
echo "== after apply live"; live
echo "== after apply files"; files
echo "== reapply"; play sysctl.yml node3 --diff
echo "== unknown"; play sysctl_unknown.yml node3
echo "== after unknown"; on node3 ls /etc/sysctl.d/94-hostprep-unknown.conf
echo "== link"; play sysctl_link.yml node3 --diff
echo "== after link"; on node3 sh -c 'cd /etc/sysctl.d; [ -L 93-hostprep-link.conf ] && echo "link -> $(readlink 93-hostprep-link.conf)"; cat /etc/hostprep-sysctl/real.conf; sysctl net.core.somaxconn'
echo "== link again"; play sysctl_link.yml node3
echo "== end"
on node3 sh -c 'rm -rf /etc/sysctl.d/9[0-4]-hostprep-*.conf /etc/hostprep-sysctl'
on node3 sh -c 'for p in $1; do IFS= read -r v; printf "%s\n" "$v" > /proc/sys/$p; done < /root/hostprep-sysctl.saved && rm /root/hostprep-sysctl.saved' sh "$paths"
echo "== restored"; on node3 sysctl $keys
)SH");
  INFO(out.text);
  // The machine's own values never moved: the keys are per namespace.
  CHECK(MachineValues() == machine_before);
  // The host's runtime values are back as they were.
  CHECK(Section(out.text, "restored") == Section(out.text, "saved"));
  CHECK(Has(Section(out.text, "saved"), "net.ipv4.ip_forward = "));

  const std::string check = Section(out.text, "check");
  CHECK(Has(check, "exit 0\n"));
  CHECK(Has(check, Recap(4, 4, 0)));
  // Only the differing values: somaxconn's live value is already 2048 and
  // ip_forward's line already says 1.
  CHECK(Has(check,
            "changed: [node3] forwarding and backlog => would set net.ipv4.ip_forward, "
            "net.core.somaxconn, net.ipv6.conf.all.forwarding\n"
            "  net.ipv4.ip_forward (runtime): 0 -> 1\n"
            "  net.core.somaxconn (/etc/sysctl.d/90-hostprep-test.conf): 1024 -> 2048\n"
            "  net.ipv6.conf.all.forwarding (runtime): 0 -> 1\n"
            "  net.ipv6.conf.all.forwarding (/etc/sysctl.d/90-hostprep-test.conf): (unset) -> 1\n"
            "  --- before: /etc/sysctl.d/90-hostprep-test.conf\n"));
  CHECK(Has(check, "  net.ipv4.ip_local_reserved_ports (runtime): \"\" -> 30000-30010,31000\n"));
  CHECK(Has(check,
            "  net.hostprep.nonexistent (/etc/sysctl.d/92-hostprep-unknown.conf): (unset) -> 1\n"));
  CHECK(Section(out.text, "after check live") ==
        "net.ipv4.ip_forward = 0\n"
        "net.core.somaxconn = 2048\n"
        "net.ipv6.conf.all.forwarding = 0\n"
        "net.ipv4.ip_local_reserved_ports = \n"
        "net.ipv4.conf.all.rp_filter = 0\n");
  CHECK(Section(out.text, "after check files") ==
        "90-hostprep-test.conf:\n"
        "# kept comment\n"
        "net.ipv4.tcp_syncookies = 1\n"
        "net.core.somaxconn = 1024\n"
        "net.ipv4.ip_forward=1\n"
        "; another comment\n"
        "net.ipv4.conf.all.rp_filter = 2\n"
        "93-hostprep-link.conf:\n"
        "# real file\n"
        "net.core.somaxconn = 1024\n");

  const std::string apply = Section(out.text, "apply");
  CHECK(Has(apply, "exit 0\n"));
  CHECK(Has(apply, Recap(4, 4, 0)));
  CHECK(Section(out.text, "after apply live") ==
        "net.ipv4.ip_forward = 1\n"
        "net.core.somaxconn = 2048\n"
        "net.ipv6.conf.all.forwarding = 1\n"
        "net.ipv4.ip_local_reserved_ports = 30000-30010,31000\n"
        "net.ipv4.conf.all.rp_filter = 0\n");
  // Other lines and comments byte for byte; rp_filter's line gone, its live
  // value left alone.
  CHECK(Section(out.text, "after apply files") ==
        "90-hostprep-test.conf:\n"
        "# kept comment\n"
        "net.ipv4.tcp_syncookies = 1\n"
        "net.core.somaxconn = 2048\n"
        "net.ipv4.ip_forward=1\n"
        "; another comment\n"
        "net.ipv6.conf.all.forwarding = 1\n"
        "91-hostprep-ports.conf:\n"
        "net.ipv4.ip_local_reserved_ports = 30000-30010,31000\n"
        "92-hostprep-unknown.conf:\n"
        "net.hostprep.nonexistent = 1\n"
        "93-hostprep-link.conf:\n"
        "# real file\n"
        "net.core.somaxconn = 1024\n");

  const std::string reapply = Section(out.text, "reapply");
  CHECK(Has(reapply, Recap(4, 0, 0)));
  CHECK(Count(reapply, "ok: [node3] ") == 4);

  CHECK(Has(Section(out.text, "unknown"),
            "failed: [node3] a key the kernel lacks => sysctl key 'net.hostprep.nonexistent' is "
            "not known to this host's kernel (no /proc/sys/net/hostprep/nonexistent): check the "
            "name, load the kernel module that provides it first, or set 'ignore_unknown: "
            "true'\n"));
  CHECK(Has(Section(out.text, "unknown"), "exit 2\n"));
  CHECK(Has(Section(out.text, "after unknown"), "No such file or directory"));

  // A symlinked file: its target is written, the link stays.
  const std::string link = Section(out.text, "link");
  CHECK(Has(link,
            "changed: [node3] somaxconn through the link\n"
            "  net.core.somaxconn (runtime): 2048 -> 1536\n"
            "  net.core.somaxconn (/etc/hostprep-sysctl/real.conf): 1024 -> 1536\n"
            "  --- before: /etc/hostprep-sysctl/real.conf\n"
            "  +++ after: /etc/hostprep-sysctl/real.conf\n"));
  CHECK(Section(out.text, "after link") ==
        "link -> ../hostprep-sysctl/real.conf\n"
        "# real file\n"
        "net.core.somaxconn = 1536\n"
        "net.core.somaxconn = 1536\n");
  CHECK(Has(Section(out.text, "link again"), Recap(1, 0, 0)));
}

// `containerd config dump` of the node's config.toml, between markers.
constexpr const char* kDump =
    "dump() { on $1 sh -c 'containerd --config /etc/containerd/config.toml config dump "
    "> /tmp/hostprep-dump 2>&1; echo \"dump exit $?\"; grep -E \"^ *(version|oom_score|"
    "SystemdCgroup|sandbox_image|config_path|enable_unprivileged_ports|max_recv_message_size|"
    "snapshotter|BinaryName) =\" /tmp/hostprep-dump; rm -f /tmp/hostprep-dump'; }\n"
    "save() { on $1 sh -c 'rm -rf /root/hostprep-containerd; mkdir /root/hostprep-containerd; "
    "[ ! -e /etc/containerd ] || cp -a /etc/containerd /root/hostprep-containerd/'; }\n"
    "restore() { on $1 sh -c 'rm -rf /etc/containerd; [ ! -e /root/hostprep-containerd/containerd "
    "] "
    "|| cp -a /root/hostprep-containerd/containerd /etc/; rm -rf /root/hostprep-containerd'; }\n";

// The hosts.toml files the v2 and v3 playbooks write.
constexpr const char* kHostsFiles =
    "/etc/containerd/certs.d/docker.io/hosts.toml:\n"
    "# Written by hostprep (containerd_config): edits here are overwritten.\n"
    "server = \"https://registry-1.docker.io\"\n"
    "\n"
    "[host.\"https://harbor.internal.example\"]\n"
    "  capabilities = [\"pull\", \"resolve\"]\n"
    "  skip_verify = true\n"
    "  ca = \"/etc/containerd/certs.d/harbor-ca.pem\"\n"
    "/etc/containerd/certs.d/registry.k8s.io/hosts.toml:\n"
    "# Written by hostprep (containerd_config): edits here are overwritten.\n"
    "server = \"https://registry.k8s.io\"\n"
    "\n"
    "[host.\"https://harbor.internal.example/v2/k8s\"]\n"
    "  capabilities = [\"pull\", \"resolve\"]\n"
    "  override_path = true\n";

constexpr const char* kFilesFn =
    "files() { on $1 sh -c 'for f in $(find /etc/containerd -name \"*.toml\" | sort); do "
    "printf \"%s:\\n%s\\n\" $f \"$(cat $f)\"; done; stat -c \"%n %a\" "
    "/etc/containerd/config.toml'; }\n";

TEST_CASE("ssh modules: containerd_config writes a fresh version 2 config containerd accepts") {
  Output out = Shell(std::string(kFunctions) + kDump + kFilesFn + R"SH(
save node4; on node4 rm -rf /etc/containerd
echo "== check"; play containerd_v2.yml node4 --check --diff
echo "== after check"; on node4 ls /etc/containerd
echo "== apply"; play containerd_v2.yml node4
echo "== files"; files node4
echo "== dump"; dump node4
echo "== reapply"; play containerd_v2.yml node4 --diff
echo "== end"
restore node4
)SH");
  INFO(out.text);
  const std::string check = Section(out.text, "check");
  CHECK(Has(check,
            "changed: [node4] containerd config => would write /etc/containerd/config.toml, "
            "/etc/containerd/certs.d/docker.io/hosts.toml, "
            "/etc/containerd/certs.d/registry.k8s.io/hosts.toml\n"));
  CHECK(Has(check, "  +SystemdCgroup = true\n"));
  CHECK(Has(check, "  +  skip_verify = true\n"));
  CHECK(Has(check, Recap(1, 1, 0)));
  CHECK(Has(Section(out.text, "after check"), "No such file or directory"));
  CHECK(Has(Section(out.text, "apply"), Recap(1, 1, 0)));
  CHECK(Section(out.text, "files") ==
        std::string(kHostsFiles) +
            "/etc/containerd/config.toml:\n"
            "oom_score = -999\n"
            "version = 2\n"
            "\n"
            "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
            "enable_unprivileged_ports = true\n"
            "sandbox_image = \"registry.k8s.io/pause:3.10\"\n"
            "\n"
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
            "runtime_type = \"io.containerd.runc.v2\"\n"
            "\n"
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
            "SystemdCgroup = true\n"
            "\n"
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
            "config_path = \"/etc/containerd/certs.d\"\n"
            "/etc/containerd/config.toml 640\n");
  // containerd's own parser takes the file and shows our values.
  CHECK(Section(out.text, "dump") ==
        "dump exit 0\n"
        "oom_score = -999\n"
        "version = 2\n"
        "  max_recv_message_size = 16777216\n"
        "    enable_unprivileged_ports = true\n"
        "    sandbox_image = \"registry.k8s.io/pause:3.10\"\n"
        "      snapshotter = \"overlayfs\"\n"
        "            SystemdCgroup = true\n"
        "      config_path = \"/etc/containerd/certs.d\"\n");
  const std::string reapply = Section(out.text, "reapply");
  CHECK(Has(reapply, "ok: [node4] containerd config\n"));
  CHECK(Has(reapply, Recap(1, 0, 0)));
}

TEST_CASE("ssh modules: containerd_config edits an existing version 2 config in place") {
  Output out = Shell(std::string(kFunctions) + kDump + kFilesFn + R"SH(
save node4
on node4 sh -c 'rm -rf /etc/containerd; mkdir /etc/containerd; cat > /etc/containerd/config.toml' <<'EOF'
version = 2
oom_score = -500

[grpc]
  max_recv_message_size = 33554432

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "native"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  BinaryName = "/usr/local/bin/runc"
EOF
on node4 cp -p /etc/containerd/config.toml /root/hostprep-config.orig
echo "== check"; play containerd_edit.yml node4 --check --diff
echo "== after check"; on node4 sh -c 'cmp /root/hostprep-config.orig /etc/containerd/config.toml && stat -c "unchanged %a" /etc/containerd/config.toml'
echo "== apply"; play containerd_edit.yml node4
echo "== files"; files node4
echo "== dump"; dump node4
echo "== reapply"; play containerd_edit.yml node4
echo "== end"
restore node4; on node4 rm -f /root/hostprep-config.orig
)SH");
  INFO(out.text);
  CHECK(Has(Section(out.text, "check"), "  -  sandbox_image = \"registry.k8s.io/pause:3.6\"\n"));
  CHECK(Has(Section(out.text, "check"), Recap(1, 1, 0)));
  CHECK(Section(out.text, "after check") == "unchanged 644\n");
  CHECK(Has(Section(out.text, "apply"), Recap(1, 1, 0)));
  // Version 2 from containerd 1.6's `containerd --version`; every other key
  // kept.
  CHECK(Section(out.text, "files") ==
        "/etc/containerd/config.toml:\n"
        "oom_score = -500\n"
        "version = 2\n"
        "\n"
        "[grpc]\n"
        "max_recv_message_size = 33554432\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
        "sandbox_image = \"registry.k8s.io/pause:3.10\"\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
        "snapshotter = \"native\"\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
        "runtime_type = \"io.containerd.runc.v2\"\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
        "BinaryName = \"/usr/local/bin/runc\"\n"
        "SystemdCgroup = true\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
        "config_path = \"/etc/containerd/certs.d\"\n"
        "/etc/containerd/config.toml 640\n");
  CHECK(Section(out.text, "dump") ==
        "dump exit 0\n"
        "oom_score = -500\n"
        "version = 2\n"
        "  max_recv_message_size = 33554432\n"
        "    enable_unprivileged_ports = false\n"
        "    sandbox_image = \"registry.k8s.io/pause:3.10\"\n"
        "      snapshotter = \"native\"\n"
        "            BinaryName = \"/usr/local/bin/runc\"\n"
        "            SystemdCgroup = true\n"
        "      config_path = \"/etc/containerd/certs.d\"\n");
  CHECK(Has(Section(out.text, "reapply"), Recap(1, 0, 0)));
}

// containerd 1.6 (Debian 12) does not know version 3: it parses the file
// without complaint but reads only the keys it knows, so the dump shows its
// defaults for the io.containerd.cri.v1.* tables. The test asserts exactly
// that, and that the file holds the version 3 keys containerd 2.x reads.
TEST_CASE("ssh modules: containerd_config writes and edits version 3 configs") {
  Output out = Shell(std::string(kFunctions) + kDump + kFilesFn + R"SH(
save node5; on node5 rm -rf /etc/containerd
echo "== check"; play containerd_v3.yml node5 --check --diff
echo "== after check"; on node5 ls /etc/containerd
echo "== apply"; play containerd_v3.yml node5
echo "== files"; files node5
echo "== dump"; dump node5
echo "== reapply"; play containerd_v3.yml node5
on node5 sh -c 'rm -rf /etc/containerd; mkdir /etc/containerd; cat > /etc/containerd/config.toml' <<'EOF'
version = 3
root = "/srv/containerd"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "native"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  BinaryName = "/usr/local/bin/runc"
EOF
echo "== edit"; play containerd_edit_v3.yml node5 --diff
echo "== edited files"; files node5
echo "== edited dump"; dump node5
echo "== edit again"; play containerd_edit_v3.yml node5
echo "== end"
restore node5
)SH");
  INFO(out.text);
  CHECK(Has(Section(out.text, "check"), Recap(1, 1, 0)));
  CHECK(Has(Section(out.text, "check"),
            "  +[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n"));
  CHECK(Has(Section(out.text, "after check"), "No such file or directory"));
  CHECK(Has(Section(out.text, "apply"), Recap(1, 1, 0)));
  CHECK(Section(out.text, "files") ==
        std::string(kHostsFiles) +
            "/etc/containerd/config.toml:\n"
            "oom_score = -999\n"
            "version = 3\n"
            "\n"
            "[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n"
            "sandbox = \"registry.k8s.io/pause:3.10\"\n"
            "\n"
            "[plugins.\"io.containerd.cri.v1.images\".registry]\n"
            "config_path = \"/etc/containerd/certs.d\"\n"
            "\n"
            "[plugins.\"io.containerd.cri.v1.runtime\"]\n"
            "enable_unprivileged_ports = true\n"
            "\n"
            "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n"
            "runtime_type = \"io.containerd.runc.v2\"\n"
            "\n"
            "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\n"
            "SystemdCgroup = true\n"
            "/etc/containerd/config.toml 640\n");
  // 1.6 accepts the file (exit 0) and applies the top-level key it knows
  // (oom_score), but its dump says version 2 and keeps its own CRI defaults.
  const std::string v16_defaults =
      "  max_recv_message_size = 16777216\n"
      "    enable_unprivileged_ports = false\n"
      "    sandbox_image = \"registry.k8s.io/pause:3.6\"\n"
      "      snapshotter = \"overlayfs\"\n"
      "            BinaryName = \"\"\n"
      "            SystemdCgroup = false\n"
      "      config_path = \"\"\n";
  CHECK(Section(out.text, "dump") == "dump exit 0\noom_score = -999\nversion = 2\n" + v16_defaults);
  CHECK(Has(Section(out.text, "reapply"), Recap(1, 0, 0)));

  const std::string edit = Section(out.text, "edit");
  CHECK(Has(edit, Recap(1, 1, 0)));
  CHECK(Section(out.text, "edited files") ==
        "/etc/containerd/config.toml:\n"
        "root = \"/srv/containerd\"\n"
        "version = 3\n"
        "\n"
        "[plugins.\"io.containerd.cri.v1.images\"]\n"
        "snapshotter = \"native\"\n"
        "\n"
        "[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n"
        "sandbox = \"registry.k8s.io/pause:3.10\"\n"
        "\n"
        "[plugins.\"io.containerd.cri.v1.images\".registry]\n"
        "config_path = \"/etc/containerd/certs.d\"\n"
        "\n"
        "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n"
        "runtime_type = \"io.containerd.runc.v2\"\n"
        "\n"
        "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\n"
        "BinaryName = \"/usr/local/bin/runc\"\n"
        "SystemdCgroup = true\n"
        "/etc/containerd/config.toml 640\n");
  CHECK(Section(out.text, "edited dump") ==
        "dump exit 0\noom_score = 0\nversion = 2\n" + v16_defaults);
  CHECK(Has(Section(out.text, "edit again"), Recap(1, 0, 0)));
}

}  // namespace
