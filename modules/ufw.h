// `ufw` (community.general.ufw): ufw's state, default policies, logging and
// rules, set by running the ufw program as Ansible's module runs it. The
// rules are ufw's business: whether a rule would change anything is asked of
// ufw itself (`ufw --dry-run RULE` in the probe round trip prints the rules
// files as ufw would write them), and compared with the "### tuple" lines of
// its user rules files, as Ansible's module compares them before and after.
#ifndef HOSTPREP_MODULES_UFW_H_
#define HOSTPREP_MODULES_UFW_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One word of a ufw command line as Ansible's module writes it: `shown` in
// its `commands` ("app 'OpenSSH'"), `argv` as ufw receives it after the
// module's shlex split (app, OpenSSH).
struct UfwWord {
  std::string shown;
  std::vector<std::string> argv;
};

// The words of the rule command after `ufw [--dry-run]` for the task's
// arguments, in Ansible's order: [route] [delete | insert N] ACTION
// [DIRECTION] [on IF] [in on IF] [out on IF] [log] from X [port P] to Y
// [port P] [proto P] [app NAME] [comment TEXT]. `insert` is the position
// already made absolute; the comment only when `with_comment`.
std::vector<UfwWord> UfwRuleWords(const Value& args, std::optional<long long> insert,
                                  bool with_comment);

// Ansible's reading of `ufw --version`'s first line (its regular expression,
// greedy as it is: "ufw 0.36.2" gives 6.2): {major, minor}, or nullopt when
// it finds no version.
std::optional<std::pair<int, int>> UfwVersion(const std::string& out);

// The absolute insert position Ansible's module computes for
// insert_relative_to from `ufw status numbered`; nullopt when it is past the
// last rule (ufw then appends).
std::optional<long long> UfwRelativeInsert(long long insert, const std::string& relative_to,
                                           const std::string& numbered);

// KEY=VALUE lines of ufw's config files as ufw reads them: keys lower-case,
// values lower-case without their quotes.
std::map<std::string, std::string> UfwConfig(const std::optional<std::string>& text);

// Runs ufw's queries in the probe round trip (scripts/ufw.sh): the paths of
// ufw and grep, `ufw status verbose`, the tuple lines of the user rules
// files, ufw.conf and /etc/default/ufw, and for a rule `ufw --version` and
// `ufw --dry-run RULE`. Acts only when the host would change (or ufw's
// config differs where its status does not show it); its last step reads
// the state again (scripts/ufw_report.sh), and Report says changed when it
// differs from the probed one, as Ansible's module decides.
class UfwModule final : public Module {
 public:
  UfwModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Result<Change> Report(const Value& args, const ExecResult& output) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_UFW_H_
