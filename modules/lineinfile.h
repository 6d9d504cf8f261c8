// `lineinfile` (ansible.builtin.lineinfile): one line of a text file made
// present or absent, as Ansible's module decides it.
#ifndef HOSTPREP_MODULES_LINEINFILE_H_
#define HOSTPREP_MODULES_LINEINFILE_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Ansible's rules, line by line (the file's lines keep their "\n", so a
// `regexp` ending in `$` matches as in Python):
//   present  the last line matching `regexp` (or holding `search_string`;
//            the first with `firstmatch`) is replaced by `line` (expanded
//            with the match's groups under `backrefs`); with no match, a
//            line equal to `line` means nothing to do; else `line` goes
//            after the last line matching `insertafter` (EOF by default),
//            before the one matching `insertbefore`, or at BOF/EOF. With
//            `backrefs` and no match, nothing changes.
//   absent   every line matching `regexp`, holding `search_string`, or
//            equal to `line` is removed; `found` counts them.
// The file is read with the probe and written through file's atomic writer
// (with `validate`, `backup`, mode/owner/group), so a re-run that changes
// nothing costs no round trip of its own. A `line` holding a line break is
// refused: it would add lines the task does not name.
class LineInFileModule final : public Module {
 public:
  LineInFileModule();
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

// The edit itself, on the file's text: the new text and Ansible's message
// ("line added", "line replaced", "2 line(s) removed", "").
struct LineEdit {
  std::string text;
  std::string msg;
  size_t found = 0;  // state absent: lines removed
};
Result<LineEdit> EditLines(const Value& args, const std::string& text);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_LINEINFILE_H_
