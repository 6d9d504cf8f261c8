// Ansible as the oracle (label `compat`): each test runs one playbook of
// testdata/compat with ansible-playbook on node1 and with hostprep on node2
// (compat_test_util.h) and asserts the same task results in the same order,
// the same recap and exit code, and the same files on both hosts. The
// playbooks use only what hostprep supports and where it behaves like
// Ansible today; each test removes its paths on both hosts before and after.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/compat/compat_test_util.h"

namespace {

using hostprep::testing::compat::Both;
using hostprep::testing::compat::CheckSame;
using hostprep::testing::compat::CheckSameFiles;
using hostprep::testing::compat::CheckSameOnBoth;
using hostprep::testing::compat::CheckSameResults;
using hostprep::testing::compat::CleanPaths;
using hostprep::testing::compat::kAnsibleNode;
using hostprep::testing::compat::kAnsibleRemoteTemp;
using hostprep::testing::compat::kHost;
using hostprep::testing::compat::kHostprepNode;
using hostprep::testing::compat::ListBoth;
using hostprep::testing::compat::NetnsTwins;
using hostprep::testing::compat::OnNode;
using hostprep::testing::compat::RunBoth;
using hostprep::testing::compat::RunEachOnAll;
using hostprep::testing::compat::SideBySide;

TEST_CASE("compat: a directory layout matches Ansible's on the first run and on the re-run") {
  CleanPaths clean({"/etc/hpcompat", "/etc/hpcompat-legacy"});
  // What an older release left behind, for the playbook to remove.
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpcompat-legacy/spool && touch "
                   "/etc/hpcompat-legacy/spool/old")
                .exit_code == 0);
  Both first = RunBoth("layout.yml");
  CheckSame(first, 0);
  CheckSameFiles({"/etc/hpcompat", "/etc/hpcompat-legacy"});
  Both again = RunBoth("layout.yml");
  CheckSame(again, 0);
  CheckSameFiles({"/etc/hpcompat", "/etc/hpcompat-legacy"});
}

TEST_CASE("compat: template files render byte for byte as Ansible's template module renders them") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("templates.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("templates.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
}

