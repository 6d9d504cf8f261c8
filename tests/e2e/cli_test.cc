// End to end: the real hostprep binary, run inside a throw-away root
// (tests/e2e/sandbox.sh: a private mount namespace with a copy of /etc on a
// tmpfs), so runs that write /etc never change the machine.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/shell_test_util.h"

namespace {

constexpr const char* kCleanSlate =
    "rm -rf /etc/containerd /etc/sysctl.d/99-kubernetes.conf /etc/modules-load.d/hostprep-* "
    "/etc/hostprep-prestage.txt\n";

using hostprep::testing::Output;

// Runs `script` with sh inside the sandbox, from the source directory, with
// $HP set to the hostprep binary. What the example playbook manages is
// removed from the sandbox's /etc first, so results do not depend on what the
// machine has installed (containerd ships an /etc/containerd/config.toml).
Output Sandboxed(const std::string& script) {
  std::string quoted = hostprep::testing::SingleQuoted(script);
  quoted.insert(1, kCleanSlate);
  return hostprep::testing::RunCommand(std::string("cd ") + HOSTPREP_SOURCE_DIR + " && HP=" +
                                       HOSTPREP_BINARY + " tests/e2e/sandbox.sh " + quoted);
}

std::string RecapLine(const std::string& text, const std::string& host) {
  size_t recap = text.rfind("PLAY RECAP");
  if (recap == std::string::npos) return "";
  size_t at = text.find("\n" + host + " ", recap);
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at + 1);
  return text.substr(at + 1, end - at - 1);
}

constexpr const char* kExample = "examples/local-prestage/site.yml";

TEST_CASE("e2e: validate reports every error of a playbook at once, with exit code 4") {
  Output out = Sandboxed("$HP validate tests/e2e/testdata/broken.yml");
  CHECK(out.exit_code == 4);
  CHECK(out.text ==
        "tests/e2e/testdata/broken.yml:6:63: task 'containerd config': unknown argument 'mdoe' "
        "for module 'file' (did you mean 'mode'?)\n"
        "          file: {path: /etc/containerd/config.toml, content: \"x\", mdoe: \"0644\"}\n"
        "                                                                  ^\n"
        "tests/e2e/testdata/broken.yml:7:16: task 'containerd config': 'notify' names no handler "
        "'restart containred' (did you mean 'restart containerd'?)\n"
        "          notify: [restart containred]\n"
        "                   ^\n"
        "tests/e2e/testdata/broken.yml:10:7: unknown key 'afer' in task 'sysctl file' (did you "
        "mean 'after'?)\n"
        "          afer: [config]\n"
        "          ^\n"
        "tests/e2e/testdata/broken.yml:13:7: duplicate key 'command' (first defined on line 12)\n"
        "          command: cat /etc/hosts\n"
        "          ^\n");
}

TEST_CASE("e2e: a dependency cycle is printed as a path, and run refuses to start") {
  Output out = Sandboxed("$HP run tests/e2e/testdata/cycle.yml -i localhost, -c local");
  CHECK(out.exit_code == 4);
  CHECK(out.text ==
        "tests/e2e/testdata/cycle.yml:4:7: dependency cycle: 'a' -> 'b' -> 'c' -> 'a'\n"
        "        - name: a\n"
        "          ^\n");
}

