#include "modules/ufw.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::ArgErrors;
using testing::FileContent;
using testing::Ran;

Value Args(const Value& raw) { return testing::NormalizedArgs(UfwModule(), raw); }

const char kBin[] = "/usr/sbin/ufw\n/usr/bin/grep\n/usr/local/sbin:/usr/local/bin:/usr/sbin\n";
const char kInactive[] = "Status: inactive\n";
const char kActive[] =
    "Status: active\n"
    "Logging: on (low)\n"
    "Default: deny (incoming), allow (outgoing), disabled (routed)\n"
    "New profiles: skip\n"
    "\n"
    "To                         Action      From\n"
    "--                         ------      ----\n"
    "22/tcp                     ALLOW IN    Anywhere\n"
    "22/tcp (v6)                ALLOW IN    Anywhere (v6)\n"
    "\n";
const char kConf[] = "# /etc/ufw/ufw.conf\nENABLED=no\nLOGLEVEL=low\n";
const char kConfEnabled[] = "ENABLED=yes\nLOGLEVEL=low\n";
const char kDefaults[] =
    "IPV6=yes\n"
    "DEFAULT_INPUT_POLICY=\"DROP\"\n"
    "DEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n"
    "DEFAULT_FORWARD_POLICY=\"DROP\"\n";
const char kSsh4[] = "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in";
const char kSsh6[] = "### tuple ### allow tcp 22 ::/0 any ::/0 in";
const char kGrep[] =
    "/usr/bin/grep -h '^### tuple' /lib/ufw/user.rules /lib/ufw/user6.rules "
    "/etc/ufw/user.rules /etc/ufw/user6.rules /var/lib/ufw/user.rules /var/lib/ufw/user6.rules";

std::string TuplesOut(const std::vector<std::string>& v4, const std::vector<std::string>& v6) {
  std::string out = "@@ /etc/ufw/user.rules\n";
  for (const std::string& t : v4) out += t + "\n";
  out += "@@ /etc/ufw/user6.rules\n";
  for (const std::string& t : v6) out += t + "\n";
  return out;
}

// A rules file as `ufw --dry-run` prints it (the parts the module reads).
std::string DryFile(bool six, const std::vector<std::string>& tuples) {
  std::string chain = six ? "ufw6" : "ufw";
  std::string out = "*filter\n:" + chain + "-user-input - [0:0]\n### RULES ###\n\n";
  for (const std::string& t : tuples) out += t + "\n-A " + chain + "-user-input -j ACCEPT\n\n";
  return out + "### END RULES ###\nCOMMIT\n";
}

struct Host {
  std::string status = kInactive;
  std::vector<std::string> v4, v6;
  std::string conf = kConf;
  std::string defaults = kDefaults;
  std::string version = "ufw 0.36.2\nCopyright 2008-2023 Canonical Ltd.\n";
};

std::vector<ReadResult> Reads(const Host& h, std::optional<ExecResult> last = std::nullopt) {
  std::vector<ReadResult> r = {Ran(0, kBin), Ran(0, h.status), Ran(0, TuplesOut(h.v4, h.v6)),
                               FileContent(h.conf), FileContent(h.defaults)};
  if (last) {
    r.push_back(Ran(0, h.version));
    r.push_back(Ran(last->exit_code, last->stdout_data, last->stderr_data));
  }
  return r;
}

std::vector<std::string> Argv(const Action& a) { return a.argv; }

