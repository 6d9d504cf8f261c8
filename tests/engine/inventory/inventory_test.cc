// Inventory queries: GroupsOf, HostVariables precedence, GroupsValue, and the
// ansible-inventory --list / --graph outputs.
#include "engine/inventory/inventory.h"

#include <doctest/doctest.h>

#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

namespace {

using Names = std::vector<std::string>;

std::unique_ptr<Inventory> LoadIniText(const TempDir& dir, const std::string& text) {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({dir.Write("hosts.ini", text)}, &diags);
  CHECK(Messages(diags) == "");
  return inv;
}

Value Var(const Inventory& inv, const std::string& host, const std::string& name) {
  Variables vars;
  inv.HostVariables(host, &vars);
  const VarEntry* e = vars.Find(name);
  return e == nullptr ? Value("<undefined>") : e->value;
}

}  // namespace

TEST_CASE("inventory loads group vars parent before child and host vars last") {
  TempDir dir;
  std::unique_ptr<Inventory> inv = LoadIniText(dir, R"(
h_all
[top]
h_top
[top:children]
mid
[mid:children]
leaf
[leaf]
h_leaf
h_host v=host
[side]
h_leaf
[all:vars]
v=all
[top:vars]
v=top
[mid:vars]
v=mid
[leaf:vars]
v=leaf
[side:vars]
v=side
)");
  REQUIRE(inv != nullptr);
  CHECK(Var(*inv, "h_all", "v") == "all");
  CHECK(Var(*inv, "h_top", "v") == "top");
  // leaf is at depth 3, side at depth 1: the deeper group wins.
  CHECK(Var(*inv, "h_leaf", "v") == "leaf");
  CHECK(Var(*inv, "h_host", "v") == "host");
  CHECK(inv->GroupsOf("h_leaf") == Names{"leaf", "mid", "side", "top"});
}

TEST_CASE("inventory breaks depth ties by ansible_group_priority, then by name") {
  TempDir dir;
  std::unique_ptr<Inventory> inv = LoadIniText(dir, R"(
[alpha]
h1
h2
[beta]
h1
h2
[alpha:vars]
v=alpha
[beta:vars]
v=beta
)");
  REQUIRE(inv != nullptr);
  CHECK(Var(*inv, "h1", "v") == "beta");  // same depth and priority: later name wins

  std::unique_ptr<Inventory> prio = LoadIniText(dir, R"(
[alpha]
h1
[beta]
h1
[alpha:vars]
v=alpha
ansible_group_priority=10
[beta:vars]
v=beta
)");
  REQUIRE(prio != nullptr);
  CHECK(Var(*prio, "h1", "v") == "alpha");
}

TEST_CASE("inventory host variables include Ansible's magic names") {
  TempDir dir;
  std::unique_ptr<Inventory> inv =
      LoadIniText(dir, "solo.example.com\n[web]\nweb1.example.com\n[prod:children]\nweb\n");
  REQUIRE(inv != nullptr);
  CHECK(Var(*inv, "web1.example.com", "inventory_hostname") == "web1.example.com");
  CHECK(Var(*inv, "web1.example.com", "inventory_hostname_short") == "web1");
  CHECK(Var(*inv, "web1.example.com", "group_names") == Value({"prod", "web"}));
  CHECK(Var(*inv, "solo.example.com", "group_names") == Value({"ungrouped"}));
  Variables vars;
  inv->HostVariables("web1.example.com", &vars);
  CHECK(vars.Find("inventory_hostname")->origin == "inventory");
  CHECK(Var(*inv, "web1.example.com", "inventory_file") == dir.path() + "/hosts.ini");
  CHECK(Var(*inv, "web1.example.com", "inventory_dir") == dir.path());

  Diagnostics diags;
  std::unique_ptr<Inventory> listed = Inventory::Load({"h1,"}, &diags);
  REQUIRE(listed != nullptr);
  CHECK(Var(*listed, "h1", "inventory_dir") == "<undefined>");
}

TEST_CASE("inventory groups value lists a group's hosts then its children's") {
  TempDir dir;
  std::unique_ptr<Inventory> inv = LoadIniText(dir, R"(
[k8s_cluster:children]
kube_node
kube_control_plane
[kube_control_plane]
cp2
cp1
[kube_node]
w1
cp1
[k8s_cluster]
extra
)");
  REQUIRE(inv != nullptr);
  Value groups = inv->GroupsValue();
  // The children were named before they were declared, so (as in Ansible)
  // they joined k8s_cluster in declaration order: kube_control_plane first.
  CHECK(inv->FindGroup("k8s_cluster")->children == Names{"kube_control_plane", "kube_node"});
  CHECK(groups["k8s_cluster"] == Value({"extra", "cp2", "cp1", "w1"}));
  CHECK(groups["kube_control_plane"] == Value({"cp2", "cp1"}));
  CHECK(groups["all"] == Value({"cp2", "cp1", "w1", "extra"}));
  CHECK(groups["ungrouped"] == Value::array());
}

TEST_CASE("inventory prints --list and --graph like ansible-inventory") {
  TempDir dir;
  std::unique_ptr<Inventory> inv = LoadIniText(dir, R"(
localhost ansible_connection=local
[web]
web2 port=81
web1
[db]
db1
[prod:children]
web
db
[empty]
[prod:vars]
tier=1
)");
  REQUIRE(inv != nullptr);
  CHECK(inv->ToGraph() ==
        "@all:\n"
        "  |--@empty:\n"
        "  |--@prod:\n"
        "  |  |--@db:\n"
        "  |  |  |--db1\n"
        "  |  |--@web:\n"
        "  |  |  |--web1\n"
        "  |  |  |--web2\n"
        "  |--@ungrouped:\n"
        "  |  |--localhost\n");
  CHECK(inv->ToGraph("prod") ==
        "@prod:\n"
        "  |--@db:\n"
        "  |  |--db1\n"
        "  |--@web:\n"
        "  |  |--web1\n"
        "  |  |--web2\n");
  CHECK(inv->ToGraph("nope") == "");
  CHECK(inv->ToListJson().dump() ==
        R"({"_meta":{"hostvars":{"db1":{"tier":1},"localhost":{"ansible_connection":"local"},)"
        R"("web1":{"tier":1},"web2":{"port":81,"tier":1}}},)"
        R"("all":{"children":["ungrouped","prod","empty"]},"db":{"hosts":["db1"]},)"
        R"("prod":{"children":["web","db"]},"ungrouped":{"hosts":["localhost"]},)"
        R"("web":{"hosts":["web2","web1"]}})");
}

TEST_CASE("inventory lookups of unknown names give nothing") {
  TempDir dir;
  std::unique_ptr<Inventory> inv = LoadIniText(dir, "[web]\nw1\n");
  REQUIRE(inv != nullptr);
  CHECK(inv->FindHost("nope") == nullptr);
  CHECK(inv->FindGroup("nope") == nullptr);
  CHECK(inv->GroupsOf("nope").empty());
  Variables vars;
  inv->HostVariables("nope", &vars);
  CHECK(vars.Names().empty());
  CHECK(inv->group_names() == Names{"all", "ungrouped", "web"});
}

}  // namespace hostprep
