// The pieces of `apt` (modules/apt.h) that speak to the host: the reads of
// the probe, apt-get's command lines as Ansible's apt builds them, and
// AptPlan, which gathers the actions, the predicted steps and the
// registered values of one task.
#ifndef HOSTPREP_MODULES_APT_PLAN_H_
#define HOSTPREP_MODULES_APT_PLAN_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/module/module.h"
#include "modules/package.h"

namespace hostprep::modules {

inline constexpr char kAptSuccessStamp[] = "/var/lib/apt/periodic/update-success-stamp";
inline constexpr char kAptListsDir[] = "/var/lib/apt/lists";

// Debian's version order (deb-version(7), as dpkg --compare-versions):
// epoch, then upstream version and revision compared run by run, '~' before
// everything, even the end. Returns <0, 0 or >0.
int CompareDebianVersions(std::string_view a, std::string_view b);

// The named packages' dpkg states: `dpkg-query -W -f=... -- NAMES`.
Read DpkgQueryRead(const std::vector<std::string>& names);
// Which of the named packages are marked automatically installed.
Read ShowAutoRead(const std::vector<std::string>& names);
// apt's candidate versions of the packages (`apt-cache policy`), with the
// task's default_release.
Read PolicyRead(const std::vector<std::string>& names, const Value& args);
// Every version the lists offer of the packages (`apt-cache madison`).
Read MadisonRead(const std::vector<std::string>& names);
// Name -> candidate from `apt-cache policy` ("NAME:" then "  Candidate: V");
// a package without one ("(none)") is left out.
std::map<std::string, std::string> ParseAptPolicy(const std::string& out);
// Name -> versions from `apt-cache madison` (" NAME | VERSION | SOURCE").
std::map<std::string, std::vector<std::string>> ParseAptMadison(const std::string& out);

// A .deb file's Package and Version, and dpkg's state of that package.
Read DebFieldsRead(const std::string& path);

struct DebFile {
  std::string package;
  std::string version;
  std::string installed_version;  // "" = not installed
};
Result<DebFile> ParseDebFields(const ReadResult& read, const std::string& path);

// `apt-get -s autoclean` says "Del NAME VERSION [SIZE]" for each file it
// would delete.
bool AptCleanWouldDelete(const std::string& simulation_out);

// The apt-get words of an upgrade mode: yes and safe are `upgrade
// --with-new-pkgs`, dist and full `dist-upgrade`; with autoremove,
// `--auto-remove` after them.
std::vector<std::string> AptUpgradeVerb(const std::string& mode, const Value& args);

// `apt-get -q update` as Ansible's apt and apt_repository run it, tried up
// to `retries` times (at least once), waiting 1, 2, 4... seconds, at most
// `max_delay`, between tries.
std::vector<std::string> AptUpdateArgv(int retries, int max_delay);

// One task's plan, in the order Ansible's apt acts: clean, refresh, then
// the one apt-get run, then apt-mark.
class AptPlan {
 public:
  explicit AptPlan(const Value& args) : args_(args) {}

  void Clean();
  // The lists' age against cache_valid_time: refreshes when they are older
  // (update_cache with the retries asked for).
  void Refresh(long long now, long long lists_time);
  bool refreshing() const { return refresh_; }
  // The change asking for apt-get's simulation of `verb` with `words`.
  Change AskToSimulate(const std::vector<std::string>& verb,
                       const std::vector<std::string>& words) const;
  // apt-get `verb` `words` for real, predicted to do `steps`.
  void Run(const std::vector<std::string>& verb, const std::vector<std::string>& words,
           const std::vector<PackageStep>& steps, bool changed);
  // apt-mark manual for installed packages marked automatic.
  void MarkManual(const std::vector<std::string>& names);
  // The dependencies a .deb brought in (Ansible installs them by name, which
  // marks them manual).
  void MarkDependencies(const std::vector<PackageStep>& steps, const std::string& package);
  void SetChanged() { changed_ = true; }
  Change Finish() const;

 private:
  // apt-get with the task's options, `verb` and `words`; `simulate` for -s.
  std::vector<std::string> AptGet(const std::vector<std::string>& verb,
                                  const std::vector<std::string>& words, bool simulate) const;

  Value args_;
  std::vector<Action> actions_;
  std::vector<PackageStep> steps_;
  bool changed_ = false;
  bool refresh_ = false;
  long long cache_time_ = 0;
  bool latest_unknown_ = false;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_APT_PLAN_H_