TEST_CASE("compat: copy and template place, keep and register files as Ansible's do") {
  CleanPaths clean({"/etc/hpcompat"});
  // A symlink where the playbook copies a file: Ansible replaces it.
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpcompat && ln -s /etc/hpcompat/k8s.conf "
                   "/etc/hpcompat/linked.conf")
                .exit_code == 0);
  Both check = RunBoth("copies.yml", {"--check"});
  CheckSame(check, 0);
  CheckSameFiles({"/etc/hpcompat"});  // nothing written on either: the link only
  CheckSame(RunBoth("copies.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("copies.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: lineinfile, blockinfile and replace edit files and register as Ansible's do") {
  CleanPaths clean({"/etc/hpcompat"});
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpcompat && printf '%s\\n' '# sshd' '#PermitRootLogin yes' "
                   "'PasswordAuthentication yes' 'UsePAM yes' "
                   "'Subsystem sftp /usr/lib/openssh/sftp-server' 'Subsystem other /bin/true' "
                   ">/etc/hpcompat/sshd_config && printf '%s\\n' "
                   "'UUID=abc / ext4 errors=remount-ro 0 1' '/swap.img none swap sw 0 0' "
                   ">/etc/hpcompat/fstab && cp /etc/hpcompat/fstab /etc/hpcompat/fstab.replace && "
                   "printf '%s\\n' 'mirror=a' '[main]' 'mirror=b' '[other]' 'mirror=c' "
                   ">/etc/hpcompat/app.ini")
                .exit_code == 0);
  CheckSame(RunBoth("lines.yml", {"--check"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("lines.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("lines.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: sysctl keeps keys, rewrites the file and sets live values as Ansible's does") {
  CleanPaths clean({"/etc/hpcompat"});
  // Only net.* keys: each test host has its own network namespace, and so
  // its own values of them.
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(
        OnNode(node,
               "mkdir -p /etc/hpcompat && printf '%s\\n' '# node settings' "
               "'  net.ipv4.conf.all.rp_filter = 1 ' '; legacy' 'net.ipv6.conf.all.forwarding=0' "
               "'net.ipv4.conf.all.rp_filter=0' 'net.ipv4.ip_local_port_range = 20000   60999' "
               ">/etc/hpcompat/sysctl.conf && sysctl -q -w net.ipv4.ip_forward=0 "
               "net.ipv4.tcp_keepalive_time=7200 net.ipv4.conf.all.rp_filter=0 "
               "'net.ipv4.ip_local_port_range=32768 60999'")
            .exit_code == 0);
  CheckSame(RunBoth("sysctls.yml", {"--check"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("sysctls.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("sysctls.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: ini_file sets, adds and removes options and sections as Ansible's does") {
  CleanPaths clean({"/etc/hpcompat"});
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpcompat && printf '%s\\n' '; app settings' '[Time]' "
                   "'#NTP=' 'FallbackNTP=0.pool' 'FallbackNTP=1.pool' '' '[legacy]' 'old = 1' "
                   "'[mysqld]' 'port = 3306' >/etc/hpcompat/app.ini")
                .exit_code == 0);
  CheckSame(RunBoth("inis.yml", {"--check"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("inis.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("inis.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: commands with creates, removes, chdir, argv and registered results match") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("commands.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: shell tasks and fully qualified module names run as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("shell.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("shell.yml");
  CheckSame(again, 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: changed_when and failed_when judge any module's result as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("judged.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("judged.yml", {"--check"}), 0);
  CheckSame(RunBoth("judged.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: debug, assert and fail show, register and fail as in Ansible") {
  CheckSame(RunBoth("messages.yml"), 2);
  Both verbose = RunBoth("messages.yml", {"-v", "--skip-tags", "undefined"});
  CheckSame(verbose, 2);
  // debug's verbosity: 1 task runs under -v, on both.
  CHECK(verbose.hostprep.recap[kHost]["skipped"] == 1);
}

TEST_CASE("compat: variables, extra vars and conditions match Ansible's") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("conditions.yml", {"-e", "site_env=prod"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: loops and their registered results match Ansible's") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("loops.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: handlers run as in Ansible: once, in written order, chained") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("handlers.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: --tags and --skip-tags select the tasks Ansible selects") {
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"--tags", "config"},
      {"--skip-tags", "slow"},
      {"--tags", "debug,install"},
      {"--tags", "untagged"},
      {"--tags", "tagged"},
      {"--skip-tags", "untagged"},
  };
  for (const std::vector<std::string>& args : variants) {
    std::string name;
    for (const std::string& a : args) name += a + " ";
    CAPTURE(name);
    CleanPaths clean({"/etc/hpcompat"});
    CheckSame(RunBoth("tags.yml", args), 0);
    CheckSameFiles({"/etc/hpcompat"});
  }
}

TEST_CASE("compat: a failing task stops the host as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("failure.yml"), 2);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: a failing loop item fails the task after every item ran, as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("loop_failure.yml"), 2);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: check mode reports what Ansible's check mode reports and changes nothing") {
  const std::vector<std::string> paths = {"/etc/hpcompat", "/etc/hpcompat-absent",
                                          "/etc/hpcompat-touched", "/etc/hpcompat-guarded"};
  CleanPaths clean(paths);
  CheckSame(RunBoth("check_mode.yml", {"--check"}), 0);
  CheckSameFiles(paths);
}

TEST_CASE("compat: ignored failures count as Ansible counts them") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("ignored.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: registered stdout, stdin and creates/removes read as Ansible's") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("registered.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: with allow_broken_conditionals, conditions count by truthiness as in 2.14") {
  CleanPaths clean({"/etc/hpcompat"});
  // Only hostprep sees it: ansible-playbook runs with `env -i`, and 2.14
  // counts values by truthiness anyway.
  setenv("ANSIBLE_ALLOW_BROKEN_CONDITIONALS", "true", 1);
  Both both = RunBoth("truthy_conditions.yml");
  unsetenv("ANSIBLE_ALLOW_BROKEN_CONDITIONALS");
  CheckSame(both, 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: lookups in a role read its files, templates and variables as Ansible's do") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("lookups.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: when on a loop is asked of each item") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("loop_when.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: a play in which every host failed ends the playbook") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("all_failed.yml"), 2);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: each play that gathers facts reports and counts Gathering Facts") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("gather.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: gather_subset and setup with filter give and set the facts Ansible's do") {
  CheckSame(RunBoth("setup.yml"), 0);
  CheckSame(RunBoth("setup.yml", {"--check"}), 0);
}

TEST_CASE("compat: getent sets the facts Ansible's getent sets") {
  CheckSame(RunBoth("getent.yml"), 0);
  CheckSame(RunBoth("getent.yml", {"--check"}), 0);
}

TEST_CASE("compat: pam_limits edits limits files as Ansible's does") {
  CleanPaths clean({"/etc/hpcompat"});
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpcompat/limits.d && printf '%s\\n' '# limits' "
                   "'*   soft   nproc   8192' 'root hard core 100 # dumps' '' '# End of file' "
                   ">/etc/hpcompat/limits.conf")
                .exit_code == 0);
  CheckSame(RunBoth("pam_limits.yml", {"--check"}), 0);
  // Ansible's check mode creates the missing limits.d file, empty;
  // hostprep's writes nothing (README, pam_limits).
  CheckSameFiles({"/etc/hpcompat/limits.conf"});
  CHECK(OnNode(kHostprepNode, "test -e /etc/hpcompat/limits.d/90-k8s.conf").exit_code != 0);
  CheckSame(RunBoth("pam_limits.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  Both again = RunBoth("pam_limits.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: cron keeps crontabs and cron.d files as Ansible's does") {
  CleanPaths clean({"/etc/cron.d/hpcompat-jobs", "/etc/cron.d/hpcompat-once",
                    "/var/spool/cron/crontabs/root", "/var/spool/cron/crontabs/hpuser"});
  for (const char* node : {kAnsibleNode, kHostprepNode}) {
    REQUIRE(
        OnNode(node, "test -d /var/spool/cron/crontabs && ! test -e /var/spool/cron/crontabs/root")
            .exit_code == 0);
    REQUIRE(OnNode(node,
                   "printf '%s\\n' 'SHELL=/bin/sh' '#Ansible: old' '0 * * * * root /bin/old' "
                   ">/etc/cron.d/hpcompat-jobs && printf '%s\\n' '#Ansible: once' "
                   "'@reboot root /bin/true' >/etc/cron.d/hpcompat-once")
                .exit_code == 0);
  }
  // What cron reads: the users' crontabs (without the header crontab adds,
  // which names a temp file and the time), their modes and owners, and the files.
  const std::string crontabs =
      "crontab -l; crontab -u hpuser -l; cd /var/spool/cron/crontabs && stat -c '%n %a %U %G' *";
  CheckSame(RunBoth("cron.yml", {"--check"}), 0);
  CheckSameOnBoth(NetnsTwins(), crontabs);
  CheckSameFiles({"/etc/cron.d/hpcompat-jobs", "/etc/cron.d/hpcompat-once"});
  CheckSame(RunBoth("cron.yml"), 0);
  const std::string after = CheckSameOnBoth(NetnsTwins(), crontabs);
  CHECK(after.find("#Ansible: hpcompat backup\n0 2 * * * /usr/local/bin/backup --all\n") !=
        std::string::npos);
  CheckSameFiles({"/etc/cron.d/hpcompat-jobs", "/etc/cron.d/hpcompat-once"});
  CHECK(OnNode(kHostprepNode, "test -e /etc/cron.d/hpcompat-once").exit_code != 0);
  Both again = RunBoth("cron.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameOnBoth(NetnsTwins(), crontabs);
  CheckSameFiles({"/etc/cron.d/hpcompat-jobs", "/etc/cron.d/hpcompat-once"});
  // Unchanged, the whole play costs one round trip: the reads of every task.
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
}

TEST_CASE("compat: authorized_key keeps key files as Ansible's does") {
  CleanPaths clean({"/home/hpuser/.ssh", "/etc/hpcompat"});
  for (const char* node : {kAnsibleNode, kHostprepNode})
    REQUIRE(OnNode(node,
                   "mkdir -p /etc/hpcompat/keys && printf '%s\\n' '# old' 'ssh-rsa AAAAold x' "
                   ">/etc/hpcompat/keys/admin && printf '%s\\n' '# ops' "
                   "'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQChpcompatBobKey bob@work' "
                   "'ssh-ed25519 AAAAops ops' >/etc/hpcompat/keys/ops")
                .exit_code == 0);
  const std::vector<std::string> paths = {"/home/hpuser/.ssh", "/etc/hpcompat"};
  CheckSame(RunBoth("authorized_key.yml", {"--check"}), 0);
  CheckSameFiles(paths);
  CheckSame(RunBoth("authorized_key.yml"), 0);
  CheckSameFiles(paths);
  const std::string made = CheckSameOnBoth(NetnsTwins(),
                                           "stat -c '%n %a %U %G' /home/hpuser/.ssh "
                                           "/home/hpuser/.ssh/authorized_keys");
  CHECK(made ==
        "/home/hpuser/.ssh 700 hpuser hpuser\n/home/hpuser/.ssh/authorized_keys 600 hpuser "
        "hpuser\nexit 0\n");
  Both again = RunBoth("authorized_key.yml");
  CheckSame(again, 0);
  CHECK(again.hostprep.recap[kHost]["changed"] == 0);
  CheckSameFiles(paths);
  CHECK(again.hostprep.recap[kHost]["round_trips"] == 1);
}

TEST_CASE("compat: tasks run in the order written, as in Ansible, even out of dependency order") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("order.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

}  // namespace

TEST_CASE("compat: roles, pre_tasks, post_tasks, imports and flushes run in Ansible's order") {
  struct Variant {
    std::vector<std::string> args;
    int exit_code;
  };
  const std::vector<Variant> variants = {
      {{}, 0},
      // The dependency skipped by tags under the first occurrence runs
      // under the tagged one.
      {{"--tags", "second"}, 0},
      // The last role's handler of a shared name wins, and fails here: its
      // directory was skipped with the role's tasks.
      {{"--skip-tags", "settings,second"}, 2},
      {{"-e", "optional_wanted=true"}, 0},
  };
  for (const Variant& v : variants) {
    std::string name;
    for (const std::string& a : v.args) name += a + " ";
    CAPTURE(name);
    CleanPaths clean({"/etc/hpcompat"});
    CheckSame(RunBoth("roles.yml", v.args), v.exit_code);
    CheckSameFiles({"/etc/hpcompat"});
    // Again on what the first run left.
    CheckSame(RunBoth("roles.yml", v.args), v.exit_code);
    CheckSameFiles({"/etc/hpcompat"});
  }
}

TEST_CASE("compat: with_items, with_dict, with_subelements and the other with_ loops match") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("with_loops.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: set_fact, args and key=value arguments behave as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("facts.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: handlers that listen to a topic run as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("listen.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: until retries a task as Ansible does and reports the same attempts") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("until.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: include_tasks in roles and plays runs the same tasks in the same order") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("includes.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("includes.yml"), 0);
  // Only what is tagged: the include tagged always, its tasks by apply.
  CheckSame(RunBoth("includes.yml", {"--tags", "platform"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: include_role and import_role run the same tasks, handlers and variables") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("include_roles.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("include_roles.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  // Tags: the import's reach its tasks; the include tagged always runs, and
  // apply tags its tasks.
  CheckSame(RunBoth("include_roles.yml", {"--tags", "strict"}), 0);
  CheckSame(RunBoth("include_roles.yml", {"--tags", "limits"}), 0);
  CheckSame(RunBoth("include_roles.yml", {"-e", "limits_strict=false"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: block, rescue and always run and count as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("blocks.yml"), 2);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: include_vars with first_found, directories and names, and with_fileglob") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("include_vars.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE(
    "compat: meta end_host and end_play stop as in Ansible, and flush_handlers obeys its when") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("meta.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  // The other flush holds: the handler runs at the first.
  CheckSame(RunBoth("meta.yml", {"-e", "flush_early=true"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: environment at play, block and task level reaches commands as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("environment.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: import_playbook brings plays in with its vars, tags and when, as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("import_playbooks.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("import_playbooks.yml"), 0);
  CheckSame(RunBoth("import_playbooks.yml", {"-e", "stage_conditional=true"}), 0);
  CheckSame(RunBoth("import_playbooks.yml", {"--tags", "nested"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: --start-at-task starts where Ansible starts, the plays before running nothing") {
  CleanPaths clean({"/etc/hpcompat"});
  // The base directory first: Ansible's file module gives the directories
  // it creates on the way the task's mode, which hostprep's does not yet.
  CheckSame(RunBoth("import_playbooks.yml", {"--tags", "first"}), 0);
  CheckSame(RunBoth("import_playbooks.yml", {"--start-at-task", "stage directory"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
  CheckSame(RunBoth("import_playbooks.yml", {"--start-at-task", "the play's dir*"}), 0);
  CheckSame(
      RunBoth("import_playbooks.yml", {"--start-at-task", "stage directory", "--tags", "nested"}),
      0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: hostvars gives other hosts' inventory variables and the host's own values") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("hostvars.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: run_once tasks and blocks report, register and notify as in Ansible") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("run_once.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: delegate_to another host and to localhost runs where Ansible runs it") {
  CleanPaths clean({"/etc/hpcompat", "/etc/hpcompat-peer"});
  // What each tool's node made on the controller (delegate_to: localhost).
  const std::vector<std::string> local = {std::string("/tmp/hpcompat-delegate-") + kAnsibleNode,
                                          std::string("/tmp/hpcompat-delegate-") + kHostprepNode};
  struct CleanLocal {
    const std::vector<std::string>& dirs;
    ~CleanLocal() {
      for (const std::string& d : dirs) std::filesystem::remove_all(d);
    }
  } clean_local{local};
  for (const std::string& d : local) std::filesystem::remove_all(d);
  CheckSame(RunBoth("delegate.yml"), 0);
  CheckSameFiles({"/etc/hpcompat", "/etc/hpcompat-peer"});
  for (const std::string& d : local) {
    CAPTURE(d);
    std::error_code ec;
    CHECK(std::filesystem::is_directory(d, ec));
    CHECK((std::filesystem::status(d, ec).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms::owner_all);
  }
  // Unchanged: the re-run reports what Ansible's reports.
  CheckSame(RunBoth("delegate.yml"), 0);
}

TEST_CASE(
    "compat: delegate_facts gives a delegated set_fact's value and setup's facts to the other "
    "host") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("delegate_facts.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: become_method su runs tasks as the become user, as Ansible's su does") {
  // Ansible's temp dir as root left it, as earlier tests do: the play names its own.
  CleanPaths clean({"/home/hpuser/hpcompat", "/tmp/.hpcompat-ansible-hpuser"});
  OnNode(kAnsibleNode, std::string("mkdir -p -m 0700 ") + kAnsibleRemoteTemp);
  CheckSame(RunBoth("become_su.yml"), 0);
  CheckSameFiles({"/home/hpuser/hpcompat"});
  // Unchanged: the re-run reports what Ansible's reports.
  CheckSame(RunBoth("become_su.yml"), 0);
}

TEST_CASE("compat: a project's ansible.cfg gives roles_path and become, read by both tools") {
  CleanPaths clean({"/home/hpuser/hpcompat", "/tmp/.hpcompat-ansible-hpuser"});
  const std::string config = std::string("roles_path = ") + HOSTPREP_SOURCE_DIR +
                             "/tests/integration/testdata/compat/cfg_roles\n"
                             "[privilege_escalation]\n"
                             "become = True\n"
                             "become_user = hpuser\n"
                             "become_method = su\n";
  CheckSame(RunBoth(NetnsTwins(), "cfg_project.yml", {}, config), 0);
  CheckSameFiles({"/home/hpuser/hpcompat"});
  CheckSame(RunBoth(NetnsTwins(), "cfg_project.yml", {}, config), 0);
  // Without the file, neither finds the role (Ansible exits 1 there, hostprep
  // 4 as for every playbook it cannot load).
  const Both bare = RunBoth("cfg_project.yml");
  CHECK(bare.ansible.exit_code == 1);
  CHECK(bare.hostprep.exit_code == 4);
}

TEST_CASE("compat: a role's argument spec checks its inputs where and as Ansible does") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("role_specs.yml"), 0);
  CheckSameFiles({"/etc/hpcompat"});
  // Values that do not pass fail the host at the check, before the role's tasks.
  CheckSame(RunBoth("role_specs.yml", {"-e", "listen_port=eighty"}), 2);
  CheckSame(RunBoth("role_specs.yml", {"-e", "specs_mode=test"}), 2);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: play keywords written as templates render as Ansible renders them") {
  CleanPaths clean({"/etc/hpcompat"});
  CheckSame(RunBoth("play_keywords.yml"), 0);
  CheckSame(RunBoth("play_keywords.yml", {"-e", "want_facts=yes", "-e", "serial_size=1"}), 0);
  CheckSameFiles({"/etc/hpcompat"});
}

TEST_CASE("compat: strategy linear runs each task on every host before the next, as Ansible") {
  const Both both = RunEachOnAll("linear.yml");
  CheckSame(both, 0);
  const std::string order = SideBySide(both.ansible.sequence, both.hostprep.sequence);
  CHECK_MESSAGE(both.hostprep.sequence == both.ansible.sequence, "in the order reported:\n", order);
  CHECK(both.ansible.sequence.size() == 7);
}

TEST_CASE("compat: --list-tasks, --list-tags and --list-hosts print what ansible-playbook prints") {
  struct Case {
    const char* playbook;
    std::vector<std::string> args;
  };
  const Case cases[] = {
      {"roles.yml", {"--list-tasks", "--list-tags"}},
      {"include_roles.yml", {"--list-tasks"}},
      // One host: Ansible prints a play's hosts from a Python set, in an order
      // that changes from run to run; hostprep prints them in inventory order.
      {"role_specs.yml", {"--list-tasks", "--list-hosts", "--limit", "node1"}},
      {"import_playbooks.yml", {"--list-tasks", "--list-tags"}},
      {"tags.yml", {"--list-tasks", "--tags", "config"}},
      {"tags.yml", {"--list-tasks", "--skip-tags", "slow"}},
      {"blocks.yml", {"--list-tasks"}},
      {"play_keywords.yml", {"--list-hosts", "--list-tasks", "-e", "target=node2"}},
      {"delegate.yml", {"--list-tasks", "--limit", "node1"}},
  };
  for (const Case& c : cases) {
    std::string shown = c.playbook;
    for (const std::string& a : c.args) shown += " " + a;
    CAPTURE(shown);
    const auto [ansible, hostprep] = ListBoth(c.playbook, c.args);
    std::vector<std::string> al, hl;
    std::istringstream as(ansible), hs(hostprep);
    for (std::string l; std::getline(as, l);) al.push_back(l);
    for (std::string l; std::getline(hs, l);) hl.push_back(l);
    CHECK_MESSAGE(!al.empty(), "ansible-playbook printed nothing");
    const std::string differ = "the listings differ:\n" + SideBySide(al, hl);
    CHECK_MESSAGE(ansible == hostprep, differ);
  }
}
