// The plan around an in-place edit of a text file, shared by lineinfile,
// blockinfile and replace: the probe reads, a symlink followed, the file missing
// (create, or nothing to do for state absent), the edit itself, and the
// write with Ansible's message. Pure functions, thread-safe; no I/O.
#ifndef HOSTPREP_MODULES_TEXT_EDIT_H_
#define HOSTPREP_MODULES_TEXT_EDIT_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// What an edit made of the file's text, with Ansible's message for it.
// `settled`: the edit decided that nothing is to be done, attributes
// included (replace's after/before that match nothing); msg is registered.
struct TextEdit {
  std::string text;
  std::string msg;
  bool settled = false;
};

// What a missing file means to the module.
struct MissingFile {
  std::string absent_msg;   // registered, nothing done, for state: absent
  bool must_exist = false;  // an error whatever `create` says (replace)
};

// Gets the file's text (nullopt: it does not exist and create is set).
using EditFn = std::function<Result<TextEdit>(const std::optional<std::string>&)>;

// The file's stat and content and its directory's stat.
std::vector<Read> ProbeTextEdit(const std::string& path);

// The plan for `args` (path, state, create, backup, validate, mode, owner,
// group) with `edit`: a directory at path is an error; a missing file is
// as `missing` says, else an error without create, else made with its
// directory; the result's msg is the edit's, with Ansible's words for an
// attribute change.
Result<Change> PlanTextEdit(const Value& args, const std::vector<ReadResult>& reads,
                            const MissingFile& missing, const EditFn& edit);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_TEXT_EDIT_H_
