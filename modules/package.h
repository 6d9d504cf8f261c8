// `package`: installs, removes or upgrades packages with the host's package
// manager (apt, dnf, yum, zypper, apk).
#ifndef HOSTPREP_MODULES_PACKAGE_H_
#define HOSTPREP_MODULES_PACKAGE_H_

#include <map>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One change to one package, as predicted or as parsed from a simulation.
struct PackageStep {
  enum class Op { kInstall, kRemove, kUpgrade };
  Op op = Op::kInstall;
  std::string name;
  std::string old_version;  // kRemove, kUpgrade
  std::string new_version;  // kInstall, kUpgrade; "" = not known before the run
};

// A step as the message ("jq 1.6-2") or the diff ("+ jq 1.6-2") shows it.
std::string PackageStepText(const PackageStep& step, bool diff);

// The package manager a task runs: its `use`, or with `use: auto` the
// host's pkg_mgr fact ("" when unknown).
std::string PackageBackend(const Value& args, const Value& facts);

// What `apt-get -s` predicts: its Inst/Remv/Purg lines, and its "E:" lines.
struct AptSimulation {
  std::vector<PackageStep> steps;
  std::vector<std::string> errors;  // without the "E: " prefix
};

// The installed packages in `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n'`
// output, name -> version. Only lines whose status ends in "installed" count
// (a removed package with its config files left, "deinstall ok config-files",
// is not installed).
std::map<std::string, std::string> ParseDpkgQuery(const std::string& out);

// Parses `apt-get -s install|remove` output: "Inst NAME [OLD] (NEW ...)" and
// "Remv NAME [OLD]" lines ("Purg" with --purge); "E: ..." lines from either
// stream.
AptSimulation ParseAptSimulation(const std::string& out, const std::string& err);

// The installed packages in `rpm -q --qf '%{NAME}\t%{VERSION}-%{RELEASE}\n'`
// output, name -> version. "package X is not installed" lines are skipped.
std::map<std::string, std::string> ParseRpmQuery(const std::string& out);

// The installed packages in apk's database (/lib/apk/db/installed: records of
// "P:name" and "V:version" lines separated by blank lines), name -> version.
std::map<std::string, std::string> ParseApkDatabase(const std::string& db);

// Upgrades available, name -> new version, from `dnf|yum -q check-update`
// ("name.arch  version  repo" lines), `zypper -q list-updates` (a table
// "v | repo | name | current | available | arch") or `apk version -l '<'`
// ("name-oldversion  < newversion"; `installed` gives the old versions so
// that the name can be told from the version).
std::map<std::string, std::string> ParseDnfCheckUpdate(const std::string& out);
std::map<std::string, std::string> ParseZypperListUpdates(const std::string& out);
std::map<std::string, std::string> ParseApkVersion(
    const std::string& out, const std::map<std::string, std::string>& installed);

// The package name in a name as given, for queries and graph edges:
// "nginx=1.24-1" -> "nginx", "pkg>=2" -> "pkg", "libc6:amd64" -> "libc6".
// dnf/yum's "name-version" is kept whole: a dash cannot be told from the
// name's own dashes (gcc-toolset-12).
std::string PackageNameOf(const std::string& spec);

// Probe: ONE read of the installed state of exactly the named packages
// (dpkg-query, rpm -q, or apk's database), plus the target's clock and the
// apt lists' times when cache_valid_time is given. Plan asks for one more read
// only when something is to change or state is latest: the package manager's
// prediction (apt-get -s install/remove, dnf check-update, ...).
//
// Diff, one line per package, dependencies included where the backend says:
//   + tree 2.1.0-1
//   ~ bash 5.2.15-2 -> 5.2.15-3
//   - nano 7.2-1
class PackageModule final : public Module {
 public:
  PackageModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_PACKAGE_H_
