#include "modules/apt.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "modules/apt_plan.h"
#include "modules/builtin.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;

const Value kApt = {{"pkg_mgr", "apt"}};
const Words kEnv = {"env", "DEBIAN_FRONTEND=noninteractive", "DEBIAN_PRIORITY=critical",
                    "LC_ALL=C.UTF-8"};

Value Args(const Value& raw) { return testing::NormalizedArgs(AptModule(), raw); }
Words Errors(const Value& raw) { return testing::ArgErrors(AptModule(), raw); }

using testing::Ran;

Words Cat(Words head, const Words& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// apt-get as the module runs it (-y) or simulates it (-s), with Ansible's
// default dpkg options and lock timeout, then `tail`.
Words AptGet(const char* mode, const Words& tail) {
  return Cat(Cat(kEnv, {"apt-get", mode, "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
                        "Dpkg::Options::=--force-confold", "-o", "DPkg::Lock::Timeout=60"}),
             tail);
}

Result<Change> PlanWith(const Value& raw, const std::vector<ReadResult>& reads) {
  return AptModule().Plan(Args(raw), reads, kApt);
}

std::vector<Words> Argvs(const Change& change) {
  std::vector<Words> out;
  for (const Action& a : change.actions) out.push_back(a.argv);
  return out;
}

const char* kJqMissing =
    "Inst libonig5 (6.9.8-1 local [amd64])\nInst libjq1 (1.6-2.1 local [amd64])\n"
    "Inst jq (1.6-2.1 local [amd64])\nConf libonig5 (6.9.8-1 local [amd64])\n";

TEST_CASE("apt is Ansible's apt by its names, with its aliases") {
  ModuleRegistry registry;
  RegisterBuiltinModules(&registry);
  for (const char* name : {"apt", "ansible.builtin.apt", "ansible.legacy.apt"}) {
    CAPTURE(name);
    REQUIRE(registry.FindFor(name, {"name"}) != nullptr);
    CHECK(registry.FindFor(name, {"name"})->spec().name == "apt");
  }
  Value args = Args({{"pkg", "jq"}, {"update-cache", true}, {"allow-downgrades", true}});
  CHECK(args["name"] == Value::array({"jq"}));
  CHECK(args["update_cache"] == true);
  CHECK(args["allow_downgrade"] == true);
  CHECK(args["state"] == "present");
  CHECK(args["lock_timeout"] == 60);
}

TEST_CASE("apt splits a package as Ansible does") {
  struct Case {
    std::string given, name, op, version;
  };
  for (const Case& c : std::vector<Case>{{"jq", "jq", "", ""},
                                         {"nginx=1.24*", "nginx", "=", "1.24*"},
                                         {"tzdata>=2024a", "tzdata", ">=", "2024a"},
                                         {"libc6:amd64", "libc6:amd64", "", ""},
                                         {"hello=2.10-3", "hello", "=", "2.10-3"}}) {
    CAPTURE(c.given);
    const AptPackage p = SplitAptPackage(c.given);
    CHECK(p.name == c.name);
    CHECK(p.op == c.op);
    CHECK(p.version == c.version);
  }
}

TEST_CASE("apt compares versions in Debian's order") {
  // Expectations from `dpkg --compare-versions A lt|eq B` on Debian 12.
  struct Case {
    const char* a;
    const char* b;
    int order;
  };
  for (const Case& c : std::vector<Case>{{"1.0", "1.0", 0},
                                         {"1.0", "1.0-1", -1},
                                         {"1.0-1", "1.0-2", -1},
                                         {"1.0~rc1", "1.0", -1},
                                         {"1.0", "1.0+b1", -1},
                                         {"1:0.9", "2.0", 1},
                                         {"2.10-3", "2.10-2", 1},
                                         {"1.2.10", "1.2.9", 1},
                                         {"1.0a", "1.0", 1},
                                         {"1.0~", "1.0~~", 1},
                                         {"5.2.15-2+b8", "5.2.15-2+b13", -1},
                                         {"0:1.0", "1.0", 0},
                                         {"1.0.0", "1.0", 1}}) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    const int got = CompareDebianVersions(c.a, c.b);
    CHECK((got < 0 ? -1 : got > 0 ? 1 : 0) == c.order);
  }
}

