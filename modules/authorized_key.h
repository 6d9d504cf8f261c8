// `authorized_key` (ansible.posix.authorized_key): SSH public keys in a
// user's authorized_keys, as Ansible's module keeps them.
#ifndef HOSTPREP_MODULES_AUTHORIZED_KEY_H_
#define HOSTPREP_MODULES_AUTHORIZED_KEY_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// One read in the probe round trip (a read-only script, USER and PATH as
// arguments): the user's passwd entry (home, uid, gid), the name of their
// group, the state of the key file's directory and the key file's lstat
// and content. Plan parses the keys as the module parses them (options,
// type, key, comment), adds, replaces or removes them, and rewrites the
// whole file as the module does (in the file's order, new keys last);
// with manage_dir the directory is created 0700 and owned by the user;
// the file is written atomically, 0600 and owned by the user. Registers
// the task's arguments and `keyfile`, and with `path` the file's uid, gid,
// owner, group, mode, size and state, as Ansible does.
class AuthorizedKeyModule final : public Module {
 public:
  AuthorizedKeyModule();
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

// What the task asks of the file.
struct KeyRequest {
  std::string key;  // one key a line; blank lines and '#' lines skipped
  bool present = true;
  std::optional<std::string> key_options;
  std::optional<std::string> comment;
  bool exclusive = false;
};

// The new content of the key file (`existing`: its content, "" when there
// is none) and whether the module writes it; an error with Ansible's
// message for a key that is not one ("invalid key specified: ...").
struct KeysEdit {
  std::string text;
  bool changed = false;
};
Result<KeysEdit> EditAuthorizedKeys(const KeyRequest& request, const std::string& existing);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_AUTHORIZED_KEY_H_
