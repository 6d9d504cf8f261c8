#include "modules/mount.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "modules/fstab.h"
#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;

Value Args(const Value& raw) { return testing::NormalizedArgs(MountModule(), raw); }

// A mount namespace: / from /dev/sda1, a tmpfs on /mnt/data and a bind
// mount of /srv/src on /mnt/bind.
constexpr char kMountInfo[] =
    "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
    "30 22 0:30 / /mnt/data rw,relatime - tmpfs tmpfs rw,size=1024k\n"
    "31 22 8:1 /srv/src /mnt/bind rw,relatime - ext4 /dev/sda1 rw\n"
    "32 22 0:31 / /mnt/a\\040b rw,relatime - tmpfs tmpfs rw\n";

struct Host {
  std::optional<std::string> fstab;
  bool exists = false;
  bool ismount = false;
  std::string mountinfo = kMountInfo;
};

// The answers to Probe's reads for `args` on `host`.
std::vector<ReadResult> Answers(const Value& args, const Host& host) {
  std::vector<ReadResult> out;
  for (const Read& r : MountModule().Probe(args, Value::object())) {
    if (r.kind == Read::Kind::kReadFile && r.path == "/proc/self/mountinfo") {
      out.push_back(testing::FileContent(host.mountinfo));
    } else if (r.kind == Read::Kind::kReadFile) {
      out.push_back(testing::FileContent(host.fstab));
    } else {
      out.push_back(testing::Ran(0, std::string("exists ") + (host.exists ? "yes" : "no") +
                                        "\nismount " + (host.ismount ? "yes" : "no") + "\n"));
    }
  }
  return out;
}

Result<Change> PlanOn(const Value& raw, const Host& host) {
  const Value args = Args(raw);
  return MountModule().Plan(args, Answers(args, host), Value::object());
}

// mount_apply.sh's arguments after the script ("sh", OP, NAME, ...).
std::vector<std::string> ScriptArgs(const Action& a) {
  REQUIRE(a.kind == Kind::kExec);
  REQUIRE(a.argv.size() >= 4);
  CHECK(a.argv[0] == "/bin/sh");
  CHECK(a.argv[2] == std::string(scripts::kMountApply));
  return std::vector<std::string>(a.argv.begin() + 3, a.argv.end());
}

const Value kTmpfs = {{"path", "/mnt/data"},
                      {"src", "tmpfs"},
                      {"fstype", "tmpfs"},
                      {"opts", "size=1m"},
                      {"state", "mounted"}};

TEST_CASE("mount probes the fstab, mountinfo and the path as each state needs them") {
  struct Case {
    const char* state;
    std::vector<std::string> reads;
  };
  const std::vector<std::string> all = {"read:/etc/fstab", "read:/proc/self/mountinfo",
                                        "path:/mnt/x"};
  for (const Case& c : std::vector<Case>{
           {"mounted", all},
           {"absent", all},
           {"present", {"read:/etc/fstab"}},
           {"absent_from_fstab", {"read:/etc/fstab"}},
           {"unmounted", {"read:/proc/self/mountinfo", "path:/mnt/x"}},
           {"ephemeral", {"read:/proc/self/mountinfo", "path:/mnt/x"}},
           {"remounted", {}},
       }) {
    CAPTURE(c.state);
    std::vector<std::string> reads;
    const Value args =
        Args({{"path", "/mnt/x"}, {"src", "s"}, {"fstype", "ext4"}, {"state", c.state}});
    for (const Read& r : MountModule().Probe(args, Value::object())) {
      if (r.kind == Read::Kind::kReadFile) {
        reads.push_back("read:" + r.path);
      } else {
        REQUIRE(r.argv.size() == 5);
        CHECK(r.argv[2] == std::string(scripts::kMountPath));
        reads.push_back("path:" + r.argv[4]);
      }
    }
    CHECK(reads == c.reads);
  }
}

