// delegate_to: a task's module runs on another host, with that host's
// connection and facts, while the task keeps the host's variables, its
// registered result and its handlers, as in Ansible.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;

// An inventory file holding `text`, in `tree`.
std::string InventoryFile(testing::TempTree* tree, const std::string& text) {
  tree->Write("hosts.ini", text);
  return tree->dir() + "/hosts.ini";
}

// The events of `host`'s task `id`, as "status delegate".
std::string Where(const Recorder& rec, const std::string& host, const std::string& id) {
  std::string out;
  for (const TaskEvent& e : rec.events) {
    if (e.host != host || e.task_id != id) continue;
    out += (out.empty() ? "" : ", ") + std::string(TaskStatusName(e.status)) + " " +
           (e.delegate.empty() ? "-" : e.delegate);
  }
  return out;
}

TEST_CASE("a delegated task runs on the delegated host with the host's variables and result") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.options.forks = 1;  // h1 and h2 share the fake d1, which serves one thread at a time
  for (const char* h : {"d1", "h2"}) {
    f.hosts[h].SetExecHandler([](const ExecRequest& r) -> std::optional<ExecResult> {
      if (r.argv.size() == 1 && r.argv[0].rfind("echo ", 0) == 0)
        return ExecResult{0, r.argv[0].substr(5) + "\n", ""};
      return std::nullopt;
    });
  }
  Recorder rec;
  RunSummary s =
      f.Run(R"(
- hosts: nodes
  gather_facts: false
  vars:
    greeting: "hello from {{ inventory_hostname }}"
  tasks:
    - name: write there
      put: {path: "/etc/from-{{ inventory_hostname }}", content: "{{ greeting }}"}
      delegate_to: d1
      notify: here
    - name: ask there
      run: "echo {{ inventory_hostname }}"
      register: asked
      delegate_to: "{{ helper }}"
    - name: use here
      put: {path: /etc/asked, content: "{{ asked.stdout }}"}
  handlers:
    - name: here
      put: {path: /etc/notified, content: "yes"}
)",
            InventoryFile(&tree, "[nodes]\nh1 helper=d1\nh2 helper=h2\n[helpers]\nd1\n"), &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["d1"].Content("/etc/from-h1") == "hello from h1");
  CHECK(f.hosts["d1"].Content("/etc/from-h2") == "hello from h2");
  CHECK(f.hosts["h1"].Content("/etc/from-h1") == std::nullopt);
  // Registered on the host; a delegate_to naming the host itself runs there.
  CHECK(f.hosts["h1"].Content("/etc/asked") == "h1");
  CHECK(f.hosts["h2"].Content("/etc/asked") == "h2");
  CHECK(f.hosts["h1"].Content("/etc/notified") == "yes");
  CHECK(Where(rec, "h1", "write-there") == "changed d1");
  CHECK(Where(rec, "h1", "ask-there") == "changed d1");
  CHECK(Where(rec, "h2", "ask-there") == "changed -");
  CHECK(Where(rec, "h1", "use-here") == "changed -");
}

TEST_CASE("delegate_to is rendered for each loop item") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.options.forks = 1;  // the fakes serve one thread at a time
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: nodes
  gather_facts: false
  tasks:
    - name: known hosts
      put: {path: "/etc/peer-{{ inventory_hostname }}", content: "{{ item }}"}
      loop: "{{ groups['peers'] }}"
      delegate_to: "{{ item }}"
)",
                       InventoryFile(&tree, "[nodes]\nh1\n[peers]\np1\np2\n"), &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["p1"].Content("/etc/peer-h1") == "p1");
  CHECK(f.hosts["p2"].Content("/etc/peer-h1") == "p2");
  CHECK(Where(rec, "h1", "known-hosts") == "changed p1, changed p2");
}

