#include "engine/facts/facts.h"

#include <set>

#include "engine/base/text.h"
#include "engine/facts/facts_input.h"
#include "engine/facts/scripts.h"  // generated from scripts/*.sh

namespace hostprep {

namespace {

// The names hostprep gave its facts before it had Ansible's whole set: they
// stay visible without the ansible_ prefix too. Ansible itself shows facts
// only prefixed (or under ansible_facts), and a plain `domain`, `env` or
// `eth0` would shadow nothing but could turn a role's `x is defined` true.
const std::set<std::string>& PlainNames() {
  static const std::set<std::string> kNames = {"os_family",
                                               "distribution",
                                               "distribution_version",
                                               "distribution_major_version",
                                               "distribution_release",
                                               "kernel",
                                               "arch",
                                               "architecture",
                                               "hostname",
                                               "nodename",
                                               "fqdn",
                                               "memtotal_mb",
                                               "swaptotal_mb",
                                               "pkg_mgr",
                                               "service_mgr",
                                               "user_id",
                                               "default_ipv4"};
  return kNames;
}

}  // namespace

void AddPlatformFacts(const FactsInput& in, Value* facts) {
  Value& f = *facts;
  const std::string machine = in.Get("arch");
  f["system"] = in.Get("system");
  f["kernel"] = in.Get("kernel");
  f["kernel_version"] = in.Get("kernel_version");
  f["machine"] = machine;
  f["arch"] = machine;  // hostprep's name from before, kept
  const std::string node = in.Get("hostname");
  const std::string fqdn = in.Get("fqdn");
  f["fqdn"] = fqdn;
  f["hostname"] = Split(node, '.')[0];
  f["nodename"] = node;
  const size_t dot = fqdn.find('.');
  f["domain"] = dot == std::string::npos ? "" : fqdn.substr(dot + 1);
  const std::string bits = in.Get("bits");
  // Ansible tests i86 with a regex meant for Solaris (i[3456]86|86pc,
  // anywhere in the name), so a 32-bit x86 Linux is "i386" too.
  const bool i86 = machine.find("86pc") != std::string::npos || [&] {
    for (size_t at = machine.find('i'); at != std::string::npos; at = machine.find('i', at + 1)) {
      if (machine.size() >= at + 4 && machine[at + 1] >= '3' && machine[at + 1] <= '6' &&
          machine.compare(at + 2, 2, "86") == 0)
        return true;
    }
    return false;
  }();
  if (!bits.empty()) f["userspace_bits"] = bits;
  if (machine == "x86_64" || i86) {
    f["architecture"] = machine == "x86_64" ? "x86_64" : "i386";
    if (bits == "64") f["userspace_architecture"] = "x86_64";
    if (bits == "32") f["userspace_architecture"] = "i386";
  } else {
    f["architecture"] = machine;
  }
  for (const char* path : {"/var/lib/dbus/machine-id", "/etc/machine-id"}) {
    const std::string id = in.Content(path);
    if (!id.empty()) {
      f["machine_id"] = Split(id, '\n')[0];
      break;
    }
  }
}

// Python's getpass.getuser() and the passwd entry of getpwnam() (else
// getpwuid()), as the script found them; the ids of the shell itself.
void AddUserFacts(const FactsInput& in, Value* facts) {
  Value& f = *facts;
  f["user_id"] = in.Get("user");
  const std::vector<std::string> entry = Split(in.Get("passwd"), ':');
  if (entry.size() >= 7) {
    const long long uid = ToInt(entry[2]);
    const long long gid = ToInt(entry[3]);
    if (uid >= 0) f["user_uid"] = uid;
    if (gid >= 0) f["user_gid"] = gid;
    f["user_gecos"] = entry[4];
    f["user_dir"] = entry[5];
    f["user_shell"] = entry[6];
  }
  const std::vector<std::string> ids = PySplit(in.Get("uid"));
  if (ids.size() == 4) {
    const char* names[] = {"real_user_id", "effective_user_id", "real_group_id"};
    for (size_t i = 0; i < 3; ++i) {
      const long long id = ToInt(ids[i]);
      if (id >= 0) f[names[i]] = id;
    }
    // Ansible's effective_group_id is os.getgid(), the real one.
    if (ToInt(ids[2]) >= 0) f["effective_group_id"] = ToInt(ids[2]);
  }
}

Result<Value> ParseFacts(const ExecResult& result) {
  if (result.exit_code != 0) {
    return Status::Error("gathering facts failed (exit " + std::to_string(result.exit_code) +
                         "): " + Trim(result.stderr_data));
  }
  Result<FactsInput> in = FactsInput::Read(result.stdout_data);
  if (!in.ok()) return in.status();
  Value f = Value::object();
  AddPlatformFacts(*in, &f);
  AddDistributionFacts(*in, &f);
  AddLsbFacts(*in, &f);
  AddPkgMgrFacts(*in, &f);
  AddServiceMgrFacts(*in, &f);
  AddUserFacts(*in, &f);
  AddEnvFacts(*in, &f);
  AddDateTimeFacts(*in, &f);
  AddDnsFacts(*in, &f);
  AddSecurityFacts(*in, &f);
  AddVirtualizationFacts(*in, &f);
  AddMiscFacts(*in, &f);
  AddHardwareFacts(*in, &f);
  AddMountFacts(*in, &f);
  AddNetworkFacts(*in, &f);
  return f;
}

Value FactsAsVariables(const Value& facts, bool plain) {
  Value vars = Value::object();
  Value namespaced = Value::object();
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    if (plain && PlainNames().count(it.key()) > 0) vars[it.key()] = it.value();
    const std::string name = FactVariableName(it.key(), facts);
    vars[name] = it.value();
    // Ansible takes the prefix off every fact in ansible_facts but
    // ansible_local (vars/clean.py, namespace_facts).
    namespaced[name == "ansible_local" ? name : it.key()] = it.value();
  }
  vars["ansible_facts"] = namespaced;
  return vars;
}

