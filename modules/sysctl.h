// `sysctl`: kernel parameters, live and persisted in a sysctl.d file.
#ifndef HOSTPREP_MODULES_SYSCTL_H_
#define HOSTPREP_MODULES_SYSCTL_H_

#include <map>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/module.h"

namespace hostprep::modules {

// The /proc/sys path of a sysctl key relative to /proc/sys, as sysctl(8)
// maps it: with '.' as the separator ("net.ipv4.conf.eth0/100.rp_filter")
// dots become slashes and slashes dots; a key whose first separator is '/'
// is already a path.
std::string SysctlProcPath(const std::string& key);

// Why `key` cannot be a sysctl key (empty, spaces, '=', "..", a leading
// '.', '/' or '-'); "" when it can.
std::string SysctlKeyProblem(const std::string& key);

// The kernel module a key exists only with (br_netfilter for net.bridge.*),
// for the graph edge to the task that loads it; "" for other keys.
std::string SysctlKeyModule(const std::string& key);

// One query reading the live values of `keys` (modules/scripts/sysctl_read.sh).
Read SysctlLiveRead(const std::vector<std::string>& keys);

// A key's live state in that query's answer.
struct SysctlLive {
  std::string state;  // value, missing (the kernel does not know it), unreadable
  std::string value;  // for "value": each line of it followed by a space
};

// The answer to SysctlLiveRead, by /proc/sys path (SysctlProcPath); an error
// when the query failed.
Result<std::map<std::string, SysctlLive>> ParseSysctlLive(const ReadResult& read);

// A value as the kernel prints it, for comparison: whitespace-separated
// fields joined by one space; yes/true/on -> "1", no/false/off -> "0".
std::string SysctlCompareForm(const std::string& value);

// Sets keys at runtime (`sysctl -w`, only the keys whose live value
// differs) and keeps them in `file` (only the lines of differing keys are
// touched). Reads the file, its lstat and, in one query, the live values of
// exactly the task's keys. A symlinked file is resolved (`readlink -f`, one
// more read) and its target edited, the link kept, as Kubespray's
// lnk_source. Stateless and thread-safe.
class SysctlModule final : public Module {
 public:
  SysctlModule();
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

#endif  // HOSTPREP_MODULES_SYSCTL_H_
