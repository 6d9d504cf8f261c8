// `user` (ansible.builtin.user): an account in the host's passwd, shadow and
// group databases, as Ansible's module keeps it with useradd, usermod,
// userdel and chage, its home and its SSH key.
#ifndef HOSTPREP_MODULES_USER_H_
#define HOSTPREP_MODULES_USER_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"
#include "modules/group.h"

namespace hostprep::modules {

// One read in the probe round trip (a read-only script, the values as its
// arguments): the passwd entry, whether the password is locked and a digest
// of the hash (the hash never leaves the host), shadow's min, max and
// expire, the group database, whether the home exists, and the SSH key
// file's state. Plan builds the useradd / usermod / userdel / chage argv
// Ansible's module builds and decides `changed` as it does; a missing home
// is made from the skeleton and an SSH key made with ssh-keygen by small
// scripts that take the values as arguments.
class UserModule final : public Module {
 public:
  UserModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  // Needs "group:G" for `group` and each of `groups`; provides "user:NAME"
  // and, when it makes the home, "dir:HOME" (given, or /home/NAME), so that
  // a file in the home comes after it in a graph-ordered play.
  // A key generate_ssh_key made: its fingerprint and public key.
  Result<Change> Report(const Value& args, const ExecResult& output) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

// A passwd entry.
struct PasswdEntry {
  std::string name;
  long long uid = 0;
  long long gid = 0;
  std::string comment, home, shell;
};

// What the probe script printed.
struct UserProbe {
  std::optional<PasswdEntry> passwd;  // nullopt: no such user
  bool locked = false;                // the password field starts with '!'
  std::string password_sha256;        // of the field less its leading '!'s
  long long min_days = -1, max_days = -1, expire_days = -1;
  std::vector<GroupEntry> groups;   // the whole group database
  std::optional<bool> home_exists;  // nullopt: no home to look at
  bool old_home_exists = false;     // the passwd entry's home exists
  bool home_parent_is_dir = true;
  std::string key_file;  // "" when not asked
  bool private_key = false, public_key = false;
  std::string fingerprint, public_key_text;
};

Result<UserProbe> ParseUserProbe(const std::string& out);

// The hash check Ansible's module warns with: false for a value that does
// not look like a crypt hash.
bool LooksHashed(const std::string& password);

// ssh_fingerprint and ssh_public_key from the answer of the key's
// generation (modules/scripts/user_sshkey.sh); none when it failed.
Value ReadSshKeyOutput(const ExecResult& exec);

// The YYYY-MM-DD of `seconds` since the epoch (UTC).
std::string EpochDate(double seconds);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_USER_H_
