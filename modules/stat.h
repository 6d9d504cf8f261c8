// `stat` (ansible.builtin.stat): what a path is, registered as Ansible's
// stat module registers it. Read-only: it never changes the host.
#ifndef HOSTPREP_MODULES_STAT_H_
#define HOSTPREP_MODULES_STAT_H_

#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One read-only query in the probe round trip (modules/scripts/
// stat_path.sh): the path's lstat (stat with follow), access for the user
// the task runs as, a symlink's target, the file's checksum, its MIME type
// (`file`, when the host has it) and attributes (`lsattr`). Plan turns the
// answer into Ansible's `stat` result: exists, path, mode, isdir, isreg,
// islnk..., uid, gid, pw_name, gr_name, size, times, checksum, lnk_source,
// lnk_target, mimetype, charset, attributes. The task is always ok.
class StatModule final : public Module {
 public:
  StatModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

// The `stat` result from the script's answer for `path` (with mimetype/
// charset and attributes when asked for); an error when the script could
// not stat it (permission denied...).
Result<Value> ParseStatAnswer(const std::string& path, const std::string& answer, bool mime,
                              bool attributes);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_STAT_H_
