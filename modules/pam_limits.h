// `pam_limits` (community.general.pam_limits): one limit of
// /etc/security/limits.conf (or `dest`) set as Ansible's module sets it.
#ifndef HOSTPREP_MODULES_PAM_LIMITS_H_
#define HOSTPREP_MODULES_PAM_LIMITS_H_

#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// Reads the file in the probe round trip (text_edit) and edits it as the
// module's main() does, line for line: the first line of the domain,
// type and item gets the value (use_max/use_min keep the larger/smaller,
// 'unlimited', 'infinity' and -1 meaning none), else a line is appended;
// comments carried as Ansible carries them. Written atomically.
class PamLimitsModule final : public Module {
 public:
  PamLimitsModule();
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

// The request of one task.
struct PamLimit {
  std::string domain, type, item, value, comment;
  bool use_max = false;
  bool use_min = false;
};

// What the module makes of `text` (the file as read): the new text, whether
// it changed, and its msg (the limit's line); an error for a line of the
// file whose value is invalid, with Ansible's message.
struct PamLimitsEdit {
  std::string text;
  bool changed = false;
  std::string msg;
};
Result<PamLimitsEdit> EditPamLimits(const PamLimit& limit, const std::string& text,
                                    const std::string& dest);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_PAM_LIMITS_H_