TEST_CASE("mount refuses what Ansible refuses and what would break the fstab line") {
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"path", "/mnt/x"}, {"state", "mounted"}},
            {"state: state is mounted but all of the following are missing: src, fstype"}},
           {{{"path", "/mnt/x"}, {"src", "tmpfs"}, {"state", "present"}},
            {"state: state is present but all of the following are missing: fstype"}},
           {{{"path", "/mnt/x"}, {"fstype", "tmpfs"}, {"state", "ephemeral"}},
            {"state: state is ephemeral but all of the following are missing: src"}},
           {{{"path", "/mnt/x"}, {"state", "absent"}}, {}},
           {{{"name", "swap"}, {"fstype", "swap"}, {"state", "absent"}}, {}},
           {{{"path", "~/mnt"}, {"state", "unmounted"}},
            {"path: '~/mnt' would be expanded on the target by Ansible ('~' or an environment "
             "variable): hostprep does not expand it; write the path out"}},
           {{{"path", "/mnt/$HOME"}, {"state", "unmounted"}},
            {"path: '/mnt/$HOME' would be expanded on the target by Ansible ('~' or an "
             "environment variable): hostprep does not expand it; write the path out"}},
           {{{"path", "/mnt/x"}, {"src", "//srv/share$"}, {"fstype", "cifs"}, {"state", "present"}},
            {}},
           {{{"path", "/mnt/x"}, {"src", "a\tb"}, {"fstype", "ext4"}, {"state", "present"}},
            {"src: \"a\\tb\" holds a tab, which would break its fstab line: give a value "
             "without it"}},
           {{{"path", "/mnt/x"},
             {"src", "a"},
             {"fstype", "ext4"},
             {"opts", ""},
             {"state", "present"}},
            {"opts: '' holds nothing (an empty field), which would break its fstab line: give a "
             "value without it"}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(testing::ArgErrors(MountModule(), c.raw) == c.errors);
  }
}

TEST_CASE("mount adds the fstab line, creates the mount point and mounts it") {
  Result<Change> c = PlanOn(kTmpfs, {"# comment\nUUID=1 / ext4 defaults 0 1", false, false});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].path == "/etc/fstab");
  CHECK_FALSE(c->actions[0].backup);
  CHECK(c->actions[0].content ==
        "# comment\nUUID=1 / ext4 defaults 0 1\ntmpfs /mnt/data tmpfs size=1m 0 0\n");
  CHECK(ScriptArgs(c->actions[1]) == std::vector<std::string>{"sh", "mount", "/mnt/data",
                                                              "/etc/fstab", "1", "1", "remount",
                                                              "--"});
  // A failed mount puts the fstab back as Ansible's module does: its lines
  // each ending in a line break.
  CHECK(c->actions[1].stdin_data == "# comment\nUUID=1 / ext4 defaults 0 1\n");
  CHECK(c->reports);
  CHECK(c->predictable);
  CHECK_FALSE(c->command_output);
  CHECK(c->diff ==
        "--- before: /etc/fstab\n"
        "+++ after: /etc/fstab\n"
        "@@ -1,2 +1,3 @@\n"
        " # comment\n"
        "-UUID=1 / ext4 defaults 0 1\n"
        "\\ No newline at end of file\n"
        "+UUID=1 / ext4 defaults 0 1\n"
        "+tmpfs /mnt/data tmpfs size=1m 0 0\n");
  CHECK(c->message == "would set /mnt/data's line in /etc/fstab, mount /mnt/data");
  CHECK(nlohmann::json::parse(c->result.dump()) ==
        nlohmann::json::parse(Value({{"name", "/mnt/data"},
                                     {"src", "tmpfs"},
                                     {"fstype", "tmpfs"},
                                     {"opts", "size=1m"},
                                     {"dump", "0"},
                                     {"passno", "0"},
                                     {"fstab", "/etc/fstab"},
                                     {"boot", "yes"},
                                     {"backup_file", ""}})
                                  .dump()));
}

TEST_CASE("mount changes nothing when the line is there and the path mounted") {
  Result<Change> c = PlanOn(kTmpfs, {"tmpfs  /mnt/data\ttmpfs size=1m 0 0\n", true, true});
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->diff.empty());
}