TEST_CASE("a delegated host is reached with its own connection variables only") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.options.forks = 1;
  Recorder rec;
  RunSummary s =
      f.Run(R"(
- hosts: h1
  gather_facts: false
  remote_user: deploy
  tasks:
    - name: inventory host
      put: {path: /etc/a, content: a}
      delegate_to: d1
    - name: bare name
      put: {path: /etc/b, content: b}
      delegate_to: 198.51.100.7
    - name: this machine
      put: {path: /etc/c, content: c}
      delegate_to: localhost
)",
            InventoryFile(&tree,
                          "h1 ansible_port=2222 ansible_user=alice ansible_connection=ssh\n"
                          "d1 ansible_host=10.0.0.9 ansible_user=ops\n"),
            &rec);
  CHECK(s.exit_code() == 0);
  const ConnectionSettings d1 = f.hosts.Created("d1");
  CHECK(d1.address == "10.0.0.9");
  CHECK(d1.user == "ops");
  CHECK(d1.port == 0);  // the host's port does not carry over
  CHECK(d1.connection == "ssh");
  const ConnectionSettings bare = f.hosts.Created("198.51.100.7");
  CHECK(bare.address == "198.51.100.7");
  CHECK(bare.user == "deploy");  // the play's remote_user where the host gives none
  CHECK(bare.connection == "ssh");
  CHECK(f.hosts.Created("localhost").connection == "local");
  CHECK(Where(rec, "h1", "inventory-host") == "changed d1(10.0.0.9)");
  CHECK(Where(rec, "h1", "this-machine") == "changed localhost");
  CHECK(f.hosts["localhost"].Content("/etc/c") == "c");
}

TEST_CASE("a delegated task plans with the delegated host's facts") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  ExecResult alpine;
  alpine.stdout_data =
      "exists=/etc/os-release\n/etc/os-release:ID=alpine\n/etc/os-release:VERSION_ID=3.19.1\n"
      "/etc/alpine-release:3.19.1\nend=hostprep-facts\n";
  f.hosts["d1"].AddExecResponse(FactsRead().argv, alpine);
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: h1
  gather_facts: true
  tasks:
    - name: there
      put: {path: "/etc/{{ ansible_distribution }}", content: x}
      delegate_to: d1
)",
                       InventoryFile(&tree, "h1\n"), &rec);
  CHECK(s.exit_code() == 0);
  // Templates read the host's facts (Ansible's too); the delegated host's
  // facts were gathered over its own connection for its module.
  CHECK(f.hosts["d1"].Content("/etc/Debian") == "x");
  bool gathered = false;
  for (const FakeTransport::Call& c : f.hosts["d1"].calls())
    gathered = gathered || c.argv == FactsRead().argv;
  CHECK(gathered);
}

TEST_CASE("a delegated host that gathered facts in the run is not asked for them again") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.options.forks = 1;  // h2 gathers before h1 delegates to it
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: h2
  gather_facts: true
  tasks: []
- hosts: h1
  gather_facts: false
  tasks:
    - name: there
      put: {path: /etc/x, content: x}
      delegate_to: h2
)",
                       InventoryFile(&tree, "h1\nh2\n"), &rec);
  CHECK(s.exit_code() == 0);
  int gathered = 0;
  for (const FakeTransport::Call& c : f.hosts["h2"].calls())
    gathered += c.argv == FactsRead().argv ? 1 : 0;
  CHECK(gathered == 1);
  CHECK(f.hosts["h2"].Content("/etc/x") == "x");
}

TEST_CASE("an unreachable delegated host makes the host unreachable, naming both") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.hosts["d1"].SetUnreachable("no route to host");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: h1
  gather_facts: false
  tasks:
    - name: there
      put: {path: /etc/x, content: x}
      delegate_to: d1
    - name: after
      put: {path: /etc/after, content: x}
)",
                       InventoryFile(&tree, "h1\n"), &rec);
  CHECK(s.exit_code() == 3);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].status == TaskStatus::kUnreachable);
  CHECK(rec.events[0].message == "delegate_to d1: connect to d1: no route to host");
  CHECK(f.hosts["h1"].Content("/etc/after") == std::nullopt);
}

TEST_CASE("a delegate_to that names no usable host fails the task before anything is sent") {
  struct Case {
    std::string target;
    std::string message;
  };
  const Case cases[] = {
      {"",
       "site.yml:6:20: delegate_to rendered to an empty name: give it a host's name or "
       "address, or leave delegate_to out to run the task on the host"},
      // An inventory value is never an option to ssh.
      {"-oProxyCommand=reboot",
       "site.yml:6:20: delegate_to: host -oProxyCommand=reboot: the inventory host name "
       "\"-oProxyCommand=reboot\" is not a host name or address: it starts with '-'; set "
       "ansible_host to a DNS name or an IP address"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.target);
    testing::SchedulerFixture f;
    testing::TempTree tree;
    Recorder rec;
    RunSummary s = f.Run(R"(- hosts: h1
  gather_facts: false
  tasks:
    - name: there
      put: {path: /etc/x, content: x}
      delegate_to: "{{ target }}"
)",
                         InventoryFile(&tree, "h1 target=" + c.target + "\n"), &rec);
    CHECK(s.exit_code() == 2);
    REQUIRE(rec.events.size() == 1);
    CHECK(rec.events[0].message == c.message);
    CHECK(f.hosts.Created(c.target).address.empty());
  }
}

