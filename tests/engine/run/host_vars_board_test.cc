#include "engine/run/host_vars_board.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "tests/engine/inventory/inventory_test_util.h"

namespace hostprep {
namespace {

struct BoardFixture {
  TempDir dir;
  Diagnostics diags;
  std::unique_ptr<Inventory> inventory = Inventory::Load(
      {dir.Write("hosts", "[masters]\nnode1 ip=10.0.0.1\n[workers]\nnode2 ip=10.0.0.2\n")}, &diags);
  HostVarsBoard board{*inventory, inventory->GroupsValue(),
                      Value::object({{"release", "from -e"}})};
};

std::string Read(const HostScopes& view, const std::string& host, const std::string& name) {
  std::shared_ptr<const Variables> scope = view.Scope(host);
  if (!scope) return "no host";
  const VarEntry* e = scope->Find(name);
  return e == nullptr ? "undefined" : e->value.dump();
}

TEST_CASE("hostvars board gives a host's inventory, facts, results and extra vars") {
  BoardFixture f;
  REQUIRE(f.inventory != nullptr);
  f.board.BeginPlay(Value::object({{"playbook_dir", "/srv/site"}}));
  f.board.SetFacts("node2", Value::object({{"hostname", "n2"}, {"os_family", "Debian"}}));
  f.board.SetIncluded("node2", "pkg", "from include_vars");
  f.board.SetIncluded("node2", "shadowed", "from include_vars");
  f.board.SetRegistered("node2", "shadowed", "from set_fact");
  f.board.SetRegistered("node2", "release", "from set_fact");
  HostVarsBoard::View view(&f.board, "node1");
  CHECK(Read(view, "node2", "ip") == R"("10.0.0.2")");
  CHECK(Read(view, "node2", "inventory_hostname") == R"("node2")");
  CHECK(Read(view, "node2", "group_names") == R"(["workers"])");
  CHECK(Read(view, "node2", "groups") == R"({"all":["node1","node2"],"masters":["node1"],)"
                                         R"("ungrouped":[],"workers":["node2"]})");
  CHECK(Read(view, "node2", "playbook_dir") == R"("/srv/site")");
  // Facts as Ansible injects them: prefixed, and under ansible_facts.
  CHECK(Read(view, "node2", "ansible_hostname") == R"("n2")");
  CHECK(Read(view, "node2", "ansible_facts") == R"({"hostname":"n2","os_family":"Debian"})");
  CHECK(Read(view, "node2", "hostname") == "undefined");
  CHECK(Read(view, "node2", "pkg") == R"("from include_vars")");
  CHECK(Read(view, "node2", "shadowed") == R"("from set_fact")");
  CHECK(Read(view, "node2", "release") == R"("from -e")");
  CHECK(Read(view, "node1", "ansible_hostname") == "undefined");
  CHECK(view.MissingHint("node1", "ansible_hostname") ==
        "node1 has no facts yet: only the plays and batches that run on a host gather its facts");
  CHECK(view.MissingHint("node2", "ansible_hostname") == "");
  CHECK(view.MissingHint("node1", "token") == "");
  CHECK(Read(view, "node9", "ip") == "no host");
  CHECK(view.Hosts() == std::vector<std::string>{"node1", "node2"});
}

TEST_CASE("hostvars board gives the facts a host gathered, and none before") {
  BoardFixture f;
  REQUIRE(f.inventory != nullptr);
  CHECK(f.board.Facts("node2") == std::nullopt);
  CHECK(f.board.Facts("elsewhere") == std::nullopt);
  f.board.SetFacts("node2", Value::object({{"os_family", "Debian"}}));
  CHECK(f.board.Facts("node2") == Value::object({{"os_family", "Debian"}}));
}

TEST_CASE("hostvars board keeps facts packed and gives them back as they were set") {
  BoardFixture f;
  REQUIRE(f.inventory != nullptr);
  CHECK(!f.board.HasFacts("node2"));
  // Key order, every JSON type, negative and large numbers, fractions, and
  // text that is not ASCII survive the packing.
  const Value facts = Value::parse(R"({"zeta": 1, "alpha": [true, false, null],
      "memtotal_mb": 4294967296, "offset": -7, "load": [0.25, 1.5e-3, 12345.678],
      "nested": {"b": {"c": "d"}, "a": []}, "label": "n\u00f6de \u2603", "empty": {}})");
  f.board.SetFacts("node2", facts);
  CHECK(f.board.HasFacts("node2"));
  const std::optional<Value> back = f.board.Facts("node2");
  REQUIRE(back.has_value());
  CHECK(*back == facts);
  CHECK(back->dump() == facts.dump());
  HostVarsBoard::View view(&f.board, "node1");
  CHECK(Read(view, "node2", "ansible_facts") == facts.dump());
  // delegate_facts merges over the packed facts.
  CHECK(f.board.Give("node2", {.facts = Value::object({{"offset", 3}, {"new", "x"}})}));
  Value merged = facts;
  merged["offset"] = 3;
  merged["new"] = "x";
  CHECK(f.board.Facts("node2") == merged);
  CHECK(Read(view, "node2", "ansible_facts") == merged.dump());
}

TEST_CASE("hostvars board keeps a finished host's results, and takes later ones over them") {
  BoardFixture f;
  REQUIRE(f.inventory != nullptr);
  f.board.Started("node2");
  f.board.SetRegistered("node2", "limits", Value::object({{"stat", {{"exists", true}}}}));
  f.board.SetIncluded("node2", "pkg", "from include_vars");
  f.board.Finished("node2");
  f.board.Settle("node2");  // packed from here
  HostVarsBoard::View view(&f.board, "node1");
  CHECK(Read(view, "node2", "limits") == R"({"stat":{"exists":true}})");
  CHECK(Read(view, "node2", "pkg") == R"("from include_vars")");
  f.board.SetRegistered("node2", "token", "abc");  // a delegated set_fact, say
  CHECK(Read(view, "node2", "limits") == R"({"stat":{"exists":true}})");
  CHECK(Read(view, "node2", "token") == R"("abc")");
  CHECK(Read(view, "node2", "pkg") == R"("from include_vars")");
}

TEST_CASE("hostvars board scopes are snapshots that later writes do not change") {
  BoardFixture f;
  HostVarsBoard::View view(&f.board, "node1");
  std::shared_ptr<const Variables> before = view.Scope("node2");
  f.board.SetRegistered("node2", "token", "abc");
  CHECK(before->Find("token") == nullptr);
  CHECK(Read(view, "node2", "token") == R"("abc")");
}

TEST_CASE("hostvars board says when a read sees a host behind the reader") {
  BoardFixture f;
  HostVarsBoard::View view(&f.board, "node1");
  view.At({3});  // waiting is not allowed: the read says it would have waited
  Read(view, "node2", "ip");
  CHECK_FALSE(view.TakeBlocked());  // node2 is not under way: nobody to wait for
  f.board.Started("node2");
  f.board.Progress("node2", {2});
  Read(view, "node2", "ip");
  CHECK(view.TakeBlocked());
  CHECK_FALSE(view.TakeBlocked());  // taking it clears it
  Read(view, "node1", "ip");        // itself: never
  CHECK_FALSE(view.TakeBlocked());
  f.board.Progress("node2", {3});  // it finished the tasks before the reader's
  Read(view, "node2", "ip");
  CHECK_FALSE(view.TakeBlocked());
  f.board.Progress("node2", {1});
  f.board.Finished("node2");  // its play ended where it was
  Read(view, "node2", "ip");
  CHECK_FALSE(view.TakeBlocked());
}

TEST_CASE("hostvars board makes a reader wait until the host behind it catches up") {
  BoardFixture f;
  f.board.Started("node2");
  f.board.Progress("node2", {1});
  HostVarsBoard::View view(&f.board, "node1");
  view.At({2});
  view.Allow();
  std::string seen;
  std::thread reader([&] { seen = Read(view, "node2", "token"); });
  // What node2 does in its task of rank 1, published before it moves on.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  f.board.SetRegistered("node2", "token", "abc");
  f.board.Progress("node2", {2});
  reader.join();
  CHECK(seen == R"("abc")");
  CHECK_FALSE(view.TakeBlocked());
}

TEST_CASE("hostvars board ranks an include's tasks after it and before the entry after it") {
  BoardFixture f;
  f.board.Started("node2");
  f.board.Progress("node2", {4, 1});  // at the second task entry 4 included
  HostVarsBoard::View view(&f.board, "node1");
  for (const Rank& rank : {Rank{4}, Rank{4, 0}, Rank{4, 1}}) {
    view.At(rank);
    Read(view, "node2", "ip");
    CHECK_FALSE(view.TakeBlocked());
  }
  for (const Rank& rank : {Rank{4, 2}, Rank{4, 1, 0}, Rank{5}}) {
    view.At(rank);
    Read(view, "node2", "ip");
    CHECK(view.TakeBlocked());
  }
}

// Three hosts in lock-step: each records the rank it starts, then finishes
// it; no host may start a rank while another host has one before it
// unfinished.
TEST_CASE("hostvars board lets a host start a task only when every host finished the one before") {
  TempDir dir;
  Diagnostics diags;
  std::unique_ptr<Inventory> inventory =
      Inventory::Load({dir.Write("hosts", "node1\nnode2\nnode3\n")}, &diags);
  REQUIRE(inventory != nullptr);
  HostVarsBoard board(*inventory, inventory->GroupsValue(), Value::object());
  const std::vector<std::string> hosts = {"node1", "node2", "node3"};
  board.BeginBatch(hosts, /*slots=*/1);
  for (const std::string& h : hosts) board.Started(h);
  std::mutex mu;
  std::vector<std::pair<std::string, size_t>> started;  // in the order they started
  size_t running = 0, most_running = 0;
  std::vector<std::thread> workers;
  for (size_t n = 0; n < hosts.size(); ++n) {
    workers.emplace_back([&, n] {
      const std::string& host = hosts[n];
      board.TakeSlot(host);
      HostVarsBoard::View view(&board, host);
      for (size_t rank = 1; rank <= 3; ++rank) {
        board.Progress(host, {rank});  // as HostPlay: done with what is before it
        view.At({rank});
        board.AwaitTurn(view);
        {
          std::lock_guard<std::mutex> lock(mu);
          started.emplace_back(host, rank);
          most_running = std::max(most_running, ++running);
        }
        // node3 is the slow one: the others must wait for it at every task.
        std::this_thread::sleep_for(std::chrono::milliseconds(n == 2 ? 30 : 1));
        {
          std::lock_guard<std::mutex> lock(mu);
          --running;
        }
      }
      board.Finished(host);
    });
  }
  for (std::thread& t : workers) t.join();
  REQUIRE(started.size() == 9);
  for (size_t i = 0; i < started.size(); ++i) CHECK(started[i].second == 1 + i / 3);
  CHECK(most_running == 1);  // one slot: one host at a time in a step
}

TEST_CASE("hostvars board does not wait in lock-step for a host that ended its run") {
  BoardFixture f;
  f.board.BeginBatch({"node1", "node2"});
  f.board.Started("node1");
  f.board.Started("node2");
  f.board.Progress("node2", {1});
  f.board.Finished("node2");  // failed at its first task
  HostVarsBoard::View view(&f.board, "node1");
  view.At({5});
  f.board.AwaitTurn(view);  // returns (a wait here would hang the test): nobody is left
}

TEST_CASE("hostvars board counts the delegated actions on a host of the inventory") {
  BoardFixture f;
  CHECK(f.board.Touches("node2") == 0);
  f.board.Touch("node2");
  f.board.Touch("node2");
  f.board.Touch("10.0.0.9");  // not a host of the inventory: nobody to tell
  CHECK(f.board.Touches("node2") == 2);
  CHECK(f.board.Touches("node1") == 0);
  CHECK(f.board.Touches("10.0.0.9") == 0);
}

}  // namespace
}  // namespace hostprep
