// ansible.cfg, found and read as ansible-playbook finds and reads it, for
// the settings a bootstrap run relies on: which inventory, roles path,
// login user and key, host key checking, forks, timeout and become.
//
// Reads files and the environment; no host is contacted. Not thread-safe
// (it may set ANSIBLE_ROLES_PATH in this process's environment).
#ifndef HOSTPREP_ENGINE_CLI_ANSIBLE_CONFIG_H_
#define HOSTPREP_ENGINE_CLI_ANSIBLE_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace hostprep {

// One `key = value` of the file, with where it is written.
struct ConfigEntry {
  std::string value;
  int line = 0;
};

// The file that applies: $ANSIBLE_CONFIG, else ./ansible.cfg (unless the
// current directory is world-writable: Ansible ignores it there, as anyone
// could have put it), else ~/.ansible.cfg, else /etc/ansible/ansible.cfg.
// Only the first that exists is read, as in Ansible. "" when none.
// `warnings` gets why a ./ansible.cfg was ignored.
std::string FindAnsibleConfig(std::vector<std::string>* warnings);

// The user's home directory: $HOME, or /root when it is unset or empty.
std::string HomeOrRoot();

// Parses `text` (the file at `path`) as Python's configparser does for
// Ansible: [sections], `key = value` or `key: value`, keys lower-cased,
// indented lines continuing a value, comments from '#' or ';' at a line's
// start and from ';' after a space. A duplicate key or section, or a line
// that is none of those, is an error naming path:line.
Result<std::map<std::string, std::map<std::string, ConfigEntry>>> ParseAnsibleConfig(
    const std::string& path, const std::string& text);

// The settings hostprep takes from ansible.cfg, as command-line words
// ("--forks", "10", ...) for a command to parse after its own command line,
// so that what the user typed wins. Each ANSIBLE_* variable of the
// environment wins over the file's key, as in Ansible. Relative paths in the
// file are relative to its directory. roles_path is set as
// ANSIBLE_ROLES_PATH, which the role loader reads, unless that is set.
// Errors (a bad value, an unsupported become_method) name the file:line or
// the variable. Keys hostprep does not use are ignored, as Ansible ignores
// keys of plugins it does not load.
Result<std::vector<std::string>> AnsibleConfigArguments(std::vector<std::string>* warnings);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_ANSIBLE_CONFIG_H_
