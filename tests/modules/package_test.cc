#include "modules/package.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;
using Versions = std::map<std::string, std::string>;

Value Args(const Value& raw) { return testing::NormalizedArgs(PackageModule(), raw); }

std::vector<std::string> Errors(const Value& raw) {
  return testing::ArgErrors(PackageModule(), raw);
}

using testing::Ran;

Value Facts(const std::string& pkg_mgr) { return {{"pkg_mgr", pkg_mgr}}; }
const Value kApt = Facts("apt");

// The apt-get prefix of every changing command with the default lock timeout.
Words AptInstall(const Words& names) {
  Words argv = {"env",     "DEBIAN_FRONTEND=noninteractive",
                "apt-get", "install",
                "-y",      "-q",
                "-o",      "Dpkg::Options::=--force-confdef",
                "-o",      "Dpkg::Options::=--force-confold",
                "-o",      "DPkg::Lock::Timeout=120",
                "--"};
  argv.insert(argv.end(), names.begin(), names.end());
  return argv;
}
const Words kAptUpdate = {"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-q",
                          "-o",  "DPkg::Lock::Timeout=120"};

std::vector<Words> Argvs(const Change& change) {
  std::vector<Words> out;
  for (const Action& a : change.actions) {
    CHECK(a.kind == Action::Kind::kExec);
    out.push_back(a.argv);
  }
  return out;
}

const char* kDpkgBashCoreutils =
    "bash\tinstall ok installed\t5.2.15-2+b8\n"
    "coreutils\tinstall ok installed\t9.1-1\n";
const char* kSimTree =
    "Reading package lists...\n"
    "Building dependency tree...\n"
    "Reading state information...\n"
    "The following NEW packages will be installed:\n"
    "  tree\n"
    "0 upgraded, 1 newly installed, 0 to remove and 134 not upgraded.\n"
    "Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])\n"
    "Conf tree (2.1.0-1 Debian:12.15/oldstable [amd64])\n";

TEST_CASE("package parses dpkg-query output, counting only installed packages") {
  CHECK(ParseDpkgQuery("bash\tinstall ok installed\t5.2.15-2+b8\n"
                       "nano\tdeinstall ok config-files\t7.2-1\n"
                       "vim\tunknown ok not-installed\t\n"
                       "libc6\thold ok installed\t2.36-9\n"
                       "garbage line\n") == Versions{{"bash", "5.2.15-2+b8"}, {"libc6", "2.36-9"}});
}

TEST_CASE("package parses apt-get simulations: installs, upgrades, removals and errors") {
  AptSimulation sim = ParseAptSimulation(
      "Inst libappstream4 [0.16.1-2] (0.16.1-2+b1 Debian:12.15/oldstable [amd64])\n"
      "Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])\n"
      "Conf tree (2.1.0-1 Debian:12.15/oldstable [amd64])\n"
      "Remv nano [7.2-1]\n",
      "E: Unable to locate package nosuchpkg\n");
  REQUIRE(sim.steps.size() == 3);
  CHECK(sim.steps[0].op == PackageStep::Op::kUpgrade);
  CHECK(sim.steps[0].name == "libappstream4");
  CHECK(sim.steps[0].old_version == "0.16.1-2");
  CHECK(sim.steps[0].new_version == "0.16.1-2+b1");
  CHECK(sim.steps[1].op == PackageStep::Op::kInstall);
  CHECK(sim.steps[1].new_version == "2.1.0-1");
  CHECK(sim.steps[2].op == PackageStep::Op::kRemove);
  CHECK(sim.steps[2].old_version == "7.2-1");
  CHECK(sim.errors == Words{"Unable to locate package nosuchpkg"});
}

