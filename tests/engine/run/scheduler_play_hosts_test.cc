// The magic variables that name a play's hosts: ansible_play_hosts_all,
// ansible_play_hosts, ansible_play_batch and play_hosts.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using testing::Recorder;

constexpr char kPlay[] = R"(
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - name: fail h2
      run: "false"
      when: inventory_hostname == 'h2'
    - name: lists
      put:
        path: /etc/lists
        content: "{{ ansible_play_hosts_all | join(',') }} {{ ansible_play_hosts | join(',') }} {{ ansible_play_batch | join(',') }} {{ play_hosts | join(',') }}"
)";

TEST_CASE("play host lists follow the --limit, the batch and the hosts that failed before it") {
  testing::SchedulerFixture f;
  f.options.limit = "h1:h2:h3:h4";
  Recorder rec;
  RunSummary s = f.Run(kPlay, "h1,h2,h3,h4,h5,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(f.hosts["h1"].Content("/etc/lists") == "h1,h2,h3,h4 h1,h2,h3,h4 h1,h2 h1,h2");
  CHECK(f.hosts["h2"].Content("/etc/lists") == std::nullopt);
  // h2 failed in the first batch: the second batch's lists leave it out,
  // as Ansible's do once a host is removed from the play.
  CHECK(f.hosts["h3"].Content("/etc/lists") == "h1,h2,h3,h4 h1,h3,h4 h3,h4 h3,h4");
  CHECK(f.hosts["h5"].Content("/etc/lists") == std::nullopt);
}

}  // namespace
}  // namespace hostprep
