// `ini_file` (community.general.ini_file): Ansible's module, an option of
// an INI section set, added or removed, a section removed, rule for rule as
// Ansible's module edits the file.
#ifndef HOSTPREP_MODULES_INI_FILE_H_
#define HOSTPREP_MODULES_INI_FILE_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

struct IniRequest {
  std::string section;  // "": the lines before the first section
  std::string option;   // "": the whole section (state absent drops it)
  std::vector<std::string> values;
  bool absent = false;
  bool exclusive = true;
  bool no_extra_spaces = false;
  bool allow_no_value = false;
};

// What Ansible's do_ini makes of the file's text: the new text and its msg
// ("OK", "option added", "option changed", "section and option added",
// "only section added", "section removed"). Pure.
struct IniEdit {
  std::string text;
  std::string msg;
};
IniEdit EditIni(const IniRequest& request, const std::string& text);

// Reads the file (and its directory) in the probe round trip and writes it
// atomically, with mode/owner/group; a missing file is created, with its
// directory, unless `create: false`. Stateless and thread-safe.
class IniFileModule final : public Module {
 public:
  IniFileModule();
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

#endif  // HOSTPREP_MODULES_INI_FILE_H_
