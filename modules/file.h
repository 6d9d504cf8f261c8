// `file`: a file, directory, symlink or absence at a path, with its content
// and attributes.
#ifndef HOSTPREP_MODULES_FILE_H_
#define HOSTPREP_MODULES_FILE_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// States:
//   file (default)  with content/src/template: the file holds exactly that
//                   content (written atomically, through a symlink to its
//                   target); without: the path must exist, and only mode,
//                   owner and group are managed.
//   directory       created with missing parents when absent.
//   absent          removed (a directory with everything in it).
//   link            a symlink to `src`; a regular file there is replaced only
//                   with force: true, a directory never.
//   touch           created empty when absent, else its times are updated
//                   (always reported as changed, as in Ansible).
//
// The diff holds the content change and the attribute changes in one block:
//   --- before: /etc/app.conf
//   +++ after: /etc/app.conf
//   @@ -1 +1 @@
//   -port=80
//   +port=8080
//   mode: 0644 -> 0600
//
// A symlink at `path` for state file, directory or touch is followed one
// level (one more read); a link to a link is an error that names it.
// An owner or group given as a number ("4321") is compared with the path's
// numeric uid/gid (`stat -L -c '%u %g'`, read with the probe), since a
// stat names the owner ("hpuser") and the two never compare equal.
class FileModule final : public Module {
 public:
  FileModule();
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

#endif  // HOSTPREP_MODULES_FILE_H_