bool SameStableFacts(const Value& a, const Value& b) {
  if (!a.is_object() || !b.is_object()) return a == b;
  static const std::set<std::string> kVolatile = {"date_time",   "uptime_seconds", "memfree_mb",
                                                  "swapfree_mb", "memory_mb",      "mounts"};
  auto stable = [](const Value& facts) {
    Value out = facts;
    for (const std::string& key : kVolatile) out.erase(key);
    if (out.contains("env") && out["env"].is_object()) {
      out["env"].erase("SSH_CLIENT");
      out["env"].erase("SSH_CONNECTION");
    }
    return out;
  };
  return stable(a) == stable(b);
}

// The script, and why it reads as it does: scripts/facts.sh. Its first
// argument is the mode, its second the sections left out; without either
// the command is the plain `sh -c SCRIPT`.
RemoteRead FactsRead(bool as_caller, const FactSubset& subset) {
  RemoteRead read;
  read.kind = RemoteRead::Kind::kExec;
  read.argv = {"/bin/sh", "-c", scripts::kFacts};
  std::string skip;
  if (!subset.Has("network")) skip += " net";
  if (!subset.Has("hardware")) skip += " mounts";
  if (!subset.Has("date_time")) skip += " date";
  if (as_caller || !skip.empty())
    read.argv.insert(read.argv.end(), {"sh", as_caller ? "caller" : ""});
  if (!skip.empty()) read.argv.push_back(Trim(skip));
  return read;
}

Result<Value> ParseFacts(const ReadResult& answer) {
  if (!answer.status.ok()) return answer.status;
  return ParseFacts(answer.exec);
}

Result<Value> ParseFacts(const ReadResult& answer, const FactSubset& subset) {
  Result<Value> all = ParseFacts(answer);
  if (!all.ok()) return all;
  return SelectFacts(*all, subset);
}

void MergeFacts(const Value& later, Value* facts) {
  if (!facts->is_object()) *facts = Value::object();
  for (auto it = later.begin(); it != later.end(); ++it) (*facts)[it.key()] = it.value();
}

}  // namespace hostprep