TEST_CASE("e2e: check changes nothing, apply changes what check said, re-apply changes nothing") {
  Output out = Sandboxed(std::string(R"(
pb=)") + kExample + R"(
$HP run $pb -i localhost, -c local --check; echo "check exit $?"
test -e /etc/containerd/config.toml && echo "check wrote a file"
$HP run $pb -i localhost, -c local; echo "apply exit $?"
grep -c SystemdCgroup /etc/containerd/config.toml
stat -c %a /etc/containerd/config.toml
$HP run $pb -i localhost, -c local; echo "reapply exit $?"
$HP run $pb -i localhost, -c local --check --detailed-exitcode >/dev/null; echo "drift exit $?"
)");
  INFO(out.text);
  CHECK(out.text.find("check exit 0") != std::string::npos);
  CHECK(out.text.find("check wrote a file") == std::string::npos);
  CHECK(out.text.find("apply exit 0\n1\n640\n") != std::string::npos);
  CHECK(out.text.find("reapply exit 0") != std::string::npos);
  CHECK(out.text.find("drift exit 0") != std::string::npos);
  // The three recaps in order: check, apply, re-apply.
  size_t first = out.text.find("PLAY RECAP");
  size_t second = out.text.find("PLAY RECAP", first + 1);
  std::string check_recap = RecapLine(out.text.substr(0, second), "localhost");
  std::string apply_recap = RecapLine(out.text.substr(0, out.text.find("apply exit")), "localhost");
  std::string reapply_recap = RecapLine(out.text, "localhost");
  CHECK(check_recap.find("changed=7 ") != std::string::npos);
  CHECK(apply_recap.find("changed=7 ") != std::string::npos);
  CHECK(reapply_recap.find("changed=0 ") != std::string::npos);
  CHECK(reapply_recap.find("failed=0 ") != std::string::npos);
}

TEST_CASE("e2e: --check --detailed-exitcode exits 6 when changes are pending") {
  Output out =
      Sandboxed(std::string("$HP run ") + kExample +
                " -i localhost, -c local --check --detailed-exitcode >/dev/null; echo \"exit $?\"");
  CHECK(out.text == "exit 6\n");
}

TEST_CASE("e2e: --diff shows content and attributes of a change in one block") {
  Output out = Sandboxed(std::string("$HP run ") + kExample +
                         " -i localhost, -c local --check --diff --tags sysctl");
  CHECK(out.exit_code == 0);
  CHECK(out.text.find("changed: [localhost] sysctls for pod networking => would create file "
                      "/etc/sysctl.d/99-kubernetes.conf\n"
                      "  --- before: /etc/sysctl.d/99-kubernetes.conf\n"
                      "  +++ after: /etc/sysctl.d/99-kubernetes.conf\n"
                      "  @@ -0,0 +1,3 @@\n"
                      "  +net.ipv4.ip_forward = 1\n") != std::string::npos);
  CHECK(out.text.find("  mode: 0644\n") != std::string::npos);
  CHECK(out.text.find("kernel modules") == std::string::npos);  // not tagged sysctl
}

TEST_CASE("e2e: json output is one parseable event per line, ending with recap and run_end") {
  Output out =
      Sandboxed(std::string("$HP run ") + kExample + " -i localhost, -c local --output json");
  CHECK(out.exit_code == 0);
  std::vector<nlohmann::json> events;
  size_t start = 0;
  while (start < out.text.size()) {
    size_t end = out.text.find('\n', start);
    events.push_back(nlohmann::json::parse(out.text.substr(start, end - start)));
    start = end + 1;
  }
  REQUIRE(events.size() >= 4);
  CHECK(events.front()["event"] == "play_start");
  CHECK(events[events.size() - 2]["event"] == "recap");
  CHECK(events[events.size() - 2]["hosts"]["localhost"]["changed"] == 7);
  CHECK(events.back() == nlohmann::json({{"event", "run_end"}, {"exit_code", 0}}));
}

TEST_CASE("e2e: hostile variable values arrive as literal text, never as shell code") {
  // The value would create /etc/pwned and /etc/pwned2 if it ever reached a
  // shell; /etc is the sandbox's, so even a failure leaves the machine alone.
  Output out = Sandboxed(R"SH(
mkdir -p /etc/hostile
$HP run tests/e2e/testdata/hostile.yml -i localhost, -c local -e 'evil="x; touch /etc/pwned $(touch /etc/pwned2)"' -v
echo "exit $?"
ls /etc/pwned /etc/pwned2 2>&1 | grep -c 'No such file'
cat "/etc/hostile/x; touch _etc_pwned \$(touch _etc_pwned2)"
)SH");
  INFO(out.text);
  CHECK(out.text.find("exit 0\n2\nx; touch /etc/pwned $(touch /etc/pwned2)\n") !=
        std::string::npos);
  CHECK(out.text.find("    x; touch /etc/pwned $(touch /etc/pwned2)\n") != std::string::npos);
}

TEST_CASE("e2e: an undefined variable fails the task with file, line and column") {
  Output out = Sandboxed("$HP run tests/e2e/testdata/undefined.yml -i localhost, -c local");
  CHECK(out.exit_code == 2);
  CHECK(out.text.find("failed: [localhost] uses a typo => tests/e2e/testdata/undefined.yml:8:9: "
                      "undefined variable 'sandbox_imgae'\n") != std::string::npos);
}

TEST_CASE("e2e: bad options exit 5 and say what is wrong") {
  Output a = Sandboxed("$HP run --forks nope x.yml");
  CHECK(a.exit_code == 5);
  CHECK(a.text.find("--forks") != std::string::npos);
  Output b = Sandboxed("$HP rnu x.yml");
  CHECK(b.exit_code == 5);
  CHECK(b.text.find("hostprep: unknown command 'rnu' (did you mean 'run'?)") == 0);
  Output c = Sandboxed("$HP run x.yml --detailed-exitcode");
  CHECK(c.exit_code == 5);
  CHECK(c.text == "hostprep run: --detailed-exitcode needs --check\n");
}

TEST_CASE("e2e: the kubespray inventory loads unchanged and shows as ansible-inventory would") {
  Output out =
      Sandboxed("$HP inventory -i inventories/kubespray/inventory.ini --graph k8s_cluster");
  CHECK(out.exit_code == 0);
  CHECK(out.text.find("@k8s_cluster:\n") == 0);
  CHECK(out.text.find("|--@kube_control_plane:") != std::string::npos);
  Output host = Sandboxed("$HP inventory -i inventories/kubespray/inventory.ini --host node1");
  CHECK(host.exit_code == 0);
  nlohmann::json vars = nlohmann::json::parse(host.text);
  CHECK(vars["ansible_host"].is_string());
  CHECK(vars["ip"].is_string());
  CHECK(vars["access_ip"].is_string());
}

TEST_CASE("e2e: graph draws a play with its automatic edges") {
  Output out = Sandboxed(std::string("$HP graph ") + kExample + " -i localhost, --format dot");
  CHECK(out.exit_code == 0);
  CHECK(out.text.find("\"containerd-config-directory\" -> \"containerd-config\" "
                      "[label=\"dir:/etc/containerd\", style=dotted];") != std::string::npos);
}

TEST_CASE("e2e: modules are listed and documented from their own spec") {
  Output list = Sandboxed("$HP modules");
  CHECK(list.exit_code == 0);
  CHECK(list.text.find("command ") != std::string::npos);
  CHECK(list.text.find("file ") != std::string::npos);
  Output doc = Sandboxed("$HP doc file");
  CHECK(doc.exit_code == 0);
  CHECK(doc.text.find("  mode (mode)") != std::string::npos);
  Output bad = Sandboxed("$HP doc fiel");
  CHECK(bad.exit_code == 5);
  CHECK(bad.text.find("no module 'fiel' (did you mean 'file'?)") != std::string::npos);
}

TEST_CASE("e2e: facts are gathered from a local host") {
  Output out = Sandboxed("$HP facts -i localhost, -c local");
  CHECK(out.exit_code == 0);
  nlohmann::json facts = nlohmann::json::parse(out.text);
  CHECK(facts["localhost"]["os_family"] == "Debian");
  CHECK(facts["localhost"]["kernel"].get<std::string>().size() > 0);
}

}  // namespace

