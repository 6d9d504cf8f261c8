#include "modules/package.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

constexpr const char* kAptStamp = "/var/lib/apt/periodic/update-success-stamp";
constexpr const char* kAptLists = "/var/lib/apt/lists";
constexpr const char* kApkDatabase = "/lib/apk/db/installed";
const std::vector<std::string> kBackends = {"apt", "dnf", "yum", "zypper", "apk"};

ArgSpec PackageSpec() {
  ArgSpec spec;
  spec.name = "package";
  spec.summary = "install, remove or upgrade packages (apt, dnf, yum, zypper, apk)";
  spec.description =
      "Makes the named packages installed (present), installed at the newest version the "
      "repositories have (latest) or not installed (absent), with the host's package manager "
      "(the pkg_mgr fact, or `use`). The installed state of exactly the named packages is read "
      "in one query; when something is to change, the package manager's own prediction is read "
      "too (apt-get --simulate; dnf/yum check-update, zypper list-updates and apk version for "
      "latest), so check mode and --diff show what a run would install, upgrade or remove, "
      "dependencies included with apt. Nothing assumes network access: a local or offline "
      "repository is enough. apt runs with DEBIAN_FRONTEND=noninteractive and keeps changed "
      "configuration files (--force-confdef --force-confold).";
  spec.args = {
      {"name",
       ArgType::kList,
       true,
       nullptr,
       {},
       {"pkg", "names"},
       "Package names. A version: `name=version` for apt, zypper and apk (apt also takes "
       "`name=1.2*`), `name-version` for dnf and yum."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent", "latest"},
       {},
       "present (default), absent, or latest (installed and upgraded to the newest version)."},
      {"update_cache",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Refresh the package lists before installing (apt-get update, dnf makecache, zypper "
       "refresh, apk update)."},
      {"cache_valid_time",
       ArgType::kInt,
       false,
       nullptr,
       {},
       {},
       "apt only: refresh the package lists when the last refresh is older than this many "
       "seconds, and only then, also with update_cache: true (as Ansible's apt)."},
      {"lock_timeout",
       ArgType::kInt,
       false,
       120,
       {},
       {},
       "Seconds to wait for another package manager's lock before failing (default 120)."},
      {"use",
       ArgType::kString,
       false,
       "auto",
       {"auto", "apt", "dnf", "yum", "zypper", "apk"},
       {},
       "The package manager: auto (default, from the pkg_mgr fact) or one of the others."},
  };
  spec.examples =
      "- name: container runtime and tools\n"
      "  package:\n"
      "    name: [containerd, conntrack, socat, ipset]\n"
      "    update_cache: true\n"
      "    cache_valid_time: 3600\n"
      "- name: a pinned version (apt)\n"
      "  package: {name: 'containerd=1.6.20~ds1-1+b1'}\n"
      "- name: no editor on the nodes\n"
      "  package: {name: nano, state: absent}\n";
  spec.notes =
      "Differences from Ansible: one module for every backend (Ansible's package, apt, dnf). "
      "--diff lists each package as `+ name version`, `~ name old -> new` or `- name "
      "version` (Ansible's apt shows apt's raw output). Refreshing the package lists is not "
      "counted as a change of the host: it is done, and said in the message, but the task is "
      "changed only when a package is installed, upgraded or removed; with state latest and "
      "a refresh in the same run the newest versions are known only after the refresh, so "
      "that task reports changed. Check mode does not refresh the lists and predicts from "
      "them as they are. With apt, a name the lists do not have is an error, unless the lists "
      "are to be refreshed first. dnf, yum, zypper and apk: a missing package is predicted "
      "as installed without asking the repositories (a name no repository has fails at the "
      "install). Lock: apt waits with -o DPkg::Lock::Timeout, zypper with "
      "ZYPP_LOCK_TIMEOUT, apk with --wait; dnf and yum wait for their lock by themselves, "
      "bounded by the task's timeout. cache_valid_time is for apt only. `name` is a list; a "
      "string with commas is one name. Removing does not purge configuration files.";
  return spec;
}

// A name as given, split into what the package manager is asked for.
struct Spec {
  std::string given;    // passed to install as is
  std::string name;     // the package, for queries and the diff
  std::string version;  // pinned version, "" = any
};

bool VersionMatches(const std::string& installed, const std::string& wanted) {
  if (wanted.empty() || installed == wanted) return true;
  if (EndsWith(wanted, "*")) return StartsWith(installed, wanted.substr(0, wanted.size() - 1));
  return StartsWith(installed, wanted + "-");  // rpm "1.2" matches "1.2-3.el9"
}

bool RpmStyle(const std::string& backend) { return backend == "dnf" || backend == "yum"; }

// dnf and yum take "name-version": rpm -q is asked with the name as given,
// and answers with the package's NAME, so the version stays in `name`.
Spec SpecOf(const std::string& given, const std::string& backend) {
  if (RpmStyle(backend)) return {given, given, ""};
  Spec s{given, PackageNameOf(given), ""};
  const size_t eq = given.find('=');
  if (eq != std::string::npos && given.find_first_of("<>") == std::string::npos) {
    s.version = given.substr(eq + 1);
  }
  return s;
}

std::vector<Spec> SpecsOf(const Value& args, const std::string& backend) {
  std::vector<Spec> specs;
  if (!args.contains("name") || !args["name"].is_array()) return specs;
  for (const Value& v : args["name"]) {
    if (v.is_string()) specs.push_back(SpecOf(v.get<std::string>(), backend));
  }
  return specs;
}

// For dnf and yum, keys the installed versions by the names as given:
// "containerd.io-1.6.28" is installed when rpm did not say it is not, at the
// version of the longest installed NAME it starts with.
std::map<std::string, std::string> ByGivenName(const std::map<std::string, std::string>& installed,
                                               const std::vector<Spec>& specs,
                                               const std::string& rpm_out) {
  std::map<std::string, std::string> out;
  for (const Spec& s : specs) {
    if (rpm_out.find("package " + s.given + " is not installed") != std::string::npos) continue;
    std::string best;
    for (const auto& [name, version] : installed) {
      if ((name == s.given || StartsWith(s.given, name + "-")) && name.size() > best.size()) {
        best = name;
      }
    }
    if (!best.empty()) out[s.given] = installed.at(best);
  }
  return out;
}

bool CacheAge(const Value& args) { return args.contains("cache_valid_time"); }

std::string Timeout(const Value& args) { return std::to_string(args.value("lock_timeout", 120)); }

std::vector<std::string> SpecNames(const std::vector<Spec>& specs) {
  std::vector<std::string> out;
  for (const Spec& s : specs) out.push_back(s.name);
  return out;
}

std::vector<std::string> Given(const std::vector<Spec>& specs) {
  std::vector<std::string> out;
  for (const Spec& s : specs) out.push_back(s.given);
  return out;
}

Read InstalledRead(const std::string& backend, const std::vector<Spec>& specs) {
  if (backend == "apt") {
    return Read::Query(Concat(
        {"dpkg-query", "-W", "-f=${Package}\\t${Status}\\t${Version}\\n", "--"}, SpecNames(specs)));
  }
  if (backend == "apk") return Read::File(kApkDatabase);
  return Read::Query(
      Concat({"rpm", "-q", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\n", "--"}, SpecNames(specs)));
}

// ---- the package manager's commands ----

std::vector<std::string> AptGet(const Value& args, const std::string& verb) {
  std::vector<std::string> argv = {"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", verb};
  if (verb != "update") argv.push_back("-y");
  argv.push_back("-q");
  if (verb == "install") {
    argv = Concat(
        argv, {"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"});
  }
  return Concat(argv, {"-o", "DPkg::Lock::Timeout=" + Timeout(args)});
}

// The command for `verb` (update, install, remove, upgrade) on this backend,
// to which the package names are appended.
std::vector<std::string> Command(const std::string& backend, const Value& args,
                                 const std::string& verb) {
  if (backend == "apt") {
    if (verb == "update") return AptGet(args, "update");
    return Concat(AptGet(args, verb == "remove" ? "remove" : "install"), {"--"});
  }
  if (backend == "dnf" || backend == "yum") {
    if (verb == "update") {
      return backend == "dnf" ? std::vector<std::string>{"dnf", "-y", "makecache", "--refresh"}
                              : std::vector<std::string>{"yum", "-y", "makecache"};
    }
    return {backend, "-y", verb, "--"};
  }
  if (backend == "zypper") {
    std::vector<std::string> argv = {"env", "ZYPP_LOCK_TIMEOUT=" + Timeout(args), "zypper",
                                     "--non-interactive"};
    if (verb == "update") return Concat(argv, {"refresh"});
    return Concat(argv, {verb == "upgrade" ? "update" : verb, "--"});
  }
  std::vector<std::string> argv = {"apk", "--wait", Timeout(args)};  // apk
  if (verb == "update") return Concat(argv, {"update"});
  if (verb == "remove") return Concat(argv, {"del", "--"});
  if (verb == "upgrade") return Concat(argv, {"add", "--upgrade", "--"});
  return Concat(argv, {"add", "--"});
}

Action Exec(std::vector<std::string> argv) {
  Action a;
  a.kind = Action::Kind::kExec;
  a.argv = std::move(argv);
  return a;
}

// ---- reading what the probe found ----

Result<std::map<std::string, std::string>> Installed(const std::string& backend,
                                                     const std::vector<Spec>& specs,
                                                     const ReadResult& read) {
  if (!read.status.ok()) return read.status;
  if (backend == "apk") return ParseApkDatabase(read.content.value_or(""));
  const ExecResult& e = read.exec;
  const char* tool = backend == "apt" ? "dpkg-query" : "rpm";
  // Both exit 1 when some name is not installed; the others are still listed.
  if (e.exit_code != 0 && e.exit_code != 1) {
    return Status::Error(
        fmt::format("{} failed (exit {}): {}", tool, e.exit_code, Trim(e.stderr_data)));
  }
  if (backend == "apt") return ParseDpkgQuery(e.stdout_data);
  if (RpmStyle(backend)) return ByGivenName(ParseRpmQuery(e.stdout_data), specs, e.stdout_data);
  return ParseRpmQuery(e.stdout_data);
}

// Whether the apt lists are older than cache_valid_time, from `date +%s`
// and `stat -c '%Y %n'` of the success stamp and the lists directory.
Result<bool> AptCacheStale(const Value& args, const ReadResult& date, const ReadResult& stat) {
  if (!date.status.ok()) return date.status;
  if (!stat.status.ok()) return stat.status;
  const long long now = ToNumber(date.exec.stdout_data);
  if (date.exec.exit_code != 0 || now < 0) {
    return Status::Error("cannot read the target's clock (date +%s): " +
                         Trim(date.exec.stdout_data + date.exec.stderr_data));
  }
  long long stamp = -1;
  long long lists = -1;
  for (const std::string& line : Split(stat.exec.stdout_data, '\n')) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    const std::string path = line.substr(space + 1);
    if (path == kAptStamp) stamp = ToNumber(line.substr(0, space));
    if (path == kAptLists) lists = ToNumber(line.substr(0, space));
  }
  const long long last = stamp >= 0 ? stamp : lists;
  return last < 0 || now - last > args.value("cache_valid_time", 0);
}

// ---- predicting the change ----

struct Prediction {
  std::vector<PackageStep> steps;
  std::vector<std::string> install;  // names as given, for the install command
  std::vector<std::string> remove;
  std::vector<std::string> upgrade;  // non-apt latest: installed names to upgrade
};

std::string LocateErrorName(const std::string& error) {
  const std::string prefix = "Unable to locate package ";
  if (StartsWith(error, prefix)) return error.substr(prefix.size());
  return "";
}

bool NotInLists(const std::string& error) {
  return !LocateErrorName(error).empty() ||
         error.find("has no installation candidate") != std::string::npos ||
         (StartsWith(error, "Version '") && EndsWith(error, "was not found"));
}

Status AptError(const AptSimulation& sim, const std::string& what) {
  std::vector<std::string> missing;
  for (const std::string& e : sim.errors) {
    if (!LocateErrorName(e).empty()) missing.push_back(LocateErrorName(e));
  }
  if (!missing.empty() && missing.size() == sim.errors.size()) {
    return Status::Error(fmt::format(
        "{} {} not in the package lists: check the name, set update_cache: true, or add "
        "the repository that has {}",
        missing.size() == 1 ? "package" : "packages", fmt::join(missing, ", "),
        missing.size() == 1 ? "it" : "them"));
  }
  std::string detail = fmt::format("{}", fmt::join(sim.errors, "; "));
  if (detail.empty()) detail = "no reason given";
  return Status::Error(fmt::format("apt-get cannot {}: {}", what, detail));
}

Result<Prediction> FromAptSimulation(const ReadResult& read, const std::vector<Spec>& todo,
                                     bool removing, bool cache_update) {
  if (!read.status.ok()) return read.status;
  const AptSimulation sim = ParseAptSimulation(read.exec.stdout_data, read.exec.stderr_data);
  Prediction p;
  (removing ? p.remove : p.install) = removing ? SpecNames(todo) : Given(todo);
  if (read.exec.exit_code == 0) {
    p.steps = sim.steps;
    return p;
  }
  const bool all_missing =
      !sim.errors.empty() && std::all_of(sim.errors.begin(), sim.errors.end(), NotInLists);
  if (cache_update && !removing && all_missing) {
    // The refreshed lists may have them: the install will tell.
    for (const Spec& s : todo)
      p.steps.push_back({PackageStep::Op::kInstall, s.name, "", s.version});
    return p;
  }
  return AptError(
      sim, fmt::format("{} {}", removing ? "remove" : "install", fmt::join(Given(todo), " ")));
}

Read UpgradesRead(const std::string& backend, const std::vector<Spec>& specs) {
  if (backend == "dnf" || backend == "yum") {
    return Read::Query(Concat({backend, "-q", "check-update", "--"}, SpecNames(specs)));
  }
  if (backend == "zypper")
    return Read::Query({"zypper", "--non-interactive", "-q", "list-updates"});
  return Read::Query(Concat({"apk", "version", "-l", "<", "--"}, SpecNames(specs)));
}

Result<std::map<std::string, std::string>> Upgrades(
    const std::string& backend, const ReadResult& read,
    const std::map<std::string, std::string>& installed) {
  if (!read.status.ok()) return read.status;
  const ExecResult& e = read.exec;
  const bool dnf = backend == "dnf" || backend == "yum";
  // check-update exits 100 when there are updates.
  if (e.exit_code != 0 && !(dnf && e.exit_code == 100)) {
    return Status::Error(fmt::format("{} cannot list the available upgrades (exit {}): {}", backend,
                                     e.exit_code, Trim(e.stderr_data)));
  }
  if (dnf) return ParseDnfCheckUpdate(e.stdout_data);
  if (backend == "zypper") return ParseZypperListUpdates(e.stdout_data);
  return ParseApkVersion(e.stdout_data, installed);
}

// The steps for the non-apt backends: from the installed versions, and for
// latest the available upgrades.
Prediction LocalPrediction(const std::string& state, const std::vector<Spec>& specs,
                           const std::map<std::string, std::string>& installed,
                           const std::map<std::string, std::string>& upgrades) {
  Prediction p;
  for (const Spec& s : specs) {
    auto it = installed.find(s.name);
    const bool have = it != installed.end();
    if (state == "absent") {
      if (have) {
        p.steps.push_back({PackageStep::Op::kRemove, s.name, it->second, ""});
        p.remove.push_back(s.name);
      }
    } else if (!have) {
      p.steps.push_back({PackageStep::Op::kInstall, s.name, "", s.version});
      p.install.push_back(s.given);
    } else if (state == "present" && !VersionMatches(it->second, s.version)) {
      p.steps.push_back({PackageStep::Op::kUpgrade, s.name, it->second, s.version});
      p.install.push_back(s.given);
    } else if (state == "latest" && upgrades.count(s.name)) {
      p.steps.push_back({PackageStep::Op::kUpgrade, s.name, it->second, upgrades.at(s.name)});
      p.upgrade.push_back(s.name);
    }
  }
  return p;
}

// ---- the change ----

Change FinishPackages(const std::string& backend, const Value& args, const Prediction& p,
                      bool cache_update, const std::vector<Spec>& specs,
                      const std::map<std::string, std::string>& installed) {
  const std::string state = args.value("state", std::string("present"));
  Change change;
  // Latest after a refresh: the newest versions are known only then.
  const bool unknown_latest = state == "latest" && cache_update;
  if (cache_update) change.actions.push_back(Exec(Command(backend, args, "update")));
  if (backend == "apt" || backend == "apk") {
    const bool upgrade_all = unknown_latest || (state == "latest" && !p.steps.empty());
    if (upgrade_all) {
      change.actions.push_back(Exec(
          Concat(Command(backend, args, backend == "apk" ? "upgrade" : "install"), Given(specs))));
    } else if (!p.install.empty()) {
      change.actions.push_back(Exec(Concat(Command(backend, args, "install"), p.install)));
    }
  } else {
    if (!p.install.empty()) {
      change.actions.push_back(Exec(Concat(Command(backend, args, "install"), p.install)));
    }
    std::vector<std::string> upgrade = p.upgrade;
    if (unknown_latest) {
      upgrade.clear();
      for (const Spec& s : specs) {
        if (installed.count(s.name)) upgrade.push_back(s.name);
      }
    }
    if (!upgrade.empty()) {
      change.actions.push_back(Exec(Concat(Command(backend, args, "upgrade"), upgrade)));
    }
  }
  if (!p.remove.empty()) {
    change.actions.push_back(Exec(Concat(Command(backend, args, "remove"), p.remove)));
  }
  change.changed = !p.steps.empty() || unknown_latest;
  if (!change.changed) {
    // apt may predict nothing for a name it was asked about (an install
    // that is a no-op): then only the refresh, if any, is left to run.
    change.actions.clear();
    if (cache_update) change.actions.push_back(Exec(Command(backend, args, "update")));
  }

  Value installed_names = Value::array(), removed = Value::array(), upgraded = Value::array();
  std::vector<std::string> words;
  for (const PackageStep& s : p.steps) {
    change.diff += PackageStepText(s, true) + "\n";
    words.push_back(PackageStepText(s, false));
    (s.op == PackageStep::Op::kInstall  ? installed_names
     : s.op == PackageStep::Op::kRemove ? removed
                                        : upgraded)
        .push_back(s.name);
  }
  if (unknown_latest) {
    change.diff += "~ the newest versions after the package lists are refreshed\n";
  }
  std::vector<std::string> parts;
  auto part = [&](PackageStep::Op op, const char* verb) {
    std::vector<std::string> items;
    for (const PackageStep& s : p.steps) {
      if (s.op == op) items.push_back(PackageStepText(s, false));
    }
    if (!items.empty()) parts.push_back(fmt::format("{} {}", verb, fmt::join(items, ", ")));
  };
  part(PackageStep::Op::kInstall, "install");
  part(PackageStep::Op::kUpgrade, "upgrade");
  part(PackageStep::Op::kRemove, "remove");
  if (unknown_latest) parts.push_back("upgrade to the newest versions");
  const std::string refresh = cache_update ? "refresh the package lists" : "";
  if (!parts.empty()) {
    change.message = fmt::format("would {}{}", refresh.empty() ? "" : refresh + ", then ",
                                 fmt::join(parts, "; "));
  } else if (cache_update) {
    change.message = "would " + refresh + " (no package changes)";
  }
  change.result["backend"] = backend;
  change.result["state"] = state;
  change.result["cache_updated"] = cache_update;
  change.result["installed"] = installed_names;
  change.result["upgraded"] = upgraded;
  change.result["removed"] = removed;
  return change;
}

}  // namespace

std::string PackageStepText(const PackageStep& s, bool diff) {
  switch (s.op) {
    case PackageStep::Op::kInstall:
      return fmt::format("{}{}{}", diff ? "+ " : "", s.name,
                         s.new_version.empty() ? "" : " " + s.new_version);
    case PackageStep::Op::kRemove:
      return fmt::format("{}{}{}", diff ? "- " : "", s.name,
                         s.old_version.empty() ? "" : " " + s.old_version);
    case PackageStep::Op::kUpgrade:
      return fmt::format("{}{} {} -> {}", diff ? "~ " : "", s.name, s.old_version,
                         s.new_version.empty() ? "newest" : s.new_version);
  }
  return "";
}

std::string PackageNameOf(const std::string& spec) {
  std::string name = spec.substr(0, spec.find_first_of("=<>"));
  const size_t colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(0, colon);
}

std::map<std::string, std::string> ParseDpkgQuery(const std::string& out) {
  std::map<std::string, std::string> installed;
  for (const std::string& line : Split(out, '\n')) {
    std::vector<std::string> f = Split(line, '\t');
    if (f.size() < 3) continue;
    std::vector<std::string> status = Split(Trim(f[1]), ' ');
    if (status.empty() || status.back() != "installed") continue;
    installed[Trim(f[0])] = Trim(f[2]);
  }
  return installed;
}

AptSimulation ParseAptSimulation(const std::string& out, const std::string& err) {
  AptSimulation sim;
  for (const std::string& line : Split(out + "\n" + err, '\n')) {
    if (StartsWith(line, "E: ")) {
      sim.errors.push_back(Trim(line.substr(3)));
      continue;
    }
    const bool inst = StartsWith(line, "Inst ");
    if (!inst && !StartsWith(line, "Remv ") && !StartsWith(line, "Purg ")) continue;
    std::vector<std::string> w = Split(line.substr(5), ' ');
    if (w.empty() || w[0].empty()) continue;
    PackageStep step;
    step.name = w[0];
    size_t i = 1;
    if (i < w.size() && StartsWith(w[i], "[") && EndsWith(w[i], "]")) {
      step.old_version = w[i].substr(1, w[i].size() - 2);
      ++i;
    }
    if (inst && i < w.size() && StartsWith(w[i], "(")) step.new_version = w[i].substr(1);
    step.op = !inst                      ? PackageStep::Op::kRemove
              : step.old_version.empty() ? PackageStep::Op::kInstall
                                         : PackageStep::Op::kUpgrade;
    sim.steps.push_back(step);
  }
  return sim;
}

std::map<std::string, std::string> ParseRpmQuery(const std::string& out) {
  std::map<std::string, std::string> installed;
  for (const std::string& line : Split(out, '\n')) {
    std::vector<std::string> f = Split(line, '\t');
    if (f.size() == 2 && !Trim(f[0]).empty()) installed[Trim(f[0])] = Trim(f[1]);
  }
  return installed;
}

std::map<std::string, std::string> ParseApkDatabase(const std::string& db) {
  std::map<std::string, std::string> installed;
  std::string name;
  for (const std::string& line : Split(db, '\n')) {
    if (line.empty()) name.clear();
    if (StartsWith(line, "P:")) name = line.substr(2);
    if (StartsWith(line, "V:") && !name.empty()) installed[name] = line.substr(2);
  }
  return installed;
}

std::map<std::string, std::string> ParseDnfCheckUpdate(const std::string& out) {
  std::map<std::string, std::string> upgrades;
  for (const std::string& line : Split(out, '\n')) {
    if (StartsWith(line, "Obsoleting")) break;
    std::vector<std::string> w;
    for (const std::string& word : Split(line, ' ')) {
      if (!Trim(word).empty()) w.push_back(Trim(word));
    }
    if (w.size() != 3) continue;
    const size_t dot = w[0].rfind('.');
    upgrades[dot == std::string::npos ? w[0] : w[0].substr(0, dot)] = w[1];
  }
  return upgrades;
}

std::map<std::string, std::string> ParseZypperListUpdates(const std::string& out) {
  std::map<std::string, std::string> upgrades;
  for (const std::string& line : Split(out, '\n')) {
    std::vector<std::string> f = Split(line, '|');
    if (f.size() < 6 || Trim(f[0]) != "v") continue;
    upgrades[Trim(f[2])] = Trim(f[4]);
  }
  return upgrades;
}

std::map<std::string, std::string> ParseApkVersion(
    const std::string& out, const std::map<std::string, std::string>& installed) {
  std::map<std::string, std::string> upgrades;
  for (const std::string& line : Split(out, '\n')) {
    std::vector<std::string> w;
    for (const std::string& word : Split(line, ' ')) {
      if (!Trim(word).empty()) w.push_back(Trim(word));
    }
    if (w.size() < 3 || w[1] != "<") continue;
    for (const auto& [name, version] : installed) {
      if (w[0] == name + "-" + version) upgrades[name] = w[2];
    }
  }
  return upgrades;
}

std::string PackageBackend(const Value& args, const Value& facts) {
  const std::string use = args.value("use", std::string("auto"));
  if (use != "auto") return use;
  return facts.contains("pkg_mgr") && facts["pkg_mgr"].is_string()
             ? facts["pkg_mgr"].get<std::string>()
             : "";
}

PackageModule::PackageModule() : spec_(PackageSpec()) {}

void PackageModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (args.contains("name") && args["name"].is_array()) {
    if (args["name"].empty()) {
      errors->push_back({"name", "argument 'name' is empty: give the packages to manage"});
    }
    for (const Value& v : args["name"]) {
      if (!v.is_string() || IsPendingTemplate(v)) continue;
      const std::string name = v.get<std::string>();
      const bool blank = std::any_of(name.begin(), name.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) ||
               std::iscntrl(static_cast<unsigned char>(c));
      });
      if (name.empty() || name[0] == '-' || blank) {
        errors->push_back({"name", fmt::format("{} is not a package name: a name does not start "
                                               "with '-' and has no spaces (give a list for "
                                               "several packages)",
                                               Quoted(name))});
      }
    }
  }
  for (const char* key : {"cache_valid_time", "lock_timeout"}) {
    if (args.contains(key) && args[key].is_number_integer() && args[key].get<long long>() < 0) {
      errors->push_back(
          {key, fmt::format("argument '{}' is negative: give seconds, 0 or more", key)});
    }
  }
}

