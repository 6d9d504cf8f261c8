// The scheduler and host runner, end to end over FakeTransports: a real
// playbook parsed from text, a real inventory, test modules whose reads and
// actions land on in-memory hosts.
#include "engine/run/scheduler.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "engine/facts/facts.h"
#include "engine/transport/fake_transport.h"
#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Hosts;
using testing::PutModule;
using testing::RunModule;

using Fixture = testing::SchedulerFixture;
using testing::Recorder;
using testing::RoundTrips;

constexpr const char* kTwoFiles = R"(
- name: files
  hosts: all
  tasks:
    - name: first
      put: {path: /etc/a.conf, content: "a={{ inventory_hostname }}\n"}
      notify: [reload]
    - name: second
      put: {path: /etc/b.conf, content: "b\n"}
      notify: reload
  handlers:
    - name: reload
      run: "true"
)";

TEST_CASE("scheduler brings every host to the declared state and a re-run changes nothing") {
  Fixture f;
  Recorder first;
  RunSummary s = f.Run(kTwoFiles, "h1,h2,h3,", &first);
  CHECK(s.exit_code() == 0);
  CHECK(s.changed);
  for (const char* h : {"h1", "h2", "h3"}) {
    CHECK(f.hosts[h].Content("/etc/a.conf") == std::string("a=") + h + "\n");
    CHECK(first.Lines(h) == std::vector<std::string>{"ok Gathering Facts", "changed first",
                                                     "changed second", "changed reload"});
    CHECK(s.stats[h].changed == 3);
    CHECK(s.stats[h].ok == 4);  // Gathering Facts counts, as in Ansible
  }
  Recorder second;
  RunSummary again = f.Run(kTwoFiles, "h1,h2,h3,", &second);
  CHECK_FALSE(again.changed);
  CHECK(second.Lines("h2") ==
        std::vector<std::string>{"ok Gathering Facts", "ok first", "ok second"});
  CHECK(again.stats["h2"].changed == 0);
}

TEST_CASE("scheduler check mode reports the same changes and writes nothing") {
  Fixture f;
  f.options.check = true;
  Recorder check;
  RunSummary s = f.Run(kTwoFiles, "h1,h2,", &check);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/a.conf") == std::nullopt);
  CHECK(f.hosts["h1"].CountCalls(FakeTransport::Call::Kind::kWriteFile) == 0);
  CHECK(f.hosts["h1"].CountCalls(FakeTransport::Call::Kind::kExec) == 1);  // facts only
  f.options.check = false;
  Recorder real;
  RunSummary r = f.Run(kTwoFiles, "h1,h2,", &real);
  CHECK(r.stats["h1"].changed == s.stats["h1"].changed);
  CHECK(r.stats["h2"].changed == s.stats["h2"].changed);
}

TEST_CASE("check_mode false runs a read-only query for real under --check") {
  Fixture f;
  f.options.check = true;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: query
      run: "false"
      register: q
      ignore_errors: true
      check_mode: false
    - name: write
      put: {path: /etc/x, content: "{{ q.rc }}"}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"ignored query", "changed write"});
  CHECK(f.hosts["h1"].Content("/etc/x") == std::nullopt);
}

