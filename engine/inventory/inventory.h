// The inventory: hosts, groups, and the variables attached to them, loaded
// from Ansible's formats so that existing inventories (Kubespray's included)
// work unchanged.
//
// Sources (`-i`, may be given several times, merged in order):
//   - a YAML file (Ansible's `all: {hosts, children, vars}` shape),
//   - an INI file (`[group]`, `[group:children]`, `[group:vars]`,
//     `host key=value ...`, host ranges `node[1:3]`),
//   - an executable file: run with `--list`, prints Ansible's dynamic
//     inventory JSON (`_meta.hostvars` honoured; without it `--host H` is
//     called per host),
//   - a directory: every file in it loaded as above (sorted, subdirectories
//     too, skipping hidden files, group_vars/, host_vars/ and Ansible's
//     ignored endings: ~ .orig .bak .cfg .retry .pyc .pyo .swp .rpm .md .txt
//     .rst); a file with no telling extension is YAML when it has the shape
//     of a YAML inventory, else INI,
//   - a comma list "host1,host2," (the trailing comma marks it a list).
// group_vars/ and host_vars/ beside an inventory file (or inside an inventory
// directory) are loaded: NAME.yml, NAME.yaml, NAME.json, NAME (no extension),
// or a directory NAME/ whose files are all merged (sorted).
//
// Every host is in `all`; a host in no group but `all` is in `ungrouped`.
// Values are kept raw (templates inside are NOT rendered here: rendering is
// lazy, see templar.h). INI values are typed as Ansible's ini plugin types
// them: host-line and [group:vars] values alike as Python literals (22 ->
// integer, True -> bool, 'a b' -> string; true, yes, 0644 stay strings).
// As in Ansible, a [group:children] entry must name a declared group (an
// empty [calico_rr] section declares one) and ansible_group_priority is read
// from the group's variables.
//
// Load errors: every problem of every source is reported, with file:line:col
// where the source has lines (a script's output has none).
//
// Immutable once loaded; thread-safe to read.
#ifndef HOSTPREP_ENGINE_INVENTORY_INVENTORY_H_
#define HOSTPREP_ENGINE_INVENTORY_INVENTORY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/source.h"
#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/module/read_result.h"
#include "engine/template/variables.h"

namespace hostprep {

struct InventoryHost {
  std::string name;
  std::map<std::string, VarEntry> vars;  // host's own vars (inventory line, host_vars/)
  std::vector<std::string> groups;       // groups that list it directly, in load order
  SourceLocation defined_at;             // first definition
};

struct InventoryGroup {
  std::string name;
  std::map<std::string, VarEntry> vars;  // group's own vars ([g:vars], group_vars/)
  std::vector<std::string> hosts;        // direct members, in load order
  std::vector<std::string> children;     // direct child groups
  std::vector<std::string> parents;      // direct parent groups (all for top level)
  SourceLocation defined_at;
};

class Inventory {
 public:
  // Loads and merges `sources` in order. Every problem found is added to
  // `diags` (file:line:col where known); returns nullptr when any was an
  // error. Never contacts a host (dynamic inventory scripts do run locally).
  static std::unique_ptr<Inventory> Load(const std::vector<std::string>& sources,
                                         Diagnostics* diags);

  // An inventory of one host "localhost" with ansible_connection=local, as
  // Ansible uses when no inventory is given.
  static std::unique_ptr<Inventory> Implicit();

  // Hosts in the order first seen.
  const std::vector<std::string>& host_names() const { return host_order_; }
  const InventoryHost* FindHost(const std::string& name) const;
  const InventoryGroup* FindGroup(const std::string& name) const;
  std::vector<std::string> group_names() const;  // sorted, including all and ungrouped

