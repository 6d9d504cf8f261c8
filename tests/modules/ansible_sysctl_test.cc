#include "modules/ansible_sysctl.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;
using testing::FileContent;

Value Args(const Value& raw) { return testing::NormalizedArgs(AnsibleSysctlModule(), raw); }

// The live values query's answer for one key.
ReadResult Live(const std::string& path, const std::optional<std::string>& value) {
  ReadResult r;
  r.exec.stdout_data = value ? "value\t" + path + "\t" + *value + "\n" : "missing\t" + path + "\n";
  return r;
}

TEST_CASE("ansible sysctl rewrites the file as Ansible's module does") {
  // Expected results from ansible.posix's sysctl.py run on each file (reload
  // off, so only the file is looked at): changed, and the file it leaves.
  struct Case {
    const char* label;
    std::optional<std::string> before;
    std::string name;
    std::string value;
    bool absent;
    bool changed;
    std::optional<std::string> after;
  };
  for (const Case& c : std::vector<Case>{
           {"missing file", std::nullopt, "net.ipv4.ip_forward", "1", false, true,
            "net.ipv4.ip_forward=1\n"},
           {"empty file", "", "net.ipv4.ip_forward", "1", false, true, "net.ipv4.ip_forward=1\n"},
           {"same value", "net.ipv4.ip_forward=1\n", "net.ipv4.ip_forward", "1", false, false,
            "net.ipv4.ip_forward=1\n"},
           {"spaces around =", "net.ipv4.ip_forward = 1\n", "net.ipv4.ip_forward", "1", false,
            false, "net.ipv4.ip_forward = 1\n"},
           {"other value", "# c\n  net.ipv4.ip_forward = 0  \nnet.core.somaxconn = 1024\n",
            "net.ipv4.ip_forward", "1", false, true,
            "# c\nnet.ipv4.ip_forward=1\nnet.core.somaxconn=1024\n"},
           {"appended, others normalised",
            "; semi\n\n   # indented comment\nnet.core.somaxconn   =  1024\nkernel.x=1\n",
            "net.ipv4.ip_forward", "1", false, true,
            "; semi\n\n# indented "
            "comment\nnet.core.somaxconn=1024\nkernel.x=1\nnet.ipv4.ip_forward=1\n"},
           {"duplicates: last decides, first kept",
            "net.ipv4.ip_forward=1\nnet.core.somaxconn=1\nnet.ipv4.ip_forward=0\nnet.core."
            "somaxconn=2\n",
            "net.ipv4.ip_forward", "1", false, true,
            "net.ipv4.ip_forward=1\nnet.core.somaxconn=1\n"},
           {"duplicates equal last", "net.ipv4.ip_forward=0\nnet.ipv4.ip_forward=1\n",
            "net.ipv4.ip_forward", "1", false, false,
            "net.ipv4.ip_forward=0\nnet.ipv4.ip_forward=1\n"},
           {"yes is 1", "net.ipv4.ip_forward=1\n", "net.ipv4.ip_forward", "yes", false, false,
            "net.ipv4.ip_forward=1\n"},
           {"True is 1", "net.ipv4.ip_forward=0\n", "net.ipv4.ip_forward", "True", false, true,
            "net.ipv4.ip_forward=1\n"},
           {"multi-field value", "net.ipv4.ip_local_port_range=1024 65000\n",
            "net.ipv4.ip_local_port_range", "1024  65000", false, true,
            "net.ipv4.ip_local_port_range=1024  65000\n"},
           {"value stripped", "", "net.ipv4.tcp_rmem", "  4096 87380 6291456 ", false, true,
            "net.ipv4.tcp_rmem=4096 87380 6291456\n"},
           {"absent, present in file", "a.b=1\nnet.ipv4.ip_forward=1\n#x\nnet.ipv4.ip_forward=0\n",
            "net.ipv4.ip_forward", "", true, true, "a.b=1\n#x\n"},
           {"absent, not in file", "a.b = 1\n", "net.ipv4.ip_forward", "", true, false,
            "a.b = 1\n"},
           {"absent, missing file", std::nullopt, "net.ipv4.ip_forward", "", true, false,
            std::nullopt},
           {"no final newline", "a.b=1", "net.ipv4.ip_forward", "1", false, true,
            "a.b=1\nnet.ipv4.ip_forward=1\n"},
           {"line without =", "just words\nnet.ipv4.ip_forward=1\n", "net.ipv4.ip_forward", "2",
            false, true, "just words\nnet.ipv4.ip_forward=2\n"},
           {"crlf lines", "a.b=1\r\nnet.ipv4.ip_forward=0\r\n", "net.ipv4.ip_forward", "1", false,
            true, "a.b=1\nnet.ipv4.ip_forward=1\n"},
           {"key with = in value", "x.y=a=b\n", "net.ipv4.ip_forward", "1", false, true,
            "x.y=a=b\nnet.ipv4.ip_forward=1\n"},
           {"tabs", "\tnet.ipv4.ip_forward\t=\t1\t\n", "net.ipv4.ip_forward", "1", false, false,
            "\tnet.ipv4.ip_forward\t=\t1\t\n"},
       }) {
    CAPTURE(c.label);
    const SysctlDecision d = DecideSysctl(
        {c.name, AnsibleSysctlValue(c.value), c.absent, false, false}, c.before, std::nullopt);
    CHECK(d.changed == c.changed);
    CHECK(d.write_file == c.changed);
    CHECK_FALSE(d.reload);
    if (d.write_file) {
      CHECK(d.text == c.after);
    } else {
      CHECK(c.before == c.after);
    }
  }
}