TEST_CASE("scheduler isolates a failed host: the others finish their graphs") {
  Fixture f;
  f.hosts["h2"].DenyAccess("/etc/a.conf");
  Recorder rec;
  RunSummary s = f.Run(kTwoFiles, "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Lines("h2") == std::vector<std::string>{"ok Gathering Facts", "failed first"});
  CHECK(s.stats["h2"].failed == 1);
  CHECK(f.hosts["h2"].Content("/etc/b.conf") == std::nullopt);
  CHECK(f.hosts["h3"].Content("/etc/b.conf") == "b\n");
  CHECK(s.stats["h3"].changed == 3);
}

TEST_CASE("scheduler reports an unreachable host and finishes the others") {
  Fixture f;
  f.hosts["h1"].SetUnreachable("connection refused");
  Recorder rec;
  RunSummary s = f.Run(kTwoFiles, "h1,h2,", &rec);
  CHECK(s.exit_code() == 3);
  CHECK(s.stats["h1"].unreachable == 1);
  REQUIRE(rec.Lines("h1") == std::vector<std::string>{"unreachable connect"});
  // h1's one event; h2's run beside it and may come first.
  const auto h1 = std::find_if(rec.events.begin(), rec.events.end(),
                               [](const TaskEvent& e) { return e.host == "h1"; });
  REQUIRE(h1 != rec.events.end());
  CHECK(h1->message == "connect to h1: connection refused");
  CHECK(s.stats["h2"].changed == 3);
}

TEST_CASE("a connection lost mid-play makes the host unreachable, not failed") {
  Fixture f;
  f.hosts["h1"].FailAfter(4);  // facts, the probe and the first change, then nothing
  Recorder rec;
  RunSummary s = f.Run(R"(
- name: files
  hosts: all
  tasks:
    - name: first
      put: {path: /etc/a.conf, content: "a\n"}
    - name: second
      run: "true"
      ignore_errors: true
      retries: 3
    - name: third
      put: {path: /etc/c.conf, content: "c\n"}
- name: later
  hosts: all
  tasks:
    - name: fourth
      put: {path: /etc/d.conf, content: "d\n"}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 3);
  // Neither ignore_errors nor retries apply to a lost host, as in Ansible,
  // and the host stays out of later plays.
  CHECK(rec.Lines("h1") ==
        std::vector<std::string>{"ok Gathering Facts", "changed first", "unreachable second"});
  CHECK(s.stats["h1"].unreachable == 1);
  CHECK(s.stats["h1"].failed == 0);
  const auto& calls = f.hosts["h1"].calls();  // attempts, the failed ones included
  CHECK(std::count_if(calls.begin(), calls.end(), [](const FakeTransport::Call& c) {
          return c.argv == std::vector<std::string>{"true"};
        }) == 1);
  // Each play gathers facts, as in Ansible (hostprep reads them once).
  CHECK(rec.Lines("h2") == std::vector<std::string>{"ok Gathering Facts", "changed first",
                                                    "changed second", "changed third",
                                                    "ok Gathering Facts", "changed fourth"});
}

TEST_CASE("scheduler stops the play on the first failure under any_errors_fatal") {
  Fixture f;
  f.options.forks = 1;  // hosts one after another, so the stop is deterministic
  f.hosts["h1"].DenyAccess("/etc/a.conf");
  Recorder rec;
  std::string pb = std::string(kTwoFiles);
  pb.replace(pb.find("  hosts: all"), 12, "  hosts: all\n  any_errors_fatal: true");
  RunSummary s = f.Run(pb, "h1,h2,h3,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Lines("h2").empty());
  CHECK(rec.Lines("h3").empty());
  REQUIRE(rec.warnings.size() == 1);
  CHECK(rec.warnings[0] == "play 'files': stopping after host h1 failed (any_errors_fatal)");
}

TEST_CASE("scheduler runs serial batches and stops when max_fail_percentage is passed") {
  Fixture f;
  f.options.forks = 1;  // h1 finishes before h2 fails: deterministic
  f.hosts["h2"].DenyAccess("/etc/a.conf");
  Recorder rec;
  std::string pb = std::string(kTwoFiles);
  pb.replace(pb.find("  hosts: all"), 12, "  hosts: all\n  serial: 2\n  max_fail_percentage: 40");
  RunSummary s = f.Run(pb, "h1,h2,h3,h4,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(s.stats["h1"].changed == 3);  // same batch as h2: finished its graph
  CHECK(rec.Lines("h3").empty());     // the next batch never started
  CHECK(rec.Lines("h4").empty());
}

TEST_CASE("scheduler tolerates failures up to max_fail_percentage") {
  Fixture f;
  f.hosts["h2"].DenyAccess("/etc/a.conf");
  Recorder rec;
  std::string pb = std::string(kTwoFiles);
  pb.replace(pb.find("  hosts: all"), 12, "  hosts: all\n  max_fail_percentage: 30");
  RunSummary s = f.Run(pb, "h1,h2,h3,h4,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(s.stats["h4"].changed == 3);
  CHECK(rec.warnings.empty());
}

TEST_CASE("scheduler completes every host with fewer forks than hosts") {
  Fixture f;
  f.options.forks = 2;
  Recorder rec;
  RunSummary s = f.Run(kTwoFiles, "h1,h2,h3,h4,h5,", &rec);
  CHECK(s.exit_code() == 0);
  for (const char* h : {"h1", "h2", "h3", "h4", "h5"}) CHECK(s.stats[h].changed == 3);
}

TEST_CASE("handlers run once, only when a notifying task changed something") {
  Fixture f;
  f.hosts["h1"].AddFile("/etc/a.conf", "a=h1\n");
  f.hosts["h1"].AddFile("/etc/b.conf", "b\n");
  Recorder rec;
  f.Run(kTwoFiles, "h1,h2,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"ok Gathering Facts", "ok first", "ok second"});
  CHECK(rec.Lines("h2") == std::vector<std::string>{"ok Gathering Facts", "changed first",
                                                    "changed second", "changed reload"});
}

TEST_CASE("registered results drive later conditions, ignore_errors keeps the host going") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: probe
      run: "false"
      register: probe
      ignore_errors: true
    - name: when probe failed
      when: probe.failed and probe.rc == 1
      put: {path: /etc/fallback, content: "{{ probe.stderr }}"}
    - name: when probe passed
      when: not probe.failed
      put: {path: /etc/primary, content: x}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"ignored probe", "changed when-probe-failed",
                                                    "skipped when-probe-passed"});
  CHECK(f.hosts["h1"].Content("/etc/fallback") == "it failed");  // trailing newline stripped
  CHECK(s.stats["h1"].ignored == 1);
  CHECK(s.stats["h1"].skipped == 1);
  // As ansible-playbook counts: the ignored failure is ok and ignored, and
  // changed (the command ran).
  CHECK(s.stats["h1"].ok == 2);
  CHECK(s.stats["h1"].changed == 2);
}

TEST_CASE("a loop runs its task once per item and counts once in the recap") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  vars:
    names: [overlay, br_netfilter]
  tasks:
    - name: modules
      loop: "{{ names }}"
      put: {path: "/etc/modules-load.d/{{ item }}.conf", content: "{{ item }}\n"}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/modules-load.d/br_netfilter.conf") == "br_netfilter\n");
  REQUIRE(rec.events.size() == 2);
  CHECK(rec.events[0].item == "overlay");
  CHECK(s.stats["h1"].changed == 1);
}

TEST_CASE("a failed loop item does not stop the loop: every item runs, then the host stops") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: files
      loop: [/etc/a, /nodir/b, /etc/c]
      put: {path: "{{ item }}", content: x}
    - name: after
      put: {path: /etc/after, content: x}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 3);
  CHECK(rec.events[0].status == TaskStatus::kChanged);
  CHECK(rec.events[1].status == TaskStatus::kFailed);
  CHECK(rec.events[2].status == TaskStatus::kChanged);
  CHECK(f.hosts["h1"].Content("/etc/c") == "x");
  CHECK_FALSE(f.hosts["h1"].Content("/etc/after").has_value());
  CHECK(s.stats["h1"].failed == 1);
}

