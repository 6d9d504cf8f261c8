#include "engine/run/magic_variables.h"

#include "engine/template/templar.h"

namespace hostprep {
namespace {

// The Ansible release whose semantics hostprep follows (README, "Coming
// from Ansible"): what `ansible_version` says, so that roles that check it
// (`ansible_version.full is version('2.10', '>=')`) take their modern path.
constexpr struct {
  const char* string;
  int major, minor, revision;
} kAnsibleVersion = {"2.14.0", 2, 14, 0};

Value Names(const std::vector<std::string>& names) {
  Value out = Value::array();
  for (const std::string& n : names) out.push_back(n);
  return out;
}

}  // namespace

Value PlayMagicVariables(const Play& play, const RunOptions& options) {
  Value out = Value::object();
  out["playbook_dir"] = play.AbsoluteDir();
  out["omit"] = OmitToken();
  out["ansible_check_mode"] = options.check;
  out["ansible_diff_mode"] = options.diff;
  // What Ansible gives every task of the command line (its options vars):
  // the tags asked for (`all` when none), those skipped, the --limit when
  // there is one.
  out["ansible_run_tags"] =
      Names(options.tags.empty() ? std::vector<std::string>{"all"} : options.tags);
  out["ansible_skip_tags"] = Names(options.skip_tags);
  if (!options.limit.empty()) out["ansible_limit"] = options.limit;
  out["ansible_version"] = Value::object({{"string", kAnsibleVersion.string},
                                          {"full", kAnsibleVersion.string},
                                          {"major", kAnsibleVersion.major},
                                          {"minor", kAnsibleVersion.minor},
                                          {"revision", kAnsibleVersion.revision}});
  return out;
}

}  // namespace hostprep
