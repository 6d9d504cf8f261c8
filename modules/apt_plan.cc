#include "modules/apt_plan.h"

#include <fmt/format.h>

#include <cctype>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

// What Ansible's apt sets for every apt-get it runs.
const std::vector<std::string> kEnv = {"env", "DEBIAN_FRONTEND=noninteractive",
                                       "DEBIAN_PRIORITY=critical", "LC_ALL=C.UTF-8"};

// Runs "$@" with /usr/sbin/policy-rc.d exiting with $1, then puts the file
// back as it was (moved aside and back, or removed), whatever "$@" did.
constexpr char kPolicyRcD[] =
    "code=$1; shift; keep=\n"
    "if [ -e /usr/sbin/policy-rc.d ]; then\n"
    "  keep=$(mktemp -d) && mv /usr/sbin/policy-rc.d \"$keep\"/ || exit 1\n"
    "fi\n"
    "printf '#!/bin/sh\\nexit %d\\n' \"$code\" >/usr/sbin/policy-rc.d &&\n"
    "  chmod 0755 /usr/sbin/policy-rc.d || exit 1\n"
    "\"$@\"; rc=$?\n"
    "if [ -n \"$keep\" ]; then mv \"$keep\"/policy-rc.d /usr/sbin/policy-rc.d && rmdir \"$keep\"\n"
    "else rm -f /usr/sbin/policy-rc.d; fi\n"
    "exit $rc\n";

// Runs "$@" up to $1 times, waiting 1, 2, 4... seconds (at most $2) between.
constexpr char kRetry[] =
    "tries=$1; most=$2; shift 2; n=1; wait=1\n"
    "while :; do\n"
    "  \"$@\" && exit 0\n"
    "  rc=$?; [ \"$n\" -ge \"$tries\" ] && exit $rc\n"
    "  [ \"$wait\" -gt \"$most\" ] && wait=$most\n"
    "  sleep \"$wait\"; n=$((n + 1)); wait=$((wait * 2))\n"
    "done\n";

// Reads a .deb's package and version, then dpkg's state of that package.
constexpr char kDebFields[] =
    "p=$(dpkg-deb -f \"$1\" Package) && v=$(dpkg-deb -f \"$1\" Version) || exit 2\n"
    "printf '%s\\n%s\\n' \"$p\" \"$v\"\n"
    "dpkg-query -W -f='${Status}\\t${Version}\\n' -- \"$p\" 2>/dev/null\n"
    "exit 0\n";

// A character's rank in Debian's order of the non-digit runs: '~' before
// the end of a run, the end before letters, letters before the others.
int Order(char c) {
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  if (c == '~') return -1;
  if (c == '\0') return 0;
  return c + 256;
}

