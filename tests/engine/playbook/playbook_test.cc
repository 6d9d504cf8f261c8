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
  // Linked to the handler it reaches, by id.
  CHECK(config.notify == std::vector<std::string>{"restart-containerd"});
  CHECK(config.tags == std::vector<std::string>{"prestage"});

  REQUIRE(play.handlers.size() == 1);
  const TaskSpec& restart = play.handlers[0];
  CHECK(restart.is_handler);
  CHECK(restart.id == "restart-containerd");
  CHECK(restart.index == 0);
  CHECK(restart.tags == std::vector<std::string>{"prestage"});
}

TEST_CASE("playbook parser reports every error of a file at once, in file order") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n"
      "  tasks:\n"
      "    - name: sysctl\n"
      "      sysctl: {values: {a: 1}}\n"
      "      after: modles\n"
      "    - id: modules\n"
      "      command: modprobe br_netfilter\n"
      "      retries: three\n"
      "    - name: config\n"
      "      file: {path: /etc/x}\n"
      "      afer: modules\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.errors ==
        "DIR/site.yml:5:14: task 'sysctl': 'after' names no task 'modles' (did you mean "
        "'modules'?)\n"
        "          after: modles\n"
        "                 ^\n"
        "DIR/site.yml:8:16: 'retries' must be an integer, not 'three'\n"
        "          retries: three\n"
        "                   ^\n"
        "DIR/site.yml:11:7: unknown key 'afer' in task 'config' (did you mean 'after'?)\n"
        "          afer: modules\n"
        "          ^\n");
}

TEST_CASE("playbook parser refuses a file that is not a list of plays") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"hosts: all\ntasks: []\n",
       "DIR/site.yml:1:1: a playbook must be a list of plays, not a mapping (write each play as "
       "'- hosts: ...')\n"},
      {"just words\n", "DIR/site.yml:1:1: a playbook must be a list of plays, not 'just words'\n"},
      {"", "DIR/site.yml: the playbook is empty: write a list of plays\n"},
      {"# nothing but a comment\n", "DIR/site.yml: the playbook is empty: write a list of plays\n"},
      {"[]\n", "DIR/site.yml:1:1: the playbook has no plays\n"},
      {"- hosts\n",
       "DIR/site.yml:1:3: a play must be a mapping (with 'hosts' and 'tasks'), not 'hosts'\n"},
      {"- hosts: all\n  tasks: [\n",
       "DIR/site.yml:3:1: invalid YAML: end of sequence flow not found\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    PlaybookFixture fx;
    auto out = fx.Parse(c.text);
    CHECK(out.playbook == nullptr);
    CHECK(out.messages == c.message);
  }
}

TEST_CASE("playbook parser goes on after duplicate keys to report the schema errors too") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n"
      "  hosts: web\n"
      "  tasks:\n"
      "    - command: ls\n"
      "      become: sure\n");
  CHECK(out.playbook == nullptr);
  CHECK(out.messages ==
        "DIR/site.yml:2:3: duplicate key 'hosts' (first defined on line 1)\n"
        "DIR/site.yml:5:15: 'become' must be a boolean (true or false), not 'sure'\n");
}

TEST_CASE("playbook parser reports a playbook file it cannot read") {
  PlaybookFixture fx;
  Diagnostics diags;
  auto playbook = ParsePlaybook(fx.dir() + "/missing.yml", fx.modules(), &diags);
  CHECK(playbook == nullptr);
  CHECK(fx.WithoutDir(diags.Format()) ==
        "DIR/missing.yml: cannot read file: No such file or directory\n");
}

// Found by tests/fuzz/playbook_fuzz: a byte that is not UTF-8 in a module
// argument made containerd_config's Validate throw out of nlohmann's dump()
// and ended the process.
TEST_CASE("playbook parser refuses a playbook that is not UTF-8 text") {
  PlaybookFixture fx;
  testing::ParseOutcome r = fx.Parse(
      "- tasks:\n"
      "  - containerd_config:\n"
      "     registry_mirrors:\n"
      "          - registry: i\n"
      "            mirrors:\n"
      "              - host: h\n"
      "                capabilities: \x9d");
  CHECK(r.playbook == nullptr);
  CHECK(r.messages ==
        "DIR/site.yml:7:31: invalid UTF-8 (byte 0x9d): YAML files must be UTF-8 text\n");
}

TEST_CASE("playbook parser reads text in memory with the path's directory as base") {
  PlaybookFixture fx;
  struct Case {
    std::string path;
    std::string dir;
  };
  for (const Case& c : std::vector<Case>{{"playbooks/site.yml", "playbooks"},
                                         {"site.yml", "."},
                                         {"/srv/pb/site.yml", "/srv/pb"}}) {
    CAPTURE(c.path);
    Diagnostics diags;
    auto playbook = ParsePlaybookString("- hosts: all\n  tasks: [{command: ls}]\n", c.path,
                                        fx.modules(), &diags);
    CHECK(diags.Format() == "");
    REQUIRE(playbook != nullptr);
    CHECK(playbook->path == c.path);
    CHECK(playbook->dir == c.dir);
    CHECK(playbook->plays[0].tasks[0].location.file == c.path);
  }
}

TEST_CASE("playbook parser adds its diagnostics after those already collected") {
  PlaybookFixture fx;
  Diagnostics diags;
  diags.Add(SourceLocation{"inventory.ini", 1, 1}, "earlier error");
  auto playbook = ParsePlaybookString("- hosts: all\n  tasks: [{command: ls}]\n", "site.yml",
                                      fx.modules(), &diags);
  // The earlier error belongs to another phase: this playbook is fine.
  CHECK(playbook != nullptr);
  CHECK(diags.size() == 1);
}

TEST_CASE("task display name is the name, else the module with a differing id") {
  struct Case {
    std::string name, id, module, expected;
  };
  const std::vector<Case> cases = {
      {"swap off", "swap-off", "swap", "swap off"},
      {"", "command", "command", "command"},
      {"", "command-2", "command", "command (command-2)"},
      {"", "", "file", "file"},
  };
  for (const Case& c : cases) {
    TaskSpec t;
    t.name = c.name;
    t.id = c.id;
    t.module = c.module;
    CHECK(t.DisplayName() == c.expected);
  }
}

}  // namespace
}  // namespace hostprep