TEST_CASE("ansible sysctl reloads and sets the live value by Ansible's rules") {
  const std::string file = "net.ipv4.ip_forward=1\n";
  SysctlRequest reload{"net.ipv4.ip_forward", "1", false, true, false};
  SUBCASE("the file right, the live value too: nothing") {
    const SysctlDecision d = DecideSysctl(reload, file, "1 ");
    CHECK_FALSE(d.changed);
    CHECK_FALSE(d.reload);
  }
  SUBCASE("the file right, the live value not: the file is reloaded, not written") {
    const SysctlDecision d = DecideSysctl(reload, file, "0 ");
    CHECK(d.changed);
    CHECK(d.reload);
    CHECK_FALSE(d.write_file);
    CHECK_FALSE(d.set_live);
  }
  SUBCASE("fields compare as words") {
    SysctlRequest ports{"net.ipv4.ip_local_port_range", "1024 65000", false, true, false};
    CHECK_FALSE(
        DecideSysctl(ports, "net.ipv4.ip_local_port_range=1024 65000\n", "1024\t65000 ").changed);
  }
  SUBCASE("the file written: reloaded whatever the live value") {
    const SysctlDecision d = DecideSysctl(reload, "", "1 ");
    CHECK(d.write_file);
    CHECK(d.reload);
  }
  SUBCASE("reload off: the live value is not looked at") {
    reload.reload = false;
    CHECK_FALSE(DecideSysctl(reload, file, "0 ").changed);
  }
  SUBCASE("sysctl_set: set live when it differs, even with the file right") {
    SysctlRequest set{"net.ipv4.ip_forward", "1", false, false, true};
    const SysctlDecision d = DecideSysctl(set, file, "0 ");
    CHECK(d.changed);
    CHECK(d.set_live);
    CHECK_FALSE(d.reload);
    CHECK_FALSE(DecideSysctl(set, file, "1 ").changed);
  }
  SUBCASE("absent: the live value stays as it is") {
    SysctlRequest absent{"net.ipv4.ip_forward", "", true, true, true};
    CHECK_FALSE(DecideSysctl(absent, "", "1 ").changed);
    const SysctlDecision d = DecideSysctl(absent, file, "1 ");
    CHECK(d.write_file);
    CHECK(d.reload);
    CHECK_FALSE(d.set_live);
  }
}