TEST_CASE("apt reads installed packages and packages of which only configuration is left") {
  const std::map<std::string, DpkgState> states = ParseDpkgStates(
      "jq\tinstall ok installed\t1.6-2.1\nhello\tdeinstall ok config-files\t2.10-3\n"
      "nano\tunknown ok not-installed\t\n");
  REQUIRE(states.size() == 2);
  CHECK(states.at("jq").installed);
  CHECK(states.at("jq").version == "1.6-2.1");
  CHECK(!states.at("hello").installed);
  CHECK(states.at("hello").config_files);
}

TEST_CASE("apt probes the packages, their auto marks and the lists' time in one batch") {
  AptModule module;
  std::vector<Read> probe = module.Probe(
      Args({{"name", Value::array({"jq", "hello=2.10*"})}, {"cache_valid_time", 3600}}), kApt);
  REQUIRE(probe.size() == 5);
  CHECK(probe[0].argv == Words{"dpkg-query", "-W", "-f=${Package}\\t${Status}\\t${Version}\\n",
                               "--", "jq", "hello"});
  CHECK(probe[1].argv == Words{"apt-mark", "showauto", "--", "jq", "hello"});
  // The versions a pattern may match, to tell without apt-get whether the
  // installed one is the one to have.
  CHECK(probe[2].argv == Cat(kEnv, {"apt-cache", "madison", "--", "hello"}));
  CHECK(probe[3].argv == Words{"date", "+%s"});
  CHECK(probe[4].argv == Words{"stat", "-c", "%Y %n", "--", kAptSuccessStamp, kAptListsDir});
  // latest: apt's candidates, with the release asked for.
  probe = module.Probe(
      Args({{"name", "jq"}, {"state", "latest"}, {"default_release", "bookworm-backports"}}), kApt);
  REQUIRE(probe.size() == 3);
  CHECK(probe[2].argv == Cat(kEnv, {"apt-cache", "-o", "APT::Default-Release=bookworm-backports",
                                    "policy", "--", "jq"}));
  // absent needs no auto marks; a refresh without packages only the times.
  CHECK(module.Probe(Args({{"name", "jq"}, {"state", "absent"}}), kApt).size() == 1);
  CHECK(module.Probe(Args({{"update_cache", true}}), kApt).size() == 2);
  CHECK(module.Probe(Args({{"name", "jq"}}), {{"pkg_mgr", "dnf"}}).empty());
}

TEST_CASE("apt installs what is missing, predicted by apt-get with its dependencies") {
  const Value raw = {{"name", Value::array({"jq", "hello"})}};
  const std::vector<ReadResult> probe = {Ran(1, "hello\tinstall ok installed\t2.10-3\n",
                                             "dpkg-query: no packages found matching jq\n"),
                                         Ran(0, "")};
  Result<Change> ask = PlanWith(raw, probe);
  REQUIRE(ask.ok());
  REQUIRE(ask->more_reads.size() == 1);
  CHECK(ask->more_reads[0].argv == AptGet("-s", {"install", "--", "jq"}));

  Result<Change> change = PlanWith(raw, {probe[0], probe[1], Ran(0, kJqMissing)});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(Argvs(*change) == std::vector<Words>{AptGet("-y", {"install", "--", "jq"})});
  CHECK(change->diff == "+ libonig5 6.9.8-1\n+ libjq1 1.6-2.1\n+ jq 1.6-2.1\n");
  CHECK(change->message == "would install libonig5 6.9.8-1, libjq1 1.6-2.1, jq 1.6-2.1");
  CHECK(change->result["cache_updated"] == false);
  CHECK(!change->command_output);
}

