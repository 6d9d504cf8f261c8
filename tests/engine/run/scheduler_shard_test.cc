// --shard and --retry-failed in the scheduler: a play keeps only the
// shard's hosts, and serial and max_fail_percentage count those.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

constexpr char kInventory[] = "h1,h2,h3,h4,h5,h6,h7,h8,h9,h10,h11,h12,";

// Of h1..h12 in three shards: 1/3 = h2 h5 h9, 2/3 = h1 h4 h7 h8 h10,
// 3/3 = h3 h6 h11 h12 (host_selection_test pins the hash).
TEST_CASE("a shard's play runs only its hosts, in serial batches cut from them") {
  testing::SchedulerFixture f;
  f.options.shard_index = 2;
  f.options.shard_count = 3;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - put:
        path: /etc/batch
        content: "{{ ansible_play_batch | join(',') }} of {{ ansible_play_hosts_all | join(',') }}"
)",
                       kInventory, &rec);
  CHECK(s.exit_code() == 0);
  CHECK(s.host_order == std::vector<std::string>{"h1", "h4", "h7", "h8", "h10"});
  CHECK(f.hosts["h1"].Content("/etc/batch") == "h1,h4 of h1,h4,h7,h8,h10");
  CHECK(f.hosts["h8"].Content("/etc/batch") == "h7,h8 of h1,h4,h7,h8,h10");
  CHECK(f.hosts["h10"].Content("/etc/batch") == "h10 of h1,h4,h7,h8,h10");
  for (const char* other : {"h2", "h3", "h5", "h12"}) {
    CHECK_MESSAGE(f.hosts[other].Content("/etc/batch") == std::nullopt, other);
  }
}

constexpr char kOneFails[] = R"(
- hosts: all
  gather_facts: false
  max_fail_percentage: 25
  tasks:
    - run: "false"
      when: inventory_hostname in ['h4', 'h5']
)";

TEST_CASE("max_fail_percentage counts the hosts of the shard") {
  // One failure of three hosts (33%) stops shard 1; one of five (20%) does not stop shard 2.
  for (int shard : {1, 2}) {
    testing::SchedulerFixture f;
    f.options.shard_index = shard;
    f.options.shard_count = 3;
    Recorder rec;
    RunSummary s = f.Run(kOneFails, kInventory, &rec);
    CHECK(s.exit_code() == 2);
    const bool stopped =
        std::any_of(rec.warnings.begin(), rec.warnings.end(), [](const std::string& w) {
          return w.find("more than 25% of the batch failed") != std::string::npos;
        });
    CHECK_MESSAGE(stopped == (shard == 1), "shard ", shard);
  }
}

TEST_CASE("--retry-failed runs only the hosts it names, within --limit") {
  testing::SchedulerFixture f;
  f.options.retry_hosts = std::set<std::string>{"h3", "h5", "h9"};
  f.options.limit = "h1:h2:h3:h4:h5";
  Recorder rec;
  RunSummary s =
      f.Run("- hosts: all\n  gather_facts: false\n  tasks:\n    - run: 'true'\n", kInventory, &rec);
  CHECK(s.exit_code() == 0);
  CHECK(s.host_order == std::vector<std::string>{"h3", "h5"});
}

}  // namespace
}  // namespace hostprep
