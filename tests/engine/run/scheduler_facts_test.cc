// Fact gathering through a run: with the play's become, as Ansible's
// gathering task, not a task's; again in a later play that gathers with
// another become, and not in one that gathers with the same.
#include <doctest/doctest.h>

#include "engine/run/facts.h"
#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

// How `host` ran the facts script each time: "root" or "login", in order.
std::string Gatherings(testing::SchedulerFixture& f, const char* host) {
  std::string out;
  for (const FakeTransport::Call& c : f.hosts[host].calls()) {
    if (c.kind != FakeTransport::Call::Kind::kExec || c.argv != FactsRequest().argv) continue;
    out += (out.empty() ? "" : " ") + std::string(c.become.enabled ? "root" : "login");
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
  CHECK(Gatherings(f, "h1") == "login root");
}

}  // namespace
}  // namespace hostprep
