// `deb822_repository` (ansible.builtin.deb822_repository, Ansible 2.15+):
// one apt source in the deb822 format, /etc/apt/sources.list.d/SLUG.sources,
// written or removed as Ansible's module does it.
#ifndef HOSTPREP_MODULES_DEB822_REPOSITORY_H_
#define HOSTPREP_MODULES_DEB822_REPOSITORY_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The file name part Ansible's module makes of `name`: lower case, runs of
// '_' and white space become '-', then everything but a-z, 0-9 and '-'
// goes ("Docker CE" -> "docker-ce").
std::string Deb822Slug(const std::string& name);

// The .sources text for the task's arguments, as Ansible's module dumps it:
// one "Field: value" line per given argument, in the order of the
// arguments' names, booleans as yes/no, lists joined by blanks, a value of
// several lines (an inline key) as indented continuation lines with "." for
// an empty one. `signed_by` is written as given.
std::string Deb822Text(const Value& args);

// Reads in the probe round trip: the .sources file's status and text, the
// signed_by path's status, and for state absent the key files'. Writes the
// file when its text differs, sets its mode when that differs; for state
// absent removes it and /etc/apt/keyrings/SLUG.asc and SLUG.gpg. Registers
// Ansible's repo, dest and key_filename.
class Deb822RepositoryModule final : public Module {
 public:
  Deb822RepositoryModule();
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

#endif  // HOSTPREP_MODULES_DEB822_REPOSITORY_H_
