#include "modules/group.h"

#include <fmt/format.h>

#include <utility>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec GroupSpec() {
  ArgSpec spec;
  spec.name = "group";
  spec.ansible_names = {"ansible.builtin.group", "ansible.legacy.group"};
  spec.summary = "Ansible's group: a group present or absent, with groupadd/groupmod/groupdel";
  spec.description =
      "Ansible's group module (Linux): the group `name` present (groupadd, with `gid`, "
      "`non_unique` and `system`; an existing group whose gid differs from `gid` gets it with "
      "groupmod) or absent (groupdel). The group database is read with `getent group NAME` in "
      "the probe round trip; the commands are Debian's (the passwd package). Registers "
      "`name`, `state`, and for a group that exists after the task `gid` and `system`, as "
      "Ansible does.";
  spec.args = {
      {"name", ArgType::kString, true, nullptr, {}, {}, "The group's name."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "present"},
       {},
       "present or absent."},
      {"gid", ArgType::kInt, false, nullptr, {}, {}, "The group's number."},
      {"system",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Create a system group (groupadd -r: a number from the system range)."},
      {"local",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Refused when true: it needs libuser's lgroupadd, which Debian does not ship."},
      {"non_unique",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Allow a gid another group has (groupadd -o); needs `gid`."},
  };
  spec.examples =
      "- name: the group of the deploy user\n"
      "  ansible.builtin.group:\n"
      "    name: deploy\n"
      "    gid: 2000\n"
      "- name: a system group for a daemon\n"
      "  group: {name: exporter, system: true}\n"
      "- name: gone\n"
      "  group: {name: legacy, state: absent}\n";
  spec.notes =
      "As Ansible's on Linux: an existing group changes only its gid (`system` does not "
      "move it into the system range); `non_unique` without `gid` is refused. Differences: "
      "a `name` holding ':' or a line break is refused before any host is contacted (it "
      "would corrupt /etc/group; Ansible's groupadd fails on the host); `local: true` is "
      "refused at validate time (Ansible fails on the host for want of lgroupadd); hosts "
      "other than Linux are refused by name. The gid of a group created without `gid` is "
      "registered only from the next run on (hostprep plans before it acts: the number "
      "groupadd picks is not known then). Check mode registers `name` and `state` as well "
      "(Ansible's registers only `changed` when it would create or remove the group). The "
      "commands' own output is not registered as `stdout`/`stderr`. 2.14's group has no "
      "`force` or `members`: they are refused as unknown arguments.";
  return spec;
}

}  // namespace

std::string AccountFieldProblem(const std::string& arg, const std::string& value,
                                bool colon_allowed) {
  const std::string broken = LineBreakProblem(value);
  if (!broken.empty())
    return fmt::format(
        "{} is {}: it holds {}, which would corrupt the account databases "
        "(/etc/passwd, /etc/group): give it on one line",
        arg, Escaped(value), broken);
  if (!colon_allowed && value.find(':') != std::string::npos)
    return fmt::format(
        "{} is {}: it holds ':', the field separator of /etc/passwd and "
        "/etc/group: give it without one",
        arg, Quoted(value));
  return "";
}

Status RequireLinux(const char* module, const Value& facts) {
  if (!facts.contains("system") || !facts["system"].is_string()) return Status::Ok();
  const std::string system = facts["system"].get<std::string>();
  if (system.empty() || system == "Linux") return Status::Ok();
  return Status::Error(fmt::format(
      "{} runs the Linux account commands (useradd, groupadd...); this host is {}, which "
      "hostprep's {} does not support",
      module, system, module));
}