TEST_CASE("mount remounts a mounted path whose options changed in the fstab") {
  Value raw = kTmpfs;
  raw["opts"] = "size=2m";
  raw["backup"] = true;
  Result<Change> c = PlanOn(raw, {"tmpfs /mnt/data tmpfs size=1m 0 0\n", true, true});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].content == "tmpfs /mnt/data tmpfs size=2m 0 0\n");
  CHECK(c->actions[0].backup);
  CHECK(ScriptArgs(c->actions[1]) == std::vector<std::string>{"sh", "remount", "/mnt/data",
                                                              "/etc/fstab", "1", "0", "remount",
                                                              "--"});
  CHECK(c->actions[1].stdin_data == "tmpfs /mnt/data tmpfs size=1m 0 0\n");
}

TEST_CASE("mount takes a bind mount of the same src for mounted, as Ansible's mountinfo test") {
  const Value bind = {{"path", "/mnt/bind"},
                      {"src", "/srv/src"},
                      {"fstype", "none"},
                      {"opts", "bind"},
                      {"state", "mounted"}};
  // Not a mount point by its device and inode: same file system.
  Result<Change> same = PlanOn(bind, {"/srv/src /mnt/bind none bind 0 0\n", true, false});
  REQUIRE(same.ok());
  CHECK_FALSE(same->changed);
  Value other = bind;
  other["src"] = "/srv/other";
  Result<Change> c = PlanOn(other, {"/srv/src /mnt/bind none bind 0 0\n", true, false});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].content == "/srv/other /mnt/bind none bind 0 0\n");
  CHECK(ScriptArgs(c->actions[1])[1] == "mount");
}

TEST_CASE("mount escapes blanks in fstab fields as \\040 and matches escaped lines") {
  const Value raw = {{"path", "/mnt/a b"},
                     {"src", "/srv/my data"},
                     {"fstype", "none"},
                     {"opts", "bind"},
                     {"state", "present"}};
  Result<Change> c = PlanOn(raw, {"", false, false});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == "/srv/my\\040data /mnt/a\\040b none bind 0 0\n");
  Result<Change> again = PlanOn(raw, {c->actions[0].content, false, false});
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed);
  CHECK(EscapeFstabField("a\\b&c d") == "a\\134b\\046c\\040d");
  CHECK(DecodeOctal("/mnt/a\\040b\\134") == "/mnt/a b\\");
}

TEST_CASE("mount present keeps comments and other lines byte for byte") {
  const std::string fstab =
      "# /etc/fstab: static file system information.\n"
      "UUID=1234 /               ext4    errors=remount-ro 0       1\n"
      "\n"
      "  # indented comment\n"
      "/dev/sdb1\t/srv\txfs\tdefaults\t0\t2   \n"
      "odd line\n"
      "/dev/sdc1 /mnt/x ext4 defaults\n"
      "/dev/sdd1 /mnt/y ext4 defaults 0 0\n";
  const Value raw = {
      {"path", "/mnt/x"}, {"src", "/dev/sdc1"}, {"fstype", "ext4"}, {"state", "present"}};
  Result<Change> c = PlanOn(raw, {fstab, false, false});
  REQUIRE(c.ok());
  // A 4-field line lacks dump and passno, which Ansible's module always
  // finds different.
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content ==
        "# /etc/fstab: static file system information.\n"
        "UUID=1234 /               ext4    errors=remount-ro 0       1\n"
        "\n"
        "  # indented comment\n"
        "/dev/sdb1\t/srv\txfs\tdefaults\t0\t2   \n"
        "odd line\n"
        "/dev/sdc1 /mnt/x ext4 defaults 0 0\n"
        "/dev/sdd1 /mnt/y ext4 defaults 0 0\n");
  Result<Change> again = PlanOn(raw, {c->actions[0].content, false, false});
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed);
}

