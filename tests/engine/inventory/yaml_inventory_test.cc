#include "engine/inventory/yaml_inventory.h"

#include <doctest/doctest.h>

#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

namespace {

std::unique_ptr<Inventory> ParseYaml(const std::string& text, Diagnostics* diags) {
  YamlDocument doc;
  if (!LoadYamlString(text, "hosts.yml", &doc, diags)) return nullptr;
  InventoryBuilder builder;
  if (!LoadYamlInventory(doc, &builder, diags)) return nullptr;
  return builder.Finish();
}

std::string YamlErrors(const std::string& text) {
  Diagnostics diags;
  CHECK(ParseYaml(text, &diags) == nullptr);
  return Messages(diags);
}

}  // namespace

TEST_CASE("yaml inventory reads nested groups, hosts and vars") {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = ParseYaml(R"(
all:
  vars:
    ntp: pool.ntp.org
  hosts:
    jump:
  children:
    web:
      hosts:
        web[1:2]:
          port: 8080
          mode: 0644
          quoted: "0644"
      vars:
        tier: front
    db:
      hosts: db1
      children:
        replicas:
          hosts:
            db2:2222:
extra:
  hosts:
    web1:
)",
                                             &diags);
  REQUIRE(inv != nullptr);
  CHECK(Messages(diags) == "");
  CHECK(inv->host_names() == std::vector<std::string>{"jump", "web1", "web2", "db1", "db2"});
  CHECK(inv->FindGroup("all")->vars.at("ntp").value == "pool.ntp.org");
  CHECK(inv->FindGroup("all")->children ==
        std::vector<std::string>{"ungrouped", "web", "db", "extra"});
  CHECK(inv->FindGroup("db")->children == std::vector<std::string>{"replicas"});
  CHECK(inv->FindGroup("replicas")->parents == std::vector<std::string>{"db"});
  CHECK(inv->FindGroup("extra")->parents == std::vector<std::string>{"all"});
  CHECK(inv->FindGroup("ungrouped")->hosts == std::vector<std::string>{"jump"});
  const InventoryHost* web2 = inv->FindHost("web2");
  CHECK(web2->vars.at("port").value == 8080);
  CHECK(web2->vars.at("mode").value == 420);  // YAML 1.1 octal, as Ansible reads it
  CHECK(web2->vars.at("quoted").value == "0644");
  CHECK(web2->vars.at("port").origin == "hosts.yml");
  CHECK(web2->defined_at.ToString() == "hosts.yml:10:9");
  CHECK(inv->FindHost("db2")->vars.at("ansible_port").value == 2222);
  CHECK(inv->FindHost("web1")->groups == std::vector<std::string>{"web", "extra"});
}

TEST_CASE("yaml inventory checks its shape strictly") {
  struct Case {
    const char* text;
    const char* errors;
  };
  const Case cases[] = {
      {"all:\n  host:\n    a:\n",
       "hosts.yml:2:3: unknown key 'host' in group 'all' (did you mean 'hosts'?): a group has "
       "hosts, children and vars\n"},
      {"all:\n  hosts:\n    - a\n    - b\n",
       "hosts.yml:3:5: hosts of group 'all' must be a mapping (host name: vars, one per line), "
       "not a list\n"},
      {"all:\n  children:\n    web:\n      hosts:\n        w1: 5\n",
       "hosts.yml:5:13: vars of host 'w1' must be a mapping (name: value), not the integer 5\n"},
      {"all:\n  vars: [a]\n",
       "hosts.yml:2:9: vars of group 'all' must be a mapping (name: value), not a list\n"},
      {"web: [a, b]\n",
       "hosts.yml:1:6: group 'web' must be a mapping with hosts, children or vars, not a list\n"},
      {"- all\n",
       "hosts.yml:1:1: an inventory must be a mapping of groups (all: {hosts, children, vars}), "
       "not a list\n"},
      {"all:\n  children:\n    a:\n      children:\n        a:\n",
       "hosts.yml:5:9: group 'a' cannot be a child of 'a': that makes a cycle a -> a\n"},
      {"all:\n  hosts:\n    n[2:1]:\n", "hosts.yml:3:5: host range 'n[2:1]' has begin > end\n"},
      {"all:\n  hosts:\n    a:\n    a:\n",
       "hosts.yml:4:5: duplicate key 'a' (first defined on line 3)\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(YamlErrors(c.text) == c.errors);
  }
}

// Found by tests/fuzz/yaml_inventory_fuzz (minimised to one byte): the
// host name that is not UTF-8 made `hostprep inventory --list` throw out of
// nlohmann's dump().
TEST_CASE("yaml inventory refuses a file that is not UTF-8 text") {
  CHECK(YamlErrors("\xff") ==
        "hosts.yml:1:1: invalid UTF-8 (byte 0xff): YAML files must be UTF-8 text\n");
  CHECK(YamlErrors("all:\n  hosts:\n    web\xe9"
                   "1:\n") ==
        "hosts.yml:3:8: invalid UTF-8 (byte 0xe9): YAML files must be UTF-8 text\n");
}

TEST_CASE("yaml inventory shape is recognised without an extension") {
  struct Case {
    const char* text;
    bool inventory;
  };
  const Case cases[] = {
      {"all:\n  hosts:\n    a:\n", true},
      {"web:\ndb:\n  vars: {}\n", true},
      {"web1\nweb2\n", false},
      {"a: b\n", false},
      {"all:\n  hostz: {}\n", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    YamlDocument doc;
    Diagnostics diags;
    REQUIRE(LoadYamlString(c.text, "f", &doc, &diags));
    CHECK(LooksLikeYamlInventory(doc.root) == c.inventory);
  }
}

}  // namespace hostprep