bool ParseNumber(const std::string& text, long long* out) {
  if (text.empty() || text.size() > 18) return false;
  size_t at = text[0] == '-' ? 1 : 0;
  if (at == text.size()) return false;
  for (size_t i = at; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  *out = std::stoll(text);
  return true;
}

Result<std::vector<GroupEntry>> ParseGroupEntries(const std::string& text) {
  std::vector<GroupEntry> entries;
  for (const std::string& line : Split(text, '\n')) {
    if (Trim(line).empty()) continue;
    const std::vector<std::string> f = Split(line, ':');
    long long gid = 0;
    if (f.size() != 4 || !ParseNumber(f[2], &gid))
      return Status::Error("getent printed a group entry that is not one: " + Quoted(line));
    GroupEntry e{f[0], gid, {}};
    for (const std::string& m : Split(f[3], ','))
      if (!m.empty()) e.members.push_back(m);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<std::string> GroupAddArgv(const std::string& name, std::optional<long long> gid,
                                      bool non_unique, bool system) {
  std::vector<std::string> argv = {"groupadd"};
  if (gid) {
    argv.insert(argv.end(), {"-g", std::to_string(*gid)});
    if (non_unique) argv.push_back("-o");
  }
  if (system) argv.push_back("-r");
  argv.push_back(name);
  return argv;
}

GroupModule::GroupModule() : spec_(GroupSpec()) {}

void GroupModule::Validate(const Value& args, bool templates_pending,
                           std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (ArgReady(args, "name")) {
    const std::string problem = AccountFieldProblem("name", StringArg(args, "name"), false);
    if (!problem.empty()) errors->push_back({"name", problem});
  }
  if (BoolArg(args, "local", false))
    errors->push_back({"local",
                       "local: true runs libuser's lgroupadd/lgroupmod/lgroupdel, which Debian "
                       "does not ship and hostprep does not emulate: leave local out"});
  if (BoolArg(args, "non_unique", false) && (!args.contains("gid") || args["gid"].is_null()))
    errors->push_back(
        {"non_unique", "non_unique is True but all of the following are missing: gid"});
}

Resources GroupModule::Declare(const Value& args) const {
  if (!ArgReady(args, "name") || StringArg(args, "state") == "absent") return {};
  return {{"group:" + StringArg(args, "name")}, {}};
}

std::vector<Read> GroupModule::Probe(const Value& args, const Value& facts) const {
  if (!RequireLinux("group", facts).ok()) return {};
  return {Read::Query({"getent", "group", StringArg(args, "name")})};
}

Result<Change> GroupModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                 const Value& facts) const {
  if (Status linux_only = RequireLinux("group", facts); !linux_only.ok()) return linux_only;
  const std::string name = StringArg(args, "name");
  const ReadResult& read = reads.at(0);
  if (!read.status.ok()) return read.status;
  // getent exits 2 for a name it does not know; it also answers a number
  // with the group of that gid, which is not a group of that name.
  std::optional<GroupEntry> found;
  if (read.exec.exit_code == 0) {
    Result<std::vector<GroupEntry>> entries = ParseGroupEntries(read.exec.stdout_data);
    if (!entries.ok()) return entries.status();
    for (GroupEntry& e : *entries)
      if (e.name == name) found = std::move(e);
  } else if (read.exec.exit_code != 2) {
    return Status::Error(
        fmt::format("getent group {} failed: {}", Quoted(name), Trim(read.exec.stderr_data)));
  }
  const bool present = StringArg(args, "state") != "absent";
  const bool system = BoolArg(args, "system", false);
  std::optional<long long> gid;
  if (args.contains("gid") && args["gid"].is_number_integer()) gid = args["gid"].get<long long>();
  Change change;
  change.command_output = false;
  change.result["name"] = name;
  change.result["state"] = present ? "present" : "absent";
  if (!present) {
    if (found) {
      change.changed = true;
      change.actions.push_back(ExecAction({"groupdel", name}));
      change.message = "remove group " + name;
    }
    return change;
  }
  std::vector<std::string> argv;
  if (!found) {
    argv = GroupAddArgv(name, gid, BoolArg(args, "non_unique", false), system);
    change.message = "create group " + name;
  } else if (gid && *gid != found->gid) {
    argv = {"groupmod", "-g", std::to_string(*gid)};
    if (BoolArg(args, "non_unique", false)) argv.push_back("-o");
    argv.push_back(name);
    change.message =
        fmt::format("change the gid of group {} from {} to {}", name, found->gid, *gid);
  }
  if (!argv.empty()) {
    change.changed = true;
    change.actions.push_back(ExecAction(std::move(argv)));
  }
  change.result["system"] = system;
  if (gid) {
    change.result["gid"] = *gid;
  } else if (found) {
    change.result["gid"] = found->gid;
  }
  return change;
}

}  // namespace hostprep::modules
