// `containerd_config`: containerd's config.toml edited in place (only the keys
// asked for), and one hosts.toml per registry mirror, generated whole.
#ifndef HOSTPREP_MODULES_CONTAINERD_CONFIG_H_
#define HOSTPREP_MODULES_CONTAINERD_CONFIG_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Reads (Probe), in order:
//   stat, content of `path`; stat of its directory;
//   per registry mirror: stat and content of <config_path>/<registry>/hosts.toml,
//   stat of its directory;
//   `containerd --version` when `version` is not given.
// config.toml is parsed with toml++; `settings` and then the named arguments
// are set in it; the file is written only when the parsed documents differ
// (formatting and comments alone never cause a write, but a write drops them).
// A file that does not parse is an error naming file:line:col and is never
// overwritten. The diff shows each file to be written as a unified diff,
// followed by "mode: OLD -> NEW" when the mode changes.
class ContainerdConfigModule final : public Module {
 public:
  ContainerdConfigModule();
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

// The config.toml `version` for the output of `containerd --version`:
// 2 for containerd 1.x, 3 for 2.x. Fails on output it cannot read.
//   "containerd containerd.io 1.7.22 7f7fdf5f..."                      -> 2
//   "containerd github.com/containerd/containerd/v2 v2.0.0 207ad711..." -> 3
Result<int> ConfigVersionForContainerd(const std::string& version_output);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_CONTAINERD_CONFIG_H_