TEST_CASE("ufw writes the rule command as Ansible's module does") {
  const Value args = Args({{"rule", "allow"},
                           {"port", "22"},
                           {"proto", "tcp"},
                           {"comment", "ssh from anywhere"},
                           {"interface", "eth0"},
                           {"direction", "in"},
                           {"log", true}});
  std::string shown;
  std::vector<std::string> argv;
  for (const UfwWord& w : UfwRuleWords(args, std::nullopt, true)) {
    shown += (shown.empty() ? "" : " ") + w.shown;
    argv.insert(argv.end(), w.argv.begin(), w.argv.end());
  }
  CHECK(shown ==
        "allow in on eth0 log from any to any port 22 proto tcp comment 'ssh from anywhere'");
  CHECK(argv == std::vector<std::string>{"allow", "in", "on", "eth0", "log", "from", "any", "to",
                                         "any", "port", "22", "proto", "tcp", "comment",
                                         "ssh from anywhere"});
  const Value app = Args({{"rule", "allow"}, {"name", "OpenSSH"}, {"delete", true}});
  shown.clear();
  for (const UfwWord& w : UfwRuleWords(app, std::nullopt, false)) shown += " " + w.shown;
  CHECK(shown == " delete allow from any to any app 'OpenSSH'");
  const Value routed = Args({{"rule", "deny"},
                             {"route", true},
                             {"if_in", "eth0"},
                             {"if_out", "eth1"},
                             {"src", "192.0.2.0/24"},
                             {"comment", "x"}});
  shown.clear();
  for (const UfwWord& w : UfwRuleWords(routed, 2, false)) shown += " " + w.shown;
  CHECK(shown == " route insert 2 deny in on eth0 out on eth1 from 192.0.2.0/24 to any");
}

TEST_CASE("ufw reads ufw's version with Ansible's greedy expression") {
  CHECK(UfwVersion("ufw 0.36.2\nCopyright\n") == std::pair{6, 2});
  CHECK(UfwVersion("ufw 0.34\n") == std::pair{0, 34});
  CHECK(UfwVersion("\nufw 0.35\n") == std::pair{0, 35});
  CHECK(UfwVersion("") == std::nullopt);
  CHECK(UfwVersion("firewall 1.2\n") == std::nullopt);
}

TEST_CASE("ufw counts a relative insert from ufw status numbered as Ansible's module does") {
  const std::string numbered =
      "Status: active\n\n     To    Action   From\n     --    ------   ----\n"
      "[ 1] 22/tcp   ALLOW IN   Anywhere\n"
      "[ 2] 80/tcp   ALLOW IN   Anywhere\n"
      "[ 3] 22/tcp (v6)   ALLOW IN   Anywhere (v6)\n"
      "[ 4] 80/tcp (v6)   ALLOW IN   Anywhere (v6)\n";
  CHECK(UfwRelativeInsert(0, "first-ipv4", numbered) == 1);
  CHECK(UfwRelativeInsert(0, "last-ipv4", numbered) == 2);
  CHECK(UfwRelativeInsert(0, "first-ipv6", numbered) == 3);
  CHECK(UfwRelativeInsert(-1, "last-ipv6", numbered) == 3);
  CHECK(UfwRelativeInsert(1, "last-ipv6", numbered) == std::nullopt);  // past the end: append
  CHECK(UfwRelativeInsert(0, "first-ipv6", "Status: inactive\n") == std::nullopt);
}

TEST_CASE("ufw reads ufw's config files as ufw does") {
  const auto conf = UfwConfig(std::string("# c\nENABLED=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n"));
  CHECK(conf.at("enabled") == "yes");
  CHECK(conf.at("default_input_policy") == "drop");
  CHECK(UfwConfig(std::nullopt).empty());
}

TEST_CASE("ufw refuses what Ansible's module refuses, at validate time") {
  CHECK(ArgErrors(UfwModule(), {{"port", "22"}}) ==
        std::vector<std::string>{
            ": module 'ufw' needs one of 'state', 'default', 'rule', 'logging'"});
  CHECK(ArgErrors(UfwModule(), {{"rule", "allow"}, {"interface", "eth0"}}) ==
        std::vector<std::string>{
            "interface: missing parameter(s) required by 'interface': direction"});
  CHECK(ArgErrors(UfwModule(), {{"rule", "allow"}, {"direction", "incoming"}}) ==
        std::vector<std::string>{
            "direction: For rules, direction must be one of \"in\" and \"out\", or "
            "direction must not be specified."});
  CHECK(ArgErrors(UfwModule(), {{"default", "deny"}, {"direction", "in"}}) ==
        std::vector<std::string>{"direction: For default, direction must be one of \"outgoing\", "
                                 "\"incoming\" and \"routed\", or direction must not be "
                                 "specified."});
  CHECK(ArgErrors(UfwModule(), {{"rule", "allow"}, {"if_in", "a"}, {"if_out", "b"}}) ==
        std::vector<std::string>{
            "interface_out: Only route rules can combine interface_in and interface_out"});
  CHECK(ArgErrors(UfwModule(), {{"rule", "allow"}, {"name", "OpenSSH"}, {"proto", "tcp"}}) ==
        std::vector<std::string>{"proto: arguments 'name' and 'proto' cannot be used together"});
  CHECK(ArgErrors(UfwModule(), {{"rule", "allow"}, {"comment", "--rootdir=/tmp/x"}}) ==
        std::vector<std::string>{
            "comment: '--rootdir=/tmp/x' would tell ufw where its files are, not be "
            "a value of the rule: ufw reads --rootdir= and --datadir= "
            "anywhere on its command line"});
  CHECK(
      ArgErrors(UfwModule(), {{"rule", "allow"}, {"route", true}, {"if_in", "a"}, {"if_out", "b"}})
          .empty());
  CHECK(ArgErrors(UfwModule(), {{"state", "enabled"}, {"policy", "deny"}}).empty());
}

