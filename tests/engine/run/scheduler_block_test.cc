// block, rescue and always through the whole run: a failure planned ahead
// in a batch, the counts of the recap, and the re-run's round trips.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using Fixture = testing::SchedulerFixture;
using testing::Recorder;
using testing::RoundTrips;

constexpr const char* kRescued = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a, content: "a\n"}}
    - block:
        - {name: b, put: {path: /etc/b, content: "b\n"}}
        - {name: bad, put: {path: /nowhere/x, content: "x"}}
        - {name: never, put: {path: /etc/never, content: "n"}}
      rescue:
        - {name: fix, put: {path: "/etc/failed-{{ ansible_failed_task.name }}", content: "f"}}
      always:
        - {name: end, put: {path: /etc/end, content: "e"}}
    - {name: after, put: {path: /etc/after, content: "a"}}
)";

TEST_CASE("a failure planned ahead in a batch goes to the rescue, the host goes on") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(kRescued, "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") ==
        "changed a, changed b, failed bad, changed fix, changed end, "
        "changed after");
  CHECK(f.hosts["h1"].Content("/etc/failed-bad") == "f");
  CHECK_FALSE(f.hosts["h1"].Content("/etc/never").has_value());
  CHECK(s.stats["h1"].rescued == 1);
  CHECK(s.stats["h1"].failed == 0);
  CHECK(s.stats["h1"].ok == 5);
}

TEST_CASE("an unchanged re-run through blocks costs one round trip") {
  Fixture f;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - {name: a, put: {path: /etc/a, content: "a\n"}}
        - block:
            - {name: b, put: {path: /etc/b, content: "b\n"}}
          always:
            - {name: c, put: {path: /etc/c, content: "c\n"}}
      rescue:
        - {name: r, put: {path: /etc/r, content: "r\n"}}
    - {name: d, put: {path: /etc/d, content: "d\n"}}
)";
  Recorder first;
  f.Run(play, "h1,", &first);
  Recorder second;
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &second); }) == 1);
  CHECK(second.Joined("h1") == "ok a, ok b, ok c, ok d");
}

TEST_CASE("a block without rescue fails its host after its always ran") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - {name: bad, put: {path: /nowhere/x, content: "x"}}
      always:
        - {name: end, put: {path: /etc/end, content: "e"}}
    - {name: after, put: {path: /etc/after, content: "a"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "failed bad, changed end");
  CHECK(s.stats["h1"].failed == 1);
  CHECK(s.stats["h1"].rescued == 0);
}

}  // namespace
}  // namespace hostprep
