// `apt` (ansible.builtin.apt): Ansible's apt module on Debian and Ubuntu
// hosts, without Python: packages present, latest or absent (purged),
// the package lists refreshed when older than cache_valid_time, upgrades,
// autoremove, autoclean and clean, a .deb file installed, with Ansible's
// arguments, changed flags and registered values.
#ifndef HOSTPREP_MODULES_APT_H_
#define HOSTPREP_MODULES_APT_H_

#include <map>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// A package as Ansible's apt splits it: "nginx=1.24*" is nginx, "=",
// "1.24*"; "tzdata>=2024" is tzdata, ">=", "2024"; "libc6:amd64" keeps its
// architecture in the name.
struct AptPackage {
  std::string given;
  std::string name;
  std::string op;       // "", "=" or ">="
  std::string version;  // as given: "=" takes fnmatch patterns
};
AptPackage SplitAptPackage(const std::string& given);

// What dpkg knows of a package: its version, and whether it is installed
// or only its configuration files are left ("deinstall ok config-files").
struct DpkgState {
  std::string version;
  bool installed = false;
  bool config_files = false;
};

// `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n'` output, by name.
std::map<std::string, DpkgState> ParseDpkgStates(const std::string& out);

// Probe: ONE batch of reads in the probe round trip: the named packages'
// dpkg states, which of them are marked automatically installed (apt-mark
// showauto), the target's clock and the package lists' time (with
// update_cache or cache_valid_time), and a .deb file's fields (deb). Plan
// asks for apt-get's own simulation only when something is to change (an
// install, a removal, an upgrade, autoremove or autoclean): an unchanged
// re-run reads nothing more. Diff, one line per package, as `package`'s:
//   + jq 1.6-2.1
//   ~ hello 2.10-2 -> 2.10-3
//   - nano 7.2-1
class AptModule final : public Module {
 public:
  AptModule();
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

#endif  // HOSTPREP_MODULES_APT_H_