namespace {

TEST_CASE("e2e: --trace writes a Chrome trace with a host lane and spans for each phase") {
  Output out = Sandboxed(
      "t=$(mktemp -d)\n"
      "$HP run examples/local-prestage/site.yml -i localhost, -c local --trace $t/trace.json "
      ">/dev/null\necho \"exit $?\"\ncat $t/trace.json\nrm -rf $t\n");
  REQUIRE(out.text.rfind("exit 0\n", 0) == 0);
  nlohmann::json trace = nlohmann::json::parse(out.text.substr(7));
  std::map<std::string, int> spans;  // category -> count
  std::set<std::string> tasks, lanes;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") lanes.insert(e["args"]["name"]);
    if (e["ph"] != "X") continue;
    CHECK(e["ts"].get<int64_t>() >= 0);
    CHECK(e["dur"].get<int64_t>() >= 0);
    ++spans[e["cat"].get<std::string>()];
    if (e["cat"] == "task") tasks.insert(e["name"].get<std::string>());
  }
  CHECK(lanes == std::set<std::string>{"localhost"});
  CHECK(spans["connect"] == 1);
  CHECK(spans["probe"] >= 1);
  CHECK(spans["apply"] >= 1);  // the first run in a fresh sandbox changes files
  CHECK(tasks.count("containerd config") == 1);
  CHECK(tasks.count("registry mirror hosts.toml") == 1);
}

}  // namespace