TEST_CASE("mount rewrites every later line of the mount point once one changed") {
  const Value raw = {
      {"path", "/mnt/x"}, {"src", "/dev/a"}, {"fstype", "ext4"}, {"state", "present"}};
  const FstabEdit edit = SetMountLine(
      "/dev/b /mnt/x ext4 defaults 0 0\n/dev/a  /mnt/x  ext4 "
      "defaults  0  0\r\n",
      ResolveMountArgs(Args(raw)));
  CHECK(edit.changed);
  CHECK(edit.after == "/dev/a /mnt/x ext4 defaults 0 0\n/dev/a /mnt/x ext4 defaults 0 0\n");
}

TEST_CASE("mount boot false adds noauto unless opts holds defaults or noauto") {
  struct Case {
    Value raw;
    std::string opts;
    std::string boot;
    std::vector<std::string> warnings;
  };
  for (const Case& c : std::vector<Case>{
           {{{"boot", false}},
            "defaults",
            "no",
            {"Ignore the 'boot' due to 'opts' contains 'defaults'."}},
           {{{"boot", false}, {"opts", "rw"}}, "rw,noauto", "no", {}},
           {{{"boot", false}, {"opts", "noauto,rw"}},
            "noauto,rw",
            "yes",
            {"Ignore the 'boot' due to 'opts' contains 'noauto'."}},
           {{{"opts", "noauto"}},
            "noauto",
            "yes",
            {"Ignore the 'boot' due to 'opts' contains 'noauto'."}},
           {Value::object(), "defaults", "yes", {}},
       }) {
    Value raw = c.raw;
    raw["path"] = "/mnt/x";
    raw["state"] = "unmounted";
    CAPTURE(raw.dump());
    const MountArgs a = ResolveMountArgs(Args(raw));
    CHECK(a.opts == c.opts);
    CHECK(a.boot == c.boot);
    CHECK(a.warnings == c.warnings);
  }
  Result<Change> c = PlanOn({{"path", "/mnt/x"}, {"state", "unmounted"}, {"boot", false}}, {});
  REQUIRE(c.ok());
  CHECK(c->result["warnings"] ==
        Value::array({"Ignore the 'boot' due to 'opts' contains 'defaults'."}));
}

TEST_CASE("mount absent removes the line, unmounts and removes the mount point") {
  const std::string fstab =
      "# keep\ntmpfs /mnt/data tmpfs size=1m 0 0\ntmpfs /mnt/data tmpfs defaults\n";
  Result<Change> c =
      PlanOn({{"path", "/mnt/data"}, {"state", "absent"}, {"backup", true}}, {fstab, true, true});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 2);
  // Only 6-field lines are Ansible's unset_mount's.
  CHECK(c->actions[0].content == "# keep\ntmpfs /mnt/data tmpfs defaults\n");
  CHECK(c->actions[0].backup);
  CHECK(ScriptArgs(c->actions[1]) ==
        std::vector<std::string>{"sh", "absent", "/mnt/data", "1", "1"});
  CHECK(c->message ==
        "would remove /mnt/data's line from /etc/fstab, unmount and remove /mnt/data");

  // Mounted but not in the fstab: Ansible's module leaves it.
  Result<Change> none =
      PlanOn({{"path", "/mnt/data"}, {"state", "absent"}}, {"# keep\n", true, true});
  REQUIRE(none.ok());
  CHECK_FALSE(none->changed);
  CHECK(none->actions.empty());

  // In the fstab only: the line goes, a missing directory is left alone.
  Result<Change> line = PlanOn({{"path", "/mnt/gone"}, {"state", "absent"}},
                               {"/dev/x /mnt/gone ext4 defaults 0 0\n", false, false});
  REQUIRE(line.ok());
  CHECK(line->changed);
  REQUIRE(line->actions.size() == 1);
  CHECK(line->actions[0].content.empty());
}

TEST_CASE("mount absent_from_fstab only removes the line") {
  Result<Change> c = PlanOn({{"path", "/mnt/data"}, {"state", "absent_from_fstab"}},
                            {"tmpfs /mnt/data tmpfs size=1m 0 0\n", true, true});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].content.empty());
  CHECK_FALSE(c->reports);
}

