#include "engine/playbook/playbook.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

const char kPrestage[] = R"(- name: prepare kubernetes nodes
  hosts: k8s_cluster
  become: true
  serial: 0
  max_fail_percentage: 0
  tags: prestage
  vars:
    sysctl_file: /etc/sysctl.d/99-kubernetes.conf
  tasks:
    - name: swap off
      command: /sbin/swapoff -a
      changed_when: false
    - name: kernel modules
      id: modules
      kernel_module: {name: [overlay, br_netfilter], state: present, persist: true}
    - name: forwarding and bridge sysctls
      sysctl:
        file: "{{ sysctl_file }}"
        values: {net.ipv4.ip_forward: 1, net.bridge.bridge-nf-call-iptables: 1}
      after: [modules]
      when:
        - ansible_os_family == 'Debian'
        - not skip_sysctl | default(false)
    - name: legacy sysctl files
      file: {path: "/etc/sysctl.d/{{ item }}", state: absent}
      loop: [ipv4-ip_forward.conf, bridge-nf-call.conf]
      register: legacy
      tags: [sysctl]
    - name: containerd config
      file:
        path: /etc/containerd/config.toml
        content: "version = 3\n"
        mode: "0640"
      after: modules
      notify: restart containerd
  handlers:
    - name: restart containerd
      service: {name: containerd, state: restarted, enabled: true}
)";

TEST_CASE("a kubespray-like prestage playbook parses into plays, tasks and handlers") {
  PlaybookFixture fx;
  auto out = fx.Parse(kPrestage);
  CHECK(out.errors == "");
  REQUIRE(out.playbook != nullptr);
  CHECK(out.playbook->dir == fx.dir());
  REQUIRE(out.playbook->plays.size() == 1);
  const Play& play = out.playbook->plays[0];
  CHECK(play.name == "prepare kubernetes nodes");
  CHECK(play.hosts == "k8s_cluster");
  CHECK(play.hosts_location.line == 2);
  CHECK(play.become == std::optional<bool>(true));
  CHECK(play.serial.empty());
  CHECK(play.max_fail_percentage == 0);
  CHECK(play.vars == Value::parse(R"({"sysctl_file": "/etc/sysctl.d/99-kubernetes.conf"})"));

  REQUIRE(play.tasks.size() == 5);
  std::vector<std::string> ids;
  for (const TaskSpec& t : play.tasks) ids.push_back(t.id);
  CHECK(ids == std::vector<std::string>{"swap-off", "modules", "forwarding-and-bridge-sysctls",
                                        "legacy-sysctl-files", "containerd-config"});

  const TaskSpec& swap = play.tasks[0];
  CHECK(swap.module == "command");
  CHECK(swap.args == Value::parse(R"({"cmd": "/sbin/swapoff -a"})"));
  REQUIRE(swap.changed_when.size() == 1);
  CHECK(swap.changed_when[0].text == "false");
  CHECK(swap.location.line == 10);
  CHECK(swap.module_location.line == 11);

  const TaskSpec& modules = play.tasks[1];
  CHECK(modules.args == Value::parse(
                            R"({"name": ["overlay", "br_netfilter"], "state": "present",
                                "persist": true})"));
  CHECK(modules.index == 1);

  const TaskSpec& sysctl = play.tasks[2];
  CHECK(sysctl.after == std::vector<std::string>{"modules"});
  REQUIRE(sysctl.when.size() == 2);
  CHECK(sysctl.when[0].text == "ansible_os_family == 'Debian'");
  CHECK(sysctl.when[1].text == "not skip_sysctl | default(false)");
  CHECK(sysctl.when[1].location.line == 23);
  CHECK(sysctl.arg_locations.at("values").line == 19);

  const TaskSpec& legacy = play.tasks[3];
  REQUIRE(legacy.loop.has_value());
  CHECK(*legacy.loop == Value::parse(R"(["ipv4-ip_forward.conf", "bridge-nf-call.conf"])"));
  CHECK(legacy.register_as == "legacy");
  CHECK(legacy.tags == std::vector<std::string>{"sysctl", "prestage"});

  const TaskSpec& config = play.tasks[4];
  CHECK(config.args["mode"] == 0640);
  CHECK(config.after == std::vector<std::string>{"modules"});
  CHECK(config.notify == std::vector<std::string>{"restart containerd"});
  CHECK(config.tags == std::vector<std::string>{"prestage"});

  REQUIRE(play.handlers.size() == 1);
  const TaskSpec& restart = play.handlers[0];
  CHECK(restart.is_handler);
  CHECK(restart.id == "restart-containerd");
  CHECK(restart.index == 0);
  CHECK(restart.tags == std::vector<std::string>{"prestage"});
}

}  // namespace
}  // namespace hostprep