TEST_CASE("when on a loop is asked of each item, as in Ansible") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: files
      loop: [a, b, c]
      when: item != 'b'
      put: {path: "/etc/{{ item }}", content: x}
    - name: none
      loop: [a]
      when: false
      put: {path: /etc/never, content: x}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  REQUIRE(rec.events.size() == 4);
  CHECK(rec.events[0].status == TaskStatus::kChanged);
  CHECK(rec.events[1].status == TaskStatus::kSkipped);
  CHECK(rec.events[1].item == "b");
  CHECK(rec.events[2].status == TaskStatus::kChanged);
  CHECK(rec.events[3].status == TaskStatus::kSkipped);
  CHECK(rec.events[3].item == "a");
  CHECK_FALSE(f.hosts["h1"].Content("/etc/b").has_value());
  CHECK(s.stats["h1"].changed == 1);
  CHECK(s.stats["h1"].skipped == 1);
}

TEST_CASE("a play in which every host failed ends the playbook, as in Ansible") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- name: first
  hosts: all
  gather_facts: false
  tasks:
    - {name: broken, put: {path: /nodir/x, content: x}}
- name: later
  hosts: all
  gather_facts: false
  tasks:
    - {name: later, put: {path: /etc/later, content: x}}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"failed broken"});
  // The later play does not even start (ansible-playbook: NO MORE HOSTS LEFT).
  CHECK(rec.plays == std::vector<std::string>{"first"});
}

