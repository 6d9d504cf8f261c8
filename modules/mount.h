// `mount` (ansible.posix.mount): mount points, active and in the fstab, as
// Ansible's module keeps them on Linux: states mounted, unmounted, present,
// absent, absent_from_fstab, remounted and ephemeral.
#ifndef HOSTPREP_MODULES_MOUNT_H_
#define HOSTPREP_MODULES_MOUNT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/module.h"

namespace hostprep::modules {

// What Ansible's module works with once it has resolved its arguments (its
// `args` dict on Linux): the defaults filled in, opts with "noauto" added
// for boot: false, and the warnings that resolution gives.
struct MountArgs {
  std::string state;
  std::string name;  // path
  std::optional<std::string> src;
  std::optional<std::string> fstype;
  std::string opts = "defaults";
  std::string dump = "0";
  std::string passno = "0";
  std::string fstab = "/etc/fstab";
  std::string boot = "yes";
  bool backup = false;
  std::vector<std::string> warnings;
};
MountArgs ResolveMountArgs(const Value& args);

// An fstab edit: the content after it and whether anything changed, and
// for set: the content Ansible's module puts back when the mount fails
// (every line ending in "\n").
struct FstabEdit {
  std::string after;
  std::string restore;
  bool changed = false;
};

// Ansible's set_mount: the line whose mount point is `a.name` (escaped)
// gets a's src, fstype, opts, dump and passno, or such a line is appended.
// Lines of 4 to 6 fields are entries; every other line is kept as it is.
FstabEdit SetMountLine(const std::string& fstab, const MountArgs& a);

// Ansible's unset_mount: the 6-field lines whose mount point is `a.name`
// are removed (a swap line with mount point "none" only when its src is
// a.src, when src is given).
FstabEdit UnsetMountLine(const std::string& fstab, const MountArgs& a);

// One mount of /proc/self/mountinfo as Ansible's get_linux_mounts reads it
// (`src` of a mount below another is the path its root stands for), its
// octal escapes decoded.
struct LinuxMount {
  std::string dst;
  std::string src;
  std::string opts;
  std::string fs;
  std::string source;  // the source field (what `mount -v` shows)
};
// By mount point, the last mount of a mount point winning. An error for a
// line it cannot read.
Result<std::map<std::string, LinuxMount>> ParseLinuxMounts(const std::string& mountinfo);

// Reads the fstab, /proc/self/mountinfo (for the states that look at what
// is mounted) and scripts/mount_path.sh's answer for the path, in the probe
// round trip; writes the fstab atomically (kWriteFile) and runs
// scripts/mount_apply.sh for mount, umount, rmdir. Stateless, thread-safe.
class MountModule final : public Module {
 public:
  MountModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Result<Change> Report(const Value& args, const ExecResult& output) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_MOUNT_H_