  // Resolves a host pattern, as ansible-playbook does:
  //   "all" or "*", a group, a host, globs "node*", "web[0:2]" (subscript
  //   of a group's host list), unions "a:b" or "a,b", intersections "a:&b",
  //   exclusions "a:!b" (applied after unions, then intersections, as
  //   Ansible does), and "~regex".
  // The result keeps inventory order. A plain name (no glob, no ~) that is no
  // group or host is an error, wherever it stands ("no hosts matched 'webz'
  // (did you mean 'web'?): ..."), unless `unmatched` is given: the message
  // then goes there and the name matches nothing, as Ansible warns and
  // ignores it (a play on "k8s_cluster:etcd" with no etcd group runs on
  // k8s_cluster). A glob or regex matching nothing, an empty intersection,
  // and an out-of-range slice are not errors. An index out of range
  // ("web[5]") is. Subscripts index the group's host list (GroupsValue
  // order). The implicit localhost is not added: "localhost" matches only
  // when the inventory has it.
  Result<std::vector<std::string>> Match(const std::string& pattern,
                                         std::vector<std::string>* unmatched = nullptr) const;

  // Every group the host is in, directly or through children, sorted, without
  // "all" (Ansible's group_names).
  std::vector<std::string> GroupsOf(const std::string& host) const;

  // The host's inventory variables merged with Ansible's precedence:
  // all's vars, then the other groups by depth (parents before children; at
  // equal depth by name; ansible_group_priority honoured), then host vars.
  // Also sets inventory_hostname, inventory_hostname_short and group_names,
  // and inventory_file / inventory_dir (absolute) when the host came from a
  // file (not from a host list).
  void HostVariables(const std::string& host, Variables* into) const;

  // `groups` magic variable: group name -> list of host names.
  Value GroupsValue() const;

  // ansible-inventory --list: {"_meta": {"hostvars": {...}}, "all":
  // {"children": [...]}, "<group>": {"hosts": [...], "children": [...]} ...}
  // with merged host variables (without the magic inventory_hostname,
  // inventory_hostname_short, group_names, inventory_file, inventory_dir),
  // mapping keys sorted, empty groups and hosts without variables left out,
  // as ansible-inventory does. Templates in values are not rendered.
  Value ToListJson() const;
  // ansible-inventory --graph: "@all:\n  |--@group:\n  |  |--host\n",
  // children and hosts sorted by name; "" when `root` is not a group.
  std::string ToGraph(const std::string& root = "all") const;

 private:
  friend class InventoryBuilder;
  std::map<std::string, InventoryHost> hosts_;
  std::vector<std::string> host_order_;
  std::map<std::string, InventoryGroup> groups_;
};

// Connection settings for one host, read from its (rendered) variables.
// `ansible_X` names are read from every layer; plain `X` names only from
// the inventory (see ReadConnectionSettings); ansible_ wins.
struct ConnectionSettings {
  std::string connection = "ssh";  // ssh | local
  std::string address;             // ansible_host, else the inventory name
  int port = 0;                    // 0 = default (ssh config, else 22)
  std::string user;                // "" = default
  std::string private_key_file;
  std::string ssh_common_args;  // ansible_ssh_common_args, then ansible_ssh_extra_args
  std::string become_user;      // "" = root
  // ansible_become_method; unset: the run's (--become-method), else sudo.
  std::optional<BecomeMethod> become_method;
  bool become = false;
  bool become_set = false;  // whether the inventory said anything about become
  // Seconds to connect; 0: the run's (--timeout). Set only by a task that
  // waits for the host (reboot's and wait_for_connection's connect_timeout).
  int connect_timeout = 0;
};

// A TCP port number written as text ("22", " 2222 "), or nullopt when the
// text is not one (1 to 65535, digits only).
std::optional<int> ParsePort(const std::string& text);

// Reads the connection variables for `host`: `ansible_X` from `vars` (every
// layer, -e included), plain `X` (`port`, `user`, `host`...) only from
// `plain`, the host's inventory variables, or from nowhere when it is null:
// a play or role variable named `port` must not move the SSH connection.
// Templates in them are rendered with `vars`. Errors name the variable.
Result<ConnectionSettings> ReadConnectionSettings(const std::string& host, const Variables& vars,
                                                  const Variables* plain);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_INVENTORY_INVENTORY_H_
