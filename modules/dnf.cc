#include "modules/dnf.h"

#include <fmt/format.h>

#include <algorithm>

#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

// Arguments package's engine takes; the others must keep their defaults.
const std::vector<std::string> kTaken = {"name", "state", "update_cache", "lock_timeout"};

ArgSpec DnfSpec(const std::string& name) {
  ArgSpec spec;
  spec.name = name;
  spec.ansible_names = {"ansible.builtin." + name, "ansible.legacy." + name};
  spec.summary =
      fmt::format("Ansible's {}: packages on {} hosts (RHEL, Fedora, Rocky...)", name, name);
  spec.description = fmt::format(
      "Ansible's {0} module, on hostprep's package engine (`hostprep doc package`): `name` "
      "installed (`state: present` or `installed`, the default), upgraded (`latest`) or "
      "removed (`absent`, `removed`), `update_cache` and `lock_timeout`, with the installed "
      "state read by `rpm -q` in the probe round trip and the change predicted by the "
      "package manager. As Ansible's {0} action picks the module by the pkg_mgr fact, the "
      "task runs dnf on dnf hosts and yum on yum hosts. Every other argument of Ansible's is "
      "accepted, so that a role validates whole; a task that runs with one of them set to "
      "other than its default fails, naming it.",
      name);
  auto flag = [](const char* arg, const char* text) {
    return ArgDef{arg, ArgType::kBool, false, false, {}, {}, text};
  };
  auto list = [](const char* arg, const char* text) {
    return ArgDef{arg, ArgType::kList, false, nullptr, {}, {}, text};
  };
  auto text = [](const char* arg, const char* what) {
    return ArgDef{arg, ArgType::kString, false, nullptr, {}, {}, what};
  };
  spec.args = {
      {"name", ArgType::kList, false, nullptr, {}, {"pkg"}, "Package names (or name-version)."},
      {"state",
       ArgType::kString,
       false,
       nullptr,
       {"absent", "installed", "latest", "present", "removed"},
       {},
       "present/installed (default; absent with autoremove), latest, absent/removed."},
      {"update_cache",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {"expire-cache"},
       "Refresh the repositories' metadata first."},
      {"lock_timeout",
       ArgType::kInt,
       false,
       30,
       {},
       {},
       "Seconds to wait for another process's package manager lock."},
      text("list", "Not supported: a query; use package_facts."),
      flag("allow_downgrade", "Not supported yet when true."),
      flag("autoremove", "Not supported yet when true."),
      flag("bugfix", "Not supported yet when true."),
      flag("cacheonly", "Not supported yet when true."),
      text("conf_file", "Not supported yet."),
      text("disable_excludes", "Not supported yet."),
      flag("disable_gpg_check", "Not supported yet when true."),
      list("disable_plugin", "Not supported yet."),
      list("disablerepo", "Not supported yet."),
      flag("download_only", "Not supported yet when true."),
      text("download_dir", "Not supported yet."),
      list("enable_plugin", "Not supported yet."),
      list("enablerepo", "Not supported yet."),
      list("exclude", "Not supported yet."),
      {"installroot", ArgType::kString, false, "/", {}, {}, "Only / is supported."},
      {"install_repoquery", ArgType::kBool, false, true, {}, {}, "Accepted (yum's; no effect)."},
      {"install_weak_deps", ArgType::kBool, false, true, {}, {}, "Only true is supported."},
      text("releasever", "Not supported yet."),
      flag("security", "Not supported yet when true."),
      flag("skip_broken", "Not supported yet when true."),
      flag("update_only", "Not supported yet when true."),
      {"validate_certs", ArgType::kBool, false, true, {}, {}, "Only true is supported."},
      {"sslverify", ArgType::kBool, false, true, {}, {}, "Only true is supported."},
  };
  if (name == "dnf") {
    spec.args.push_back(flag("allowerasing", "Not supported yet when true."));
    spec.args.push_back(flag("nobest", "Not supported yet when true."));
  } else {
    spec.args.push_back({"use_backend",
                         ArgType::kString,
                         false,
                         "auto",
                         {"auto", "yum", "yum4", "dnf"},
                         {},
                         "Accepted: the host's package manager decides."});
  }
  spec.required_one_of = {{"name", "list", "update_cache"}};
  spec.mutually_exclusive = {{"name", "list"}};
  spec.examples = fmt::format(
      "- name: container tools on RHEL-family hosts\n"
      "  ansible.builtin.{}:\n"
      "    name: [container-selinux, iptables]\n"
      "    state: present\n"
      "  when: ansible_os_family == \"RedHat\"\n",
      name);
  spec.notes =
      "Differences from Ansible: only name, state, update_cache and lock_timeout change what "
      "the task does; the other arguments validate, and fail the task when they are set to "
      "other than their defaults (the repositories, GPG checks, excludes and downloads are "
      "not done yet). `list` is refused (package_facts reads the installed packages). On a "
      "host whose package manager is neither dnf nor yum the task fails, as Ansible's does.";
  return spec;
}

}  // namespace

