// `kernel_module`: loads or unloads kernel modules, optionally at boot too.
#ifndef HOSTPREP_MODULES_KERNEL_MODULE_H_
#define HOSTPREP_MODULES_KERNEL_MODULE_H_

#include <set>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/module.h"

namespace hostprep::modules {

// The running kernel's modules.builtin, from facts["kernel"]; "" unknown.
std::string ModulesBuiltinPath(const Value& facts);

// Why `name` cannot name a kernel module (letters, digits, '_' and '-', not
// starting with '-'); "" when it can.
std::string KernelModuleNameProblem(const std::string& name);

// What a task that loads kernel module `name` provides to the graph:
// "kmod:NAME", and the canonical name when it differs.
void ProvideKernelModule(const std::string& name, Resources* r);

// A module name as the kernel lists it: '-' becomes '_'.
std::string KernelModuleCanonicalName(const std::string& name);

// Canonical names of the modules in /proc/modules (first field per line).
std::set<std::string> ParseProcModules(const std::string& content);

// Canonical names of the modules in modules.builtin
// ("kernel/net/bridge/br_netfilter.ko" -> "br_netfilter").
std::set<std::string> ParseModulesBuiltin(const std::string& content);

// state: present loads each module that is neither in /proc/modules nor
// built in (`modprobe NAME PARAMS...`); absent unloads loaded ones
// (`modprobe -r NAME`). With persist it keeps /etc/modules-load.d/NAME.conf
// and, with params, /etc/modprobe.d/NAME.conf. Reads /proc/modules, the
// running kernel's modules.builtin (release from facts["kernel"]) and the
// persistence files. Stateless and thread-safe.
class KernelModuleModule final : public Module {
 public:
  KernelModuleModule();
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

#endif  // HOSTPREP_MODULES_KERNEL_MODULE_H_
