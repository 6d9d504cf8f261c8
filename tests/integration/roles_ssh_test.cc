// What Ansible compatibility costs a host: a project in the shape public
// bootstrap roles have (tests/integration/testdata/role_project: roles with
// defaults and per-OS vars, include_vars with_first_found, include_tasks on
// ansible_os_family, a meta dependency, an argument spec, set_fact, assert,
// debug, copy, template, lineinfile, stat with a when on what it registered, a block, loops,
// handlers, include_role and import_role) applied over real SSH, then run again: the re-run changes
// nothing and costs each host one round trip after the SSH handshake, as a playbook without any of
// these does (with the facts cache a user has by default; without one, two: the tasks named by the
// facts are read once they are known), in lock-step too.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Output;
using hostprep::testing::Shell;

constexpr const char* kRun =
    "$HP run tests/integration/testdata/role_project/site.yml -i $D/inventory.ini "
    "--limit node1,node2,node3 $SSH";

// The recap event of a `-o json` run's output.
nlohmann::json Recap(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object() && e.value("event", "") == "recap") return e["hosts"];
  }
  return nlohmann::json::object();
}

TEST_CASE("ssh: a role-based project re-runs unchanged in one round trip per host") {
  // A facts cache of the test's own, as every user has one by default.
  const std::string reset =
      "for h in node1 node2 node3; do $TH exec $D $h rm -rf /etc/hprole; done\n"
      "rm -rf /var/tmp/hostprep-roles-ssh-facts\n";
  const std::string cache = "HOSTPREP_FACTS_CACHE=/var/tmp/hostprep-roles-ssh-facts ";
  struct RemoveCache {
    ~RemoveCache() {
      std::error_code ignored;
      std::filesystem::remove_all("/var/tmp/hostprep-roles-ssh-facts", ignored);
    }
  } remove_cache;
  Output first = Shell(reset + cache + kRun + " -o json --stats");
  INFO(first.text);
  REQUIRE(first.exit_code == 0);
  const nlohmann::json applied = Recap(first.text);
  REQUIRE(applied.size() == 3);
  for (const auto& [host, stats] : applied.items()) {
    CAPTURE(host);
    CHECK(stats["changed"].get<int>() == 12);
    CHECK(stats["failed"].get<int>() == 0);
  }
  Output again = Shell(cache + kRun + " -o json --stats");
  INFO(again.text);
  REQUIRE(again.exit_code == 0);
  const nlohmann::json rerun = Recap(again.text);
  REQUIRE(rerun.size() == 3);
  for (const auto& [host, stats] : rerun.items()) {
    CAPTURE(host);
    CHECK(stats["changed"].get<int>() == 0);
    CHECK(stats["ok"].get<int>() == 19);
    CHECK(stats["cost"]["round_trips"].get<int>() == 1);
  }
  Output uncached = Shell(std::string(kRun) + " -o json --stats");
  INFO(uncached.text);
  const nlohmann::json without_cache = Recap(uncached.text);
  REQUIRE(without_cache.size() == 3);
  for (const auto& [host, stats] : without_cache.items()) {
    CAPTURE(host);
    CHECK(stats["changed"].get<int>() == 0);
    CHECK(stats["cost"]["round_trips"].get<int>() <= 2);
  }
  // In lock-step (strategy: linear, as Ansible runs it) the hosts wait for
  // each other at every task, but not on the network: still one.
  Output linear = Shell(cache + kRun + " -o json --stats --strategy linear");
  INFO(linear.text);
  const nlohmann::json lock_step = Recap(linear.text);
  REQUIRE(lock_step.size() == 3);
  for (const auto& [host, stats] : lock_step.items()) {
    CAPTURE(host);
    CHECK(stats["changed"].get<int>() == 0);
    CHECK(stats["cost"]["round_trips"].get<int>() == 1);
  }
  Shell(reset);
}

TEST_CASE("ssh: a play whose tasks become has the login user's facts and re-runs in one trip") {
  // A facts cache of the test's own, as every user has one by default.
  const std::string run =
      "HOSTPREP_FACTS_CACHE=/var/tmp/hostprep-become-ssh-facts $HP run "
      "tests/integration/testdata/become_tasks/site.yml -i $D/inventory.ini --limit node1 "
      "-e ansible_user=hpuser -o json --stats $SSH";
  const std::string reset =
      "$TH exec $D node1 rm -f /etc/hpbecome-marker\nrm -rf /var/tmp/hostprep-become-ssh-facts\n";
  Output first = Shell(reset + run + "\n$TH exec $D node1 cat /etc/hpbecome-marker\n" +
                       "$TH exec $D node1 id -u hpuser\n");
  INFO(first.text);
  CHECK(Recap(first.text)["node1"]["changed"] == 1);
  // The facts rode in the task's sudo, yet name hpuser, as Ansible's would.
  CHECK(first.text.find("\nhpuser ") != std::string::npos);
  CHECK(first.text.find(" /home/hpuser\n") != std::string::npos);
  Output again = Shell(run);
  INFO(again.text);
  const nlohmann::json rerun = Recap(again.text);
  CHECK(rerun["node1"]["changed"] == 0);
  CHECK(rerun["node1"]["cost"]["round_trips"] == 1);
  Shell(reset);
}

}  // namespace
