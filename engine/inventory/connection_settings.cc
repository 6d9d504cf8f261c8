// ReadConnectionSettings: the connection variables of a host, rendered.
#include <fmt/format.h>

#include <cctype>
#include <string_view>

#include "engine/base/text.h"
#include "engine/inventory/inventory.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

// The rendered value of ansible_NAME from `vars`, else of NAME from
// `plain` (the inventory's own variables): a play or role variable called
// `port` or `user` is the role's business, never the connection's (Ansible
// reads only the prefixed names). Null when neither is set. `used` gets the
// name of the variable that was set.
Result<Value> LookupSetting(const Variables& vars, const Variables* plain, const std::string& name,
                            std::string* used = nullptr) {
  for (const std::string& key : {"ansible_" + name, name}) {
    const VarEntry* e = key == name ? (plain ? plain->Find(key) : nullptr) : vars.Find(key);
    if (e == nullptr) continue;
    if (used != nullptr) *used = key;
    Result<Value> v = Templar(vars).Render(e->value);
    if (!v.ok())
      return v.status().WithContext(fmt::format("variable '{}' (from {})", key, e->origin));
    return *v;
  }
  return Value(nullptr);
}

// Why `address` cannot be an SSH destination, or "". Inventories are edited
// by many people and filled in by scripts: a value that starts with '-'
// (`-oProxyCommand=...` is an option to an ssh command line), holds '@' (a
// second user, as libssh splits user@host), a blank or a control character
// is refused instead of being handed on.
std::string AddressProblem(std::string_view address) {
  if (address.empty()) return "is empty";
  if (address.front() == '-') return "starts with '-'";
  for (char c : address) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "holds a control character";
    if (c == ' ') return "holds a space";
    if (c == '@') return "holds '@' (the user goes in ansible_user)";
    // Names, IPv4, IPv6 (with brackets and a %zone), and non-ASCII names.
    if (!(std::isalnum(u) || u >= 0x80 || c == '.' || c == '-' || c == '_' || c == ':' ||
          c == '%' || c == '[' || c == ']')) {
      return fmt::format("holds '{}'", c);
    }
  }
  return "";
}

// `s` as it is when it prints safely, else escaped and quoted.
std::string Shown(std::string_view s) {
  return LineBreakProblem(s).empty() ? std::string(s) : Escaped(s);
}

// Why `user` cannot be a login name, or "".
std::string UserProblem(std::string_view user) {
  if (user.front() == '-') return "starts with '-'";
  for (char c : user) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "holds a control character";
    if (c == ' ') return "holds a space";
    if (c == ':' || c == '/') return fmt::format("holds '{}'", c);
  }
  return "";
}

}  // namespace

std::optional<int> ParsePort(const std::string& text) {
  const std::string t = Trim(text);
  if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int n = std::stoi(t);
  if (n < 1 || n > 65535) return std::nullopt;
  return n;
}

Result<ConnectionSettings> ReadConnectionSettings(const std::string& host, const Variables& vars,
                                                  const Variables* plain) {
  ConnectionSettings s;
  s.address = host;
  auto text = [&](const std::string& name, std::string* out) -> Status {
    Result<Value> v = LookupSetting(vars, plain, name);
    if (!v.ok()) return v.status();
    if (!v->is_null()) *out = ToText(*v);
    return Status::Ok();
  };
  std::string address_from = "the inventory host name";
  Result<Value> address = LookupSetting(vars, plain, "host", &address_from);
  if (!address.ok()) return address.status();
  if (!address->is_null()) s.address = ToText(*address);
  for (auto [name, field] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"connection", &s.connection},
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
  if (address->is_null()) {
    Result<Value> old = LookupSetting(vars, plain, "ssh_host", &address_from);
    if (!old.ok()) return old.status();
    if (!old->is_null()) s.address = ToText(*old);
  }
  Result<Value> port = LookupSetting(vars, plain, "port");
  if (!port.ok()) return port.status();
  if (port->is_null()) port = LookupSetting(vars, plain, "ssh_port");
  if (!port.ok()) return port.status();
  if (!port->is_null()) {
    const std::string p = Trim(ToText(*port));
    const std::optional<int> n = ParsePort(p);
    if (!n)
      return Status::Error(fmt::format("host {}: ansible_port '{}' is not a port number", host, p));
    s.port = *n;
  }
  std::string method;
  if (Status st = text("become_method", &method); !st.ok()) return st;
  if (!Trim(method).empty()) {
    s.become_method = BecomeMethodNamed(method);
    if (!s.become_method) {
      return Status::Error(fmt::format(
          "host {}: ansible_become_method '{}' is not supported: hostprep becomes another user "
          "with sudo or su",
          host, Trim(method)));
    }
  }
  Result<Value> become = LookupSetting(vars, plain, "become");
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
  if (s.connection == "ssh") {
    if (std::string why = AddressProblem(s.address); !why.empty()) {
      return Status::Error(fmt::format(
          "host {}: {} {} is not a host name or address: it {}; set ansible_host to a DNS name or "
          "an IP address",
          Shown(host), address_from, Escaped(s.address), why));
    }
    if (std::string why = s.user.empty() ? "" : UserProblem(s.user); !why.empty()) {
      return Status::Error(fmt::format("host {}: ansible_user {} is not a login name: it {}",
                                       Shown(host), Escaped(s.user), why));
    }
  }
  return s;
}

}  // namespace hostprep
