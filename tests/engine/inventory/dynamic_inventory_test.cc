#include "engine/inventory/dynamic_inventory.h"

#include <doctest/doctest.h>

#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

namespace {

const std::chrono::milliseconds kTestTimeout{10000};

std::unique_ptr<Inventory> LoadScript(const std::string& path, Diagnostics* diags,
                                      std::chrono::milliseconds timeout = kTestTimeout) {
  InventoryBuilder builder;
  if (!LoadDynamicInventory(path, &builder, diags, timeout)) return nullptr;
  return builder.Finish();
}

}  // namespace

TEST_CASE("dynamic inventory script with _meta gives groups, children and host vars") {
  TempDir dir;
  std::string script = dir.Write("inv.sh", R"(#!/bin/sh
[ "$1" = "--list" ] || { echo "called with $*" >&2; exit 1; }
cat <<'JSON'
{"web": ["w1", "w2"],
 "db": {"hosts": ["d1"], "vars": {"port": 5432}, "children": ["replicas"]},
 "replicas": {"hosts": ["d2"]},
 "_meta": {"hostvars": {"w1": {"ansible_host": "192.0.2.1"}, "ghost": {"x": 1}}}}
JSON
)",
                                 true);
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = LoadScript(script, &diags);
  REQUIRE(inv != nullptr);
  CHECK(Messages(diags) == "");
  CHECK(inv->host_names() == std::vector<std::string>{"w1", "w2", "d1", "d2"});
  CHECK(inv->FindGroup("db")->children == std::vector<std::string>{"replicas"});
  CHECK(inv->FindGroup("db")->vars.at("port").value == 5432);
  CHECK(inv->FindHost("w1")->vars.at("ansible_host").value == "192.0.2.1");
  CHECK(inv->FindHost("w1")->vars.at("ansible_host").origin == script);
  CHECK(inv->FindHost("ghost") == nullptr);  // only hosts some group lists
}

TEST_CASE("dynamic inventory script without _meta is asked --host per host") {
  TempDir dir;
  std::string script = dir.Write("inv.sh", R"(#!/bin/sh
case "$1" in
  --list) echo '{"web": {"hosts": ["w1", "w2"]}}' ;;
  --host) echo "{\"who\": \"$2\"}" ;;
esac
)",
                                 true);
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = LoadScript(script, &diags);
  REQUIRE(inv != nullptr);
  CHECK(inv->FindHost("w1")->vars.at("who").value == "w1");
  CHECK(inv->FindHost("w2")->vars.at("who").value == "w2");
}

TEST_CASE("dynamic inventory script failures name the script and say why") {
  TempDir dir;
  struct Case {
    const char* body;
    std::string errors;
  };
  const std::string path = dir.path() + "/inv.sh";
  const Case cases[] = {
      {"echo 'no such cloud' >&2; exit 3",
       "inventory script '" + path + " --list' failed with exit code 3: no such cloud\n"},
      {"echo '{\"web\": [1'",
       "inventory script '" + path +
           " --list' printed invalid JSON: [json.exception.parse_error.101] parse error at "
           "line 2, column 1: syntax error while parsing array - unexpected end of input; "
           "expected ']'\n"},
      {"echo '[1, 2]'",
       "inventory script '" + path + " --list' must print a JSON object of groups, not list\n"},
      {"echo '{\"web\": {\"hosts\": \"w1\", \"hostz\": []}}'",
       path + ": hosts of group 'web' must be a list, not string\n" + path +
           ": unknown key 'hostz' in group 'web' (did you mean 'hosts'?): a group has hosts, "
           "vars and children\n"},
      {"echo '{\"a\": {\"children\": [\"b\"]}, \"b\": {\"children\": [\"a\"]}}'",
       path + ": group 'a' cannot be a child of 'b': that makes a cycle b -> a -> b\n"},
      {"case \"$1\" in --list) echo '{\"web\": [\"w1\"]}';; *) exit 4;; esac",
       path + ": inventory script '" + path + " --host w1' failed with exit code 4\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    dir.Write("inv.sh", std::string("#!/bin/sh\n") + c.body + "\n", true);
    Diagnostics diags;
    CHECK(LoadScript(path, &diags) == nullptr);
    CHECK(Messages(diags) == c.errors);
  }
}

TEST_CASE("dynamic inventory script that hangs is killed at the timeout") {
  TempDir dir;
  std::string script = dir.Write("slow.sh", "#!/bin/sh\nsleep 30\n", true);
  Result<std::string> out = RunInventoryScript(script, {"--list"}, std::chrono::milliseconds(200));
  REQUIRE_FALSE(out.ok());
  CHECK(out.message() ==
        "inventory script '" + script + " --list' did not finish within 0.2 s and was killed");
}

TEST_CASE("dynamic inventory script that prints without end is killed at the output bound") {
  TempDir dir;
  // 200 MB of a valid-looking start, then more: never kept whole in memory.
  std::string script = dir.Write(
      "big.sh",
      "#!/bin/sh\nprintf '{\"all\": {\"hosts\": ['\nexec yes '\"h\",' | head -c 200000000\n", true);
  Result<std::string> out = RunInventoryScript(script, {"--list"}, kTestTimeout);
  REQUIRE_FALSE(out.ok());
  CHECK(out.message() == "inventory script '" + script +
                             " --list' printed more than 64 MiB and was killed: an inventory is "
                             "not that large; check what the script prints");
}

TEST_CASE("dynamic inventory script that cannot start says so") {
  TempDir dir;
  std::string script = dir.Write("bad.sh", "#!/nonexistent/interpreter\n", true);
  Result<std::string> out = RunInventoryScript(script, {"--list"}, kTestTimeout);
  REQUIRE_FALSE(out.ok());
  CHECK(out.message() ==
        "cannot run inventory script '" + script + " --list': No such file or directory");
}

TEST_CASE("dynamic inventory example script loads") {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv =
      LoadScript(SourcePath("inventories/dynamic/inventory.sh"), &diags);
  REQUIRE(inv != nullptr);
  CHECK(Messages(diags) == "");
  CHECK(inv->host_names() == std::vector<std::string>{"cp1", "worker1", "worker2"});
  CHECK(inv->FindGroup("k8s_cluster")->children ==
        std::vector<std::string>{"kube_control_plane", "kube_node"});
  CHECK(inv->FindHost("worker2")->vars.at("node_labels").value == Value({{"disk", "ssd"}}));
  // The same script answers --host the same way as _meta.
  Result<std::string> host = RunInventoryScript(SourcePath("inventories/dynamic/inventory.sh"),
                                                {"--host", "cp1"}, kTestTimeout);
  REQUIRE(host.ok());
  CHECK(Value::parse(*host) == Value({{"ansible_host", "192.0.2.31"}, {"ip", "10.0.1.31"}}));
}

}  // namespace hostprep