TEST_CASE("ufw asks ufw itself about a rule in the probe round trip") {
  UfwModule module;
  const std::vector<Read> reads =
      module.Probe(Args({{"rule", "allow"}, {"port", "22"}, {"proto", "tcp"}}), {});
  REQUIRE(reads.size() == 7);
  CHECK(reads[1].argv ==
        std::vector<std::string>{"/bin/sh", "-c", scripts::kUfw, "sh", "run", "status", "verbose"});
  CHECK(reads[3].path == "/etc/ufw/ufw.conf");
  CHECK(reads[6].argv == std::vector<std::string>{"/bin/sh", "-c", scripts::kUfw, "sh", "run",
                                                  "--dry-run", "allow", "from", "any", "to", "any",
                                                  "port", "22", "proto", "tcp"});
  CHECK(module.Probe(Args({{"state", "enabled"}}), {}).size() == 5);
}

TEST_CASE("ufw adds a new rule and registers Ansible's commands") {
  UfwModule module;
  const Value args =
      Args({{"rule", "allow"}, {"port", "22"}, {"proto", "tcp"}, {"comment", "ssh"}});
  const std::string t4 = std::string(kSsh4) + " comment=737368";
  const std::string t6 = std::string(kSsh6) + " comment=737368";
  const ExecResult dry{
      0, DryFile(false, {t4}) + DryFile(true, {t6}) + "Rules updated\nRules updated (v6)\n", ""};
  Result<Change> change = module.Plan(args, Reads(Host{}, dry), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->predictable);
  CHECK(change->reports);
  REQUIRE(change->actions.size() == 2);
  CHECK(Argv(change->actions[0]) ==
        std::vector<std::string>{"env", "LANG=C", "/usr/sbin/ufw", "allow", "from", "any", "to",
                                 "any", "port", "22", "proto", "tcp", "comment", "ssh"});
  CHECK(Argv(change->actions[1]) == std::vector<std::string>{"/bin/sh", "-c", scripts::kUfwReport,
                                                             "sh", "/usr/sbin/ufw", "no"});
  CHECK(change->actions[1].stdin_data == "Status: inactive\n@@@@\n");
  CHECK(change->result ==
        Value{{"commands",
               {"/usr/sbin/ufw status verbose", kGrep, "/usr/sbin/ufw --version",
                "/usr/sbin/ufw --dry-run allow from any to any port 22 proto tcp comment 'ssh'"}}});
  CHECK(change->applied_result ==
        Value{{"commands",
               {"/usr/sbin/ufw status verbose", kGrep, "/usr/sbin/ufw --version",
                "/usr/sbin/ufw allow from any to any port 22 proto tcp comment 'ssh'",
                "/usr/sbin/ufw status verbose", kGrep}},
              {"msg", "Status: inactive"}});
}