TEST_CASE("package parses rpm, apk and upgrade listings") {
  CHECK(ParseRpmQuery("bash\t5.1.8-9.el9\npackage nosuch is not installed\n") ==
        Versions{{"bash", "5.1.8-9.el9"}});
  CHECK(ParseApkDatabase("C:Q1abc=\nP:busybox\nV:1.36.1-r2\nA:x86_64\n\nP:musl\nV:1.2.4-r2\n") ==
        Versions{{"busybox", "1.36.1-r2"}, {"musl", "1.2.4-r2"}});
  CHECK(ParseDnfCheckUpdate("\nbash.x86_64    5.1.8-10.el9    baseos\n"
                            "Obsoleting Packages\nx.noarch 1-1 appstream\n") ==
        Versions{{"bash", "5.1.8-10.el9"}});
  CHECK(ParseZypperListUpdates(
            "S | Repository | Name | Current Version | Available Version | Arch\n"
            "--+------------+------+-----------------+-------------------+-------\n"
            "v | repo-oss   | curl | 8.0.1-1.1       | 8.0.1-2.1         | x86_64\n") ==
        Versions{{"curl", "8.0.1-2.1"}});
  CHECK(ParseApkVersion("Installed:                                Available:\n"
                        "busybox-1.36.1-r2                       < 1.36.1-r5\n",
                        {{"busybox", "1.36.1-r2"}}) == Versions{{"busybox", "1.36.1-r5"}});
}

TEST_CASE("package names drop the version and architecture for queries and edges") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nginx", "nginx"},
      {"nginx=1.24-1", "nginx"},
      {"libc6:amd64", "libc6"},
      {"pkg>=2", "pkg"},
      {"gcc-12", "gcc-12"},
      {"foo=1.2*", "foo"},
      {"containerd.io-1.6.28", "containerd.io-1.6.28"},
  };
  for (const auto& [given, name] : cases) {
    CAPTURE(given);
    CHECK(PackageNameOf(given) == name);
  }
}

TEST_CASE("package with everything installed is one read and no change") {
  PackageModule module;
  Value args = Args({{"name", {"bash", "coreutils"}}});
  std::vector<Read> probe = module.Probe(args, kApt);
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].kind == Read::Kind::kExec);
  CHECK(probe[0].argv == Words{"dpkg-query", "-W", "-f=${Package}\\t${Status}\\t${Version}\\n",
                               "--", "bash", "coreutils"});
  Result<Change> change = module.Plan(args, {Ran(0, kDpkgBashCoreutils)}, kApt);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->more_reads.empty());
  CHECK(change->actions.empty());
  CHECK(change->diff == "");
  CHECK(change->message == "");
  CHECK(change->result == Value({{"backend", "apt"},
                                 {"state", "present"},
                                 {"cache_updated", false},
                                 {"installed", Value::array()},
                                 {"upgraded", Value::array()},
                                 {"removed", Value::array()}}));
}

TEST_CASE("package installs a missing package as apt-get predicts it") {
  PackageModule module;
  Value args = Args({{"name", {"bash", "tree"}}});
  // dpkg-query exits 1 for the unknown name and still lists bash.
  const ReadResult query = Ran(1, "bash\tinstall ok installed\t5.2.15-2+b8\n",
                               "dpkg-query: no packages found matching tree\n");
  Result<Change> first = module.Plan(args, {query}, kApt);
  REQUIRE(first.ok());
  REQUIRE(first->more_reads.size() == 1);
  CHECK(first->more_reads[0].argv == Words{"apt-get", "-s", "-q", "install", "--", "tree"});
  Result<Change> change = module.Plan(args, {query, Ran(0, kSimTree)}, kApt);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "+ tree 2.1.0-1\n");
  CHECK(change->message == "would install tree 2.1.0-1");
  CHECK(Argvs(*change) == std::vector<Words>{AptInstall({"tree"})});
  CHECK(change->result["installed"] == Value::array({"tree"}));
}

TEST_CASE("package names a package the lists do not have, and what would fix it") {
  PackageModule module;
  Value args = Args({{"name", {"nosuchpkg", "other"}}});
  const ReadResult query = Ran(1, "", "dpkg-query: no packages found matching nosuchpkg\n");
  Result<Change> change = module.Plan(
      args,
      {query, Ran(100, "Reading package lists...\n",
                  "E: Unable to locate package nosuchpkg\nE: Unable to locate package other\n")},
      kApt);
  CHECK(change.message() ==
        "packages nosuchpkg, other not in the package lists: check the name, set "
        "update_cache: true, or add the repository that has them");
  change = module.Plan(
      Args({{"name", "bash=9"}}),
      {Ran(0, kDpkgBashCoreutils), Ran(100, "", "E: Version '9' for 'bash' was not found\n")},
      kApt);
  CHECK(change.message() == "apt-get cannot install bash=9: Version '9' for 'bash' was not found");
}

