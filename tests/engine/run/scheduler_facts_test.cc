// Fact gathering through a run: the play's user's, as Ansible's gathering
// task, not a task's (a play that does not become rides in its tasks' sudo
// and names the caller); again in a later play that gathers with another
// become, and not in one that gathers with the same.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

// How `host` ran the facts script each time, in order: "root", "login", or
// "caller" (under the tasks' sudo, naming the user who called it).
std::string Gatherings(testing::SchedulerFixture& f, const char* host) {
  std::string out;
  const std::vector<std::string> script = FactsRead().argv;
  for (const FakeTransport::Call& c : f.hosts[host].calls()) {
    if (c.kind != FakeTransport::Call::Kind::kExec || c.argv.size() < script.size() ||
        !std::equal(script.begin(), script.end(), c.argv.begin())) {
      continue;
    }
    const bool caller = c.argv.back() == "caller";
    CHECK(caller == (c.argv != script));
    out += (out.empty() ? "" : " ") +
           std::string(caller ? (c.become.enabled ? "caller" : "caller without sudo")
                              : (c.become.enabled ? "root" : "login"));
  }
  return out;
}

TEST_CASE("facts are gathered with the play's become, again only for a play with another") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  tasks:
    - {name: as root, put: {path: /etc/a, content: a}, become: true}
- hosts: all
  tasks:
    - {name: again as login, put: {path: /etc/b, content: b}}
- hosts: all
  become: true
  tasks:
    - {name: the play as root, put: {path: /etc/c, content: c}}
- hosts: all
  become: true
  tasks:
    - {name: still root, put: {path: /etc/d, content: d}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  // The first play's facts ride in its task's sudo, as the login user's; the
  // second play's user is the same; the third becomes root.
  CHECK(Gatherings(f, "h1") == "caller root");
}

}  // namespace
}  // namespace hostprep