DnfModule::DnfModule(const std::string& name) : spec_(DnfSpec(name)) {}

Result<Value> DnfModule::PackageArgs(const Value& args, const Value& facts) const {
  std::vector<std::string> taken = kTaken;
  taken.push_back("use_backend");  // which of dnf or yum: the host's package manager decides
  if (const std::vector<std::string> set = SetAwayFromDefaults(spec_, args, taken); !set.empty()) {
    return Status::Error(
        fmt::format("argument '{}' of {} is not supported by hostprep yet: it takes name, "
                    "state, update_cache and lock_timeout",
                    set.front(), spec_.name));
  }
  Value own = Value::object();
  for (const std::string& key : kTaken) {
    if (args.contains(key) && !args[key].is_null()) own[key] = args[key];
  }
  std::string state =
      args.value("state", Value()).is_string() ? args["state"].get<std::string>() : "present";
  if (state == "installed") state = "present";
  if (state == "removed") state = "absent";
  own["state"] = state;
  // As Ansible's yum action: the host's package manager, dnf or yum; the
  // module's own name when the fact was not gathered.
  const std::string pkg_mgr = facts.is_object() && facts.value("pkg_mgr", Value()).is_string()
                                  ? facts["pkg_mgr"].get<std::string>()
                                  : "";
  if (pkg_mgr.empty()) {
    own["use"] = spec_.name;
  } else if (pkg_mgr == "dnf" || pkg_mgr == "yum" || pkg_mgr == "dnf5") {
    own["use"] = pkg_mgr == "yum" ? "yum" : "dnf";
  } else {
    return Status::Error(fmt::format(
        "{} runs on dnf and yum hosts, and this host's package manager is {}: guard the task "
        "with `when: ansible_pkg_mgr in ['dnf', 'yum']`, or use `package`",
        spec_.name, pkg_mgr));
  }
  if (!own.contains("name")) own["name"] = Value::array();
  return own;
}

void DnfModule::Validate(const Value& args, bool templates_pending,
                         std::vector<ArgError>* errors) const {
  // The names as package checks them: none may become an option.
  Value names = Value::object();
  if (args.contains("name") && args["name"].is_array() && !args["name"].empty()) {
    names["name"] = args["name"];
  }
  names["lock_timeout"] = args.value("lock_timeout", Value(30));
  package_.Validate(names, templates_pending, errors);
}

std::vector<Read> DnfModule::Probe(const Value& args, const Value& facts) const {
  Result<Value> own = PackageArgs(args, facts);
  if (!own.ok()) return {};
  return package_.Probe(*own, facts);
}

Result<Change> DnfModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                               const Value& facts) const {
  Result<Value> own = PackageArgs(args, facts);
  if (!own.ok()) return own.status();
  return package_.Plan(*own, reads, facts);
}

Resources DnfModule::Declare(const Value& args) const {
  Value own = Value::object();
  own["name"] = args.value("name", Value::array());
  return package_.Declare(own);
}

}  // namespace hostprep::modules