TEST_CASE("apt with everything installed reads nothing more and changes nothing") {
  Result<Change> change = PlanWith({{"name", Value::array({"jq", "hello>=2.10"})}},
                                   {Ran(0,
                                        "jq\tinstall ok installed\t1.6-2.1\n"
                                        "hello\tinstall ok installed\t2.10-3\n"),
                                    Ran(0, "")});
  REQUIRE(change.ok());
  CHECK(change->more_reads.empty());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(change->message == "");

  // A named package apt installed as a dependency is marked manual, as
  // Ansible's apt marks every named package; no change is reported.
  change = PlanWith({{"name", "libjq1"}},
                    {Ran(0, "libjq1\tinstall ok installed\t1.6-2.1\n"), Ran(0, "libjq1\n")});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(Argvs(*change) == std::vector<Words>{{"apt-mark", "manual", "--", "libjq1"}});
}

TEST_CASE("apt latest and version patterns are decided from what apt offers") {
  const ReadResult dpkg = Ran(0, "hello\tinstall ok installed\t2.10-2\n");
  const ReadResult policy_newer = Ran(0,
                                      "hello:\n  Installed: 2.10-2\n  Candidate: 2.10-3\n"
                                      "  Version table:\n     2.10-3 500\n");
  const ReadResult policy_same = Ran(0, "hello:\n  Installed: 2.10-2\n  Candidate: 2.10-2\n");
  const Value latest = {{"name", "hello"}, {"state", "latest"}};
  Result<Change> ask = PlanWith(latest, {dpkg, Ran(0, ""), policy_newer});
  REQUIRE(ask.ok());
  CHECK(ask->more_reads.at(0).argv == AptGet("-s", {"install", "--", "hello"}));
  Result<Change> change = PlanWith(
      latest,
      {dpkg, Ran(0, ""), policy_newer, Ran(0, "Inst hello [2.10-2] (2.10-3 local [amd64])\n")});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "~ hello 2.10-2 -> 2.10-3\n");
  // The candidate is installed: no simulation, no change.
  change = PlanWith(latest, {dpkg, Ran(0, ""), policy_same});
  REQUIRE(change.ok());
  CHECK(change->more_reads.empty());
  CHECK(!change->changed);

  // A pattern: the highest matching version the lists have, against the
  // installed one (Ansible's apt installs a newer matching version too).
  const Value pattern = {{"name", "hello=2.10*"}};
  ask = PlanWith(pattern, {dpkg, Ran(0, ""),
                           Ran(0,
                               " hello | 2.10-3 | copy:/srv/repo ./ Packages\n"
                               " hello | 2.9-1 | copy:/srv/repo ./ Packages\n")});
  CHECK(ask->more_reads.at(0).argv == AptGet("-s", {"install", "--", "hello=2.10*"}));
  change = PlanWith(pattern,
                    {dpkg, Ran(0, ""), Ran(0, " hello | 2.10-2 | copy:/srv/repo ./ Packages\n")});
  CHECK(change->more_reads.empty());
  CHECK(!change->changed);
  // An installed version the pattern does not match.
  ask = PlanWith({{"name", "hello=2.9*"}}, {dpkg, Ran(0, ""), Ran(0, " hello | 2.9-1 | x\n")});
  CHECK(ask->more_reads.at(0).argv == AptGet("-s", {"install", "--", "hello=2.9*"}));
  // >= satisfied: nothing to ask; not satisfied: the candidate is installed.
  change = PlanWith({{"name", "hello>=2.9"}}, {dpkg, Ran(0, "")});
  CHECK(change->more_reads.empty());
  CHECK(!change->changed);
  ask = PlanWith({{"name", "hello>=2.11"}}, {dpkg, Ran(0, "")});
  CHECK(ask->more_reads.at(0).argv == AptGet("-s", {"install", "--", "hello"}));
}

