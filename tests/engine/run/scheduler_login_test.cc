// The play keywords that decide how a host is reached: remote_user and
// port, under the inventory's connection variables as in Ansible.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;

TEST_CASE("a play's remote_user and port reach hosts whose inventory sets none") {
  testing::SchedulerFixture f;
  testing::TempTree tree;
  tree.Write("hosts.ini",
             "h1 ansible_user=ops ansible_port=2200\n"
             "h2\n"
             "[all:vars]\nlogin=deploy\n");
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  remote_user: "{{ login }}"
  port: 2222
  become_method: sudo
  strategy: linear
  gather_subset: [min, "!hardware"]
  tasks:
    - {name: t, put: {path: /etc/t, content: "t\n"}}
)",
                       tree.dir() + "/hosts.ini", &rec);
  CHECK(s.exit_code() == 0);
  // The inventory's connection variables win, as in Ansible.
  CHECK(f.hosts.Created("h1").user == "ops");
  CHECK(f.hosts.Created("h1").port == 2200);
  CHECK(f.hosts.Created("h2").user == "deploy");
  CHECK(f.hosts.Created("h2").port == 2222);
}

TEST_CASE("a play port that renders to no port number fails the host, saying so") {
  testing::SchedulerFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  port: "{{ 'ssh' }}"
  tasks:
    - {name: t, put: {path: /etc/t, content: "t\n"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(!rec.events.empty());
  CHECK(rec.events.front().message == "play 'port' must be a port number (1 to 65535), not 'ssh'");
}

}  // namespace
}  // namespace hostprep
