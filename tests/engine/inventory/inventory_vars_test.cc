#include "engine/inventory/inventory_vars.h"

#include <doctest/doctest.h>

#include "engine/base/text.h"
#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

TEST_CASE("inventory vars files are found in Ansible's order") {
  TempDir dir;
  const std::string gv = dir.path() + "/group_vars";
  dir.Write("group_vars/web.yml", "a: 2\n");
  dir.Write("group_vars/web.json", "{\"a\": 3}\n");
  dir.Write("group_vars/web/20-b.yaml", "a: 5\n");
  dir.Write("group_vars/web/10-a.yml", "a: 4\n");
  dir.Write("group_vars/web/sub/x.yml", "a: 6\n");
  dir.Write("group_vars/web/.hidden.yml", "a: 7\n");
  dir.Write("group_vars/web/backup.yml~", "a: 8\n");
  dir.Write("group_vars/web/notes.txt", "a: 9\n");
  dir.Write("group_vars/web/plain", "a: 10\n");
  std::vector<std::string> files = VarsFilesFor(gv, "web");
  CHECK(files == std::vector<std::string>{gv + "/web.yml", gv + "/web.json", gv + "/web/10-a.yml",
                                          gv + "/web/20-b.yaml", gv + "/web/plain",
                                          gv + "/web/sub/x.yml"});
  dir.Write("group_vars/db", "a: 1\n");
  CHECK(VarsFilesFor(gv, "db") == std::vector<std::string>{gv + "/db"});
  CHECK(VarsFilesFor(gv, "nothing").empty());
}

TEST_CASE("inventory vars directory files merge in name order and win over the inventory") {
  TempDir dir;
  dir.Write("group_vars/all/10-base.yml", "dns: 192.0.2.53\nmirror: a\n");
  dir.Write("group_vars/all/20-site.yml", "mirror: b\n");
  dir.Write("group_vars/web.yml", "port: 80\n");
  dir.Write("group_vars/unknown_group.yml", "ignored: true\n");
  dir.Write("host_vars/w1.yml", "port: 8080\n");
  dir.Write("host_vars/w1/extra.yml", "extra: yes\n");
  InventoryBuilder builder;
  builder.AddHost("w1", "web", {});
  builder.SetGroupVar("web", "port", 81, "hosts.ini");
  Diagnostics diags;
  REQUIRE(LoadInventoryVars(dir.path(), &builder, &diags));
  std::unique_ptr<Inventory> inv = builder.Finish();
  const InventoryGroup* all = inv->FindGroup("all");
  CHECK(all->vars.at("dns").value == "192.0.2.53");
  CHECK(all->vars.at("mirror").value == "b");
  CHECK(all->vars.at("mirror").origin == dir.path() + "/group_vars/all/20-site.yml");
  CHECK(inv->FindGroup("web")->vars.at("port").value == 80);
  CHECK(inv->FindGroup("unknown_group") == nullptr);
  CHECK(inv->FindHost("w1")->vars.at("port").value == 8080);
  CHECK(inv->FindHost("w1")->vars.at("extra").value == true);
}

TEST_CASE("inventory vars files must hold mappings") {
  TempDir dir;
  std::string list = dir.Write("group_vars/all.yml", "- a\n- b\n");
  std::string broken = dir.Write("host_vars/h.yml", "a: [1\n");
  InventoryBuilder builder;
  builder.AddHost("h", "ungrouped", {});
  Diagnostics diags;
  CHECK_FALSE(LoadInventoryVars(dir.path(), &builder, &diags));
  REQUIRE(diags.size() == 2);
  CHECK(Messages(diags).find(list + ":1:1: variables of group 'all' must be a mapping (name: "
                                    "value), not a list\n") == 0);
  CHECK(diags.items()[1].location.file == broken);
  CHECK(StartsWith(diags.items()[1].message, "invalid YAML: "));
}

}  // namespace hostprep