int ComparePart(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ||
           (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])))) {
      const int ac = i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i])) ? Order(a[i])
                                                                                     : Order('\0');
      const int bc = j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])) ? Order(b[j])
                                                                                     : Order('\0');
      if (ac != bc) return ac - bc;
      if (i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ++i;
      if (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j]))) ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i])) && j < b.size() &&
           std::isdigit(static_cast<unsigned char>(b[j]))) {
      if (first_diff == 0) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) return 1;
    if (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

struct DebianVersion {
  long long epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

DebianVersion SplitVersion(std::string_view v) {
  DebianVersion d;
  const size_t colon = v.find(':');
  if (colon != std::string_view::npos) {
    d.epoch = std::atoll(std::string(v.substr(0, colon)).c_str());
    v = v.substr(colon + 1);
  }
  const size_t dash = v.rfind('-');
  d.upstream = dash == std::string_view::npos ? v : v.substr(0, dash);
  d.revision = dash == std::string_view::npos ? std::string_view() : v.substr(dash + 1);
  return d;
}

}  // namespace

int CompareDebianVersions(std::string_view a, std::string_view b) {
  const DebianVersion x = SplitVersion(a), y = SplitVersion(b);
  if (x.epoch != y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const int upstream = ComparePart(x.upstream, y.upstream);
  if (upstream != 0) return upstream;
  return ComparePart(x.revision, y.revision);
}

Read DpkgQueryRead(const std::vector<std::string>& names) {
  return Read::Query(
      Concat({"dpkg-query", "-W", "-f=${Package}\\t${Status}\\t${Version}\\n", "--"}, names));
}

Read ShowAutoRead(const std::vector<std::string>& names) {
  return Read::Query(Concat({"apt-mark", "showauto", "--"}, names));
}

Read PolicyRead(const std::vector<std::string>& names, const Value& args) {
  std::vector<std::string> argv = Concat(kEnv, {"apt-cache"});
  if (args.contains("default_release") && args["default_release"].is_string())
    argv =
        Concat(argv, {"-o", "APT::Default-Release=" + args["default_release"].get<std::string>()});
  return Read::Query(Concat(Concat(argv, {"policy", "--"}), names));
}

Read MadisonRead(const std::vector<std::string>& names) {
  return Read::Query(Concat(Concat(kEnv, {"apt-cache", "madison", "--"}), names));
}

std::map<std::string, std::string> ParseAptPolicy(const std::string& out) {
  std::map<std::string, std::string> candidates;
  std::string name;
  for (const std::string& line : Split(out, '\n')) {
    if (!line.empty() && line[0] != ' ' && EndsWith(line, ":")) {
      name = line.substr(0, line.size() - 1);
      continue;
    }
    const std::string text = Trim(line);
    if (name.empty() || !StartsWith(text, "Candidate:")) continue;
    const std::string version = Trim(text.substr(std::string("Candidate:").size()));
    if (!version.empty() && version != "(none)") candidates[name] = version;
    name.clear();
  }
  return candidates;
}

std::map<std::string, std::vector<std::string>> ParseAptMadison(const std::string& out) {
  std::map<std::string, std::vector<std::string>> versions;
  for (const std::string& line : Split(out, '\n')) {
    const std::vector<std::string> f = Split(line, '|');
    if (f.size() < 3 || Trim(f[0]).empty() || Trim(f[1]).empty()) continue;
    versions[Trim(f[0])].push_back(Trim(f[1]));
  }
  return versions;
}

Read DebFieldsRead(const std::string& path) {
  return Read::Query({"sh", "-c", kDebFields, "sh", path});
}

Result<DebFile> ParseDebFields(const ReadResult& read, const std::string& path) {
  if (!read.status.ok()) return read.status;
  if (read.exec.exit_code != 0) {
    return Status::Error(
        fmt::format("Unable to install package: {} is not a .deb file dpkg-deb "
                    "can read: {}",
                    Quoted(path), Trim(read.exec.stderr_data)));
  }
  const std::vector<std::string> lines = Split(read.exec.stdout_data, '\n');
  if (lines.size() < 2 || Trim(lines[0]).empty()) {
    return Status::Error(fmt::format("Unable to install package: {} names no package", path));
  }
  DebFile deb{Trim(lines[0]), Trim(lines[1]), ""};
  if (lines.size() > 2) {
    const std::vector<std::string> f = Split(lines[2], '\t');
    if (f.size() == 2 && EndsWith(Trim(f[0]), " installed")) deb.installed_version = Trim(f[1]);
  }
  return deb;
}

bool AptCleanWouldDelete(const std::string& simulation_out) {
  for (const std::string& line : Split(simulation_out, '\n')) {
    if (StartsWith(line, "Del ")) return true;
  }
  return false;
}

std::vector<std::string> AptUpgradeVerb(const std::string& mode, const Value& args) {
  std::vector<std::string> verb;
  if (mode == "dist" || mode == "full") {
    verb = {"dist-upgrade"};
  } else {
    verb = {"upgrade", "--with-new-pkgs"};
  }
  if (args.value("autoremove", false)) verb.push_back("--auto-remove");
  return verb;
}

std::vector<std::string> AptPlan::AptGet(const std::vector<std::string>& verb,
                                         const std::vector<std::string>& words,
                                         bool simulate) const {
  std::vector<std::string> argv = Concat(kEnv, {"apt-get", simulate ? "-s" : "-y", "-q"});
  const std::string options = args_.value("dpkg_options", std::string());
  for (const std::string& option : Split(options, ',')) {
    if (!option.empty()) argv = Concat(argv, {"-o", "Dpkg::Options::=--" + option});
  }
  argv = Concat(argv,
                {"-o", "DPkg::Lock::Timeout=" + std::to_string(args_.value("lock_timeout", 60))});
  const std::string& op = verb[0];
  const std::string state = args_.value("state", std::string("present"));
  const bool installs = op == "install" || op == "build-dep";
  if (installs && args_.value("only_upgrade", false)) argv.push_back("--only-upgrade");
  if (installs && state == "fixed") argv.push_back("--fix-broken");
  if (args_.value("force", false)) argv.push_back("--force-yes");
  if ((op == "remove" || op == "autoremove" || op == "autoclean") && args_.value("purge", false))
    argv.push_back("--purge");
  if ((op == "install" || op == "remove") && args_.value("autoremove", false))
    argv.push_back("--auto-remove");
  if (op != "remove" && op != "autoremove" && op != "autoclean" &&
      args_.value("fail_on_autoremove", false))
    argv.push_back("--no-remove");
  if (op != "remove" && op != "autoremove" && op != "autoclean") {
    if (args_.contains("default_release") && args_["default_release"].is_string())
      argv = Concat(argv, {"-t", args_["default_release"].get<std::string>()});
    if (installs && args_.contains("install_recommends") &&
        args_["install_recommends"].is_boolean()) {
      argv = Concat(argv, {"-o", std::string("APT::Install-Recommends=") +
                                     (args_["install_recommends"].get<bool>() ? "yes" : "no")});
    }
    if (args_.value("allow_unauthenticated", false)) argv.push_back("--allow-unauthenticated");
    if (args_.value("allow_downgrade", false)) argv.push_back("--allow-downgrades");
    if (installs && args_.value("allow_change_held_packages", false))
      argv.push_back("--allow-change-held-packages");
  }
  argv = Concat(argv, verb);
  if (!words.empty()) argv = Concat(Concat(argv, {"--"}), words);
  return argv;
}

std::vector<std::string> AptUpdateArgv(int retries, int max_delay) {
  const std::vector<std::string> retry = {"sh",
                                          "-c",
                                          kRetry,
                                          "sh",
                                          std::to_string(std::max(1, retries)),
                                          std::to_string(std::max(0, max_delay))};
  return Concat(retry, Concat(kEnv, {"apt-get", "-q", "update"}));
}

void AptPlan::Clean() { actions_.push_back(ExecAction(Concat(kEnv, {"apt-get", "clean"}))); }

void AptPlan::Refresh(long long now, long long lists_time) {
  cache_time_ = lists_time;
  // Ansible's rule: refresh unless the lists' time plus cache_valid_time
  // is still ahead of now. Ansible compares to the microsecond, so lists
  // written in the same second as now are older with no cache_valid_time:
  // update_cache alone always refreshes.
  const long long valid = args_.value("cache_valid_time", 0LL);
  if (valid > 0 && lists_time + valid >= now) return;
  refresh_ = true;
  cache_time_ = now;
  actions_.push_back(ExecAction(AptUpdateArgv(args_.value("update_cache_retries", 5),
                                              args_.value("update_cache_retry_max_delay", 12))));
}

Change AptPlan::AskToSimulate(const std::vector<std::string>& verb,
                              const std::vector<std::string>& words) const {
  Change more;
  more.more_reads.push_back(Read::Query(AptGet(verb, words, true)));
  return more;
}

void AptPlan::Run(const std::vector<std::string>& verb, const std::vector<std::string>& words,
                  const std::vector<PackageStep>& steps, bool changed) {
  if (!changed) return;
  std::vector<std::string> argv = AptGet(verb, words, false);
  if (args_.contains("policy_rc_d") && args_["policy_rc_d"].is_number_integer()) {
    argv = Concat({"sh", "-c", kPolicyRcD, "sh", std::to_string(args_["policy_rc_d"].get<int>())},
                  argv);
  }
  actions_.push_back(ExecAction(std::move(argv)));
  steps_.insert(steps_.end(), steps.begin(), steps.end());
  changed_ = true;
  latest_unknown_ = steps.empty() && refresh_;
}

void AptPlan::MarkManual(const std::vector<std::string>& names) {
  if (names.empty()) return;
  actions_.push_back(ExecAction(Concat({"apt-mark", "manual", "--"}, names)));
}

void AptPlan::MarkDependencies(const std::vector<PackageStep>& steps, const std::string& package) {
  std::vector<std::string> deps;
  for (const PackageStep& s : steps) {
    if (s.op == PackageStep::Op::kInstall && s.name != package) deps.push_back(s.name);
  }
  MarkManual(deps);
}

Change AptPlan::Finish() const {
  Change change;
  change.changed = changed_;
  change.actions = actions_;
  change.command_output = false;
  std::vector<std::string> parts;
  auto part = [&](PackageStep::Op op, const char* verb) {
    std::vector<std::string> items;
    for (const PackageStep& s : steps_) {
      if (s.op == op) items.push_back(PackageStepText(s, false));
    }
    if (!items.empty()) parts.push_back(fmt::format("{} {}", verb, fmt::join(items, ", ")));
  };
  part(PackageStep::Op::kInstall, "install");
  part(PackageStep::Op::kUpgrade, "upgrade");
  part(PackageStep::Op::kRemove, "remove");
  for (const PackageStep& s : steps_) change.diff += PackageStepText(s, true) + "\n";
  if (latest_unknown_) {
    parts.push_back("upgrade to the newest versions");
    change.diff += "~ the newest versions after the package lists are refreshed\n";
  }
  const std::string lists = refresh_ ? "refresh the package lists" : "";
  if (!parts.empty()) {
    change.message =
        fmt::format("would {}{}", lists.empty() ? "" : lists + ", then ", fmt::join(parts, "; "));
  } else if (refresh_) {
    change.message = "would " + lists;
  }
  change.result["cache_updated"] = refresh_;
  change.result["cache_update_time"] = cache_time_;
  return change;
}

}  // namespace hostprep::modules
