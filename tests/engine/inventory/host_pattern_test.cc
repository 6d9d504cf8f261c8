#include "engine/inventory/host_pattern.h"

#include <doctest/doctest.h>

#include "engine/base/text.h"
#include "engine/inventory/inventory.h"
#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {

namespace {

using Names = std::vector<std::string>;

const char kInventory[] = R"([web]
web1
web2
web3

[db]
db1
db2

[prod:children]
web
db

[staging]
web3
stage1

[lb]
lb.example.com
)";

}  // namespace

TEST_CASE("host patterns select hosts as Ansible does") {
  TempDir dir;
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({dir.Write("hosts", kInventory)}, &diags);
  REQUIRE(inv != nullptr);
  const Names all = {"web1", "web2", "web3", "db1", "db2", "stage1", "lb.example.com"};
  struct Case {
    const char* pattern;
    Names hosts;
  };
  const Case cases[] = {
      {"all", all},
      {"*", all},
      {"web", {"web1", "web2", "web3"}},
      {"web3", {"web3"}},
      {"web:db", {"web1", "web2", "web3", "db1", "db2"}},
      {"db:web", {"web1", "web2", "web3", "db1", "db2"}},  // inventory order
      {"web,db", {"web1", "web2", "web3", "db1", "db2"}},
      {" web , db1 ", {"web1", "web2", "web3", "db1"}},
      {"prod:!db", {"web1", "web2", "web3"}},
      {"prod:&staging", {"web3"}},
      {"!staging:prod", {"web1", "web2", "db1", "db2"}},  // exclusions apply last
      {"!staging", {"web1", "web2", "db1", "db2", "lb.example.com"}},
      {"&web", {"web1", "web2", "web3"}},
      {"web:&staging:!web3", {}},
      {"web*", {"web1", "web2", "web3"}},
      {"web?", {"web1", "web2", "web3"}},
      {"web[!1]", {"web2", "web3"}},
      {"*.example.com", {"lb.example.com"}},
      {"lb.example.com", {"lb.example.com"}},
      {"web[0]", {"web1"}},
      {"web[-1]", {"web3"}},
      {"web[1:2]", {"web2", "web3"}},
      {"web[1:]", {"web2", "web3"}},
      {"prod[3]", {"db1"}},  // a group's hosts, then its children's
      {"~web[12]", {"web1", "web2"}},
      {"~(web|db)\\d", {"web1", "web2", "web3", "db1", "db2"}},
      {"~stage", {"stage1"}},  // anchored at the start only, like re.match
      {"nomatch*", {}},
      {"web:&nomatch*", {}},
      {"ungrouped", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    Result<Names> got = inv->Match(c.pattern);
    REQUIRE(got.ok());
    CHECK(*got == c.hosts);
  }
}

TEST_CASE("host patterns that name nothing are errors") {
  TempDir dir;
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({dir.Write("hosts", kInventory)}, &diags);
  REQUIRE(inv != nullptr);
  struct Case {
    const char* pattern;
    const char* message;
  };
  const Case cases[] = {
      {"webz", "no hosts matched 'webz' (did you mean 'web'?): no group or host has that name"},
      {"web:!dbz", "no hosts matched 'dbz' (did you mean 'db'?): no group or host has that name"},
      {"web:&stagin",
       "no hosts matched 'stagin' (did you mean 'staging'?): no group or host has that name"},
      {"elsewhere", "no hosts matched 'elsewhere': no group or host has that name"},
      {"web[5]",
       "no hosts matched the subscripted pattern 'web[5]': it has 3 hosts (index 0 to 2)"},
      // Found by tests/fuzz/dynamic_inventory_fuzz: more digits than an int
      // holds had ended the process (std::out_of_range).
      {"web[4044444452]",
       "no hosts matched the subscripted pattern 'web[4044444452]': it has 3 hosts (index 0 to "
       "2)"},
      {"web[-99999999999]",
       "no hosts matched the subscripted pattern 'web[-99999999999]': it has 3 hosts (index 0 "
       "to 2)"},
      {"", "empty host pattern ''"},
      {" , ", "empty host pattern ' , '"},
      {"web:!", "host pattern 'web:!' has '!' with no name after it"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    Result<Names> got = inv->Match(c.pattern);
    REQUIRE_FALSE(got.ok());
    CHECK(got.message() == c.message);
  }
  Result<Names> bad_regex = inv->Match("~web[");
  REQUIRE_FALSE(bad_regex.ok());
  CHECK(StartsWith(bad_regex.message(), "invalid regular expression in host pattern '~web[': "));
}

TEST_CASE("host patterns leave out a name that matches nothing when the caller takes the warning") {
  TempDir dir;
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({dir.Write("hosts", kInventory)}, &diags);
  REQUIRE(inv != nullptr);
  struct Case {
    const char* pattern;
    Names hosts;
    std::vector<std::string> unmatched;
  };
  const Case cases[] = {
      // Kubespray's "k8s_cluster:etcd" on an inventory without an etcd group.
      {"db:etcd", {"db1", "db2"}, {"no hosts matched 'etcd': no group or host has that name"}},
      {"webz:db",
       {"db1", "db2"},
       {"no hosts matched 'webz' (did you mean 'web'?): no group or host has that name"}},
      {"web:!dbz",
       {"web1", "web2", "web3"},
       {"no hosts matched 'dbz' (did you mean 'db'?): no group or host has that name"}},
      {"web:&nowhere", {}, {"no hosts matched 'nowhere': no group or host has that name"}},
      {"web:db", {"web1", "web2", "web3", "db1", "db2"}, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    std::vector<std::string> unmatched;
    Result<Names> got = inv->Match(c.pattern, &unmatched);
    REQUIRE(got.ok());
    CHECK(*got == c.hosts);
    CHECK(unmatched == c.unmatched);
  }
  std::vector<std::string> unmatched;
  CHECK(inv->Match("web[5]", &unmatched).message() ==
        "no hosts matched the subscripted pattern 'web[5]': it has 3 hosts (index 0 to 2)");
}

TEST_CASE("host patterns keep IPv6 host names whole") {
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({"2001:db8::1,web1,"}, &diags);
  REQUIRE(inv != nullptr);
  Result<Names> got = inv->Match("2001:db8::1");
  REQUIRE(got.ok());
  CHECK(*got == Names{"2001:db8::1"});
}

TEST_CASE("host pattern globs follow fnmatch") {
  struct Case {
    const char* pattern;
    const char* name;
    bool match;
  };
  const Case cases[] = {
      {"*", "", true},
      {"*", "anything", true},
      {"web*", "web", true},
      {"web*", "db1", false},
      {"w?b", "web", true},
      {"w?b", "wb", false},
      {"node[1-3]", "node2", true},
      {"node[1-3]", "node4", false},
      {"node[!1]", "node1", false},
      {"node[!1]", "node2", true},
      {"a[", "a[", true},
      {"*.lan", "x.lan", true},
      {"*a*b", "xaab", true},
      {"*a*b", "xaba", false},
      {"[]]", "]", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.name);
    CHECK(GlobMatch(c.pattern, c.name) == c.match);
  }
}

TEST_CASE("host patterns split on commas and on colons outside brackets") {
  CHECK(SplitHostPattern("a:b,c", {}) == Names{"a", "b", "c"});
  CHECK(SplitHostPattern("web[0:2]:!db", {}) == Names{"web[0:2]", "!db"});
  CHECK(SplitHostPattern(" a ,, :b", {}) == Names{"a", "b"});
  CHECK(SplitHostPattern("fe80::1,x", {"fe80::1"}) == Names{"fe80::1", "x"});
}

}  // namespace hostprep
