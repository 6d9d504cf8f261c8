#include <doctest/doctest.h>

#include "engine/inventory/inventory.h"

namespace hostprep {
namespace {

TEST_CASE("connection settings read ansible_ names, plain names and templates") {
  Variables vars;
  vars.Set("ansible_host", "{{ ip }}", "hosts.ini");
  vars.Set("ip", "10.0.0.11", "hosts.ini");
  vars.Set("ansible_port", "2222", "hosts.ini");
  vars.Set("user", "deploy", "hosts.ini");
  vars.Set("ansible_become", "yes", "group_vars/all.yml");
  vars.Set("ansible_ssh_private_key_file", "~/.ssh/id_ed25519", "group_vars/all.yml");
  Result<ConnectionSettings> s = ReadConnectionSettings("node1", vars, &vars);
  REQUIRE(s.ok());
  CHECK(s->address == "10.0.0.11");
  CHECK(s->port == 2222);
  CHECK(s->user == "deploy");
  CHECK(s->become);
  CHECK(s->become_set);
  CHECK(s->private_key_file == "~/.ssh/id_ed25519");
  CHECK(s->connection == "ssh");
  CHECK_FALSE(s->become_method.has_value());
  vars.Set("become_method", "ansible.builtin.su", "hosts.ini");
  s = ReadConnectionSettings("node1", vars, &vars);
  REQUIRE(s.ok());
  CHECK(s->become_method == BecomeMethod::kSu);
}

TEST_CASE("plain connection names count only from the inventory, never from play or role vars") {
  Variables inventory;
  inventory.Set("port", "2200", "hosts.ini");
  Variables play(&inventory);
  play.Set("ssh_port", "2222", "roles/sshd/defaults/main.yml");
  play.Set("user", "www-data", "play vars");
  play.Set("host", "10.9.9.9", "play vars");
  play.Set("connection", "local", "play vars");
  Result<ConnectionSettings> s = ReadConnectionSettings("node1", play, &inventory);
  REQUIRE(s.ok());
  CHECK(s->port == 2200);
  CHECK(s->user.empty());
  CHECK(s->address == "node1");
  CHECK(s->connection == "ssh");
  // The prefixed names count from every layer, -e included.
  play.Set("ansible_port", "2022", "extra vars (-e)");
  s = ReadConnectionSettings("node1", play, &inventory);
  REQUIRE(s.ok());
  CHECK(s->port == 2022);
  // Without an inventory scope no plain name counts.
  s = ReadConnectionSettings("node1", inventory, nullptr);
  REQUIRE(s.ok());
  CHECK(s->port == 0);
}

TEST_CASE("connection settings default to the inventory name over ssh") {
  Variables vars;
  Result<ConnectionSettings> s = ReadConnectionSettings("node1", vars, &vars);
  REQUIRE(s.ok());
  CHECK(s->address == "node1");
  CHECK(s->port == 0);
  CHECK_FALSE(s->become_set);
}

TEST_CASE("connection settings refuse what they cannot use, naming it") {
  Variables vars;
  vars.Set("ansible_port", "ssh", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", vars, &vars).message() ==
        "host node1: ansible_port 'ssh' is not a port number");
  Variables winrm;
  winrm.Set("ansible_connection", "winrm", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", winrm, &winrm).message() ==
        "host node1: connection 'winrm' is not supported (use ssh or local)");
  Variables doas;
  doas.Set("ansible_become_method", "doas", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", doas, &doas).message() ==
        "host node1: ansible_become_method 'doas' is not supported: hostprep becomes another "
        "user with sudo or su");
  Variables broken;
  broken.Set("ansible_host", "{{ nope }}", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", broken, &broken).message() ==
        "variable 'ansible_host' (from hosts.ini): undefined variable 'nope'");
}

TEST_CASE("connection settings refuse hostile addresses, users and ports before any connection") {
  struct Case {
    const char* var;
    const char* value;
    std::string message;
  };
  const Case cases[] = {
      {"ansible_host", "-oProxyCommand=touch /tmp/x",
       "host node1: ansible_host \"-oProxyCommand=touch /tmp/x\" is not a host name or address: "
       "it starts with '-'; set ansible_host to a DNS name or an IP address"},
      {"ansible_host", "root@10.0.0.1",
       "host node1: ansible_host \"root@10.0.0.1\" is not a host name or address: it holds '@' "
       "(the user goes in ansible_user); set ansible_host to a DNS name or an IP address"},
      {"ansible_host", "10.0.0.1 -oX",
       "host node1: ansible_host \"10.0.0.1 -oX\" is not a host name or address: it holds a "
       "space; set ansible_host to a DNS name or an IP address"},
      {"ansible_host", "10.0.0.1\nProxyCommand x",
       "host node1: ansible_host \"10.0.0.1\\nProxyCommand x\" is not a host name or address: "
       "it holds a control character; set ansible_host to a DNS name or an IP address"},
      {"ansible_host", "a;touch /tmp/x",
       "host node1: ansible_host \"a;touch /tmp/x\" is not a host name or address: it holds ';'; "
       "set ansible_host to a DNS name or an IP address"},
      {"ansible_ssh_host", "$(id)",
       "host node1: ansible_ssh_host \"$(id)\" is not a host name or address: it holds '$'; "
       "set ansible_host to a DNS name or an IP address"},
      {"ansible_host", "",
       "host node1: ansible_host \"\" is not a host name or address: it is empty; set "
       "ansible_host to a DNS name or an IP address"},
      {"ansible_port", "22 -oX", "host node1: ansible_port '22 -oX' is not a port number"},
      {"ansible_port", "70000", "host node1: ansible_port '70000' is not a port number"},
      {"ansible_user", "-oProxyCommand=x",
       "host node1: ansible_user \"-oProxyCommand=x\" is not a login name: it starts with '-'"},
      {"ansible_user", "root\nx",
       "host node1: ansible_user \"root\\nx\" is not a login name: it holds a control "
       "character"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    Variables vars;
    vars.Set(c.var, std::string(c.value), "hosts.ini");
    CHECK(ReadConnectionSettings("node1", vars, &vars).message() == c.message);
  }
  // The inventory name is the address when ansible_host is not set.
  CHECK(ReadConnectionSettings("-oProxyCommand=x", Variables(), nullptr).message() ==
        "host -oProxyCommand=x: the inventory host name \"-oProxyCommand=x\" is not a host name "
        "or address: it starts with '-'; set ansible_host to a DNS name or an IP address");
  // Names that are fine: IPv6 with a zone, an internationalized name, a local
  // connection (no address used).
  for (const char* ok : {"fe80::1%eth0", "2001:db8::1", "bücher.example", "node_1.lan"}) {
    Variables vars;
    vars.Set("ansible_host", std::string(ok), "hosts.ini");
    CHECK(ReadConnectionSettings("node1", vars, &vars).ok());
  }
  Variables local;
  local.Set("ansible_connection", std::string("local"), "hosts.ini");
  CHECK(ReadConnectionSettings("my laptop", local, &local).ok());
}

}  // namespace
}  // namespace hostprep