TEST_CASE("apt latest with the lists to be refreshed installs from the refreshed lists") {
  const std::string stat = std::string("1700000000 ") + kAptSuccessStamp + "\n";
  const Value raw = {{"name", "hello"}, {"state", "latest"}, {"update_cache", true}};
  const std::vector<ReadResult> probe = {Ran(0, "hello\tinstall ok installed\t2.10-2\n"),
                                         Ran(0, ""), Ran(0, "hello:\n  Candidate: 2.10-2\n"),
                                         Ran(0, "1700000100\n"), Ran(0, stat)};
  Result<Change> ask = PlanWith(raw, probe);
  REQUIRE(ask.ok());
  REQUIRE(ask->more_reads.size() == 1);
  std::vector<ReadResult> reads = probe;
  reads.push_back(Ran(0, "hello is already the newest version (2.10-2).\n"));
  Result<Change> change = PlanWith(raw, reads);
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "~ the newest versions after the package lists are refreshed\n");
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[1].argv == AptGet("-y", {"install", "--", "hello"}));
}

TEST_CASE("apt removes, and purges packages of which only configuration is left") {
  const std::vector<ReadResult> probe = {
      Ran(0, "jq\tinstall ok installed\t1.6-2.1\nhello\tdeinstall ok config-files\t2.10-3\n")};
  Result<Change> ask =
      PlanWith({{"name", Value::array({"jq", "hello"})}, {"state", "absent"}}, probe);
  REQUIRE(ask.ok());
  CHECK(ask->more_reads.at(0).argv == AptGet("-s", {"remove", "--", "jq"}));

  const Value purge = {{"name", Value::array({"jq", "hello"})},
                       {"state", "absent"},
                       {"purge", true},
                       {"autoremove", true}};
  ask = PlanWith(purge, probe);
  CHECK(ask->more_reads.at(0).argv ==
        AptGet("-s", {"--purge", "--auto-remove", "remove", "--", "jq", "hello"}));
  Result<Change> change =
      PlanWith(purge, {probe[0], Ran(0, "Purg jq [1.6-2.1]\nPurg hello [2.10-3]\n")});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "- jq 1.6-2.1\n- hello 2.10-3\n");
  CHECK(Argvs(*change) == std::vector<Words>{AptGet(
                              "-y", {"--purge", "--auto-remove", "remove", "--", "jq", "hello"})});

  change = PlanWith({{"name", "hello"}, {"state", "absent"}}, probe);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->more_reads.empty());
}

TEST_CASE("apt refreshes the lists when older than cache_valid_time, a refresh alone is a change") {
  const Value raw = {{"update_cache", true}, {"cache_valid_time", 3600}};
  const std::string stat =
      std::string("1700000000 ") + kAptSuccessStamp + "\n1600000000 " + kAptListsDir + "\n";
  Result<Change> stale = PlanWith(raw, {Ran(0, "1700003601\n"), Ran(0, stat)});
  REQUIRE(stale.ok());
  CHECK(stale->changed);
  // update_cache alone refreshes even lists written this second (Ansible
  // compares to the microsecond).
  Result<Change> alone = PlanWith({{"update_cache", true}}, {Ran(0, "1700000000\n"), Ran(0, stat)});
  REQUIRE(alone.ok());
  CHECK(alone->result["cache_updated"] == true);
  CHECK(stale->result["cache_updated"] == true);
  CHECK(stale->message == "would refresh the package lists");
  REQUIRE(stale->actions.size() == 1);
  const Words& update = stale->actions[0].argv;
  REQUIRE(update.size() > 6);
  CHECK(Words(update.begin() + 4, update.begin() + 6) == Words{"5", "12"});  // tries, most
  CHECK(Words(update.begin() + 6, update.end()) == Cat(kEnv, {"apt-get", "-q", "update"}));

  Result<Change> fresh = PlanWith(raw, {Ran(0, "1700003600\n"), Ran(0, stat)});
  REQUIRE(fresh.ok());
  CHECK(!fresh->changed);
  CHECK(fresh->actions.empty());
  CHECK(fresh->result["cache_updated"] == false);
  CHECK(fresh->result["cache_update_time"] == 1700000000);

  // update_cache with packages: the refresh is not the task's change.
  const Value with_pkg = {{"name", "hello"}, {"update_cache", true}};
  Result<Change> change = PlanWith(with_pkg, {Ran(0, "hello\tinstall ok installed\t2.10-3\n"),
                                              Ran(0, ""), Ran(0, "1700003601\n"), Ran(0, stat)});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.size() == 1);
  CHECK(change->result["cache_updated"] == true);

  // A name the lists lack yet is predicted as installed from the lists to come.
  change = PlanWith({{"name", "newpkg"}, {"update_cache", true}},
                    {Ran(1, ""), Ran(0, ""), Ran(0, "1700003601\n"), Ran(0, stat),
                     Ran(100, "", "E: Unable to locate package newpkg\n")});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "+ newpkg\n");

  // So is one the stale lists know only as another package's dependency.
  change = PlanWith({{"name", "ebtables"}, {"update_cache", true}},
                    {Ran(1, ""), Ran(0, ""), Ran(0, "1700003601\n"), Ran(0, stat),
                     Ran(100, "", "E: Package 'ebtables' has no installation candidate\n")});
  REQUIRE(change.ok());
  CHECK(change->message == "would refresh the package lists, then install ebtables");
}

