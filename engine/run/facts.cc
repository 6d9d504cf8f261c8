#include "engine/run/facts.h"

#include <map>

#include "engine/base/text.h"
#include "engine/run/scripts.h"  // generated from scripts/*.sh

namespace hostprep {

namespace {

std::string FamilyOf(const std::string& id, const std::string& id_like) {
  static const std::map<std::string, std::string> kFamily = {
      {"debian", "Debian"},   {"ubuntu", "Debian"},      {"linuxmint", "Debian"},
      {"raspbian", "Debian"}, {"rhel", "RedHat"},        {"centos", "RedHat"},
      {"fedora", "RedHat"},   {"rocky", "RedHat"},       {"almalinux", "RedHat"},
      {"ol", "RedHat"},       {"amzn", "RedHat"},        {"sles", "Suse"},
      {"opensuse", "Suse"},   {"opensuse-leap", "Suse"}, {"alpine", "Alpine"},
      {"arch", "Archlinux"},  {"flatcar", "Flatcar"}};
  auto it = kFamily.find(id);
  if (it != kFamily.end()) return it->second;
  for (const std::string& like : Split(id_like, ' ')) {
    it = kFamily.find(like);
    if (it != kFamily.end()) return it->second;
  }
  return id.empty() ? "Unknown" : id;
}

std::string DistributionOf(const std::string& id) {
  static const std::map<std::string, std::string> kNames = {{"debian", "Debian"},
                                                            {"ubuntu", "Ubuntu"},
                                                            {"centos", "CentOS"},
                                                            {"rhel", "RedHat"},
                                                            {"rocky", "Rocky"},
                                                            {"almalinux", "AlmaLinux"},
                                                            {"fedora", "Fedora"},
                                                            {"ol", "OracleLinux"},
                                                            {"amzn", "Amazon"},
                                                            {"sles", "SLES"},
                                                            {"opensuse-leap", "openSUSE Leap"},
                                                            {"alpine", "Alpine"},
                                                            {"arch", "Archlinux"},
                                                            {"flatcar", "Flatcar"}};
  auto it = kNames.find(id);
  return it != kNames.end() ? it->second : id;
}

long long ToMb(const std::string& kb) {
  try {
    return std::stoll(kb) / 1024;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

// The script, and why it reads files rather than run programs: scripts/facts.sh.
ExecRequest FactsRequest() {
  ExecRequest r;
  r.argv = {"/bin/sh", "-c", scripts::kFacts};
  return r;
}

Result<Value> ParseFacts(const ExecResult& result) {
  if (result.exit_code != 0) {
    return Status::Error("gathering facts failed (exit " + std::to_string(result.exit_code) +
                         "): " + Trim(result.stderr_data));
  }
  std::map<std::string, std::string> kv;
  for (const std::string& line : Split(result.stdout_data, '\n')) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (kv["end"] != "hostprep-facts") {
    return Status::Error("gathering facts failed: unexpected output from the target's shell");
  }
  Value f = Value::object();
  const std::string version = kv["version_id"];
  f["os_family"] = FamilyOf(kv["id"], kv["id_like"]);
  f["distribution"] = DistributionOf(kv["id"]);
  f["distribution_version"] = version;
  f["distribution_major_version"] = Split(version, '.')[0];
  f["distribution_release"] = kv["codename"];
  f["kernel"] = kv["kernel"];
  f["arch"] = kv["arch"];
  f["architecture"] = kv["arch"];
  f["hostname"] = Split(kv["hostname"], '.')[0];
  f["nodename"] = kv["hostname"];
  f["fqdn"] = kv["fqdn"];
  f["memtotal_mb"] = ToMb(kv["memtotal_kb"]);
  f["swaptotal_mb"] = ToMb(kv["swaptotal_kb"]);
  const std::string pkg = kv["pkg"];
  f["pkg_mgr"] = pkg == "apt-get" ? "apt" : pkg.empty() ? "unknown" : pkg;
  f["service_mgr"] = kv["svc"];
  f["user_id"] = kv["uid"];
  f["default_ipv4"] = {
      {"address", kv["address"]}, {"interface", kv["interface"]}, {"gateway", kv["gateway"]}};
  return f;
}

Value FactsAsVariables(const Value& facts) {
  Value vars = Value::object();
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    vars[it.key()] = it.value();
    vars["ansible_" + it.key()] = it.value();
  }
  vars["ansible_facts"] = facts;
  return vars;
}

RemoteRead FactsRead() {
  RemoteRead read;
  read.kind = RemoteRead::Kind::kExec;
  read.argv = FactsRequest().argv;
  return read;
}

Result<Value> ParseFacts(const ReadResult& answer) {
  if (!answer.status.ok()) return answer.status;
  return ParseFacts(answer.exec);
}

}  // namespace hostprep
