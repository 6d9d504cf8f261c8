// `modprobe` (community.general.modprobe): Ansible's module, one kernel
// module per task, loaded or unloaded now and, with `persistent`, kept in
// or taken out of /etc/modules-load.d and /etc/modprobe.d as Ansible's
// module keeps them.
#ifndef HOSTPREP_MODULES_MODPROBE_H_
#define HOSTPREP_MODULES_MODPROBE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"
#include "modules/module_util.h"

namespace hostprep::modules {

// The files of /etc/modules-load.d and /etc/modprobe.d by path, as the
// probe script prints them; an error for output that is not the script's.
using ModprobeConf = FileListing;
Result<ModprobeConf> ParseModprobeConf(const std::string& out);

// What the persistence files become for `persistent` (present or absent)
// under Ansible's rules: path -> new content, only for files that change.
// Pure.
std::map<std::string, std::string> ModprobePersistence(const std::string& name,
                                                       const std::string& params,
                                                       const std::string& persistent,
                                                       const ModprobeConf& conf);

// Whether `name` is loaded as Ansible's module tells: in /proc/modules ('-'
// read as '_'), or a line of modules.builtin ending with /NAME.ko.
bool ModprobeLoaded(const std::string& name, const std::string& proc_modules,
                    const std::optional<std::string>& builtin);

// Reads /proc/modules, modules.builtin and, with `persistent`, every file
// of the two directories, in the probe round trip; before loading a module
// that is not loaded, `modprobe -n` tells whether it can be (one more read,
// so that check mode fails where the run would). Stateless and thread-safe.
class ModprobeModule final : public Module {
 public:
  ModprobeModule();
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

#endif  // HOSTPREP_MODULES_MODPROBE_H_
