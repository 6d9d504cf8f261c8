#include "engine/inventory/host_range.h"

#include <doctest/doctest.h>

namespace hostprep {

TEST_CASE("host ranges expand like Ansible's") {
  struct Case {
    const char* pattern;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      {"web1", {"web1"}},
      {"node[1:3]", {"node1", "node2", "node3"}},
      {"node[01:03]", {"node01", "node02", "node03"}},
      {"node[08:10]", {"node08", "node09", "node10"}},
      {"node[a:c]", {"nodea", "nodeb", "nodec"}},
      {"node[1:9:4]", {"node1", "node5", "node9"}},
      {"node[:2]", {"node0", "node1", "node2"}},
      {"db[1:2]-[a:b].lan", {"db1-a.lan", "db1-b.lan", "db2-a.lan", "db2-b.lan"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    Result<std::vector<std::string>> got = ExpandHostRanges(c.pattern);
    REQUIRE(got.ok());
    CHECK(*got == c.names);
  }
}

TEST_CASE("host ranges expand up to 100000 hosts from one pattern") {
  Result<std::vector<std::string>> got = ExpandHostRanges("n[1:100000]");
  REQUIRE(got.ok());
  CHECK(got->size() == 100000);
  CHECK(got->back() == "n100000");
}

TEST_CASE("host ranges report their mistakes") {
  struct Case {
    const char* pattern;
    const char* message;
  };
  const Case cases[] = {
      {"node[3:1]", "host range 'node[3:1]' has begin > end"},
      {"node[1]", "host range 'node[1]' must be [begin:end] or [begin:end:step]"},
      {"node[1:]", "host range 'node[1:]' has no end value"},
      {"node[01:100]",
       "host range 'node[01:100]' must give begin and end the same number of "
       "digits"},
      {"node[1:x2]", "host range 'node[1:x2]' must be numbers (01:10) or single letters (a:f)"},
      {"node[1:3:0]", "host range 'node[1:3:0]' has step '0': use a positive integer"},
      {"node[1:3", "host range in 'node[1:3' has no closing ']'"},
      {"node[0:999999999]",
       "host range 'node[0:999999999]' expands to more than 100000 hosts: check the bounds, or "
       "split the range"},
      // Each range alone is small; together they multiply past the bound.
      {"n[a:z][a:z][a:z][a:z]",
       "host range 'n[a:z][a:z][a:z][a:z]' expands to more than 100000 hosts: check the bounds, "
       "or split the range"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    Result<std::vector<std::string>> got = ExpandHostRanges(c.pattern);
    REQUIRE_FALSE(got.ok());
    CHECK(got.message() == c.message);
  }
}

TEST_CASE("host patterns split off a port and keep IPv6 addresses whole") {
  struct Case {
    const char* pattern;
    std::vector<std::string> names;
    int port;
  };
  const Case cases[] = {
      {"web1", {"web1"}, 0},
      {"web1:2222", {"web1"}, 2222},
      {"node[1:2]:22", {"node1", "node2"}, 22},
      {"2001:db8::1", {"2001:db8::1"}, 0},
      {"[2001:db8::1]:2200", {"2001:db8::1"}, 2200},
      {"192.0.2.7:22", {"192.0.2.7"}, 22},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    Result<HostPattern> got = ParseHostPattern(c.pattern);
    REQUIRE(got.ok());
    CHECK(got->names == c.names);
    CHECK(got->port == c.port);
  }
  Result<HostPattern> bad = ParseHostPattern("web1:ssh");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message() ==
        "host 'web1:ssh' has a bad port 'ssh': write name:port with a number from 1 to 65535");
  // Found by tests/fuzz/yaml_inventory_fuzz: digits past an int ended the
  // process (std::out_of_range) instead of being refused.
  CHECK(ParseHostPattern("[fe80::1]:29999999999222").message() ==
        "host '[fe80::1]:29999999999222' has a bad port: write [address]:port with a port from 1 "
        "to 65535");
  CHECK(ParseHostPattern("[fe80::1]:0").message() ==
        "host '[fe80::1]:0' has a bad port: write [address]:port with a port from 1 to 65535");
  CHECK(ParseHostPattern("web1:70000").message() ==
        "host 'web1:70000' has a bad port '70000': write name:port with a number from 1 to "
        "65535");
  CHECK(ParseHostPattern("web[1:9:99999999999]").message() ==
        "host range 'web[1:9:99999999999]' has step '99999999999': use a positive integer");
}

TEST_CASE("host names with a blank or a control character are refused") {
  CHECK(ParseHostPattern("web 1").message() ==
        "host name \"web 1\" holds a space at byte 3: a host name is one word of printable "
        "characters (the address to connect to goes in ansible_host)");
  CHECK(ParseHostPattern("web1\nok: [web2]").message() ==
        "host name \"web1\\nok: [web2]\" holds a control character at byte 4: a host name is one "
        "word of printable characters (the address to connect to goes in ansible_host)");
  CHECK(ParseHostPattern("web\x1b[31m").message().find("holds a control character at byte 3") !=
        std::string::npos);
}

}  // namespace hostprep
