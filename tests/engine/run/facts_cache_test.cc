#include "engine/run/facts_cache.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/facts/facts.h"

namespace hostprep {
namespace {

TEST_CASE("facts cache keeps a host's facts readable by the user alone, and reads them back") {
  char tmpl[] = "/tmp/hostprep-facts-cache-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = std::string(tmpl) + "/facts";
  FactsCache cache(dir);
  const Value facts = {{"os_family", "Debian"}, {"env", {{"TOKEN", "s3cret"}}}};
  cache.Store("node1", "10.0.0.1:22 root", facts);
  CHECK(cache.Load("node1", "10.0.0.1:22 root") == facts);
  CHECK(!cache.Load("node1", "10.0.0.2:22 root"));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    struct stat st;
    REQUIRE(stat(entry.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    ++files;
  }
  CHECK(files == 1);
  std::filesystem::remove_all(tmpl);
}

TEST_CASE("facts compare the same for a cache when only what moves between gatherings moved") {
  Value a = {{"os_family", "Debian"},
             {"date_time", {{"epoch", "1"}}},
             {"uptime_seconds", 5},
             {"memfree_mb", 100},
             {"env", {{"HOME", "/root"}, {"SSH_CLIENT", "10.0.0.1 40000 22"}}}};
  Value b = a;
  b["date_time"]["epoch"] = "2";
  b["uptime_seconds"] = 6;
  b["memfree_mb"] = 90;
  b["env"]["SSH_CLIENT"] = "10.0.0.1 40002 22";
  CHECK(SameStableFacts(a, b));
  b["env"]["HOME"] = "/home/x";
  CHECK(!SameStableFacts(a, b));
  b = a;
  b["os_family"] = "RedHat";
  CHECK(!SameStableFacts(a, b));
}

}  // namespace
}  // namespace hostprep
