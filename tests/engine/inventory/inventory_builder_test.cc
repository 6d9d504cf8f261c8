#include "engine/inventory/inventory_builder.h"

#include <doctest/doctest.h>

#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

TEST_CASE("inventory builder always has all and ungrouped") {
  InventoryBuilder builder;
  std::unique_ptr<Inventory> inv = builder.Finish();
  CHECK(inv->group_names() == std::vector<std::string>{"all", "ungrouped"});
  CHECK(inv->FindGroup("all")->children == std::vector<std::string>{"ungrouped"});
  CHECK(inv->FindGroup("ungrouped")->parents == std::vector<std::string>{"all"});
  CHECK(inv->host_names().empty());
}

TEST_CASE("inventory builder puts parentless groups under all and settles ungrouped") {
  InventoryBuilder builder;
  Diagnostics diags;
  builder.AddHost("a", "all", {});
  builder.AddHost("b", "ungrouped", {});
  builder.AddHost("b", "web", {});
  builder.AddHost("c", "db", {});
  REQUIRE(builder.AddChild("site", "web", {}, &diags));
  std::unique_ptr<Inventory> inv = builder.Finish();
  CHECK(inv->FindGroup("all")->children == std::vector<std::string>{"ungrouped", "db", "site"});
  CHECK(inv->FindGroup("web")->parents == std::vector<std::string>{"site"});
  CHECK(inv->FindGroup("ungrouped")->hosts == std::vector<std::string>{"a"});
  CHECK(inv->FindHost("a")->groups == std::vector<std::string>{"all", "ungrouped"});
  CHECK(inv->FindHost("b")->groups == std::vector<std::string>{"web"});
}

TEST_CASE("inventory builder refuses a cycle and prints it as a path") {
  InventoryBuilder builder;
  Diagnostics diags;
  REQUIRE(builder.AddChild("a", "b", {}, &diags));
  REQUIRE(builder.AddChild("b", "c", {}, &diags));
  CHECK_FALSE(builder.AddChild("c", "a", SourceLocation{"inv.yml", 9, 5}, &diags));
  CHECK(Messages(diags) ==
        "inv.yml:9:5: group 'a' cannot be a child of 'c': that makes a cycle c -> a -> b -> c\n");
  // Adding an edge twice is harmless.
  CHECK(builder.AddChild("a", "b", {}, &diags));
  CHECK(builder.Finish()->FindGroup("a")->children == std::vector<std::string>{"b"});
}

}  // namespace hostprep
