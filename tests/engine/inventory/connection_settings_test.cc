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
  Result<ConnectionSettings> s = ReadConnectionSettings("node1", vars);
  REQUIRE(s.ok());
  CHECK(s->address == "10.0.0.11");
  CHECK(s->port == 2222);
  CHECK(s->user == "deploy");
  CHECK(s->become);
  CHECK(s->become_set);
  CHECK(s->private_key_file == "~/.ssh/id_ed25519");
  CHECK(s->connection == "ssh");
}

TEST_CASE("connection settings default to the inventory name over ssh") {
  Variables vars;
  Result<ConnectionSettings> s = ReadConnectionSettings("node1", vars);
  REQUIRE(s.ok());
  CHECK(s->address == "node1");
  CHECK(s->port == 0);
  CHECK_FALSE(s->become_set);
}

TEST_CASE("connection settings refuse what they cannot use, naming it") {
  Variables vars;
  vars.Set("ansible_port", "ssh", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", vars).message() ==
        "host node1: ansible_port 'ssh' is not a port number");
  Variables winrm;
  winrm.Set("ansible_connection", "winrm", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", winrm).message() ==
        "host node1: connection 'winrm' is not supported (use ssh or local)");
  Variables broken;
  broken.Set("ansible_host", "{{ nope }}", "hosts.ini");
  CHECK(ReadConnectionSettings("node1", broken).message() ==
        "variable 'ansible_host' (from hosts.ini): undefined variable 'nope'");
}

}  // namespace
}  // namespace hostprep
