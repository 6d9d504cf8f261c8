#include "modules/getent.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(GetentModule(), raw); }

ReadResult Answer(int rc, const std::string& out) {
  ReadResult r;
  r.exec = {rc, out, ""};
  return r;
}

Result<Change> PlanWith(const Value& raw, int rc, const std::string& out) {
  return GetentModule().Plan(Args(raw), {Answer(rc, out)}, Value::object());
}

TEST_CASE("getent asks getent for the database, key and service as words") {
  auto argv = [](const Value& raw) {
    std::vector<Read> reads = GetentModule().Probe(Args(raw), Value::object());
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].kind == Read::Kind::kExec);
    return reads[0].argv;
  };
  CHECK(argv({{"database", "passwd"}}) == std::vector<std::string>{"getent", "passwd"});
  CHECK(argv({{"database", "passwd"}, {"key", "root; rm -rf /"}}) ==
        std::vector<std::string>{"getent", "passwd", "root; rm -rf /"});
  CHECK(argv({{"database", "hosts"}, {"key", "db1"}, {"service", "files"}}) ==
        std::vector<std::string>{"getent", "hosts", "db1", "-s", "files"});
}

TEST_CASE("getent sets each entry's fields under its first, as Ansible's getent does") {
  Result<Change> c = PlanWith({{"database", "passwd"}}, 0,
                              "root:x:0:0:root:/root:/bin/bash\n"
                              "deploy:x:1000:1000:Deploy,,,:/home/deploy:/bin/sh\n");
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->result["ansible_facts"] ==
        Value::object(
            {{"getent_passwd",
              {{"root", {"x", "0", "0", "root", "/root", "/bin/bash"}},
               {"deploy", {"x", "1000", "1000", "Deploy,,,", "/home/deploy", "/bin/sh"}}}}}));
}

TEST_CASE("getent splits other databases on blanks, or on what split says") {
  Result<Change> hosts = PlanWith({{"database", "hosts"}}, 0,
                                  "127.0.0.1       localhost\n::1  localhost ip6-localhost\n"
                                  "10.0.0.5 db1\t db1.example\n");
  REQUIRE(hosts.ok());
  CHECK(hosts->result["ansible_facts"]["getent_hosts"] ==
        Value::object({{"127.0.0.1", {"localhost"}},
                       {"::1", {"localhost", "ip6-localhost"}},
                       {"10.0.0.5", {"db1", "db1.example"}}}));
  Result<Change> split =
      PlanWith({{"database", "passwd"}, {"split", "/"}}, 0, "root:x:0:0:root:/root:/bin/bash\n");
  REQUIRE(split.ok());
  CHECK(split->result["ansible_facts"]["getent_passwd"] ==
        Value::object({{"root:x:0:0:root:", {"root:", "bin", "bash"}}}));
}

TEST_CASE("getent keeps every entry of a key seen more than once, as a list of lists") {
  Result<Change> c =
      PlanWith({{"database", "hosts"}}, 0, "10.0.0.5 a\n10.0.0.5 b\n10.0.0.5 c\n10.0.0.6 d\n");
  REQUIRE(c.ok());
  CHECK(c->result["ansible_facts"]["getent_hosts"] ==
        Value::object({{"10.0.0.5", Value::array({{"a"}, {"b"}, {"c"}})}, {"10.0.0.6", {"d"}}}));
}

TEST_CASE("getent fails with Ansible's messages for getent's exit codes") {
  struct Case {
    int rc;
    const char* message;
  };
  for (const Case& c :
       std::vector<Case>{{1, "Missing arguments, or database unknown."},
                         {2, "One or more supplied key could not be found in the database."},
                         {3, "Enumeration not supported on this database."},
                         {127, "Failed to find required executable \"getent\""},
                         {5, "Unexpected failure!"}}) {
    CAPTURE(c.rc);
    Result<Change> r = PlanWith({{"database", "passwd"}, {"key", "nobody-here"}}, c.rc, "");
    REQUIRE(!r.ok());
    CHECK(r.message() == c.message);
  }
}

TEST_CASE("getent sets a missing key to null when fail_key is false") {
  Result<Change> c =
      PlanWith({{"database", "passwd"}, {"key", "ghost"}, {"fail_key", false}}, 2, "");
  REQUIRE(c.ok());
  CHECK(c->result["ansible_facts"] == Value::object({{"getent_passwd", {{"ghost", nullptr}}}}));
  CHECK(c->result["msg"] == "One or more supplied key could not be found in the database.");
}

TEST_CASE("getent refuses an empty separator before any host") {
  CHECK(
      testing::ArgErrors(GetentModule(), {{"database", "passwd"}, {"split", ""}}) ==
      std::vector<std::string>{"split: an empty separator splits nothing: give one, such as ':'"});
  CHECK(testing::ArgErrors(GetentModule(), {{"key", "root"}}) ==
        std::vector<std::string>{": missing required argument 'database' for module 'getent'"});
}

}  // namespace
}  // namespace hostprep::modules