std::vector<Read> PackageModule::Probe(const Value& args, const Value& facts) const {
  const std::string backend = PackageBackend(args, facts);
  if (std::find(kBackends.begin(), kBackends.end(), backend) == kBackends.end()) return {};
  std::vector<Read> reads = {InstalledRead(backend, SpecsOf(args, backend))};
  if (backend == "apt" && CacheAge(args)) {
    reads.push_back(Read::Query({"date", "+%s"}));
    reads.push_back(Read::Query({"stat", "-c", "%Y %n", "--", kAptStamp, kAptLists}));
  }
  return reads;
}

Result<Change> PackageModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  const std::string backend = PackageBackend(args, facts);
  if (std::find(kBackends.begin(), kBackends.end(), backend) == kBackends.end()) {
    return Status::Error(fmt::format(
        "package manager '{}' is not supported: set use: to apt, dnf, yum, zypper or apk",
        backend.empty() ? "unknown" : backend));
  }
  if (backend != "apt" && CacheAge(args)) {
    return Status::Error(fmt::format(
        "cache_valid_time works with apt only, and this host uses {}: use update_cache", backend));
  }
  const size_t probed = Probe(args, facts).size();
  if (reads.size() < probed) return Status::Error("internal error: package reads are missing");
  const std::vector<Spec> specs = SpecsOf(args, backend);
  Result<std::map<std::string, std::string>> installed = Installed(backend, specs, reads[0]);
  if (!installed.ok()) return installed.status();
  bool cache_update = args.value("update_cache", false);
  if (backend == "apt" && CacheAge(args)) {
    Result<bool> stale = AptCacheStale(args, reads[1], reads[2]);
    if (!stale.ok()) return stale.status();
    // As Ansible's apt: with cache_valid_time, fresh lists are not refreshed
    // even with update_cache: true (Kubespray sets both).
    cache_update = *stale;
  }
  const std::string state = args.value("state", std::string("present"));

  if (backend != "apt") {
    std::map<std::string, std::string> upgrades;
    if (state == "latest") {
      if (reads.size() == probed) {
        Change more;
        more.more_reads.push_back(UpgradesRead(backend, specs));
        return more;
      }
      Result<std::map<std::string, std::string>> u = Upgrades(backend, reads[probed], *installed);
      if (!u.ok()) return u.status();
      upgrades = *u;
    }
    return FinishPackages(backend, args, LocalPrediction(state, specs, *installed, upgrades),
                          cache_update, specs, *installed);
  }

  // apt: what is to change, then apt-get's own prediction of it.
  std::vector<Spec> todo;
  for (const Spec& s : specs) {
    auto it = installed->find(s.name);
    const bool have = it != installed->end();
    if (state == "absent" ? have
                          : state == "latest" || !have || !VersionMatches(it->second, s.version)) {
      todo.push_back(s);
    }
  }
  Prediction p;
  if (!todo.empty()) {
    const bool removing = state == "absent";
    if (reads.size() == probed) {
      Change more;
      more.more_reads.push_back(
          Read::Query(Concat({"apt-get", "-s", "-q", removing ? "remove" : "install", "--"},
                             removing ? SpecNames(todo) : Given(todo))));
      return more;
    }
    Result<Prediction> sim = FromAptSimulation(reads[probed], todo, removing, cache_update);
    if (!sim.ok()) return sim.status();
    p = *sim;
  }
  return FinishPackages(backend, args, p, cache_update, specs, *installed);
}

Resources PackageModule::Declare(const Value& args) const {
  Resources r;
  if (args.value("state", std::string("present")) == "absent") return r;
  if (!args.contains("name") || !args["name"].is_array()) return r;
  for (const Value& v : args["name"]) {
    if (v.is_string() && !IsPendingTemplate(v))
      r.provides.push_back("pkg:" + PackageNameOf(v.get<std::string>()));
  }
  return r;
}

}  // namespace hostprep::modules
