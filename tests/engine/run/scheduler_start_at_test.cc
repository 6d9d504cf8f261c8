// --start-at-task: the plays before the one with the task run nothing and
// contact no host; that play runs from the task on, and the plays after it
// run whole.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

constexpr char kPlays[] = R"(
- name: one
  hosts: all
  tasks:
    - name: first
      run: "true"
- name: two
  hosts: all
  gather_facts: false
  tasks:
    - name: setup
      run: "true"
    - name: install web
      run: "true"
    - name: configure web
      run: "true"
      tags: [config]
- name: three
  hosts: all
  gather_facts: false
  tasks:
    - name: install db
      run: "true"
)";

TEST_CASE("--start-at-task runs from the first task it names, by name or glob") {
  struct Case {
    std::string pattern, tags;
    std::string lines;
  };
  const std::vector<Case> cases = {
      {"install web", "", "changed install-web, changed configure-web, changed install-db"},
      {"install*", "", "changed install-web, changed configure-web, changed install-db"},
      {"*web", "config", "changed configure-web"},
      {"first", "",
       "ok Gathering Facts, changed first, changed setup, changed install-web, "
       "changed configure-web, changed install-db"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    testing::SchedulerFixture f;
    f.options.start_at_task = c.pattern;
    if (!c.tags.empty()) f.options.tags = {c.tags};
    Recorder rec;
    RunSummary s = f.Run(kPlays, "h1,", &rec);
    CHECK(s.exit_code() == 0);
    CHECK(rec.Joined("h1") == c.lines);
    // Every play is started, as Ansible shows each play's header.
    CHECK(rec.plays == std::vector<std::string>{"one", "two", "three"});
  }
}

TEST_CASE("--start-at-task contacts no host in the plays before its task") {
  testing::SchedulerFixture started;
  started.options.start_at_task = "install db";
  Recorder rec;
  started.Run(kPlays, "h1,", &rec);
  CHECK(rec.Joined("h1") == "changed install-db");
  // As many round trips as the last play alone costs.
  testing::SchedulerFixture alone;
  Recorder alone_rec;
  alone.Run(std::string(kPlays).substr(std::string(kPlays).find("- name: three")), "h1,",
            &alone_rec);
  CHECK(alone_rec.Joined("h1") == "changed install-db");
  CHECK(started.hosts["h1"].stats().round_trips == alone.hosts["h1"].stats().round_trips);
}

}  // namespace
}  // namespace hostprep
