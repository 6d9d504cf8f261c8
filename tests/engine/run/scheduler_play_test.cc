// What a play shows and gathers before its tasks: its name, templated as
// Ansible templates it, and its fact gathering under --tags.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

TEST_CASE("a play's name is templated with its vars and the extra vars, never a host's") {
  testing::SchedulerFixture f;
  f.options.extra_vars = Value::parse(R"({"site": "lab"})");
  Recorder rec;
  RunSummary s = f.Run(
      "- name: \"prepare {{ tier }} in {{ site }}\"\n"
      "  hosts: all\n"
      "  gather_facts: false\n"
      "  vars: {tier: \"{{ kind }}s\", kind: node}\n"
      "  tasks:\n    - run: \"true\"\n"
      "- name: \"on {{ inventory_hostname }}\"\n"
      "  hosts: all\n"
      "  gather_facts: false\n"
      "  tasks:\n    - run: \"true\"\n",
      "h1,", &rec);
  CHECK(s.exit_code() == 0);
  // A name that cannot be rendered before any host is shown as written.
  CHECK(rec.plays ==
        std::vector<std::string>{"prepare nodes in lab", "on {{ inventory_hostname }}"});
  REQUIRE(rec.events.size() == 2);
  CHECK(rec.events[0].play == "prepare nodes in lab");
}

constexpr char kTagged[] = R"(
- hosts: all
  tags: [base]
  tasks:
    - name: base task
      run: "true"
- hosts: all
  tasks:
    - name: web task
      run: "true"
      tags: [web]
)";

TEST_CASE("fact gathering runs as a task tagged always, or with the play's tags") {
  struct Case {
    std::string tags, skip_tags;
    std::string lines;
  };
  const std::vector<Case> cases = {
      {"", "", "ok Gathering Facts, changed base-task, ok Gathering Facts, changed web-task"},
      // The tagged play gathers only when its tags are asked for.
      {"web", "", "ok Gathering Facts, changed web-task"},
      {"base", "", "ok Gathering Facts, changed base-task, ok Gathering Facts"},
      {"", "base", "ok Gathering Facts, changed web-task"},
      {"", "always", "ok Gathering Facts, changed base-task, changed web-task"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.tags);
    CAPTURE(c.skip_tags);
    testing::SchedulerFixture f;
    if (!c.tags.empty()) f.options.tags = {c.tags};
    if (!c.skip_tags.empty()) f.options.skip_tags = {c.skip_tags};
    Recorder rec;
    f.Run(kTagged, "h1,", &rec);
    CHECK(rec.Joined("h1") == c.lines);
  }
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("tasks see the command line as Ansible's options variables") {
  constexpr char kPlay[] = R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: options
      put:
        path: /etc/options
        content: "{{ ansible_run_tags | join(',') }} [{{ ansible_skip_tags | join(',') }}] {{ ansible_limit | default('none') }} {{ ansible_version.full }} {{ ansible_version.major }}"
      tags: [always]
)";
  testing::SchedulerFixture plain;
  testing::Recorder rec;
  plain.Run(kPlay, "h1,", &rec);
  CHECK(plain.hosts["h1"].Content("/etc/options") == "all [] none 2.14.0 2");
  testing::SchedulerFixture asked;
  asked.options.tags = {"web", "db"};
  asked.options.skip_tags = {"slow"};
  asked.options.limit = "h*";
  asked.Run(kPlay, "h1,", &rec);
  CHECK(asked.hosts["h1"].Content("/etc/options") == "web,db [slow] h* 2.14.0 2");
}

}  // namespace
}  // namespace hostprep