TEST_CASE("apt fails as Ansible's apt for a package no list has") {
  Result<Change> change =
      PlanWith({{"name", "nosuch"}},
               {Ran(1, ""), Ran(0, ""), Ran(100, "", "E: Unable to locate package nosuch\n")});
  CHECK(change.message() ==
        "No package matching 'nosuch' is available (check the name, set update_cache: true, or "
        "add the repository that has it)");
  change = PlanWith({{"name", "ebtables"}},
                    {Ran(1, ""), Ran(0, ""),
                     Ran(100, "", "E: Package 'ebtables' has no installation candidate\n")});
  CHECK(change.message() ==
        "No package matching 'ebtables' is available (check the name, set update_cache: true, "
        "or add the repository that has it)");
  change =
      PlanWith({{"name", "jq"}}, {Ran(1, ""), Ran(0, ""), Ran(100, "", "E: Broken packages\n")});
  CHECK(change.message() == "'apt-get install jq' failed: Broken packages");
}

TEST_CASE("apt passes Ansible's options to apt-get, and policy_rc_d around it") {
  const Value raw = {{"name", "jq"},
                     {"default_release", "bookworm-backports"},
                     {"install_recommends", false},
                     {"allow_downgrade", true},
                     {"policy_rc_d", 101},
                     {"dpkg_options", "force-confnew"}};
  const std::vector<ReadResult> reads = {Ran(1, ""), Ran(0, ""), Ran(0, kJqMissing)};
  Result<Change> change = PlanWith(raw, reads);
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 1);
  const Words& argv = change->actions[0].argv;
  REQUIRE(argv.size() > 5);
  CHECK(Words(argv.begin(), argv.begin() + 2) == Words{"sh", "-c"});
  CHECK(argv[4] == "101");
  CHECK(Words(argv.begin() + 5, argv.end()) ==
        Cat(kEnv, {"apt-get", "-y", "-q", "-o", "Dpkg::Options::=--force-confnew", "-o",
                   "DPkg::Lock::Timeout=60", "-t", "bookworm-backports", "-o",
                   "APT::Install-Recommends=no", "--allow-downgrades", "install", "--", "jq"}));
}

