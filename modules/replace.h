// `replace` (ansible.builtin.replace): every match of a pattern in a file
// replaced, as Ansible's replace module does it.
#ifndef HOSTPREP_MODULES_REPLACE_H_
#define HOSTPREP_MODULES_REPLACE_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Python's re.subn(regexp, replace, text) with re.MULTILINE over the whole
// file, or over the part between `after` and `before` (found with
// re.DOTALL; when they match nothing the file is left alone and said so).
// The file is read with the probe and written through file's atomic writer
// (validate, backup, mode/owner/group), through a symlink to its target.
class ReplaceModule final : public Module {
 public:
  ReplaceModule();
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

// The substitution itself on the file's text: the new text, how many
// replacements were made, and Ansible's message for it.
struct Replaced {
  std::string text;
  size_t count = 0;
  std::string msg;
};
Result<Replaced> ReplaceIn(const Value& args, const std::string& text);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_REPLACE_H_