TEST_CASE("package plans an install of unknown names when the lists are refreshed first") {
  PackageModule module;
  Value args = Args({{"name", "tree"}, {"update_cache", true}});
  Result<Change> change =
      module.Plan(args, {Ran(1, ""), Ran(100, "", "E: Unable to locate package tree\n")}, kApt);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "+ tree\n");
  CHECK(change->message == "would refresh the package lists, then install tree");
  CHECK(Argvs(*change) == std::vector<Words>{kAptUpdate, AptInstall({"tree"})});
  CHECK(change->result["cache_updated"] == true);
}

TEST_CASE("package refreshes the lists without counting it as a change") {
  PackageModule module;
  Result<Change> change = module.Plan(Args({{"name", "bash"}, {"update_cache", true}}),
                                      {Ran(0, kDpkgBashCoreutils)}, kApt);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->diff == "");
  CHECK(change->message == "would refresh the package lists (no package changes)");
  CHECK(Argvs(*change) == std::vector<Words>{kAptUpdate});
}

TEST_CASE("package latest upgrades what apt-get would upgrade, dependencies included") {
  PackageModule module;
  Value args = Args({{"name", {"bash", "coreutils"}}, {"state", "latest"}});
  Result<Change> first = module.Plan(args, {Ran(0, kDpkgBashCoreutils)}, kApt);
  REQUIRE(first.ok());
  REQUIRE(first->more_reads.size() == 1);
  CHECK(first->more_reads[0].argv ==
        Words{"apt-get", "-s", "-q", "install", "--", "bash", "coreutils"});
  Result<Change> change =
      module.Plan(args,
                  {Ran(0, kDpkgBashCoreutils),
                   Ran(0,
                       "Inst libfoo (1.0 Debian:12/stable [amd64])\n"
                       "Inst bash [5.2.15-2+b8] (5.2.15-2+b9 Debian:12/stable [amd64])\n")},
                  kApt);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "+ libfoo 1.0\n~ bash 5.2.15-2+b8 -> 5.2.15-2+b9\n");
  CHECK(change->message == "would install libfoo 1.0; upgrade bash 5.2.15-2+b8 -> 5.2.15-2+b9");
  CHECK(Argvs(*change) == std::vector<Words>{AptInstall({"bash", "coreutils"})});
  CHECK(change->result["upgraded"] == Value::array({"bash"}));
  CHECK(change->result["installed"] == Value::array({"libfoo"}));

  change = module.Plan(args,
                       {Ran(0, kDpkgBashCoreutils),
                        Ran(0, "0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded.\n")},
                       kApt);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
}

TEST_CASE("package latest with a refresh reports changed: the newest versions come after it") {
  PackageModule module;
  Value args = Args({{"name", "bash"}, {"state", "latest"}, {"update_cache", true}});
  Result<Change> change = module.Plan(
      args, {Ran(0, kDpkgBashCoreutils), Ran(0, "0 upgraded, 0 newly installed\n")}, kApt);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "~ the newest versions after the package lists are refreshed\n");
  CHECK(change->message == "would refresh the package lists, then upgrade to the newest versions");
  CHECK(Argvs(*change) == std::vector<Words>{kAptUpdate, AptInstall({"bash"})});
}