TEST_CASE("delegated tasks add no round trip to the host's unchanged re-run") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  const std::string play = R"(
- hosts: h1
  gather_facts: true
  tasks:
    - name: here
      put: {path: /etc/here, content: x}
    - name: there
      put: {path: /etc/there, content: x}
      delegate_to: d1
    - name: here again
      put: {path: /etc/here2, content: x}
)";
  Recorder first;
  REQUIRE(f.Run(play, InventoryFile(&tree, "h1\n"), &first).exit_code() == 0);
  Recorder again;
  const uint64_t trips =
      testing::RoundTrips(f.hosts["h1"], [&] { f.Run(play, tree.dir() + "/hosts.ini", &again); });
  CHECK(trips == 1);
  CHECK(Where(again, "h1", "there") == "ok d1");
}

TEST_CASE(
    "ignore_unreachable: a lost connection is registered and counted ignored, the host goes on") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.hosts["d1"].SetUnreachable("no route to host");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: h1
  gather_facts: false
  tasks:
    - name: there
      put: {path: /etc/x, content: x}
      delegate_to: d1
      register: there
      ignore_unreachable: true
    - name: after
      put: {path: /etc/after, content: "{{ 'lost' if there.unreachable else 'kept' }}"}
)",
                       InventoryFile(&tree, "h1\n"), &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") == "ignored there, changed after");
  CHECK(f.hosts["h1"].Content("/etc/after") == "lost");
}

TEST_CASE("ignore_unreachable connects again for the next task, which fails when it cannot") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  Recorder rec;
  f.hosts["h1"].FailAfter(0);
  RunSummary s = f.Run(R"(
- hosts: h1
  gather_facts: false
  ignore_unreachable: true
  tasks:
    - name: first
      run: "true"
    - name: second
      run: "true"
      ignore_unreachable: false
)",
                       InventoryFile(&tree, "h1\n"), &rec);
  CHECK(s.exit_code() == 3);
  CHECK(rec.Joined("h1") == "ignored first, unreachable second");
  CHECK(f.hosts["h1"].CountCalls(FakeTransport::Call::Kind::kConnect) >= 2);
}

// delegate_facts, as Ansible's: what a delegated set_fact or include_vars
// sets is the delegated host's, in its hostvars at once and its own from
// its next task; the host that ran it keeps nothing. In lock-step, so that
// h2's next task comes after h1's.
TEST_CASE("delegate_facts gives a delegated set_fact's and include_vars' values to that host") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  f.path = tree.dir() + "/site.yml";
  tree.Write("peer.yml", "peer_port: 6443\n");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  strategy: linear
  tasks:
    - name: give
      when: inventory_hostname == 'h1'
      delegate_to: h2
      delegate_facts: true
      block:
        - set_fact: {token: from-h1}
        - include_vars: peer.yml
    - name: own
      put:
        path: /etc/given
        content: "{{ token | default('none') }} {{ peer_port | default('none') }}"
    - name: seen from h1
      put: {path: /etc/seen, content: "{{ hostvars['h2'].token }}"}
      when: inventory_hostname == 'h1'
)",
                       "h1,h2,", &rec);
  CHECK_MESSAGE(s.exit_code() == 0, rec.Joined("h1"));
  CHECK(f.hosts["h1"].Content("/etc/given") == "none none");
  CHECK(f.hosts["h2"].Content("/etc/given") == "from-h1 6443");
  CHECK(f.hosts["h1"].Content("/etc/seen") == "from-h1");
}

TEST_CASE("delegate_facts to a host not in the inventory fails the task and says so") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: give
      set_fact: {token: x}
      delegate_to: elsewhere.example
      delegate_facts: true
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].message ==
        "site.yml:7:20: delegate_facts: 'elsewhere.example' is not a host of the inventory: give "
        "its values to a host hostprep knows");
}

}  // namespace
}  // namespace hostprep
