// Inventory::Load: sources of every kind, and the example inventories under
// inventories/ loaded unchanged.
#include <doctest/doctest.h>

#include "engine/base/text.h"
#include "engine/inventory/inventory.h"
#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

namespace {

std::unique_ptr<Inventory> MustLoad(const std::vector<std::string>& sources) {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load(sources, &diags);
  CHECK(Messages(diags) == "");
  REQUIRE(inv != nullptr);
  return inv;
}

Value Var(const Inventory& inv, const std::string& host, const std::string& name) {
  Variables vars;
  inv.HostVariables(host, &vars);
  const VarEntry* e = vars.Find(name);
  return e == nullptr ? Value("<undefined>") : e->value;
}

std::string Origin(const Inventory& inv, const std::string& host, const std::string& name) {
  Variables vars;
  inv.HostVariables(host, &vars);
  const VarEntry* e = vars.Find(name);
  return e == nullptr ? "<undefined>" : e->origin;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("inventory loads the local example") {
  std::unique_ptr<Inventory> inv = MustLoad({SourcePath("inventories/local/hosts.yml")});
  CHECK(inv->host_names() == Names{"localhost"});
  CHECK(Var(*inv, "localhost", "ansible_connection") == "local");
  CHECK(inv->GroupsOf("localhost") == Names{"ungrouped"});
}

TEST_CASE("inventory loads the kubespray example unchanged, as a directory or as its file") {
  for (const std::string& source :
       {SourcePath("inventories/kubespray"), SourcePath("inventories/kubespray/inventory.ini")}) {
    CAPTURE(source);
    std::unique_ptr<Inventory> inv = MustLoad({source});
    CHECK(inv->group_names() == Names{"all", "bastion", "calico_rr", "etcd", "k8s_cluster",
                                      "kube_control_plane", "kube_node", "ungrouped"});
    CHECK(inv->host_names() == Names{"node1", "node2", "node3", "node4", "node5", "bastion"});
    Value groups = inv->GroupsValue();
    CHECK(groups["k8s_cluster"] == Value({"node1", "node2", "node3", "node4", "node5"}));
    CHECK(groups["etcd"] == Value({"node1", "node2", "node3"}));
    CHECK(groups["kube_node"] == Value({"node3", "node4", "node5"}));
    CHECK(groups["calico_rr"] == Value::array());
    CHECK(groups["bastion"] == Value({"bastion"}));
    CHECK(groups["ungrouped"] == Value::array());
    CHECK(inv->FindGroup("k8s_cluster")->children ==
          Names{"kube_control_plane", "kube_node", "calico_rr"});
    CHECK(inv->GroupsOf("node3") ==
          Names{"etcd", "k8s_cluster", "kube_control_plane", "kube_node"});
    CHECK(inv->GroupsOf("bastion") == Names{"bastion"});

    // Host variables from the INI lines (typed as Ansible types them).
    CHECK(Var(*inv, "node1", "ansible_host") == "192.0.2.11");
    CHECK(Var(*inv, "node1", "ip") == "10.0.0.11");
    CHECK(Var(*inv, "node1", "access_ip") == "10.0.0.11");
    CHECK(Var(*inv, "node1", "etcd_member_name") == "etcd1");
    CHECK(Var(*inv, "node3", "etcd_member_name") == "etcd3");  // kept from its first line
    CHECK(Var(*inv, "node5", "ip") == "10.0.0.15");
    CHECK(Var(*inv, "node5", "ip6") == "<undefined>");  // commented out

    // group_vars: all < k8s_cluster < host.
    CHECK(Var(*inv, "node1", "bin_dir") == "/opt/bin");
    CHECK(EndsWith(Origin(*inv, "node1", "bin_dir"), "group_vars/k8s_cluster/k8s-cluster.yml"));
    CHECK(Var(*inv, "bastion", "bin_dir") == "/usr/local/bin");
    CHECK(EndsWith(Origin(*inv, "bastion", "bin_dir"), "group_vars/all/all.yml"));
    CHECK(Var(*inv, "node1", "ansible_user") == "ubuntu");
    CHECK(Var(*inv, "bastion", "ansible_user") == "admin");
    CHECK(Var(*inv, "bastion", "kube_config_dir") == "<undefined>");
    CHECK(Var(*inv, "node1", "inventory_dir") == SourcePath("inventories/kubespray"));
    // Templates stay raw, including Jinja this engine cannot render.
    CHECK(Var(*inv, "node2", "kube_cert_dir") == "{{ kube_config_dir }}/ssl");
    CHECK(Var(*inv, "node2", "kube_apiserver_ip") ==
          "{{ kube_service_addresses | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | "
          "ansible.utils.ipaddr('address') }}");
    CHECK(Var(*inv, "node4", "kube_proxy_nodeport_addresses") ==
          "{%- if kube_proxy_nodeport_addresses_cidr is defined -%} "
          "[{{ kube_proxy_nodeport_addresses_cidr }}] {%- else -%} [] {%- endif -%}");
    CHECK(Var(*inv, "node4", "kube_apiserver_port") == 6443);
    Value mirrors = Var(*inv, "node4", "containerd_registries_mirrors");
    REQUIRE(mirrors.is_array());
    CHECK(mirrors[0]["prefix"] == "docker.io");
    CHECK(mirrors[0]["mirrors"][1]["capabilities"] == Value({"pull", "resolve"}));
    CHECK(mirrors[1]["mirrors"][0]["skip_verify"] == true);
  }
}

TEST_CASE("inventory sample in YAML and in INI load to the same inventory") {
  std::unique_ptr<Inventory> yml = MustLoad({SourcePath("inventories/sample/hosts.yml")});
  std::unique_ptr<Inventory> ini = MustLoad({SourcePath("inventories/sample/hosts.ini")});
  CHECK(yml->ToListJson().dump(2) == ini->ToListJson().dump(2));
  CHECK(yml->ToGraph() == ini->ToGraph());
  CHECK(yml->host_names() == Names{"jump.example.net", "web01", "web02", "web03", "db1", "db2"});
  // host_vars/db1.yml beats group_vars/databases.yml; the inventory's host
  // value beats group_vars/webservers/.
  CHECK(Var(*ini, "db1", "backup") == false);
  CHECK(Var(*ini, "db2", "backup") == true);
  CHECK(Var(*yml, "web02", "http_port") == 8080);
  CHECK(Var(*yml, "web02", "document_root") == "/srv/www/{{ app_env }}");
  CHECK(Var(*yml, "web02", "tls_enabled") == true);
  CHECK(Var(*yml, "db1", "ansible_port") == 2222);
  CHECK(Var(*ini, "db1", "ansible_port") == 2222);
}

TEST_CASE("inventory loads host lists") {
  struct Case {
    const char* source;
    Names hosts;
  };
  const Case cases[] = {
      {"localhost,", {"localhost"}},
      {"web1,web2", {"web1", "web2"}},
      {" web1 , web2:2222 ,", {"web1", "web2"}},
      {",", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    std::unique_ptr<Inventory> inv = MustLoad({c.source});
    CHECK(inv->host_names() == c.hosts);
    CHECK(inv->FindGroup("ungrouped")->hosts == c.hosts);
  }
  std::unique_ptr<Inventory> inv = MustLoad({"web1,web2:2222"});
  CHECK(Var(*inv, "web2", "ansible_port") == 2222);
}

TEST_CASE("inventory loads a directory, skipping what Ansible skips") {
  TempDir dir;
  dir.Write("01-hosts.ini", "[web]\nw1\n");
  dir.Write("02-more.yml", "db:\n  hosts:\n    d1:\n");
  dir.Write("03-plain", "[cache]\nc1\n");                // no extension, INI
  dir.Write("04-plain", "queue:\n  hosts:\n    q1:\n");  // no extension, YAML shape
  dir.Write("nested/05.ini", "[nested]\nn1\n");
  dir.Write("script", "#!/bin/sh\necho '{\"dyn\": [\"s1\"]}'\n", true);
  for (const char* ignored : {"README.md", "notes.txt", "old.ini.bak", "x.orig", "y.cfg",
                              "site.retry", "hosts.ini~", ".hidden.ini"}) {
    dir.Write(ignored, "this is not an inventory [\n");
  }
  dir.Write("group_vars/web.yml", "port: 80\n");
  dir.Write("group_vars/not_inventory.ini", "[not]\nx\n");  // a vars dir, not parsed
  dir.Write("host_vars/d1.yml", "role: primary\n");
  std::unique_ptr<Inventory> inv = MustLoad({dir.path() + "/"});
  CHECK(inv->host_names() == Names{"w1", "d1", "c1", "q1", "n1", "s1"});
  CHECK(inv->group_names() ==
        Names{"all", "cache", "db", "dyn", "nested", "queue", "ungrouped", "web"});
  CHECK(Var(*inv, "w1", "port") == 80);
  CHECK(Var(*inv, "d1", "role") == "primary");
}

TEST_CASE("inventory merges several sources in order") {
  TempDir dir;
  std::string a = dir.Write("a/hosts.ini", "[web]\nw1 x=1\n");
  std::string b = dir.Write("b/hosts.yml", "web:\n  hosts:\n    w1: {x: 2}\n    w2:\n");
  dir.Write("a/group_vars/web.yml", "from_a: true\nboth: a\n");
  dir.Write("b/group_vars/web.yml", "both: b\n");
  std::unique_ptr<Inventory> inv = MustLoad({a, b});
  CHECK(inv->FindGroup("web")->hosts == Names{"w1", "w2"});
  CHECK(Var(*inv, "w1", "x") == 2);
  CHECK(Var(*inv, "w2", "from_a") == true);
  CHECK(Var(*inv, "w2", "both") == "b");
}

TEST_CASE("inventory load reports problems from every source") {
  TempDir dir;
  std::string ini = dir.Write("bad.ini", "[web:varz]\n");
  std::string yml = dir.Write("bad.yml", "all:\n  hostz:\n");
  Diagnostics diags;
  CHECK(Inventory::Load({ini, "missing/inventory", yml}, &diags) == nullptr);
  CHECK(Messages(diags) ==
        ini +
            ":1:6: unknown section type 'varz' in [web:varz] (did you mean 'vars'?)\n"
            "inventory source 'missing/inventory' does not exist: give a file, a directory, "
            "or a host list such as 'host1,host2,'\n" +
            yml +
            ":2:3: unknown key 'hostz' in group 'all' (did you mean 'hosts'?): a group "
            "has hosts, children and vars\n");
}

TEST_CASE("inventory implicit is one local host") {
  std::unique_ptr<Inventory> inv = Inventory::Implicit();
  CHECK(inv->host_names() == Names{"localhost"});
  CHECK(Var(*inv, "localhost", "ansible_connection") == "local");
  CHECK(inv->GroupsOf("localhost") == Names{"ungrouped"});
}

}  // namespace hostprep