TEST_CASE("tags select tasks, always runs and never waits to be named") {
  Fixture f;
  f.options.tags = {"b"};
  Recorder rec;
  f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, tags: [a], put: {path: /etc/a, content: a}}
    - {name: b, tags: [b], put: {path: /etc/b, content: b}}
    - {name: c, tags: [always], put: {path: /etc/c, content: c}}
    - {name: d, tags: [never, debug], put: {path: /etc/d, content: d}}
)",
        "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed b", "changed c"});
}

TEST_CASE("the special tags tagged and untagged select as in Ansible") {
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a, content: a}}
    - {name: b, tags: [b], put: {path: /etc/b, content: b}}
    - {name: c, tags: [always], put: {path: /etc/c, content: c}}
    - {name: d, tags: [never], put: {path: /etc/d, content: d}}
)";
  struct Case {
    std::vector<std::string> tags, skip_tags;
    std::vector<std::string> lines;
  };
  for (const Case& c : std::vector<Case>{
           {{"untagged"}, {}, {"changed a", "changed c"}},
           {{"tagged"}, {}, {"changed b", "changed c"}},
           {{}, {"untagged"}, {"changed b", "changed c"}},
           {{}, {"tagged"}, {"changed a"}},
           {{}, {"all"}, {"changed c"}},
       }) {
    Fixture f;
    f.options.tags = c.tags;
    f.options.skip_tags = c.skip_tags;
    Recorder rec;
    f.Run(play, "h1,", &rec);
    CAPTURE(c.tags.empty() ? "skip " + c.skip_tags[0] : c.tags[0]);
    CHECK(rec.Lines("h1") == c.lines);
  }
}

TEST_CASE("an undefined variable fails the task with its location") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(- hosts: all
  gather_facts: false
  tasks:
    - name: uses a typo
      put:
        path: /etc/x
        content: "{{ sandbox_imgae }}"
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].message == "site.yml:7:9: undefined variable 'sandbox_imgae'");
}

TEST_CASE("variables take precedence from inventory up to extra vars, as documented") {
  char dir[] = "/tmp/hostprep-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string inv = std::string(dir) + "/hosts.yml";
  std::ofstream(inv) << R"(all:
  vars: {x1: all, x2: all, x3: all, x5: all, x6: all, x7: all}
  children:
    g:
      vars: {x2: group, x3: group, x5: group, x6: group, x7: group}
      hosts:
        h1: {x3: host, x5: host, x6: host, x7: host, os_family: inv, distribution: inv}
)";
  Fixture f;
  f.options.extra_vars = {{"x7", "extra"}};
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  vars: {x5: play, x6: play, x7: play, distribution: play}
  tasks:
    - name: show
      vars: {x6: task, x7: task}
      put:
        path: /etc/vars
        content: "{{ x1 }} {{ x2 }} {{ x3 }} {{ os_family }} {{ distribution }} {{ x5 }} {{ x6 }} {{ x7 }}"
)",
                       inv, &rec);
  std::remove(inv.c_str());
  rmdir(dir);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/vars") == "all group host Debian play play task extra");
}

constexpr const char* kThreeFiles = R"(
- hosts: all
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}}
    - {name: b, put: {path: /etc/b.conf, content: "b\n"}}
    - {name: family, put: {path: "/etc/{{ os_family }}.conf", content: "family\n"}}
)";

TEST_CASE("an unchanged re-run makes one round trip per host: facts and every task's state") {
  char tmpl[] = "/tmp/hostprep-facts-XXXXXX";
  const std::string cache = mkdtemp(tmpl);
  Fixture f;
  f.options.facts_cache_dir = cache;
  Recorder first, second;
  f.Run(kThreeFiles, "h1,h2,", &first);
  const uint64_t trips = RoundTrips(f.hosts["h1"], [&] { f.Run(kThreeFiles, "h1,h2,", &second); });
  CHECK(trips == 1);
  CHECK(second.Lines("h1") ==
        std::vector<std::string>{"ok Gathering Facts", "ok a", "ok b", "ok family"});
  std::filesystem::remove_all(cache);
}

TEST_CASE("without cached facts a task that needs facts is probed in a second round trip") {
  Fixture f;  // no facts cache
  Recorder first, second;
  f.Run(kThreeFiles, "h1,", &first);
  const uint64_t trips = RoundTrips(f.hosts["h1"], [&] { f.Run(kThreeFiles, "h1,", &second); });
  CHECK(trips == 2);
  CHECK(second.Lines("h1") ==
        std::vector<std::string>{"ok Gathering Facts", "ok a", "ok b", "ok family"});
}