TEST_CASE("mount absent for swap removes the swap lines, by src when src is given") {
  const std::string fstab =
      "UUID=1 / ext4 defaults 0 1\n/dev/sda2 none swap sw 0 0\n/swapfile none swap sw 0 0\n"
      "/dev/sda3 swap swap defaults 0 0\n";
  Result<Change> none =
      PlanOn({{"name", "none"}, {"fstype", "swap"}, {"state", "absent"}}, {fstab, false, false});
  REQUIRE(none.ok());
  CHECK(none->changed);
  REQUIRE(none->actions.size() == 1);
  CHECK(none->actions[0].content ==
        "UUID=1 / ext4 defaults 0 1\n/dev/sda3 swap swap defaults 0 0\n");
  Result<Change> swap = PlanOn({{"name", "swap"}, {"fstype", "swap"}, {"state", "absent"}},
                               {none->actions[0].content, false, false});
  REQUIRE(swap.ok());
  CHECK(swap->actions.size() == 1);
  CHECK(swap->actions[0].content == "UUID=1 / ext4 defaults 0 1\n");
  Result<Change> by_src =
      PlanOn({{"name", "none"}, {"src", "/swapfile"}, {"fstype", "swap"}, {"state", "absent"}},
             {fstab, false, false});
  REQUIRE(by_src.ok());
  CHECK(by_src->actions[0].content ==
        "UUID=1 / ext4 defaults 0 1\n/dev/sda2 none swap sw 0 0\n"
        "/dev/sda3 swap swap defaults 0 0\n");
}

TEST_CASE("mount unmounted unmounts only what is mounted") {
  Result<Change> c = PlanOn({{"path", "/mnt/bind"}, {"state", "unmounted"}}, {"", true, false});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(ScriptArgs(c->actions[0]) == std::vector<std::string>{"sh", "umount", "/mnt/bind"});
  Result<Change> ok = PlanOn({{"path", "/mnt/other"}, {"state", "unmounted"}}, {"", true, false});
  REQUIRE(ok.ok());
  CHECK_FALSE(ok->changed);
  CHECK(ok->actions.empty());
}

TEST_CASE("mount remounted always remounts, with opts strictly") {
  Result<Change> c = PlanOn({{"path", "/mnt/data"}, {"state", "remounted"}}, {});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(ScriptArgs(c->actions[0]) == std::vector<std::string>{"sh", "remounted", "/mnt/data",
                                                              "/etc/fstab", "0", "0", "remount",
                                                              "--"});
  Result<Change> opts = PlanOn({{"path", "/mnt/data"},
                                {"state", "remounted"},
                                {"opts", "ro"},
                                {"fstab", "/etc/other.fstab"}},
                               {});
  REQUIRE(opts.ok());
  CHECK(ScriptArgs(opts->actions[0]) ==
        std::vector<std::string>{"sh", "remounted", "/mnt/data", "/etc/other.fstab", "0", "0",
                                 "remount,ro", "-T", "/etc/other.fstab", "--"});
}

TEST_CASE("mount ephemeral mounts without the fstab and refuses another src") {
  const Value raw = {{"path", "/mnt/data"},
                     {"src", "tmpfs"},
                     {"fstype", "tmpfs"},
                     {"opts", "size=1m"},
                     {"state", "ephemeral"}};
  Result<Change> fresh = PlanOn(raw, {std::nullopt, false, false, ""});
  REQUIRE(fresh.ok());
  CHECK(fresh->changed);
  REQUIRE(fresh->actions.size() == 1);
  CHECK(ScriptArgs(fresh->actions[0]) ==
        std::vector<std::string>{"sh", "mount", "/mnt/data", "/etc/fstab", "0", "1", "remount",
                                 "-t", "tmpfs", "-o", "size=1m", "--", "tmpfs"});
  Result<Change> same = PlanOn(raw, {std::nullopt, true, true});
  REQUIRE(same.ok());
  CHECK(same->changed);
  CHECK(ScriptArgs(same->actions[0])[1] == "remount");
  Value other = raw;
  other["src"] = "/dev/sdz";
  Result<Change> refused = PlanOn(other, {std::nullopt, true, true});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find("Ephemeral mount point is already mounted with a different "
                               "source") == 0);
}

