// `apt_repository` (ansible.builtin.apt_repository): one one-line apt
// source ("deb [signed-by=...] URI SUITE COMPONENTS") added to or taken out
// of the host's sources as Ansible's module does it: the line normalised,
// looked for in /etc/apt/sources.list and sources.list.d/*.list, appended to
// a file named after it (or `filename`), the package lists refreshed when
// something changed.
#ifndef HOSTPREP_MODULES_APT_REPOSITORY_H_
#define HOSTPREP_MODULES_APT_REPOSITORY_H_

#include <map>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One line of a sources file as Ansible's module parses it: a line starting
// with '#' is disabled, a '#' after the first byte starts a comment, and a
// source is valid when its first word is deb or deb-src (its words then
// joined by single blanks).
struct AptSourceLine {
  bool valid = false;
  bool enabled = true;
  std::string source;
  std::string comment;
};
AptSourceLine ParseAptSourceLine(const std::string& line);

// The file Ansible's module writes a new source to: `filename` (when not
// empty) or the source's first URI without scheme and credentials, its
// runs of other characters than ASCII letters and digits joined by '_';
// then ".list", in /etc/apt/sources.list.d.
std::string AptSourceFile(const std::string& source, const std::string& filename);

// The sources files by path as Ansible's module writes them back: each
// line rebuilt from its parse ("# " before a disabled one, " # " before a
// comment). A file with no lines is left out.
using AptSources = std::map<std::string, std::vector<AptSourceLine>>;
std::map<std::string, std::string> DumpAptSources(const AptSources& sources);

// One read in the probe round trip: the sources files (a script). Writes
// only the files whose text changes, removes a file left without lines, and
// refreshes the lists after a change (update_cache), putting the sources
// back when that fails. Registers Ansible's `repo` and `state`.
class AptRepositoryModule final : public Module {
 public:
  AptRepositoryModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_APT_REPOSITORY_H_
