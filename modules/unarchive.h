// `unarchive` (ansible.builtin.unarchive): extracts a tar archive (plain,
// gzip, bzip2, xz, zstd) or a zip archive from the controller or the
// target into an existing directory, only when the archive
// and the directory differ as Ansible's module judges it (tar --diff; for
// zip, unarchive_zip.h), then sets owner, group and mode on what it holds.
#ifndef HOSTPREP_MODULES_UNARCHIVE_H_
#define HOSTPREP_MODULES_UNARCHIVE_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Python's codecs.escape_decode, as Ansible's module decodes tar's listing
// (tar writes unusual bytes as \ooo): \\, \n, \t, \ooo, \xhh...
std::string EscapeDecode(const std::string& text);

// Python's shlex.quote.
std::string PyShellQuote(const std::string& text);

// All the work happens on the target in modules/scripts/unarchive.sh, whose
// tar commands are the ones Ansible's module runs.
//  - remote_src: the probe runs it read-only (`inspect`): tar --diff with
//    Ansible's reading of its output, and the owner/group/mode that differ.
//    An archive already extracted costs nothing beyond the probe round trip;
//    otherwise the action runs it again to extract (`apply`).
//  - src on the controller: read there, then sent as the action's stdin to
//    `apply`, which decides on the target, as Ansible's module does after its
//    upload; the task reports what it did (Change::reports).
//  - a zip archive with remote_src: the probe prints what the plan needs
//    (zipinfo's listing, CRCs, dest's stats: unarchive_zip.h), the plan
//    decides, and the action (`zip-apply`) runs unzip and sets attributes.
// `creates` (a stat) and a dest that is not a directory end the task in the
// probe. A zip archive on the controller is read there (ReadZipDirectory),
// dest's side in one more read (`zip-stat`), and it is sent to `zip-apply`
// only when it is to be extracted. Check mode skips a tar task as Ansible's
// module does; a zip task is checked.
class UnarchiveModule final : public Module {
 public:
  UnarchiveModule();
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

#endif  // HOSTPREP_MODULES_UNARCHIVE_H_