TEST_CASE("mount reads mountinfo as Ansible's get_linux_mounts does") {
  Result<std::map<std::string, LinuxMount>> m = ParseLinuxMounts(
      "140 136 253:2 /rootfs / rw - ext4 /dev/sdb2 rw\n"
      "141 140 253:2 /rootfs/tmp/aaa /tmp/bbb rw - ext4 /dev/sdb2 rw\n"
      "42 60 0:35 / /tmp rw - tmpfs tmpfs rw\n"
      "78 42 0:35 /aaa /tmp/ccc rw shared:5 - tmpfs tmpfs rw\n");
  REQUIRE(m.ok());
  CHECK(m->at("/").src == "/dev/sdb2");
  CHECK(m->at("/tmp/bbb").src == "/tmp/aaa");
  CHECK(m->at("/tmp/ccc").src == "/tmp/aaa");
  CHECK(m->at("/tmp/ccc").fs == "tmpfs");
  CHECK(m->at("/tmp/ccc").source == "tmpfs");
  CHECK_FALSE(ParseLinuxMounts("x 1 / /\n").ok());
}

TEST_CASE("mount reports what its script did") {
  const Value args = Args(kTmpfs);
  Result<Change> ok = MountModule().Report(args, {0, "ok\n", ""});
  REQUIRE(ok.ok());
  CHECK(ok->changed);
  CHECK_FALSE(ok->failed);
  Result<Change> failed = MountModule().Report(
      args,
      {0, "failed\nError mounting /mnt/data: mount: /mnt/data: unknown filesystem type.\n", ""});
  REQUIRE(failed.ok());
  CHECK(failed->failed);
  CHECK_FALSE(failed->changed);
  CHECK(failed->message ==
        "Error mounting /mnt/data: mount: /mnt/data: unknown filesystem type.\n");
  Result<Change> broken = MountModule().Report(args, {2, "", "sh: 1: syntax error\n"});
  REQUIRE(broken.ok());
  CHECK(broken->failed);
  CHECK(broken->message == "the mount script gave no answer (exit code 2): sh: 1: syntax error");
}

// The apply script run for real, with its mount and umount replaced by
// stand-ins that fail: the fstab put back, the directories it made removed.
TEST_CASE("mount's apply script undoes a failed mount as Ansible's module does") {
  const testing::ScriptRun run = testing::RunScript(scripts::kMountApply, R"(
mkdir bin && printf '%s\n' '#!/bin/sh' 'echo "mount: $*: no such fs" >&2' 'exit 32' >bin/mount
chmod +x bin/mount && echo new >fstab
printf 'old\n' | PATH=$PWD/bin:$PATH sh script.sh mount a/b/c fstab 1 1 remount --
echo && cat fstab && ls && sh script.sh bogus x)");
  CHECK(run.status == 0);
  CHECK(run.out ==
        "failed\nError mounting a/b/c: mount: -- a/b/c: no such fs\n\nold\nbin\nfstab\nscript.sh\n"
        "failed\nmount_apply.sh: unknown operation bogus");
}

TEST_CASE("mount fails on an fstab it cannot read or that is not UTF-8") {
  Result<Change> c = PlanOn({{"path", "/mnt/x"}, {"state", "absent_from_fstab"}},
                            {std::string("\xff\xfe x y\n"), false, false});
  REQUIRE_FALSE(c.ok());
  CHECK(c.message() ==
        "/etc/fstab is not UTF-8 text: hostprep does not edit it (Ansible's module fails on it "
        "too)");
}

TEST_CASE("mount's path script tells a mount point from a directory") {
  const testing::ScriptRun run = testing::RunScript(
      scripts::kMountPath,
      "mkdir d && for p in / d missing script.sh /proc; do sh script.sh \"$p\"; done");
  CHECK(run.status == 0);
  CHECK(run.out ==
        "exists yes\nismount yes\n"
        "exists yes\nismount no\n"
        "exists no\nismount no\n"
        "exists yes\nismount no\n"
        "exists yes\nismount yes\n");
}

}  // namespace
}  // namespace hostprep::modules