TEST_CASE("ansible sysctl plans its commands and the write, in Ansible's order") {
  AnsibleSysctlModule module;
  Value args = Args({{"name", "net.ipv4.ip_forward"},
                     {"value", true},
                     {"sysctl_set", true},
                     {"ignoreerrors", true},
                     {"sysctl_file", "/etc/sysctl.d/k8s.conf"}});
  const std::vector<Read> probe = module.Probe(args, Value::object());
  REQUIRE(probe.size() == 2);
  CHECK(probe[0].path == "/etc/sysctl.d/k8s.conf");
  CHECK(probe[1].argv.back() == "net/ipv4/ip_forward");
  Result<Change> change = module.Plan(
      args, {FileContent("# k8s\n"), Live("net/ipv4/ip_forward", "0 ")}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 3);
  CHECK(change->actions[0].argv ==
        std::vector<std::string>{"sysctl", "-e", "-w", "net.ipv4.ip_forward=1"});
  CHECK(change->actions[1].kind == Kind::kWriteFile);
  CHECK(change->actions[1].content == "# k8s\nnet.ipv4.ip_forward=1\n");
  CHECK_FALSE(change->actions[1].follow);
  CHECK(change->actions[2].argv ==
        std::vector<std::string>{"sysctl", "-e", "-p", "/etc/sysctl.d/k8s.conf"});
  CHECK(change->diff.find("net.ipv4.ip_forward (runtime): 0 -> 1\n") == 0);
  CHECK(change->diff.find("+net.ipv4.ip_forward=1") != std::string::npos);
  CHECK(change->result == Value::object());  // Ansible registers only changed
  CHECK_FALSE(change->command_output);       // not sysctl -p's output either

  Result<Change> same =
      module.Plan(args, {FileContent("net.ipv4.ip_forward=1\n"), Live("net/ipv4/ip_forward", "1 ")},
                  Value::object());
  REQUIRE(same.ok());
  CHECK_FALSE(same->changed);
  CHECK(same->actions.empty());
}

TEST_CASE("ansible sysctl defaults to /etc/sysctl.conf and reads no live value it needs not") {
  AnsibleSysctlModule module;
  Value args = Args({{"name", "vm.swappiness"}, {"value", "10"}, {"reload", false}});
  const std::vector<Read> probe = module.Probe(args, Value::object());
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].path == "/etc/sysctl.conf");
  Result<Change> change = module.Plan(args, {FileContent(std::nullopt)}, Value::object());
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].content == "vm.swappiness=10\n");
}

TEST_CASE("ansible sysctl fails on a key the kernel does not know before writing anything") {
  AnsibleSysctlModule module;
  Value args = Args({{"name", "net.hostprep.nonexistent"}, {"value", "1"}});
  Result<Change> change = module.Plan(
      args, {FileContent(""), Live("net/hostprep/nonexistent", std::nullopt)}, Value::object());
  CHECK(change.message() ==
        "sysctl key 'net.hostprep.nonexistent' is not known to this host's kernel (no "
        "/proc/sys/net/hostprep/nonexistent): check the name, load the kernel module that "
        "provides it first, or set 'ignoreerrors: true' to keep it in /etc/sysctl.conf anyway");
  args["ignoreerrors"] = true;
  Result<Change> ignored = module.Plan(
      args, {FileContent(""), Live("net/hostprep/nonexistent", std::nullopt)}, Value::object());
  REQUIRE(ignored.ok());
  CHECK(ignored->actions.size() == 2);  // written, and reloaded with -e
}

TEST_CASE("ansible sysctl arguments are checked when the playbook is read") {
  AnsibleSysctlModule module;
  using Words = std::vector<std::string>;
  CHECK(testing::ArgErrors(module, {{"name", "vm.swappiness"}}) ==
        Words{"value: value is required with state: present: give the value to set"});
  CHECK(testing::ArgErrors(module, {{"name", "vm.swappiness"}, {"value", "  "}}) ==
        Words{"value: value is blank: give the value to set"});
  CHECK(testing::ArgErrors(module, {{"name", "vm.swappiness"}, {"state", "absent"}}).empty());
  CHECK(testing::ArgErrors(module, {{"name", "vm swappiness"}, {"value", "1"}}) ==
        Words{"name: sysctl key 'vm swappiness' is not a valid name: use a dotted name without "
              "spaces or '=', like net.ipv4.ip_forward"});
  CHECK(testing::ArgErrors(module, {{"name", "vm.swappiness"}, {"value", "1\nkernel.panic=0"}}) ==
        Words{"value: the value of sysctl key 'vm.swappiness' is \"1\\nkernel.panic=0\": it holds "
              "a newline (\\n) at byte 1, and a line of a sysctl file cannot: give the value on "
              "one line"});
  CHECK(
      testing::ArgErrors(module, {{"key", "vm.swappiness"}, {"val", "1"}, {"sysctl_file", "x"}}) ==
      Words{"sysctl_file: sysctl_file 'x' must be an absolute path"});
}

}  // namespace
}  // namespace hostprep::modules