TEST_CASE("a command and the reads of the tasks after it share one round trip") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}}
    - {name: cmd, run: "true"}
    - {name: b, put: {path: /etc/b.conf, content: "b\n"}}
    - {name: c, put: {path: /etc/c.conf, content: "c\n"}}
  order: sequential
)";
  f.hosts["h1"].AddFile("/etc/a.conf", "a\n");
  f.hosts["h1"].AddFile("/etc/b.conf", "b\n");
  f.hosts["h1"].AddFile("/etc/c.conf", "c\n");
  // One probe of all, then the command with the reads of the two after it.
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &rec); }) == 2);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"ok a", "changed cmd", "ok b", "ok c"});
}

TEST_CASE("a play whose pattern names a missing group runs on the rest, with a warning") {
  Fixture f;
  Recorder rec;
  f.Run(R"(
- name: nodes
  hosts: h1:etcd
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}}
)",
        "h1,h2,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed a"});
  CHECK(rec.Lines("h2").empty());
  CHECK(rec.warnings ==
        std::vector<std::string>{
            "play 'nodes': no hosts matched 'etcd': no group or host has that name"});
}

TEST_CASE(
    "a registered change costs its own round trip, the reads of the tasks after it included") {
  Fixture f;
  Recorder rec;
  // A registered result may decide what later tasks do: no planning ahead.
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}, register: ra}
    - {name: b, put: {path: /etc/b.conf, content: "b\n"}, register: rb}
    - {name: c, put: {path: /etc/c.conf, content: "c\n"}, register: rc}
)";
  f.hosts["h1"].AddFile("/etc/b.conf", "b\n");
  // The probe of all three, a's write, c's write.
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &rec); }) == 3);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed a", "ok b", "changed c"});
}

TEST_CASE("a task reads what an earlier task of the run wrote, not the answer probed before") {
  Fixture f;
  Recorder rec;
  f.Run(R"(
- hosts: all
  gather_facts: false
  order: sequential
  tasks:
    - {name: first, put: {path: /etc/a.conf, content: "new\n"}}
    - {name: again, put: {path: /etc/a.conf, content: "new\n"}}
)",
        "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed first", "ok again"});
}

TEST_CASE("a task reading through a symlink sees what an earlier task wrote to its target") {
  Fixture f;
  Recorder rec;
  f.hosts["h1"].AddFile("/etc/sysctl.conf", "old\n");
  f.hosts["h1"].AddSymlink("/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf");
  f.Run(R"(
- hosts: all
  gather_facts: false
  order: sequential
  tasks:
    - {name: target, put: {path: /etc/sysctl.conf, content: "new\n"}}
    - {name: link, put: {path: /etc/sysctl.d/99-sysctl.conf, content: "new\n"}}
)",
        "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed target", "ok link"});
}

TEST_CASE("the changes of tasks that do not touch each other's state go in one round trip") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}}
    - {name: b, put: {path: /etc/b.conf, content: "b\n"}}
    - {name: c, put: {path: /etc/c.conf, content: "c\n"}}
    - {name: cmd, run: "true"}
)";
  f.hosts["h1"].AddExecResponse({"true"}, ExecResult{0, "done\n", ""});
  // The probe of all four, then every change in one batch.
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &rec); }) == 2);
  CHECK(rec.Lines("h1") ==
        std::vector<std::string>{"changed a", "changed b", "changed c", "changed cmd"});
  CHECK(f.hosts["h1"].Content("/etc/c.conf") == "c\n");
  CHECK(rec.events.back().result["stdout"] == "done");  // as Ansible registers it
}

TEST_CASE(
    "notified handlers run together in one round trip, a handler notified by another after it") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}, notify: [first]}
    - {name: b, put: {path: /etc/b.conf, content: "b\n"}, notify: [second]}
  handlers:
    - {name: first, put: {path: /etc/first, content: "1\n"}, notify: [chained]}
    - {name: unused, put: {path: /etc/unused, content: "x\n"}}
    - {name: second, put: {path: /etc/second, content: "2\n"}}
    - {name: chained, put: {path: /etc/chained, content: "3\n"}}
)";
  // The probe, the tasks' changes, then the three handlers' changes.
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &rec); }) == 3);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed a", "changed b", "changed first",
                                                    "changed second", "changed chained"});
  CHECK(f.hosts["h1"].Content("/etc/chained") == "3\n");
  CHECK(!f.hosts["h1"].Content("/etc/unused").has_value());

  // Unchanged: no handler runs, and the run is the probe alone.
  Recorder again;
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &again); }) == 1);
  CHECK(again.Lines("h1") == std::vector<std::string>{"ok a", "ok b"});
}