TEST_CASE("ufw runs nothing for a rule ufw would skip") {
  UfwModule module;
  const Value args = Args({{"rule", "allow"}, {"port", "22"}, {"proto", "tcp"}});
  Host h;
  h.status = kActive;
  h.conf = kConfEnabled;
  h.v4 = {kSsh4};
  h.v6 = {kSsh6};
  const ExecResult skip{0, "Skipping adding existing rule\nSkipping adding existing rule (v6)\n",
                        ""};
  Result<Change> change = module.Plan(args, Reads(h, skip), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  std::string shown = kActive;
  while (shown.back() == '\n') shown.pop_back();
  CHECK(change->applied_result["msg"] == shown);
}

TEST_CASE("ufw deletes a rule when ufw's dry run leaves it out, and not when it is gone") {
  UfwModule module;
  const Value args = Args({{"rule", "allow"}, {"port", "22"}, {"proto", "tcp"}, {"delete", true}});
  Host h;
  h.v4 = {kSsh4};
  h.v6 = {kSsh6};
  const ExecResult gone{0, DryFile(false, {}) + DryFile(true, {}), ""};
  Result<Change> change = module.Plan(args, Reads(h, gone), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  CHECK(Argv(change->actions[0])[3] == "delete");
  // Already deleted: ufw's dry run prints the files as they are.
  const ExecResult same{0, DryFile(false, {}) + DryFile(true, {}), ""};
  change = module.Plan(args, Reads(Host{}, same), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
}

TEST_CASE("ufw predicts the IPv6 half of a limit rule only when both files agree") {
  UfwModule module;
  const Value args = Args({{"rule", "limit"}, {"port", "ssh"}, {"proto", "tcp"}});
  const std::string l4 = "### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in";
  const std::string l6 = "### tuple ### limit tcp 22 ::/0 any ::/0 in";
  const ExecResult skipped{
      0, "Skipping adding existing rule\nSkipping unsupported IPv6 'limit' rule\n", ""};
  Host h;
  h.v4 = {l4};
  h.v6 = {l6};
  Result<Change> change = module.Plan(args, Reads(h, skipped), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  // The IPv6 half is missing: ufw would add it; the dry run cannot say.
  h.v6.clear();
  change = module.Plan(args, Reads(h, skipped), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK_FALSE(change->predictable);
  CHECK(change->actions.size() == 2);
}

TEST_CASE("ufw enables an inactive ufw and leaves an enabled one alone") {
  UfwModule module;
  const Value args = Args({{"state", "enabled"}});
  Result<Change> change = module.Plan(args, Reads(Host{}), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  CHECK(Argv(change->actions[0]) ==
        std::vector<std::string>{"env", "LANG=C", "/usr/sbin/ufw", "-f", "enable"});
  CHECK(change->result == Value{{"commands", {"/usr/sbin/ufw status verbose", kGrep}}});
  CHECK(change->applied_result["commands"] == Value{"/usr/sbin/ufw status verbose", kGrep,
                                                    "/usr/sbin/ufw -f enable",
                                                    "/usr/sbin/ufw status verbose", kGrep});
  Host on;
  on.status = kActive;
  on.conf = kConfEnabled;
  change = module.Plan(args, Reads(on), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
}

TEST_CASE("ufw sets a default policy that an inactive ufw does not show, and reports it ok") {
  UfwModule module;
  const Value args = Args({{"default", "allow"}, {"direction", "incoming"}});
  Result<Change> change = module.Plan(args, Reads(Host{}), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  REQUIRE(change->actions.size() == 2);
  CHECK(Argv(change->actions[0]) ==
        std::vector<std::string>{"env", "LANG=C", "/usr/sbin/ufw", "default", "allow", "incoming"});
  // Active, the status shows it.
  Host on;
  on.status = kActive;
  on.conf = kConfEnabled;
  change = module.Plan(args, Reads(on), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  // Already the policy: nothing to run.
  change = module.Plan(Args({{"policy", "deny"}}), Reads(on), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
}

TEST_CASE(
    "ufw logging on an inactive ufw is a change, as Ansible's module says, with nothing run") {
  UfwModule module;
  Result<Change> change = module.Plan(Args({{"logging", "on"}}), Reads(Host{}), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->actions.empty());
  // Its changed skips the grep after the status, as Ansible's does.
  CHECK(change->applied_result["commands"] == Value{"/usr/sbin/ufw status verbose", kGrep,
                                                    "/usr/sbin/ufw logging on",
                                                    "/usr/sbin/ufw status verbose"});
  change = module.Plan(Args({{"logging", "high"}}), Reads(Host{}), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(Argv(change->actions[0]) ==
        std::vector<std::string>{"env", "LANG=C", "/usr/sbin/ufw", "logging", "high"});
  CHECK(Argv(change->actions[1]).back() == "yes");
}

TEST_CASE("ufw logging on keeps a level that is on and turns off logging to low") {
  UfwModule module;
  Host on;
  on.status = kActive;
  on.conf = "ENABLED=yes\nLOGLEVEL=medium\n";
  Result<Change> change = module.Plan(Args({{"logging", "on"}}), Reads(on), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  on.conf = "ENABLED=yes\nLOGLEVEL=off\n";
  change = module.Plan(Args({{"logging", "on"}}), Reads(on), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(Argv(change->actions[0]) ==
        std::vector<std::string>{"env", "LANG=C", "/usr/sbin/ufw", "logging", "on"});
}

TEST_CASE("ufw reload and reset always change, as Ansible's module says") {
  UfwModule module;
  Result<Change> change = module.Plan(Args({{"state", "reloaded"}}), Reads(Host{}), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->applied_result["commands"] == Value{"/usr/sbin/ufw status verbose", kGrep,
                                                    "/usr/sbin/ufw -f reload",
                                                    "/usr/sbin/ufw status verbose"});
}

TEST_CASE("ufw fails with ufw's own message, and without ufw with Ansible's") {
  UfwModule module;
  const Value args = Args({{"rule", "allow"}, {"port", "99999"}});
  Result<Change> change =
      module.Plan(args, Reads(Host{}, ExecResult{1, "", "ERROR: Bad port '99999'\n"}), {});
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "ERROR: Bad port '99999'\n");
  CHECK(change->result["msg"] == "ERROR: Bad port '99999'\n");
  CHECK(change->result["commands"].size() == 4);
  std::vector<ReadResult> none = Reads(Host{});
  none[0] = Ran(0, "-\n/usr/bin/grep\n/usr/bin:/bin:/sbin\n");
  change = module.Plan(Args({{"state", "enabled"}}), none, {});
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() ==
        "Failed to find required executable \"ufw\" in paths: /usr/bin:/bin:/sbin");
}

TEST_CASE("ufw reads a relative insert's position before asking ufw about the rule") {
  UfwModule module;
  const Value args = Args({{"rule", "deny"},
                           {"port", "20"},
                           {"proto", "tcp"},
                           {"insert", 0},
                           {"insert_relative_to", "first-ipv6"}});
  CHECK(module.Probe(args, {}).back().argv.back() == "numbered");
  std::vector<ReadResult> reads = Reads(Host{});
  reads.push_back(Ran(0, "ufw 0.36.2\n"));
  reads.push_back(Ran(0,
                      "Status: active\n\n[ 1] 22/tcp  ALLOW IN  Anywhere\n"
                      "[ 2] 22/tcp (v6)  ALLOW IN  Anywhere (v6)\n"));
  Result<Change> change = module.Plan(args, reads, {});
  REQUIRE(change.ok());
  REQUIRE(change->more_reads.size() == 1);
  const std::vector<std::string>& argv = change->more_reads[0].argv;
  CHECK(std::vector<std::string>(argv.begin() + 4, argv.begin() + 9) ==
        std::vector<std::string>{"run", "--dry-run", "insert", "2", "deny"});
}

TEST_CASE("ufw reports a change when the state after its commands differs") {
  UfwModule module;
  Result<Change> done = module.Report(
      Args({{"state", "enabled"}}), ExecResult{0, "@@ same no\n@@ status 0\nStatus: active\n", ""});
  REQUIRE(done.ok());
  CHECK(done->changed);
  CHECK(done->result["msg"] == "Status: active");
  done = module.Report(
      Args({{"default", "deny"}}),
      ExecResult{0, "@@ same yes\n@@ always no\n@@ status 0\nStatus: inactive\n", ""});
  REQUIRE(done.ok());
  CHECK_FALSE(done->changed);
  done =
      module.Report(Args({{"state", "reloaded"}}),
                    ExecResult{0, "@@ same yes\n@@ always yes\n@@ status 0\nStatus: active\n", ""});
  REQUIRE(done.ok());
  CHECK(done->changed);
  done = module.Report(Args({{"state", "enabled"}}),
                       ExecResult{1, "", "ERROR: problem running ufw-init\n"});
  REQUIRE(done.ok());
  CHECK(done->failed);
  CHECK(done->message == "ERROR: problem running ufw-init\n");
}

}  // namespace
}  // namespace hostprep::modules