TEST_CASE("package absent removes only installed packages, as apt-get predicts") {
  PackageModule module;
  Value args = Args({{"name", {"bash", "tree"}}, {"state", "absent"}});
  Result<Change> unchanged =
      module.Plan(Args({{"name", "tree"}, {"state", "absent"}}), {Ran(1, "")}, kApt);
  REQUIRE(unchanged.ok());
  CHECK(!unchanged->changed);
  CHECK(unchanged->more_reads.empty());

  const ReadResult query = Ran(1, "bash\tinstall ok installed\t5.2.15-2+b8\n");
  Result<Change> first = module.Plan(args, {query}, kApt);
  REQUIRE(first.ok());
  CHECK(first->more_reads.at(0).argv == Words{"apt-get", "-s", "-q", "remove", "--", "bash"});
  Result<Change> change = module.Plan(args, {query, Ran(0, "Remv bash [5.2.15-2+b8]\n")}, kApt);
  REQUIRE(change.ok());
  CHECK(change->diff == "- bash 5.2.15-2+b8\n");
  CHECK(change->message == "would remove bash 5.2.15-2+b8");
  CHECK(Argvs(*change) ==
        std::vector<Words>{{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y",
                            "-q", "-o", "DPkg::Lock::Timeout=120", "--", "bash"}});

  change = module.Plan(
      Args({{"name", "tar"}, {"state", "absent"}}),
      {Ran(0, "tar\tinstall ok installed\t1.34\n"),
       Ran(100,
           " dpkg : Depends: tar (>= 1.28-1) but it is not going to be installed\n"
           "E: Error, pkgProblemResolver::Resolve generated breaks, this may be caused by "
           "held packages.\n")},
      kApt);
  CHECK(change.message() ==
        "apt-get cannot remove tar: Error, pkgProblemResolver::Resolve generated breaks, this "
        "may be caused by held packages.");
}

TEST_CASE("package compares pinned apt versions with the installed one") {
  PackageModule module;
  Result<Change> same =
      module.Plan(Args({{"name", "bash=5.2.15-2+b8"}}), {Ran(0, kDpkgBashCoreutils)}, kApt);
  REQUIRE(same.ok());
  CHECK(same->more_reads.empty());
  CHECK(!same->changed);
  Result<Change> glob =
      module.Plan(Args({{"name", "bash=5.2*"}}), {Ran(0, kDpkgBashCoreutils)}, kApt);
  CHECK(glob->more_reads.empty());
  Result<Change> other =
      module.Plan(Args({{"name", "bash=5.2.15-3"}}), {Ran(0, kDpkgBashCoreutils)}, kApt);
  REQUIRE(other.ok());
  CHECK(other->more_reads.at(0).argv ==
        Words{"apt-get", "-s", "-q", "install", "--", "bash=5.2.15-3"});
}

TEST_CASE("package cache_valid_time refreshes only lists older than it") {
  PackageModule module;
  // update_cache: true does not refresh fresh lists when cache_valid_time is set (as Ansible).
  for (bool update_cache : {false, true}) {
    CAPTURE(update_cache);
    Value args = Args({{"name", "bash"}, {"cache_valid_time", 3600}, {"lock_timeout", 5}});
    if (update_cache) args["update_cache"] = true;
    std::vector<Read> probe = module.Probe(args, kApt);
    REQUIRE(probe.size() == 3);
    CHECK(probe[1].argv == Words{"date", "+%s"});
    CHECK(probe[2].argv == Words{"stat", "-c", "%Y %n", "--",
                                 "/var/lib/apt/periodic/update-success-stamp",
                                 "/var/lib/apt/lists"});
    struct Case {
      std::string stat_out;
      bool refresh;
    };
    const std::vector<Case> cases = {
        {"99000 /var/lib/apt/periodic/update-success-stamp\n90000 /var/lib/apt/lists\n", false},
        {"90000 /var/lib/apt/periodic/update-success-stamp\n99000 /var/lib/apt/lists\n", true},
        {"99000 /var/lib/apt/lists\n", false},  // no stamp: the lists' time
        {"", true},
    };
    for (const Case& c : cases) {
      CAPTURE(c.stat_out);
      Result<Change> change = module.Plan(args,
                                          {Ran(0, kDpkgBashCoreutils), Ran(0, "100000\n"),
                                           Ran(c.stat_out.empty() ? 1 : 0, c.stat_out)},
                                          kApt);
      REQUIRE(change.ok());
      CHECK(!change->changed);
      CHECK(change->result["cache_updated"] == c.refresh);
      CHECK(Argvs(*change) ==
            (c.refresh ? std::vector<Words>{{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get",
                                             "update", "-q", "-o", "DPkg::Lock::Timeout=5"}}
                       : std::vector<Words>{}));
    }
  }
  Value args = Args({{"name", "bash"}, {"cache_valid_time", 3600}, {"lock_timeout", 5}});
  Result<Change> broken = module.Plan(
      args, {Ran(0, kDpkgBashCoreutils), Ran(127, "", "date: not found"), Ran(0, "")}, kApt);
  CHECK(broken.message() == "cannot read the target's clock (date +%s): date: not found");
}