TEST_CASE("a handler planned ahead is planned again when an earlier handler changed its state") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}, notify: [one, two]}
  handlers:
    - {name: one, put: {path: /etc/h.conf, content: "same\n"}}
    - {name: two, put: {path: /etc/h.conf, content: "same\n"}}
)";
  f.Run(play, "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed a", "changed one", "ok two"});
}

TEST_CASE("a task planned ahead is planned again when an earlier task changed its state") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: first, put: {path: /etc/a.conf, content: "x\n"}}
    - {name: same, put: {path: /etc/a.conf, content: "x\n"}}
    - {name: other, put: {path: /etc/a.conf, content: "y\n"}}
)";
  f.Run(play, "h1,", &rec);
  // As one by one: the second finds the file as the first left it.
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed first", "ok same", "changed other"});
  CHECK(f.hosts["h1"].Content("/etc/a.conf") == "y\n");
}

TEST_CASE("a change that fails in a batch fails its task, and the tasks after it never run") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}}
    - {name: bad, put: {path: /nowhere/b.conf, content: "b\n"}}
    - {name: c, put: {path: /etc/c.conf, content: "c\n"}}
)";
  f.Run(play, "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed a", "failed bad"});
  CHECK(f.hosts["h1"].Content("/etc/a.conf") == "a\n");
  CHECK(!f.hosts["h1"].Content("/etc/c.conf").has_value());
}

TEST_CASE("a failed command in a batch is reported with its own output") {
  Fixture f;
  Recorder rec;
  f.hosts["h1"].AddExecResponse({"false"}, ExecResult{2, "", "it broke\n"});
  f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: a, put: {path: /etc/a.conf, content: "a\n"}}
    - {name: cmd, run: "false"}
    - {name: c, put: {path: /etc/c.conf, content: "c\n"}}
)",
        "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed a", "failed cmd"});
  CHECK(rec.events.back().message == "non-zero return code 2: it broke");
  CHECK(!f.hosts["h1"].Content("/etc/c.conf").has_value());
}

TEST_CASE(
    "a task planned ahead with nothing to do is planned again when a task before it changes what "
    "it read") {
  Fixture f;
  f.hosts["h1"].AddFile("/etc/a", "old");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: first
      put: {path: /etc/a, content: new}
    - name: second
      put: {path: /etc/a, content: old}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  // Planned on "old", the second task had nothing to do; after the first
  // wrote "new" it has, as running them one by one shows.
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed first", "changed second"});
  CHECK(f.hosts["h1"].Content("/etc/a") == "old");
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("a set_fact ahead of a task lets its state be read in the first round trip") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: where
      set_fact: {conf_dir: /etc/app, conf_name: "{{ 'main' }}"}
    - {name: config, put: {path: "{{ conf_dir }}/{{ conf_name }}.conf", content: "x\n"}}
)";
  f.hosts["h1"].AddFile("/etc/app/main.conf", "x\n");
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &rec); }) == 1);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"ok where", "ok config"});
}

TEST_CASE("handlers notified in pre_tasks run before the tasks, and again when notified again") {
  Fixture f;
  Recorder rec;
  const char* play = R"(
- hosts: all
  gather_facts: false
  pre_tasks:
    - {name: pre, put: {path: /etc/pre.conf, content: "p\n"}, notify: reload}
  tasks:
    - {name: main, put: {path: /etc/main.conf, content: "m\n"}, notify: reload}
    - meta: flush_handlers
    - {name: after, put: {path: /etc/after.conf, content: "a\n"}}
  post_tasks:
    - {name: post, put: {path: /etc/post.conf, content: "q\n"}, notify: reload}
  handlers:
    - {name: reload, run: "true"}
)";
  f.Run(play, "h1,", &rec);
  CHECK(rec.Lines("h1") == std::vector<std::string>{"changed pre", "changed reload", "changed main",
                                                    "changed reload", "changed after",
                                                    "changed post", "changed reload"});
}

}  // namespace
}  // namespace hostprep
