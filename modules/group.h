// `group` (ansible.builtin.group): a group in the host's group database, as
// Ansible's module keeps it with groupadd, groupmod and groupdel.
#ifndef HOSTPREP_MODULES_GROUP_H_
#define HOSTPREP_MODULES_GROUP_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One read in the probe round trip: `getent group NAME`. Plan builds the
// groupadd / groupmod / groupdel argv Ansible's module builds (values as
// argv words, never shell code) and registers name, state, gid and system
// as Ansible does.
class GroupModule final : public Module {
 public:
  GroupModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  // Provides "group:NAME" when present: a user task naming the group comes
  // after it in a graph-ordered play.
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

// One entry of the group database.
struct GroupEntry {
  std::string name;
  long long gid = 0;
  std::vector<std::string> members;
};

// Parses `getent group` lines ("NAME:x:GID:a,b"); a line that is not an
// entry is an error naming it.
Result<std::vector<GroupEntry>> ParseGroupEntries(const std::string& text);

// The argv Ansible's module runs to create a group.
std::vector<std::string> GroupAddArgv(const std::string& name, std::optional<long long> gid,
                                      bool non_unique, bool system);

// Why `value` of argument `arg` cannot be written into an /etc/passwd-style
// database (a line break or a ':'), or "" when it can.
std::string AccountFieldProblem(const std::string& arg, const std::string& value,
                                bool colon_allowed);

// A decimal integer (a leading '-' allowed) as the whole of `text`.
bool ParseNumber(const std::string& text, long long* out);

// A Linux-only module refused elsewhere: an error when facts say another system.
Status RequireLinux(const char* module, const Value& facts);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_GROUP_H_
