// ReadConnectionSettings: the connection variables of a host, rendered.
#include <fmt/format.h>

#include "engine/base/text.h"
#include "engine/inventory/inventory.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

// The rendered value of ansible_NAME, else NAME; null when neither is set.
Result<Value> Lookup(const Variables& vars, const std::string& name) {
  for (const std::string& key : {"ansible_" + name, name}) {
    const VarEntry* e = vars.Find(key);
    if (e == nullptr) continue;
    Result<Value> v = Templar(vars).Render(e->value);
    if (!v.ok())
      return v.status().WithContext(fmt::format("variable '{}' (from {})", key, e->origin));
    return *v;
  }
  return Value(nullptr);
}

}  // namespace

Result<ConnectionSettings> ReadConnectionSettings(const std::string& host, const Variables& vars) {
  ConnectionSettings s;
  s.address = host;
  auto text = [&](const std::string& name, std::string* out) -> Status {
    Result<Value> v = Lookup(vars, name);
    if (!v.ok()) return v.status();
    if (!v->is_null()) *out = ToText(*v);
    return Status::Ok();
  };
  for (auto [name, field] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"connection", &s.connection},
           {"host", &s.address},
           {"user", &s.user},
           {"ssh_private_key_file", &s.private_key_file},
           {"ssh_common_args", &s.ssh_common_args},
           {"become_user", &s.become_user}}) {
    Status st = text(name, field);
    if (!st.ok()) return st;
  }
  // ansible_ssh_extra_args are ssh options too (Ansible passes both to ssh).
  std::string extra;
  Status extra_read = text("ssh_extra_args", &extra);
  if (!extra_read.ok()) return extra_read;
  if (!extra.empty()) s.ssh_common_args += (s.ssh_common_args.empty() ? "" : " ") + extra;
  // Ansible's older spellings.
  if (s.user.empty()) {
    Status st = text("ssh_user", &s.user);
    if (!st.ok()) return st;
  }
  if (s.address == host) {
    Status st = text("ssh_host", &s.address);
    if (!st.ok()) return st;
  }
  Result<Value> port = Lookup(vars, "port");
  if (!port.ok()) return port.status();
  if (port->is_null()) port = Lookup(vars, "ssh_port");
  if (!port.ok()) return port.status();
  if (!port->is_null()) {
    std::string p = Trim(ToText(*port));
    try {
      size_t used = 0;
      int n = std::stoi(p, &used);
      if (used != p.size() || n <= 0 || n > 65535) throw std::out_of_range(p);
      s.port = n;
    } catch (const std::exception&) {
      return Status::Error(fmt::format("host {}: ansible_port '{}' is not a port number", host, p));
    }
  }
  Result<Value> become = Lookup(vars, "become");
  if (!become.ok()) return become.status();
  if (!become->is_null()) {
    s.become = Truthy(*become);
    s.become_set = true;
  }
  if (s.connection != "ssh" && s.connection != "local" && s.connection != "paramiko" &&
      s.connection != "smart") {
    return Status::Error(fmt::format("host {}: connection '{}' is not supported (use ssh or local)",
                                     host, s.connection));
  }
  if (s.connection != "local") s.connection = "ssh";
  return s;
}

}  // namespace hostprep
