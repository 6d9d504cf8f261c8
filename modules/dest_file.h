// Where Ansible's copy and template put what they write, and the plan for
// it, shared by both modules (copy.h, template.h). Pure functions,
// thread-safe; no I/O.
//
// As Ansible's copy action places a file: `dest` itself, or DEST/NAME when
// `dest` ends with '/' (its missing directories are created) or is an
// existing directory, NAME being the source's base name (content has
// none: a directory dest is an error). `force: false` leaves an existing
// file alone. A symlink where the file goes is replaced by the file, or with
// `follow: true` written through to what it points to. The result carries the keys roles read after
// `register`: dest, path, checksum (SHA-1), md5sum (when the content is written), size, state,
// mode, owner, group, uid, gid (the last four when known).
#ifndef HOSTPREP_MODULES_DEST_FILE_H_
#define HOSTPREP_MODULES_DEST_FILE_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

struct DestFile {
  std::string dest;         // absolute, as the task gives it (may end with '/')
  std::string source_name;  // the source's base name; "" for content
  bool force = true;
  std::optional<unsigned> mode;      // mode: preserve already resolved
  std::optional<unsigned> dir_mode;  // directory_mode, for directories created
  std::string owner;
  std::string group;
  bool backup = false;
  bool follow = false;  // a symlink at the file: written through, else replaced
  std::vector<std::string> validate_argv;
  std::string checksum;  // the SHA-1 the content must have; "" = any
};

// The arguments copy and template share, with Ansible's names, aliases and
// defaults: dest, force, backup, mode, owner, group, validate, follow,
// unsafe_writes.
std::vector<ArgDef> DestArgs();

// Checks the shared arguments: dest absolute, mode a mode or "preserve",
// validate with %s.
void ValidateDest(const Value& args, std::vector<ArgError>* errors);

// The shared arguments as a DestFile; `source_mode` is the source's mode,
// for mode: preserve (nullopt when not known yet).
DestFile DestFileFrom(const Value& args, std::string source_name,
                      std::optional<unsigned> source_mode);

// What the task touches, for the graph: it needs dest's directory and
// provides the file (when dest names one).
Resources DeclareDest(const Value& args);

// The reads PlanDest needs, put at the end of the module's probe.
std::vector<Read> ProbeDest(const DestFile& dest);

// The plan for `content` at the destination. `reads[first]` onward are
// ProbeDest's answers, then those of any more reads this asked for.
Result<Change> PlanDest(const DestFile& dest, const std::string& content,
                        const std::vector<ReadResult>& reads, size_t first);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_DEST_FILE_H_
