// reboot and wait_for_connection through the whole run: the engine drops
// and makes the host's connection (HostIo::Await) over FakeTransports
// whose host goes away (FakeTransport::LoseConnection) and comes back with
// a new boot id.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "modules/reboot.h"
#include "modules/wait_for_connection.h"
#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

const std::vector<std::string> kBootId = {"/bin/sh", "-c", "cat /proc/sys/kernel/random/boot_id"};
const std::vector<std::string> kShutdown = {"/sbin/shutdown", "-r", "0",
                                            "Reboot initiated by Ansible"};

// A host that reboots on its shutdown command: it is gone for
// `down_connects` connection attempts, then back with another boot id
// (unless `stuck`: the command "works" and nothing reboots).
struct Rebooting {
  int boots = 1;
  int reboots = 0;

  void Attach(FakeTransport& host, int down_connects, bool stuck = false) {
    host.AddFile("/sbin/shutdown", "", 0755);
    host.SetExecHandler(
        [this, &host, down_connects, stuck](const ExecRequest& r) -> std::optional<ExecResult> {
          if (r.argv == kBootId) return ExecResult{0, "boot-" + std::to_string(boots) + "\n", ""};
          if (r.argv == kShutdown) {
            ++reboots;
            if (!stuck) {
              ++boots;
              host.LoseConnection(down_connects);
            }
            return ExecResult{};
          }
          if (r.argv == std::vector<std::string>{"/bin/sh", "-c", "whoami"})
            return ExecResult{0, "root\n", ""};
          return std::nullopt;
        });
  }
};

// A host that goes away when it runs `go-away`: it refuses the next
// `refusals` connection attempts, then answers again.
void GoesAway(FakeTransport& host, int refusals) {
  host.SetExecHandler([&host, refusals](const ExecRequest& r) -> std::optional<ExecResult> {
    if (r.argv != std::vector<std::string>{"go-away"}) return std::nullopt;
    host.LoseConnection(refusals);
    return ExecResult{};
  });
}

struct Fixture : testing::SchedulerFixture {
  Fixture() {
    modules.Register(std::make_unique<modules::RebootModule>());
    modules.Register(std::make_unique<modules::WaitForConnectionModule>());
  }
};

// The position of the first call on `host` that runs `argv`, or calls().size().
size_t FirstExec(FakeTransport& host, const std::vector<std::string>& argv) {
  const auto& calls = host.calls();
  return std::find_if(calls.begin(), calls.end(),
                      [&](const FakeTransport::Call& c) {
                        return c.kind == FakeTransport::Call::Kind::kExec && c.argv == argv;
                      }) -
         calls.begin();
}

const TaskEvent& EventOf(const Recorder& rec, const std::string& task) {
  const auto it = std::find_if(rec.events.begin(), rec.events.end(),
                               [&](const TaskEvent& e) { return e.task_id == task; });
  REQUIRE(it != rec.events.end());
  return *it;
}

TEST_CASE("reboot runs shutdown, waits for a new boot id, and the tasks after it read again") {
  Fixture f;
  Rebooting host;
  host.Attach(f.hosts["h1"], 1);
  f.hosts["h1"].AddFile("/etc/motd", "hello\n");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: boot, reboot: {}, register: r}
    - {name: after, put: {path: /etc/motd, content: "hello\n"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "changed boot, ok after");
  CHECK(host.reboots == 1);
  const Value r = EventOf(rec, "boot").result;
  INFO(r.dump());
  CHECK(r.value("rebooted", false) == true);
  CHECK(r.value("elapsed", -1) >= 1);  // one refused connection: one second's wait  // one refused
                                       // connection: one second's wait
  // The boot id was read before the reboot, and again after it on a new
  // connection; whoami ran on the rebooted host.
  FakeTransport& h1 = f.hosts["h1"];
  const size_t reboot = FirstExec(h1, kShutdown);
  REQUIRE(reboot < h1.calls().size());
  CHECK(FirstExec(h1, kBootId) < reboot);
  // What the task after reads was read ahead before the reboot, and is
  // read again after it: the host's state after a reboot is unknown.
  int reads_before = 0, reads_after = 0;
  for (size_t i = 0; i < h1.calls().size(); ++i) {
    if (h1.calls()[i].kind == FakeTransport::Call::Kind::kReadFile &&
        h1.calls()[i].path == "/etc/motd")
      ++(i < reboot ? reads_before : reads_after);
  }
  CHECK(reads_before == 1);
  CHECK(reads_after == 1);
  // The first connection, the one refused, and the one that saw the new boot id.
  CHECK(h1.CountCalls(FakeTransport::Call::Kind::kConnect) == 3);
}