TEST_CASE("package reports a failed query and an unsupported package manager") {
  PackageModule module;
  Value args = Args({{"name", "bash"}});
  CHECK(module.Plan(args, {Ran(2, "", "dpkg-query: error: cannot open database\n")}, kApt)
            .message() == "dpkg-query failed (exit 2): dpkg-query: error: cannot open database");
  ReadResult lost;
  lost.status = Status::Error("connection lost");
  CHECK(module.Plan(args, {lost}, kApt).message() == "connection lost");
  CHECK(module.Probe(args, Facts("pacman")).empty());
  CHECK(module.Plan(args, {}, Facts("pacman")).message() ==
        "package manager 'pacman' is not supported: set use: to apt, dnf, yum, zypper or apk");
  CHECK(module.Plan(args, {}, Value::object()).message() ==
        "package manager 'unknown' is not supported: set use: to apt, dnf, yum, zypper or apk");
  CHECK(module.Plan(Args({{"name", "bash"}, {"cache_valid_time", 60}}), {Ran(0, "")}, Facts("dnf"))
            .message() ==
        "cache_valid_time works with apt only, and this host uses dnf: use "
        "update_cache");
  // `use` overrides the fact.
  CHECK(module.Probe(Args({{"name", "bash"}, {"use", "apk"}}), kApt).at(0).path ==
        "/lib/apk/db/installed");
}

TEST_CASE("package on dnf and yum installs, removes and upgrades from rpm's answers") {
  PackageModule module;
  const Value dnf = Facts("dnf");
  Value args = Args({{"name", {"bash", "containerd.io-1.6.28", "tree"}}});
  CHECK(module.Probe(args, dnf).at(0).argv == Words{"rpm", "-q", "--qf",
                                                    "%{NAME}\\t%{VERSION}-%{RELEASE}\\n", "--",
                                                    "bash", "containerd.io-1.6.28", "tree"});
  const ReadResult rpm = Ran(1,
                             "bash\t5.1.8-9.el9\n"
                             "containerd.io\t1.6.28-3.1.el9\n"
                             "package tree is not installed\n");
  Result<Change> change = module.Plan(args, {rpm}, dnf);
  REQUIRE(change.ok());
  CHECK(change->diff == "+ tree\n");
  CHECK(Argvs(*change) == std::vector<Words>{{"dnf", "-y", "install", "--", "tree"}});

  change =
      module.Plan(Args({{"name", {"bash", "tree"}}, {"state", "absent"}, {"update_cache", true}}),
                  {rpm}, Facts("yum"));
  REQUIRE(change.ok());
  CHECK(change->diff == "- bash 5.1.8-9.el9\n");
  CHECK(change->message == "would refresh the package lists, then remove bash 5.1.8-9.el9");
  CHECK(Argvs(*change) ==
        std::vector<Words>{{"yum", "-y", "makecache"}, {"yum", "-y", "remove", "--", "bash"}});

  Value latest = Args({{"name", {"bash", "tree"}}, {"state", "latest"}});
  Result<Change> first = module.Plan(latest, {rpm}, dnf);
  REQUIRE(first.ok());
  CHECK(first->more_reads.at(0).argv == Words{"dnf", "-q", "check-update", "--", "bash", "tree"});
  change = module.Plan(latest, {rpm, Ran(100, "\nbash.x86_64  5.1.8-10.el9  baseos\n")}, dnf);
  REQUIRE(change.ok());
  CHECK(change->diff == "~ bash 5.1.8-9.el9 -> 5.1.8-10.el9\n+ tree\n");
  CHECK(Argvs(*change) == std::vector<Words>{{"dnf", "-y", "install", "--", "tree"},
                                             {"dnf", "-y", "upgrade", "--", "bash"}});
  CHECK(
      module.Plan(latest, {rpm, Ran(1, "", "Error: Failed to download metadata")}, dnf).message() ==
      "dnf cannot list the available upgrades (exit 1): Error: Failed to download metadata");
}

