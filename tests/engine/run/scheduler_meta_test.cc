// meta end_host, end_play, end_batch, reset_connection and a conditional
// flush_handlers through the whole run.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using Fixture = testing::SchedulerFixture;
using testing::Recorder;

TEST_CASE("end_host stops one host without failing it, its notified handlers do not run") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a, content: "a"}, notify: h}
    - name: stop h2
      meta: end_host
      when: inventory_hostname == 'h2'
    - {name: b, put: {path: /etc/b, content: "b"}}
  handlers:
    - {name: h, run: "true"}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "changed a, skipped stop-h2, changed b, changed h");
  CHECK(rec.Joined("h2") == "changed a");
  // The skip is shown, not counted, as in Ansible.
  CHECK(s.stats["h1"].skipped == 0);
  CHECK(s.stats["h2"].failed == 0);
}

TEST_CASE("flush_handlers with a when flushes where it holds, elsewhere the handlers wait") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a, content: "a"}, notify: h}
    - name: flush on h1
      meta: flush_handlers
      when: inventory_hostname == 'h1'
    - {name: b, put: {path: /etc/b, content: "b"}, notify: h}
  handlers:
    - {name: h, run: "true"}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "changed a, changed h, changed b, changed h");
  CHECK(rec.Joined("h2") == "changed a, skipped flush-on-h1, changed b, changed h");
  CHECK(s.stats["h2"].skipped == 0);
}

TEST_CASE("end_batch ends the batch and the next batch runs, end_play ends the play") {
  const char* play = R"(
- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - {name: a, put: {path: /etc/a, content: "a"}}
    - meta: ACTION
    - {name: b, put: {path: /etc/b, content: "b"}}
- hosts: all
  gather_facts: false
  tasks:
    - {name: next, put: {path: /etc/next, content: "n"}}
)";
  auto with = [&](const std::string& action) {
    std::string text = play;
    text.replace(text.find("ACTION"), 6, action);
    return text;
  };
  {
    Fixture f;
    Recorder rec;
    CHECK(f.Run(with("end_batch"), "h1,h2,", &rec).exit_code() == 0);
    CHECK(rec.Joined("h1") == "changed a, changed next");
    CHECK(rec.Joined("h2") == "changed a, changed next");
  }
  {
    Fixture f;
    Recorder rec;
    CHECK(f.Run(with("end_play"), "h1,h2,", &rec).exit_code() == 0);
    CHECK(rec.Joined("h1") == "changed a, changed next");
    CHECK(rec.Joined("h2") == "changed next");
  }
}

TEST_CASE("reset_connection opens the host's connection anew and the run goes on") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a, content: "a"}}
    - meta: reset_connection
    - name: not here
      meta: reset_connection
      when: false
    - {name: b, put: {path: /etc/b, content: "b"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "changed a, skipped not-here, changed b");
  CHECK(f.hosts["h1"].CountCalls(FakeTransport::Call::Kind::kConnect) == 2);
}

}  // namespace
}  // namespace hostprep
