// `blockinfile` (ansible.builtin.blockinfile): a block of lines between
// marker lines made present or absent, as Ansible's module decides it.
#ifndef HOSTPREP_MODULES_BLOCKINFILE_H_
#define HOSTPREP_MODULES_BLOCKINFILE_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Ansible's rules: the block between the marker lines ("# BEGIN ANSIBLE
// MANAGED BLOCK" / "# END ..." by default) is replaced by `block`; without
// both markers, it goes after the last line matching `insertafter` (EOF by
// default) or before the last matching `insertbefore` (BOF). An empty block
// or state absent removes it. The file is read with the probe and written
// through file's atomic writer. A block holding one of its own marker
// lines is refused: the next run could not find where it ends.
class BlockInFileModule final : public Module {
 public:
  BlockInFileModule();
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

// The edit on the file's text (nullopt: the file does not exist): the new
// text and Ansible's message ("Block inserted", "Block removed", "File
// created", "").
struct BlockEdit {
  std::string text;
  std::string msg;
};
Result<BlockEdit> EditBlock(const Value& args, const std::optional<std::string>& text);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_BLOCKINFILE_H_