TEST_CASE("package on zypper and apk waits for the lock with their own settings") {
  PackageModule module;
  const Value zypper = Facts("zypper");
  Value args = Args({{"name", {"curl", "socat"}}, {"state", "latest"}, {"lock_timeout", 30}});
  const ReadResult rpm = Ran(1, "curl\t8.0.1-1.1\npackage socat is not installed\n");
  Result<Change> change = module.Plan(
      args,
      {rpm, Ran(0,
                "S | Repository | Name | Current Version | Available Version | Arch\n"
                "v | repo-oss   | curl | 8.0.1-1.1       | 8.0.1-2.1         | x86_64\n")},
      zypper);
  REQUIRE(change.ok());
  CHECK(change->diff == "~ curl 8.0.1-1.1 -> 8.0.1-2.1\n+ socat\n");
  const Words prefix = {"env", "ZYPP_LOCK_TIMEOUT=30", "zypper", "--non-interactive"};
  auto with = [&](Words tail) {
    Words w = prefix;
    w.insert(w.end(), tail.begin(), tail.end());
    return w;
  };
  CHECK(Argvs(*change) ==
        std::vector<Words>{with({"install", "--", "socat"}), with({"update", "--", "curl"})});

  const Value apk = Facts("apk");
  ReadResult db;
  db.content = "P:busybox\nV:1.36.1-r2\n\nP:musl\nV:1.2.4-r2\n";
  Value apk_latest =
      Args({{"name", {"busybox", "musl"}}, {"state", "latest"}, {"lock_timeout", 30}});
  Result<Change> first = module.Plan(apk_latest, {db}, apk);
  REQUIRE(first.ok());
  CHECK(first->more_reads.at(0).argv ==
        Words{"apk", "version", "-l", "<", "--", "busybox", "musl"});
  change = module.Plan(
      apk_latest, {db, Ran(0, "Installed:   Available:\nbusybox-1.36.1-r2  < 1.36.1-r5\n")}, apk);
  REQUIRE(change.ok());
  CHECK(change->diff == "~ busybox 1.36.1-r2 -> 1.36.1-r5\n");
  CHECK(Argvs(*change) ==
        std::vector<Words>{{"apk", "--wait", "30", "add", "--upgrade", "--", "busybox", "musl"}});
  change = module.Plan(Args({{"name", "musl"}, {"state", "absent"}}), {db}, apk);
  CHECK(Argvs(*change) == std::vector<Words>{{"apk", "--wait", "120", "del", "--", "musl"}});
  change = module.Plan(Args({{"name", "musl=1.2.5-r0"}}), {db}, apk);
  CHECK(change->diff == "~ musl 1.2.4-r2 -> 1.2.5-r0\n");
  CHECK(Argvs(*change) ==
        std::vector<Words>{{"apk", "--wait", "120", "add", "--", "musl=1.2.5-r0"}});
}

TEST_CASE("package arguments that would be options or several names are refused") {
  CHECK(Errors({{"name", {"-oAPT::x=1"}}}) ==
        Words{"name: '-oAPT::x=1' is not a package name: a name does not start with '-' and has "
              "no spaces (give a list for several packages)"});
  CHECK(Errors({{"name", "vim nano"}}) ==
        Words{"name: 'vim nano' is not a package name: a name does not start with '-' and has no "
              "spaces (give a list for several packages)"});
  CHECK(Errors({{"name", Value::array()}}) ==
        Words{"name: argument 'name' is empty: give the packages to manage"});
  CHECK(Errors({{"name", "x"}, {"lock_timeout", -1}}) ==
        Words{"lock_timeout: argument 'lock_timeout' is negative: give seconds, 0 or more"});
  CHECK(Errors({{"name", "{{ pkgs }}"}}).empty());
}

TEST_CASE("package provides pkg:NAME for what it installs") {
  PackageModule module;
  Resources r = module.Declare(Args({{"name", {"containerd=1.7.0-1", "socat"}}}));
  CHECK(r.provides == Words{"pkg:containerd", "pkg:socat"});
  CHECK(r.needs.empty());
  CHECK(module.Declare(Args({{"name", "x"}, {"state", "latest"}})).provides == Words{"pkg:x"});
  CHECK(module.Declare(Args({{"name", "x"}, {"state", "absent"}})).provides.empty());
}

}  // namespace
}  // namespace hostprep::modules
