#include "engine/template/variables.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TEST_CASE("variables find the nearest definition through parent scopes") {
  Variables all;
  all.Set("a", 1, "group_vars/all.yml");
  all.Set("b", 2, "group_vars/all.yml");
  Variables task(&all);
  task.Set("b", 3, "task vars");
  REQUIRE(task.Find("a") != nullptr);
  CHECK(task.Find("a")->value == 1);
  CHECK(task.Find("a")->origin == "group_vars/all.yml");
  CHECK(task.Find("b")->value == 3);
  CHECK(task.Find("b")->origin == "task vars");
  CHECK(all.Find("b")->value == 2);
  CHECK(task.Find("c") == nullptr);
  CHECK(task.parent() == &all);
  CHECK(all.parent() == nullptr);
}

TEST_CASE("many scopes share one parent set after they were made, and erase only their own names") {
  Variables shared;
  shared.Set("groups", Value::object({{"all", Value::array({"n1", "n2"})}}), "inventory");
  Variables n1, n2;
  n1.Set("groups", "from the inventory", "host_vars/n1.yml");
  n1.Set("own", 1, "host_vars/n1.yml");
  n1.SetParent(&shared);
  n2.SetParent(&shared);
  CHECK(n1.Find("groups")->value == "from the inventory");
  n1.Erase("groups");
  CHECK(n1.Find("groups")->value["all"][1] == "n2");
  CHECK(&n1.Find("groups")->value == &n2.Find("groups")->value);
  CHECK(n1.Find("own")->value == 1);
  CHECK(shared.Find("own") == nullptr);
  n1.Erase("no such name");
  CHECK(n1.Names() == std::vector<std::string>{"groups", "own"});
}

TEST_CASE("variables set replaces a value in the same scope") {
  Variables v;
  v.Set("x", "old", "a.yml");
  v.Set("x", "new", "b.yml");
  CHECK(v.Find("x")->value == "new");
  CHECK(v.Find("x")->origin == "b.yml");
}

TEST_CASE("variables set all takes every key of a mapping and ignores other values") {
  Variables v;
  v.SetAll(Value::parse(R"({"a": 1, "b": [2]})"), "vars.yml");
  CHECK(v.Find("a")->value == 1);
  CHECK(v.Find("b")->value == Value::parse("[2]"));
  CHECK(v.Find("b")->origin == "vars.yml");
  v.SetAll(Value::parse("[1, 2]"), "list.yml");
  v.SetAll(Value("text"), "text.yml");
  CHECK(v.Names() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("variables names and flatten merge scopes with the nearest value winning") {
  Variables all;
  all.Set("z", 1, "all");
  all.Set("m", 1, "all");
  Variables host(&all);
  host.Set("m", 2, "host");
  host.Set("a", 3, "host");
  CHECK(host.Names() == std::vector<std::string>{"a", "m", "z"});
  CHECK(host.Flatten().dump() == R"({"a":3,"m":2,"z":1})");
  CHECK(Variables().Flatten().dump() == "{}");
}

}  // namespace
TEST_CASE("variables look a name no scope defines up in the nearest fallback") {
  Variables all_defaults;
  all_defaults.Set("port", 80, "all roles' defaults");
  all_defaults.Set("user", "app", "all roles' defaults");
  Variables own_defaults;
  own_defaults.SetFallback(&all_defaults);
  own_defaults.Set("port", 8080, "the role's defaults");
  Variables inventory;
  inventory.SetFallback(&all_defaults);
  inventory.Set("user", "deploy", "inventory");
  Variables role_vars(&inventory);
  role_vars.SetFallback(&own_defaults);
  Variables task(&role_vars);
  // The inventory beats every default; the role's own defaults beat the
  // others'; what nothing defines is nowhere.
  CHECK(task.Find("user")->value == "deploy");
  CHECK(task.Find("port")->value == 8080);
  CHECK(inventory.Find("port")->value == 80);
  CHECK(task.Find("missing") == nullptr);
  CHECK(task.Names() == std::vector<std::string>{"port", "user"});
}

}  // namespace hostprep