TEST_CASE("reboot fails with a clear message when the boot id does not change in reboot_timeout") {
  Fixture f;
  Rebooting host;
  host.Attach(f.hosts["h1"], 0, /*stuck=*/true);
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: boot, reboot: {reboot_timeout: 2}, register: r}
    - {name: never, put: {path: /etc/motd, content: "x"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "failed boot");
  const TaskEvent& e = EventOf(rec, "boot");
  CHECK(e.message ==
        "Timed out waiting for last boot time check (timeout=2): the boot id did not change "
        "within reboot_timeout=2 s: raise reboot_timeout if the host takes longer to reboot, "
        "or check that reboot_command reboots it and boot_time_command prints a new value "
        "after a reboot (last try: the boot id is still boot-1)");
  CHECK(e.result.value("rebooted", false) == true);
  CHECK(e.result.value("elapsed", -1) >= 2);
}

TEST_CASE("reboot reports a failed reboot command as Ansible does, not rebooted") {
  Fixture f;
  f.hosts["h1"].AddFile("/usr/sbin/shutdown", "", 0755);
  f.hosts["h1"].AddExecResponse(kBootId, ExecResult{0, "boot-1\n", ""});
  f.hosts["h1"].AddExecResponse({"/usr/sbin/shutdown"}, ExecResult{1, "", "Access denied\n"});
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: boot, reboot: {}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  const TaskEvent& e = EventOf(rec, "boot");
  CHECK(e.message == "Reboot command failed. Error was: ', Access denied'");
  CHECK(e.result.value("rebooted", true) == false);
  CHECK_FALSE(e.changed);
}

TEST_CASE("reboot in check mode reboots nothing and reports what Ansible reports") {
  Fixture f;
  f.options.check = true;
  Rebooting host;
  host.Attach(f.hosts["h1"], 1);
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: boot, reboot: {}, register: r}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "changed boot");
  CHECK(host.reboots == 0);
  const Value r = EventOf(rec, "boot").result;
  INFO(r.dump());
  CHECK(r.value("rebooted", false) == true);
  CHECK(r.value("elapsed", -1) == 0);
}

TEST_CASE("reboot under a false when costs nothing beyond the one probe round trip") {
  Fixture f;
  Rebooting host;
  host.Attach(f.hosts["h1"], 1);
  f.hosts["h1"].AddFile("/etc/motd", "hello\n");
  Recorder rec;
  RunSummary s;
  const uint64_t trips = testing::RoundTrips(f.hosts["h1"], [&] {
    s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: required, put: {path: /etc/motd, content: "hello\n"}, register: reboot_required}
    - name: boot
      reboot: {}
      when: reboot_required is changed
)",
              "h1,", &rec);
  });
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "ok required, skipped boot");
  // The boot id rode in the probe round trip (read ahead): the reboot, had
  // it run, would have needed no round trip of its own to read it.
  CHECK(trips == 1);
  CHECK(host.reboots == 0);
}

TEST_CASE("reboot refuses a local connection, as Ansible does") {
  Fixture f;
  Recorder rec;
  f.hosts["h1"].AddExecResponse(kBootId, ExecResult{0, "boot-1\n", ""});
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  connection: local
  tasks:
    - {name: boot, reboot: {}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(EventOf(rec, "boot").message ==
        "Running reboot with local connection would reboot the control node.");
}

TEST_CASE("wait_for_connection on a reachable host is one round trip on its connection") {
  Fixture f;
  f.hosts["h1"].AddFile("/etc/motd", "hello\n");
  Recorder rec;
  RunSummary s;
  const uint64_t trips = testing::RoundTrips(f.hosts["h1"], [&] {
    s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: wait, wait_for_connection: {}, register: w}
    - {name: after, put: {path: /etc/motd, content: "hello\n"}}
)",
              "h1,", &rec);
  });
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "ok wait, ok after");
  CHECK(EventOf(rec, "wait").result.value("elapsed", -1) == 0);
  CHECK_FALSE(EventOf(rec, "wait").changed);
  // The probe, then `true`; what the probe read for the task after holds.
  CHECK(trips == 2);
  CHECK(f.hosts["h1"].CountCalls(FakeTransport::Call::Kind::kConnect) == 1);
}

TEST_CASE("wait_for_connection reconnects until the host is back") {
  Fixture f;
  FakeTransport& h1 = f.hosts["h1"];
  GoesAway(h1, 2);
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: away, run: go-away}
    - {name: wait, wait_for_connection: {sleep: 1, timeout: 30}}
    - {name: back, run: "true"}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "changed away, ok wait, changed back");
  CHECK(EventOf(rec, "wait").result.value("elapsed", -1) >= 2);
  CHECK(h1.CountCalls(FakeTransport::Call::Kind::kConnect) == 4);
}

TEST_CASE("wait_for_connection fails with what timed out and what to raise") {
  Fixture f;
  FakeTransport& h1 = f.hosts["h1"];
  GoesAway(h1, 1000);
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: away, run: go-away}
    - {name: wait, wait_for_connection: {timeout: 2}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(EventOf(rec, "wait").message ==
        "timed out waiting for ping module test: connect to h1: connection refused (the host "
        "did not run a command within timeout=2 s: raise timeout if it needs longer to come "
        "back)");
}

TEST_CASE("wait_for_connection is skipped in check mode, as in Ansible") {
  Fixture f;
  f.options.check = true;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: wait, wait_for_connection: {}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "skipped wait");
}

}  // namespace
}  // namespace hostprep
