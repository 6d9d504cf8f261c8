#include "modules/apt.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>

#include "engine/base/text.h"
#include "modules/apt_plan.h"
#include "modules/module_util.h"
#include "modules/package.h"

namespace hostprep::modules {

namespace {

ArgSpec AptSpec() {
  ArgSpec spec;
  spec.name = "apt";
  spec.ansible_names = {"ansible.builtin.apt", "ansible.legacy.apt"};
  spec.summary = "Ansible's apt: install, upgrade or remove Debian packages, refresh the lists";
  spec.description =
      "Ansible's apt module (ansible.builtin.apt) without Python on the host: apt-get, "
      "apt-mark and dpkg-query do the work. `state: present` installs what is not installed "
      "(or not at the version asked: `name=1.2*` as a pattern, `name>=1.2`), `latest` also "
      "upgrades to the candidate version, `absent` removes (`purge` also removes "
      "configuration files, and purges packages of which only those are left), `fixed` "
      "installs with --fix-broken, `build-dep` installs build dependencies. update_cache "
      "refreshes the package lists, with cache_valid_time only when they are older than that "
      "many seconds (Ansible's rule: cache_valid_time alone refreshes too); a refresh alone "
      "reports changed, as in Ansible. upgrade runs apt-get upgrade --with-new-pkgs (yes, "
      "safe) or dist-upgrade (dist, full); autoremove, autoclean and clean as apt-get's. `deb` "
      "installs a .deb file on the host, with its dependencies. Named packages that apt "
      "installed as dependencies are marked manually installed, as Ansible marks them. "
      "Registers cache_updated and cache_update_time. The installed state is read in the "
      "probe; apt-get's own simulation is read only when something is to change, so check "
      "mode and --diff show what a run would install, upgrade or remove, dependencies "
      "included.";
  spec.args = {
      {"name",
       ArgType::kList,
       false,
       nullptr,
       {},
       {"package", "pkg"},
       "Packages: `name`, `name=version` (a pattern: `nginx=1.24*`), `name>=version`, "
       "`name:arch`; `*` with state latest upgrades every installed package."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "build-dep", "fixed", "latest", "present"},
       {},
       "present (default), latest, absent, build-dep or fixed."},
      {"update_cache",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {"update-cache"},
       "Refresh the package lists first (apt-get update)."},
      {"update_cache_retries",
       ArgType::kInt,
       false,
       5,
       {},
       {},
       "Times to try the refresh before failing (default 5)."},
      {"update_cache_retry_max_delay",
       ArgType::kInt,
       false,
       12,
       {},
       {},
       "Longest wait in seconds between tries (1, 2, 4... up to this; default 12)."},
      {"cache_valid_time",
       ArgType::kInt,
       false,
       0,
       {},
       {},
       "Refresh only when the lists are older than this many seconds."},
      {"purge",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "With absent: remove configuration files too."},
      {"deb",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A .deb file on the host to install (a URL is refused: fetch it with get_url first)."},
      {"default_release",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"default-release"},
       "Install from this release (apt-get -t), e.g. bookworm-backports."},
      {"install_recommends",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {"install-recommends"},
       "Install recommended packages too (true) or not (false); unset: the host's apt "
       "setting."},
      {"force",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Pass --force-yes (unauthenticated packages, downgrades, held packages): use the "
       "allow_* arguments instead."},
      {"upgrade",
       ArgType::kString,
       false,
       nullptr,
       {"dist", "full", "no", "safe", "yes"},
       {},
       "Upgrade the installed packages: yes/safe (apt-get upgrade --with-new-pkgs), dist/full "
       "(apt-get dist-upgrade), no."},
      {"dpkg_options",
       ArgType::kString,
       false,
       "force-confdef,force-confold",
       {},
       {},
       "dpkg options, comma separated, each passed as -o Dpkg::Options::=--OPTION."},
      {"autoremove",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {},
       "Remove packages installed as dependencies that nothing needs any more."},
      {"autoclean",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Remove package files from the local cache that can no longer be downloaded."},
      {"fail_on_autoremove",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Fail rather than remove packages (apt-get --no-remove)."},
      {"policy_rc_d",
       ArgType::kInt,
       false,
       nullptr,
       {},
       {},
       "While apt-get runs, /usr/sbin/policy-rc.d exits with this code (101: services that "
       "packages install are not started); the file is put back as it was afterwards."},
      {"only_upgrade",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Upgrade the named packages that are installed; install none."},
      {"force_apt_get",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Accepted: apt-get is always used (never aptitude)."},
      {"clean", ArgType::kBool, false, false, {}, {}, "Run apt-get clean first."},
      {"allow_unauthenticated",
       ArgType::kBool,
       false,
       false,
       {},
       {"allow-unauthenticated"},
       "Install packages that cannot be authenticated."},
      {"allow_downgrade",
       ArgType::kBool,
       false,
       false,
       {},
       {"allow-downgrade", "allow_downgrades", "allow-downgrades"},
       "Allow a pinned version lower than the installed one."},
      {"allow_change_held_packages",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Allow installing or upgrading packages on hold."},
      {"lock_timeout",
       ArgType::kInt,
       false,
       60,
       {},
       {},
       "Seconds to wait for the dpkg lock (another apt-get, unattended-upgrades)."},
  };
  spec.mutually_exclusive = {{"deb", "name", "upgrade"}};
  spec.required_one_of = {{"autoremove", "deb", "name", "update_cache", "upgrade"}};
  spec.examples =
      "- name: container runtime prerequisites\n"
      "  ansible.builtin.apt:\n"
      "    name: [apt-transport-https, ca-certificates, conntrack, socat]\n"
      "    state: present\n"
      "    update_cache: true\n"
      "    cache_valid_time: 3600\n"
      "- name: pinned containerd, its service not started by the package\n"
      "  apt: {name: 'containerd=1.6.*', policy_rc_d: 101}\n"
      "- name: no swap tools, no leftovers\n"
      "  apt: name=dphys-swapfile state=absent purge=yes autoremove=yes\n";
  spec.notes =
      "Differences from Ansible: no Python and no python3-apt on the host. Package names "
      "with wildcards (`python3-*`) are refused; a version pattern (`=1.2*`) is fine. "
      "upgrade: yes and safe use apt-get upgrade --with-new-pkgs, also where aptitude is "
      "installed (Ansible then runs aptitude safe-upgrade); full is dist-upgrade. deb: a "
      "file on the host, installed by apt-get with its dependencies (Ansible fetches a URL "
      "and installs with dpkg -i; fetch with get_url first). The dpkg lock is waited for "
      "with -o DPkg::Lock::Timeout. cache_update_time is the lists' time as read before the "
      "task, or after a refresh the host's clock when it was read. The registered stdout and "
      "stderr of apt-get are not kept (the message and --diff say what changed). Check mode "
      "does not run clean (Ansible's does). A refresh is tried update_cache_retries times, "
      "waiting 1, 2, 4... seconds up to update_cache_retry_max_delay (Ansible adds a random "
      "fraction). Named packages marked as automatically installed are marked manual only "
      "where they are (Ansible runs apt-mark manual on every run).";
  return spec;
}

// ---- reading what the probe found ----

// The lists' time as Ansible reads it: the success stamp's mtime, else the
// lists directory's, else 0; and the target's clock.
struct CacheTimes {
  long long now = 0;
  long long lists = 0;
};

Result<CacheTimes> ReadCacheTimes(const ReadResult& date, const ReadResult& stat) {
  if (!date.status.ok()) return date.status;
  if (!stat.status.ok()) return stat.status;
  CacheTimes t;
  t.now = ToNumber(date.exec.stdout_data);
  if (date.exec.exit_code != 0 || t.now < 0) {
    return Status::Error("cannot read the target's clock (date +%s): " +
                         Trim(date.exec.stdout_data + date.exec.stderr_data));
  }
  long long stamp = -1, lists = -1;
  for (const std::string& line : Split(stat.exec.stdout_data, '\n')) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    const std::string path = line.substr(space + 1);
    if (path == kAptSuccessStamp) stamp = ToNumber(line.substr(0, space));
    if (path == kAptListsDir) lists = ToNumber(line.substr(0, space));
  }
  t.lists = stamp >= 0 ? stamp : (lists >= 0 ? lists : 0);
  return t;
}

// The named packages, without the `*` of "upgrade everything".
std::vector<AptPackage> PackagesOf(const Value& args) {
  std::vector<AptPackage> out;
  if (!args.contains("name") || !args["name"].is_array()) return out;
  for (const Value& v : args["name"]) {
    if (v.is_string() && v != "*") out.push_back(SplitAptPackage(Trim(v.get<std::string>())));
  }
  return out;
}

bool UpgradeAll(const Value& args) {
  if (!args.contains("name") || !args["name"].is_array()) return false;
  return std::any_of(args["name"].begin(), args["name"].end(),
                     [](const Value& v) { return v == "*"; });
}

std::string UpgradeMode(const Value& args) {
  const std::string mode = args.value("upgrade", std::string("no"));
  return mode == "no" ? "" : mode;
}

bool Refreshes(const Value& args) {
  return args.value("update_cache", false) || args.value("cache_valid_time", 0) > 0;
}

std::vector<std::string> BareNames(const std::vector<AptPackage>& pkgs) {
  std::vector<std::string> out;
  for (const AptPackage& p : pkgs) out.push_back(p.name);
  return out;
}

// Which read is where: the probe's reads in order, by what the task needs.
struct Layout {
  int dpkg = -1, showauto = -1, policy = -1, madison = -1, date = -1, stat = -1, deb = -1;
  size_t count = 0;
};

bool IsPattern(const AptPackage& p) {
  return p.op == "=" && p.version.find_first_of("*?[") != std::string::npos;
}

// The packages whose available versions decide, before any simulation,
// whether there is anything to do: with latest, all of them (against
// apt's candidate); otherwise those given with a version pattern.
std::vector<std::string> PatternNames(const std::vector<AptPackage>& pkgs) {
  std::vector<std::string> out;
  for (const AptPackage& p : pkgs) {
    if (IsPattern(p)) out.push_back(p.name);
  }
  return out;
}

Layout LayoutOf(const Value& args) {
  Layout l;
  const std::string state = args.value("state", std::string("present"));
  const bool named = !PackagesOf(args).empty();
  int next = 0;
  if (named && state != "build-dep") l.dpkg = next++;
  if (named && state != "build-dep" && state != "absent") l.showauto = next++;
  if (named && state == "latest") l.policy = next++;
  if (named && state != "absent" && !PatternNames(PackagesOf(args)).empty()) l.madison = next++;
  if (Refreshes(args)) {
    l.date = next++;
    l.stat = next++;
  }
  if (args.contains("deb")) l.deb = next++;
  l.count = static_cast<size_t>(next);
  return l;
}

Result<std::map<std::string, DpkgState>> States(const ReadResult& read) {
  if (!read.status.ok()) return read.status;
  // dpkg-query exits 1 when a name is unknown; the others are still listed.
  if (read.exec.exit_code != 0 && read.exec.exit_code != 1) {
    return Status::Error(fmt::format("dpkg-query failed (exit {}): {}", read.exec.exit_code,
                                     Trim(read.exec.stderr_data)));
  }
  return ParseDpkgStates(read.exec.stdout_data);
}

// ---- deciding what to do ----

// Whether the installed version satisfies the package's version, as
// Ansible's apt decides (fnmatch for "=", dpkg's order for ">=").
bool VersionSatisfied(const AptPackage& p, const std::string& installed) {
  if (p.op == "=") return fnmatch(p.version.c_str(), installed.c_str(), FNM_NOESCAPE) == 0;
  if (p.op == ">=") return CompareDebianVersions(installed, p.version) >= 0;
  return true;
}

// What the task asks apt-get for, before apt-get's own simulation.
struct Ask {
  std::vector<std::string> install;  // words for apt-get install / build-dep
  std::vector<std::string> remove;   // words for apt-get remove
  std::vector<std::string> mark;     // installed, marked auto: apt-mark manual
};

// What apt offers for the packages: the candidates (latest) and the
// versions of those given with a pattern; empty when not read.
struct Offers {
  std::map<std::string, std::string> candidates;
  std::map<std::string, std::vector<std::string>> versions;
};

// The version apt would install for an installed package, "" when that
// cannot be told without asking apt-get: the highest available version a
// pattern matches, or apt's candidate for latest.
std::string Wanted(const AptPackage& p, const Offers& offers, bool latest) {
  if (IsPattern(p)) {
    auto it = offers.versions.find(p.name);
    if (it == offers.versions.end()) return "";
    std::string best;
    for (const std::string& v : it->second) {
      if (fnmatch(p.version.c_str(), v.c_str(), FNM_NOESCAPE) == 0 &&
          (best.empty() || CompareDebianVersions(v, best) > 0))
        best = v;
    }
    return best;
  }
  if (!latest || p.op == "=") return "";
  auto it = offers.candidates.find(p.name);
  return it == offers.candidates.end() ? "" : it->second;
}

// Whether an installed package is as asked. Without a refresh to come, a
// pattern or latest is decided from what apt offers (Ansible's apt reinstalls
// within a pattern when a newer matching version is there); otherwise from
// the installed version alone, or by apt-get's simulation.
bool InstalledAsAsked(const AptPackage& p, const std::string& installed, const Offers& offers,
                      bool latest, bool refreshing) {
  if (!VersionSatisfied(p, installed)) return false;
  if (!latest && !IsPattern(p)) return true;
  if (refreshing) return false;
  const std::string wanted = Wanted(p, offers, latest);
  return !wanted.empty() && wanted == installed;
}

Ask AskInstall(const Value& args, const std::vector<AptPackage>& pkgs,
               const std::map<std::string, DpkgState>& states, const std::string& auto_out,
               const Offers& offers, bool refreshing) {
  const std::string state = args.value("state", std::string("present"));
  const bool latest = state == "latest";
  const bool only_upgrade = args.value("only_upgrade", false);
  std::vector<std::string> autos = Split(auto_out, '\n');
  Ask ask;
  for (const AptPackage& p : pkgs) {
    const std::string bare = PackageNameOf(p.name);
    auto it = states.find(bare);
    const bool installed = it != states.end() && it->second.installed;
    if (!installed && only_upgrade) continue;
    if (!installed || !InstalledAsAsked(p, it->second.version, offers, latest, refreshing)) {
      ask.install.push_back(p.op == ">=" ? p.name : p.given);
    }
    if (installed && std::find(autos.begin(), autos.end(), bare) != autos.end())
      ask.mark.push_back(bare);
  }
  return ask;
}

Ask AskRemove(const Value& args, const std::vector<AptPackage>& pkgs,
              const std::map<std::string, DpkgState>& states) {
  const bool purge = args.value("purge", false);
  Ask ask;
  for (const AptPackage& p : pkgs) {
    auto it = states.find(PackageNameOf(p.name));
    if (it == states.end()) continue;
    if (it->second.installed || (purge && it->second.config_files)) ask.remove.push_back(p.name);
  }
  return ask;
}

// ---- apt-get's simulation ----

// The names apt-get has no version of, from its "E:" lines (a name the
// lists lack, or one they know only as another package's dependency);
// empty when an error is of another kind.
std::vector<std::string> Unlocatable(const AptSimulation& sim) {
  std::vector<std::string> names;
  const std::string unknown = "Unable to locate package ";
  const std::string quoted = "Package '";
  const std::string no_candidate = "' has no installation candidate";
  for (const std::string& e : sim.errors) {
    if (StartsWith(e, unknown)) {
      names.push_back(e.substr(unknown.size()));
    } else if (StartsWith(e, quoted) && e.size() > quoted.size() + no_candidate.size() &&
               e.compare(e.size() - no_candidate.size(), no_candidate.size(), no_candidate) == 0) {
      names.push_back(e.substr(quoted.size(), e.size() - quoted.size() - no_candidate.size()));
    } else {
      return {};
    }
  }
  return names;
}

// apt-get's simulation of `what`, or Ansible's message when it cannot be
// done. With a refresh to come, names the lists lack yet are predicted as
// installed: the refreshed lists may have them.
Result<std::vector<PackageStep>> Simulated(const ReadResult& read, const std::string& what,
                                           const std::vector<std::string>& installs, bool refresh) {
  if (!read.status.ok()) return read.status;
  const AptSimulation sim = ParseAptSimulation(read.exec.stdout_data, read.exec.stderr_data);
  if (read.exec.exit_code == 0) return sim.steps;
  const std::vector<std::string> unknown = Unlocatable(sim);
  if (!unknown.empty() && refresh) {
    std::vector<PackageStep> steps;
    for (const std::string& name : installs)
      steps.push_back({PackageStep::Op::kInstall, name, "", ""});
    return steps;
  }
  if (!unknown.empty()) {
    return Status::Error(fmt::format(
        "No package matching '{}' is available (check the name, set update_cache: true, or "
        "add the repository that has it)",
        unknown[0]));
  }
  std::string detail = fmt::format("{}", fmt::join(sim.errors, "; "));
  if (detail.empty()) detail = Trim(read.exec.stderr_data);
  return Status::Error(fmt::format("'apt-get {}' failed: {}", what, detail));
}

}  // namespace

AptPackage SplitAptPackage(const std::string& given) {
  AptPackage p{given, given, "", ""};
  const size_t eq = given.find('=');
  if (eq == std::string::npos) return p;
  const bool ge = eq > 0 && given[eq - 1] == '>';
  p.name = given.substr(0, ge ? eq - 1 : eq);
  p.op = ge ? ">=" : "=";
  p.version = given.substr(eq + 1);
  return p;
}

std::map<std::string, DpkgState> ParseDpkgStates(const std::string& out) {
  std::map<std::string, DpkgState> states;
  for (const std::string& line : Split(out, '\n')) {
    std::vector<std::string> f = Split(line, '\t');
    if (f.size() < 3 || Trim(f[0]).empty()) continue;
    const std::vector<std::string> status = Split(Trim(f[1]), ' ');
    const std::string last = status.empty() ? "" : status.back();
    if (last != "installed" && last != "config-files") continue;
    states[Trim(f[0])] = {Trim(f[2]), last == "installed", last == "config-files"};
  }
  return states;
}

AptModule::AptModule() : spec_(AptSpec()) {}

void AptModule::Validate(const Value& args, bool templates_pending,
                         std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (args.contains("name") && args["name"].is_array()) {
    for (const Value& v : args["name"]) {
      if (!v.is_string() || IsPendingTemplate(v) || v == "*") continue;
      const AptPackage p = SplitAptPackage(Trim(v.get<std::string>()));
      std::string why;
      if (p.name.empty() || p.name[0] == '-') why = "a name does not start with '-'";
      if (std::any_of(p.given.begin(), p.given.end(), [](char c) {
            return std::isspace(static_cast<unsigned char>(c)) ||
                   std::iscntrl(static_cast<unsigned char>(c));
          }))
        why = "a name has no spaces (give a list for several packages)";
      if (p.name.find_first_of("*?[]!") != std::string::npos)
        why = "wildcards in names are not supported (name each package)";
      if (p.version.find('=') != std::string::npos) why = "a package has one version";
      if (!why.empty()) {
        errors->push_back({"name", fmt::format("invalid package spec: {}: {}",
                                               Quoted(v.get<std::string>()), why)});
      }
    }
    if (UpgradeAll(args) && args.value("state", std::string()) == "latest" &&
        !PackagesOf(args).empty()) {
      errors->push_back({"name",
                         "unable to install additional packages when upgrading all "
                         "installed packages (name '*' alone)"});
    }
  }
  if (args.contains("deb") && args["deb"].is_string() && !IsPendingTemplate(args["deb"])) {
    const std::string deb = args["deb"].get<std::string>();
    if (deb.find("://") != std::string::npos) {
      errors->push_back({"deb", fmt::format("{} is a URL: hostprep installs a .deb file that is "
                                            "on the host (fetch it with get_url first)",
                                            Quoted(deb))});
    } else if (deb.empty() || deb[0] != '/') {
      errors->push_back(
          {"deb", fmt::format("{} is not an absolute path on the host", Quoted(deb))});
    }
    if (args.value("state", std::string("present")) != "present")
      errors->push_back({"deb", "deb only supports state=present"});
  }
  for (const char* key : {"cache_valid_time", "lock_timeout", "update_cache_retries",
                          "update_cache_retry_max_delay"}) {
    if (args.contains(key) && args[key].is_number_integer() && args[key].get<long long>() < 0) {
      errors->push_back({key, fmt::format("argument '{}' is negative: give 0 or more", key)});
    }
  }
  if (args.contains("policy_rc_d") && args["policy_rc_d"].is_number_integer()) {
    const long long code = args["policy_rc_d"].get<long long>();
    if (code < 0 || code > 255)
      errors->push_back({"policy_rc_d", "policy_rc_d is an exit code: 0 to 255 (101 denies)"});
  }
  if (args.contains("dpkg_options") && args["dpkg_options"].is_string() &&
      !IsPendingTemplate(args["dpkg_options"])) {
    for (const std::string& word : Split(args["dpkg_options"].get<std::string>(), ',')) {
      if (word.empty() || word.find_first_of(" \t\n\r") != std::string::npos) {
        errors->push_back({"dpkg_options", fmt::format("{} is not a dpkg option: give dpkg "
                                                       "options without dashes, comma separated",
                                                       Quoted(word))});
      }
    }
  }
}

std::vector<Read> AptModule::Probe(const Value& args, const Value& facts) const {
  if (facts.contains("pkg_mgr") && facts["pkg_mgr"] != "apt") return {};
  const Layout l = LayoutOf(args);
  const std::vector<AptPackage> pkgs = PackagesOf(args);
  std::vector<Read> reads(l.count);
  std::vector<std::string> names;
  for (const AptPackage& p : pkgs) names.push_back(PackageNameOf(p.name));
  if (l.dpkg >= 0) reads[l.dpkg] = DpkgQueryRead(names);
  if (l.showauto >= 0) reads[l.showauto] = ShowAutoRead(names);
  if (l.policy >= 0) reads[l.policy] = PolicyRead(BareNames(pkgs), args);
  if (l.madison >= 0) reads[l.madison] = MadisonRead(PatternNames(pkgs));
  if (l.date >= 0) {
    reads[l.date] = Read::Query({"date", "+%s"});
    reads[l.stat] = Read::Query({"stat", "-c", "%Y %n", "--", kAptSuccessStamp, kAptListsDir});
  }
  if (l.deb >= 0) reads[l.deb] = DebFieldsRead(args["deb"].get<std::string>());
  return reads;
}

Result<Change> AptModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                               const Value& facts) const {
  if (facts.contains("pkg_mgr") && facts["pkg_mgr"] != "apt") {
    return Status::Error(fmt::format(
        "apt works on hosts whose package manager is apt, and this host's is {} (use package, "
        "or the module of that package manager)",
        facts["pkg_mgr"].is_string() ? facts["pkg_mgr"].get<std::string>() : "unknown"));
  }
  const Layout l = LayoutOf(args);
  if (reads.size() < l.count) return Status::Error("internal error: apt reads are missing");
  AptPlan plan(args);

  const bool nothing_else = PackagesOf(args).empty() && UpgradeMode(args).empty() &&
                            !args.contains("deb") && !UpgradeAll(args);
  if (args.value("clean", false)) {
    plan.Clean();
    // Ansible's apt ends there, changed, when there is nothing to install
    // or upgrade (before any refresh).
    if (nothing_else) {
      plan.SetChanged();
      return plan.Finish();
    }
  }
  if (Refreshes(args)) {
    Result<CacheTimes> times = ReadCacheTimes(reads[l.date], reads[l.stat]);
    if (!times.ok()) return times.status();
    plan.Refresh(times->now, times->lists);
    // As Ansible's apt: a refresh with nothing else to do ends the task, its
    // change being the refresh (autoremove and autoclean are not run).
    if (nothing_else) {
      if (plan.refreshing()) plan.SetChanged();
      return plan.Finish();
    }
  }

  const size_t more = l.count;  // where apt-get's simulation answers
  const std::string mode = UpgradeMode(args);
  if (!mode.empty() || (UpgradeAll(args) && args.value("state", std::string()) == "latest")) {
    const std::vector<std::string> verb = AptUpgradeVerb(mode.empty() ? "yes" : mode, args);
    if (reads.size() == more) return plan.AskToSimulate(verb, {});
    Result<std::vector<PackageStep>> steps =
        Simulated(reads[more], fmt::format("{}", fmt::join(verb, " ")), {}, false);
    if (!steps.ok()) return steps.status();
    plan.Run(verb, {}, *steps, !steps->empty());
    return plan.Finish();
  }

  if (args.contains("deb")) {
    Result<DebFile> deb = ParseDebFields(reads[l.deb], args["deb"].get<std::string>());
    if (!deb.ok()) return deb.status();
    if (deb->installed_version == deb->version) return plan.Finish();
    const std::vector<std::string> words = {args["deb"].get<std::string>()};
    if (reads.size() == more) return plan.AskToSimulate({"install"}, words);
    Result<std::vector<PackageStep>> steps = Simulated(reads[more], "install", words, false);
    if (!steps.ok()) return steps.status();
    plan.Run({"install"}, words, *steps, true);
    plan.MarkDependencies(*steps, deb->package);
    return plan.Finish();
  }

  const std::vector<AptPackage> pkgs = PackagesOf(args);
  const std::string state = args.value("state", std::string("present"));
  if (pkgs.empty()) {
    for (const char* op : {"autoclean", "autoremove"}) {
      if (!args.value(op, false)) continue;
      if (reads.size() == more) return plan.AskToSimulate({op}, {});
      Result<std::vector<PackageStep>> steps = Simulated(reads[more], op, {}, false);
      if (!steps.ok()) return steps.status();
      // Ansible's changed: autoremove when apt-get removes packages,
      // autoclean when it deletes package files.
      plan.Run({op}, {}, *steps,
               std::string(op) == "autoclean" ? AptCleanWouldDelete(reads[more].exec.stdout_data)
                                              : !steps->empty());
      return plan.Finish();
    }
    return plan.Finish();
  }

  Ask ask;
  if (state != "build-dep") {
    Result<std::map<std::string, DpkgState>> states = States(reads[l.dpkg]);
    if (!states.ok()) return states.status();
    if (state == "absent") {
      ask = AskRemove(args, pkgs, *states);
    } else {
      const ReadResult& autos = reads[l.showauto];
      Offers offers;
      if (l.policy >= 0 && reads[l.policy].status.ok())
        offers.candidates = ParseAptPolicy(reads[l.policy].exec.stdout_data);
      if (l.madison >= 0 && reads[l.madison].status.ok())
        offers.versions = ParseAptMadison(reads[l.madison].exec.stdout_data);
      ask = AskInstall(args, pkgs, *states,
                       autos.status.ok() && autos.exec.exit_code == 0 ? autos.exec.stdout_data : "",
                       offers, plan.refreshing());
    }
  } else {
    ask.install = BareNames(pkgs);
  }
  const std::vector<std::string>& words = state == "absent" ? ask.remove : ask.install;
  const std::vector<std::string> verb = {state == "absent"      ? "remove"
                                         : state == "build-dep" ? "build-dep"
                                                                : "install"};
  if (!words.empty()) {
    if (reads.size() == more) return plan.AskToSimulate(verb, words);
    Result<std::vector<PackageStep>> steps =
        Simulated(reads[more], fmt::format("{} {}", verb[0], fmt::join(words, " ")), ask.install,
                  plan.refreshing());
    if (!steps.ok()) return steps.status();
    // Changed when apt-get is to do something. With latest and the lists to
    // be refreshed first, the newest versions are known only then: apt-get
    // runs, and the task says changed.
    const bool after_refresh = plan.refreshing() && state == "latest";
    plan.Run(verb, words, *steps, !steps->empty() || after_refresh || state == "absent");
  }
  plan.MarkManual(ask.mark);
  return plan.Finish();
}

Resources AptModule::Declare(const Value& args) const {
  Resources r;
  if (args.value("state", std::string("present")) == "absent") return r;
  for (const AptPackage& p : PackagesOf(args)) {
    if (!IsPendingTemplate(Value(p.given))) r.provides.push_back("pkg:" + PackageNameOf(p.name));
  }
  return r;
}

}  // namespace hostprep::modules
