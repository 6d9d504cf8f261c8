#include "engine/inventory/ini_inventory.h"

#include <doctest/doctest.h>

#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

namespace {

std::unique_ptr<Inventory> ParseIni(const std::string& text, Diagnostics* diags) {
  InventoryBuilder builder;
  if (!LoadIniInventory("hosts.ini", text, &builder, diags)) return nullptr;
  return builder.Finish();
}

std::string IniErrors(const std::string& text) {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = ParseIni(text, &diags);
  CHECK(inv == nullptr);
  return Messages(diags);
}

}  // namespace

TEST_CASE("ini inventory reads groups, children, vars and host lines") {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = ParseIni(R"(# comment
; another comment
lonely ansible_connection=local

[web]
web[1:2] http_port=8080 name='two words' enabled=True
db1:2222

[db]
db1 role=primary

[prod:children]
web
db   # inline comment

[prod:vars]
tier = 3
flag = yes
path=/srv/app
)",
                                            &diags);
  REQUIRE(inv != nullptr);
  CHECK(Messages(diags) == "");
  CHECK(inv->host_names() == std::vector<std::string>{"lonely", "web1", "web2", "db1"});
  CHECK(inv->FindGroup("ungrouped")->hosts == std::vector<std::string>{"lonely"});
  CHECK(inv->FindGroup("web")->hosts == std::vector<std::string>{"web1", "web2", "db1"});
  CHECK(inv->FindGroup("prod")->children == std::vector<std::string>{"web", "db"});
  CHECK(inv->FindGroup("web")->parents == std::vector<std::string>{"prod"});
  CHECK(inv->FindGroup("prod")->parents == std::vector<std::string>{"all"});

  const InventoryHost* web1 = inv->FindHost("web1");
  CHECK(web1->vars.at("http_port").value == 8080);
  CHECK(web1->vars.at("name").value == "two words");
  CHECK(web1->vars.at("enabled").value == true);
  CHECK(web1->vars.at("http_port").origin == "hosts.ini");
  CHECK(web1->defined_at.ToString() == "hosts.ini:6:1");
  CHECK(inv->FindHost("db1")->vars.at("ansible_port").value == 2222);
  CHECK(inv->FindHost("db1")->vars.at("role").value == "primary");

  // [group:vars] values go through the same literal typing as host lines.
  const InventoryGroup* prod = inv->FindGroup("prod");
  CHECK(prod->vars.at("tier").value == 3);
  CHECK(prod->vars.at("flag").value == "yes");
  CHECK(prod->vars.at("path").value == "/srv/app");
}

// Found by tests/fuzz/ini_inventory_fuzz (minimised to one byte): a host
// name or value that is not UTF-8 made `hostprep inventory --list` throw out
// of nlohmann's dump(). Each such line is reported; the others are read on.
TEST_CASE("ini inventory refuses lines that are not UTF-8 text") {
  CHECK(IniErrors("\x9a") ==
        "hosts.ini:1:1: invalid UTF-8 (byte 0x9a): inventory files must be UTF-8 text\n");
  CHECK(IniErrors("[web]\nweb1 motd='caf\xe9'\n[d\xe9"
                  "b]\nweb2\n[db:vars]\nx=1\n") ==
        "hosts.ini:2:15: invalid UTF-8 (byte 0xe9): inventory files must be UTF-8 text\n"
        "hosts.ini:3:3: invalid UTF-8 (byte 0xe9): inventory files must be UTF-8 text\n"
        "hosts.ini:5:1: section [db:vars] is for undefined group 'db': declare the group with "
        "[db] or [db:children]\n");
}

TEST_CASE("ini children and vars sections may name a group declared further down") {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv =
      ParseIni("[cluster:children]\nnodes\n\n[nodes:vars]\nrole=node\n\n[nodes]\nn1\n", &diags);
  REQUIRE(inv != nullptr);
  CHECK(Messages(diags) == "");
  CHECK(inv->FindGroup("nodes")->vars.at("role").value == "node");
  CHECK(inv->FindGroup("cluster")->children == std::vector<std::string>{"nodes"});
  CHECK(inv->FindGroup("nodes")->parents == std::vector<std::string>{"cluster"});
}

TEST_CASE("ini inventory reports every error with file, line and column") {
  struct Case {
    const char* text;
    const char* errors;
  };
  const Case cases[] = {
      {"[kube_node:varz]\nx=1\n",
       "hosts.ini:1:12: unknown section type 'varz' in [kube_node:varz] (did you mean 'vars'?)\n"},
      {"[web group]\n",
       "hosts.ini:1:1: invalid section header '[web group]': write [group], "
       "[group:children] or [group:vars], with no spaces in the group name\n"},
      {"[web]\n  x=1 y=2\n",
       "hosts.ini:2:3: host line 'x=1 y=2' has no host name: start the line with the host, "
       "then key=value pairs\n"},
      {"[web]\nweb1 port 22\n",
       "hosts.ini:2:6: expected key=value after host 'web1', got 'port'\n"
       "hosts.ini:2:11: expected key=value after host 'web1', got '22'\n"},
      {"[web]\nweb1 a='x\n", "hosts.ini:2:1: cannot parse host line: no closing quotation\n"},
      {"[web]\nnode[3:1]\n", "hosts.ini:2:1: host range 'node[3:1]' has begin > end\n"},
      {"[web]\nw\n[web:vars]\njust_a_word\n",
       "hosts.ini:4:1: expected key=value in [web:vars], got 'just_a_word'\n"},
      {"[web]\nw\n[all:children]\nweb db\n",
       "hosts.ini:4:1: expected one group name per line in [all:children], got 'web db'\n"},
      {"[db:vars]\nport=5432\n",
       "hosts.ini:1:1: section [db:vars] is for undefined group 'db': declare the group "
       "with [db] or [db:children]\n"},
      {"[kube_node]\nn1\n[k8s_cluster:children]\nkube_nod\n",
       "hosts.ini:4:1: section [k8s_cluster:children] includes undefined group 'kube_nod' "
       "(did you mean 'kube_node'?): declare it, even empty, with [kube_nod]\n"},
      {"[a:children]\nb\n[b:children]\na\n",
       "hosts.ini:4:1: group 'a' cannot be a child of 'b': that makes a cycle b -> a -> b\n"},
      {"[a:children]\na\n",
       "hosts.ini:2:1: group 'a' cannot be a child of 'a': that makes a cycle a -> a\n"},
      {"[web:children]\nall\n",
       "hosts.ini:2:1: group 'all' cannot be a child of 'web': every group is already under "
       "'all'\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(IniErrors(c.text) == c.errors);
  }
}

TEST_CASE("ini host in a section leaves ungrouped") {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = ParseIni("h1\nh2\n[web]\nh1\n", &diags);
  REQUIRE(inv != nullptr);
  CHECK(inv->FindGroup("ungrouped")->hosts == std::vector<std::string>{"h2"});
  CHECK(inv->FindHost("h1")->groups == std::vector<std::string>{"web"});
  CHECK(inv->FindHost("h2")->groups == std::vector<std::string>{"ungrouped"});
}

}  // namespace hostprep