TEST_CASE("apt upgrades, autoremoves and cleans as Ansible's apt decides") {
  Result<Change> ask = PlanWith({{"upgrade", "dist"}}, {});
  REQUIRE(ask.ok());
  CHECK(ask->more_reads.at(0).argv == AptGet("-s", {"dist-upgrade"}));
  Result<Change> change =
      PlanWith({{"upgrade", "yes"}}, {Ran(0, "0 upgraded, 0 newly installed\n")});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  change =
      PlanWith({{"upgrade", "safe"}}, {Ran(0, "Inst hello [2.10-2] (2.10-3 local [amd64])\n")});
  CHECK(change->changed);
  CHECK(Argvs(*change) == std::vector<Words>{AptGet("-y", {"upgrade", "--with-new-pkgs"})});

  change = PlanWith({{"autoremove", true}}, {Ran(0, "Remv libonig5 [6.9.8-1]\n")});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(Argvs(*change) == std::vector<Words>{AptGet("-y", {"autoremove"})});
  change = PlanWith({{"autoremove", true}}, {Ran(0, "0 upgraded, 0 newly installed\n")});
  CHECK(!change->changed);

  // clean alone: changed, and nothing after it runs (a refresh neither).
  change = PlanWith({{"clean", true}, {"update_cache", true}}, {Ran(0, "1\n"), Ran(0, "")});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(Argvs(*change) == std::vector<Words>{Cat(kEnv, {"apt-get", "clean"})});
}

TEST_CASE("apt installs a .deb on the host unless that version is installed") {
  const Value raw = {{"deb", "/tmp/hello_2.10-3_amd64.deb"}};
  Result<Change> change = PlanWith(raw, {Ran(0, "hello\n2.10-3\ninstall ok installed\t2.10-3\n")});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->more_reads.empty());
  Result<Change> ask = PlanWith(raw, {Ran(0, "hello\n2.10-3\n")});
  CHECK(ask->more_reads.at(0).argv ==
        AptGet("-s", {"install", "--", "/tmp/hello_2.10-3_amd64.deb"}));
  change =
      PlanWith(raw, {Ran(0, "hello\n2.10-3\n"),
                     Ran(0, "Inst libfoo (1 local [amd64])\nInst hello (2.10-3 local [amd64])\n")});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(Argvs(*change) ==
        std::vector<Words>{AptGet("-y", {"install", "--", "/tmp/hello_2.10-3_amd64.deb"}),
                           {"apt-mark", "manual", "--", "libfoo"}});
  CHECK(PlanWith(raw, {Ran(2, "", "dpkg-deb: error: failed to read archive\n")}).message() ==
        "Unable to install package: '/tmp/hello_2.10-3_amd64.deb' is not a .deb file dpkg-deb "
        "can read: dpkg-deb: error: failed to read archive");
}

TEST_CASE("apt arguments are checked before anything runs") {
  CHECK(Errors({{"name", "python3-*"}}) ==
        Words{"name: invalid package spec: 'python3-*': wildcards in names are not supported "
              "(name each package)"});
  CHECK(Errors({{"name", "a=1=2"}}) == Words{"name: invalid package spec: 'a=1=2': a package has "
                                             "one version"});
  CHECK(Errors({{"name", Value::array({"*", "jq"})}, {"state", "latest"}}) ==
        Words{"name: unable to install additional packages when upgrading all installed "
              "packages (name '*' alone)"});
  CHECK(Errors({{"deb", "https://example.invalid/x.deb"}}) ==
        Words{"deb: 'https://example.invalid/x.deb' is a URL: hostprep installs a .deb file that "
              "is on the host (fetch it with get_url first)"});
  CHECK(Errors({{"deb", "/tmp/x.deb"}, {"name", "jq"}}).size() == 1);
  CHECK(Errors({{"state", "present"}}) ==
        Words{": module 'apt' needs one of 'autoremove', 'deb', 'name', 'update_cache', "
              "'upgrade'"});
  CHECK(Errors({{"name", "jq"}, {"policy_rc_d", 300}}) ==
        Words{"policy_rc_d: policy_rc_d is an exit code: 0 to 255 (101 denies)"});
  CHECK(Errors({{"name", "jq"}, {"dpkg_options", "force-confold,force conf"}}) ==
        Words{"dpkg_options: 'force conf' is not a dpkg option: give dpkg options without "
              "dashes, comma separated"});
  CHECK(AptModule().Plan(Args({{"name", "jq"}}), {}, {{"pkg_mgr", "dnf"}}).message() ==
        "apt works on hosts whose package manager is apt, and this host's is dnf (use package, "
        "or the module of that package manager)");
}

}  // namespace
}  // namespace hostprep::modules
