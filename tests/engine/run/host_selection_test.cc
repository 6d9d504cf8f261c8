#include "engine/run/host_selection.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace hostprep {
namespace {

TEST_CASE("host name hash is 64-bit FNV-1a") {
  // The published test vectors of FNV-1a 64.
  CHECK(HostNameHash("") == 0xcbf29ce484222325ULL);
  CHECK(HostNameHash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(HostNameHash("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("a host lands in the same shard in every release") {
  // Pinned: a change here would move hosts between the shards of fleets
  // that run today.
  struct Row {
    const char* host;
    int count;
    int shard;
  };
  const std::vector<Row> rows = {
      {"node1", 3, 3},    {"node2", 3, 3},
      {"node3", 3, 2},    {"web-01.example.com", 10, 5},
      {"db1", 2, 1},      {"kube-node-0042", 100, 21},
      {"anything", 1, 1},
  };
  for (const Row& row : rows)
    CHECK_MESSAGE(ShardOfHost(row.host, row.count) == row.shard, row.host);
}

TEST_CASE("shards partition a fleet: every host in exactly one, in roughly equal parts") {
  std::vector<std::string> fleet;
  for (int i = 1; i <= 3000; ++i) fleet.push_back("node" + std::to_string(i) + ".dc1.example");
  std::unique_ptr<Inventory> inventory = Inventory::Implicit();
  for (int count : {1, 3, 7}) {
    std::map<std::string, int> seen;
    for (int index = 1; index <= count; ++index) {
      RunOptions options;
      options.shard_index = index;
      options.shard_count = count;
      const std::vector<std::string> part = SelectRunHosts(*inventory, options, fleet, nullptr);
      CHECK_MESSAGE(part.size() > fleet.size() / count * 8 / 10, index, "/", count);
      CHECK_MESSAGE(part.size() < fleet.size() / count * 12 / 10, index, "/", count);
      for (const std::string& h : part) ++seen[h];
    }
    CHECK(seen.size() == fleet.size());
    CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second == 1; }));
  }
}

TEST_CASE("a host's shard does not depend on the other hosts") {
  RunOptions options;
  options.shard_index = 2;
  options.shard_count = 3;
  std::unique_ptr<Inventory> inventory = Inventory::Implicit();
  const std::vector<std::string> small = {"web1", "web2", "db1"};
  std::vector<std::string> large = {"x1", "web1", "x2", "web2", "x3", "db1", "x4"};
  const std::vector<std::string> from_small = SelectRunHosts(*inventory, options, small, nullptr);
  std::vector<std::string> from_large = SelectRunHosts(*inventory, options, large, nullptr);
  std::erase_if(from_large, [](const std::string& h) { return h[0] == 'x'; });
  CHECK(from_small == from_large);
}

TEST_CASE("--retry-failed hosts intersect with the shard and keep the play's order") {
  RunOptions options;
  options.retry_hosts = std::set<std::string>{"c", "a", "z"};
  std::unique_ptr<Inventory> inventory = Inventory::Implicit();
  CHECK(SelectRunHosts(*inventory, options, {"a", "b", "c"}, nullptr) ==
        std::vector<std::string>{"a", "c"});
  options.shard_count = 2;
  options.shard_index = ShardOfHost("a", 2);
  const std::vector<std::string> both =
      SelectRunHosts(*inventory, options, {"a", "b", "c"}, nullptr);
  CHECK(both.front() == "a");
  CHECK(both.size() == (ShardOfHost("c", 2) == options.shard_index ? 2u : 1u));
}

TEST_CASE("--shard takes I/N and says what is wrong with anything else") {
  int index = 0, count = 0;
  REQUIRE(ParseShard("2/5", &index, &count).ok());
  CHECK(index == 2);
  CHECK(count == 5);
  REQUIRE(ParseShard("1/1", &index, &count).ok());
  struct Row {
    const char* text;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"3", "--shard '3': expected I/N, this run's shard I of N shards, such as 2/5"},
      {"a/b", "--shard 'a/b': expected I/N, this run's shard I of N shards, such as 2/5"},
      {"1/2/3", "--shard '1/2/3': expected I/N, this run's shard I of N shards, such as 2/5"},
      {" 1/2", "--shard ' 1/2': expected I/N, this run's shard I of N shards, such as 2/5"},
      {"0/3", "--shard 0/3: the shard must be from 1 to 3 (shards count from 1)"},
      {"4/3", "--shard 4/3: the shard must be from 1 to 3 (shards count from 1)"},
      {"-1/3", "--shard -1/3: the shard must be from 1 to 3 (shards count from 1)"},
      {"1/0", "--shard 1/0: the number of shards must be 1 or more"},
  };
  for (const Row& row : rows) {
    CHECK_MESSAGE(ParseShard(row.text, &index, &count).message() == row.message, row.text);
  }
}

}  // namespace
}  // namespace hostprep