namespace {

// A project laid out for ansible-playbook: ansible.cfg names the inventory
// and the roles path, so the command line names only the playbook.
TEST_CASE("e2e: ansible.cfg in the project directory gives the inventory and roles path") {
  Output out = Sandboxed(R"SH(set -e
p=/etc/hostprep-cfg-project
mkdir -p $p/inventory $p/shared/hp_cfg/tasks
printf '[defaults]\ninventory = inventory/hosts.yml\nroles_path = shared\nforks = 2\nretry_files_enabled = False\n' > $p/ansible.cfg
printf 'all:\n  hosts:\n    localhost: {ansible_connection: local}\n' > $p/inventory/hosts.yml
printf -- '- name: marker\n  file: {path: /etc/hostprep-cfg-e2e.txt, content: "from {{ role_name }}\\n"}\n' > $p/shared/hp_cfg/tasks/main.yml
printf -- '- hosts: all\n  gather_facts: false\n  roles: [hp_cfg]\n' > $p/site.yml
cd $p
$HP validate site.yml
$HP run site.yml --color never | grep -E "^(changed|ok|failed)"
cat /etc/hostprep-cfg-e2e.txt
chmod 0777 $p
$HP validate site.yml 2>&1 | head -2 | cut -d, -f1 || true
)SH");
  CHECK(out.exit_code == 0);
  CHECK(out.text ==
        "site.yml: ok (1 play, 1 task, 0 handlers)\n"
        "changed: [localhost] hp_cfg : marker\n"
        "from hp_cfg\n"
        "warning: ignoring /etc/hostprep-cfg-project/ansible.cfg: the directory is "
        "world-writable\n"
        "site.yml:3:11: role 'hp_cfg' not found (looked in roles\n");
}

// Ansible 2.19's rule by default: `when: answer` with answer "yes" is an
// error that says how to write it; ansible.cfg or the environment bring
// back 2.14's truthiness. ansible.cfg's ansible_managed reaches templates.
TEST_CASE("e2e: a condition must be a boolean unless ansible.cfg allows broken conditionals") {
  Output out = Sandboxed(R"SH(
p=/etc/hostprep-cond-project
mkdir -p $p/templates
printf -- '- hosts: all\n  gather_facts: false\n  vars: {answer: "yes"}\n  tasks:\n    - name: strict\n      file: {path: /etc/hostprep-cond-e2e.txt, template: t.j2}\n      when: answer\n' > $p/site.yml
printf '# {{ ansible_managed }}\n' > $p/templates/t.j2
touch -d '2024-05-06 07:08:09' $p/templates/t.j2
cd $p
$HP run site.yml -i localhost, -c local --color never > /etc/hostprep-cond-e2e.out
echo "exit $?"
grep -E "^(changed|ok|failed)" /etc/hostprep-cond-e2e.out; rm /etc/hostprep-cond-e2e.out
ANSIBLE_ALLOW_BROKEN_CONDITIONALS=yes $HP run site.yml -i localhost, -c local --color never | grep -E "^(changed|ok|failed)"
cat /etc/hostprep-cond-e2e.txt; rm /etc/hostprep-cond-e2e.txt
printf '[defaults]\nallow_broken_conditionals = True\nansible_managed = managed by {uid} from {file} (%%Y-%%m-%%d)\n' > ansible.cfg
TZ=UTC $HP run site.yml -i localhost, -c local --color never | grep -E "^(changed|ok|failed)"
cat /etc/hostprep-cond-e2e.txt
printf '[defaults]\nansible_managed = by {user}\n' > ansible.cfg
$HP run site.yml -i localhost, -c local; echo "exit $?"
)SH");
  CHECK(out.exit_code == 0);
  CHECK(out.text ==
        "exit 2\n"
        "failed: [localhost] strict => site.yml:7:13: when: condition 'answer' gave 'yes' (type "
        "str), not true or false, and a condition must be a boolean as in Ansible 2.19: write "
        "'answer | bool' for a yes/no string, or 'answer | length > 0' for \"not empty\" (or set "
        "allow_broken_conditionals = true under [defaults] in ansible.cfg to count values by "
        "their truthiness, as Ansible 2.14 did)\n"
        "changed: [localhost] strict\n"
        "# Ansible managed\n"
        "changed: [localhost] strict\n"
        "# managed by root from t.j2 (2024-05-06)\n"
        "hostprep run: /etc/hostprep-cond-project/ansible.cfg:2: ansible_managed has the field "
        "{user}; the fields are {host}, {uid} and {file} (write '{{' for a brace)\n"
        "exit 5\n");
}

}  // namespace
