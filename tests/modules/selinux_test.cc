#include "modules/selinux.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FileContent;
using testing::FileStat;
using testing::Ran;

Value Args(const Value& raw) { return testing::NormalizedArgs(SelinuxModule(), raw); }

const char kConfig[] =
    "# This file controls the state of SELinux on the system.\n"
    "SELINUX=enforcing\n"
    "# SELINUXTYPE= can take one of these values:\n"
    "SELINUXTYPE=targeted\n";

// The four reads: the config file (stat and content), /etc/selinux/config
// (the same here) and the probe script's answer.
std::vector<ReadResult> Reads(std::optional<std::string> config, const std::string& probe) {
  return {config ? FileStat(FileType::kFile) : FileStat(FileType::kMissing), FileContent(config),
          FileContent(config), Ran(0, probe)};
}

const char kNoSelinux[] = "@@ enforce\nnone\n@@ policy\nyes\n";
const char kEnforcing[] = "@@ enforce\n/sys/fs/selinux 1\n@@ policy\nyes\n";
const char kPermissive[] = "@@ enforce\n/sys/fs/selinux 0\n@@ policy\nyes\n";

TEST_CASE("selinux reads the config file as Ansible's module and libselinux do") {
  CHECK(SelinuxConfigValue(kConfig, "SELINUX") == "enforcing");
  CHECK(SelinuxConfigValue(kConfig, "SELINUXTYPE") == "targeted");
  CHECK(SelinuxConfigValue("SELINUX= permissive =x\nSELINUX=enforcing\n", "SELINUX") ==
        "permissive");
  CHECK(SelinuxConfigValue(" SELINUX=enforcing\n", "SELINUX") == std::nullopt);
  CHECK(SelinuxRuntimePolicy(std::nullopt) == "targeted");
  CHECK(SelinuxRuntimePolicy(std::string("  selinuxtype=mls  \nSELINUX=enforcing\n")) == "mls");
  CHECK(SelinuxRuntimePolicy(std::string("# SELINUXTYPE=mls\n")) == "targeted");
  CHECK(GrubbySelinuxEnabled({"index=0", "args=\"ro quiet\"", "args=\"ro\""}) == true);
  CHECK(GrubbySelinuxEnabled({"args=\"ro selinux=0\""}) == false);
  CHECK(GrubbySelinuxEnabled({"args=\"ro selinux=0\"", "args=\"ro\""}) == std::nullopt);
  CHECK(GrubbySelinuxEnabled({}) == std::nullopt);
}

TEST_CASE("selinux edits only the SELINUX= and SELINUXTYPE= lines") {
  CHECK(SetSelinuxConfigValue(kConfig, "SELINUX", "permissive") ==
        "# This file controls the state of SELinux on the system.\n"
        "SELINUX=permissive\n"
        "# SELINUXTYPE= can take one of these values:\n"
        "SELINUXTYPE=targeted\n");
  // As Python's splitlines and rewrite: \r\n becomes \n, a last line gets one.
  CHECK(SetSelinuxConfigValue("a\r\nSELINUX=x\r\nb", "SELINUX", "disabled") ==
        "a\nSELINUX=disabled\nb\n");
  CHECK(SetSelinuxConfigValue("", "SELINUXTYPE", "mls") == "SELINUXTYPE=mls\n");
  CHECK(SetSelinuxConfigValue("SELINUX=a\nSELINUX=b\n", "SELINUX", "c") ==
        "SELINUX=c\nSELINUX=c\n");
}

TEST_CASE("selinux on a host without SELinux edits the file and asks for a reboot") {
  SelinuxModule module;
  const Value args = Args({{"policy", "targeted"}, {"state", "permissive"}});
  Result<Change> change = module.Plan(args, Reads(std::string(kConfig), kNoSelinux), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].kind == Action::Kind::kWriteFile);
  CHECK(change->actions[0].path == "/etc/selinux/config");
  CHECK(change->actions[0].content == SetSelinuxConfigValue(kConfig, "SELINUX", "permissive"));
  CHECK(change->diff.find("-SELINUX=enforcing\n+SELINUX=permissive\n") != std::string::npos);
  CHECK(change->applied_result.empty());
  CHECK(change->result ==
        Value{{"msg", "Config SELinux state changed from 'enforcing' to 'permissive'"},
              {"configfile", "/etc/selinux/config"},
              {"policy", "targeted"},
              {"state", "permissive"},
              {"reboot_required", true},
              {"warnings", {"Reboot is required to set SELinux state to 'permissive'"}}});

  // Once the file says permissive, only the reboot is left: not changed.
  const std::string permissive = SetSelinuxConfigValue(kConfig, "SELINUX", "permissive");
  change = module.Plan(args, Reads(permissive, kNoSelinux), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->actions.empty());
  CHECK(change->result["msg"] == "");
  CHECK(change->result["reboot_required"] == true);

  // disabled without a policy keeps the file's.
  change =
      module.Plan(Args({{"state", "disabled"}}),
                  Reads(SetSelinuxConfigValue(kConfig, "SELINUX", "disabled"), kNoSelinux), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->result["policy"] == "targeted");
  CHECK(change->result["reboot_required"] == false);
  CHECK_FALSE(change->result.contains("warnings"));
}

TEST_CASE("selinux disabled without a policy anywhere says so as Ansible's module does") {
  // Ansible's answer for this file on a host without SELinux (its module
  // run with libselinux's default policy, targeted).
  Result<Change> change =
      SelinuxModule().Plan(Args({{"state", "disabled"}, {"configfile", "/c2"}}),
                           Reads(std::string("a\r\nSELINUX=x\r\nb"), kNoSelinux), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result.empty());
  CHECK(change->applied_result ==
        Value{{"msg",
               "Running SELinux policy changed from 'targeted' to 'None', Config SELinux "
               "state changed from 'x' to 'disabled'"},
              {"configfile", "/c2"},
              {"policy", nullptr},
              {"state", "disabled"},
              {"reboot_required", false}});
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].content == "a\nSELINUX=disabled\nb\n");
}

TEST_CASE("selinux switches a running SELinux through selinuxfs") {
  SelinuxModule module;
  Result<Change> change = module.Plan(Args({{"policy", "targeted"}, {"state", "permissive"}}),
                                      Reads(std::string(kConfig), kEnforcing), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[1].argv == std::vector<std::string>{"/bin/sh", "-c",
                                                            "echo \"$1\" > \"$2/enforce\"", "sh",
                                                            "0", "/sys/fs/selinux"});
  CHECK(change->result["msg"] ==
        "SELinux state changed from 'enforcing' to 'permissive', Config SELinux state changed "
        "from 'enforcing' to 'permissive'");
  CHECK(change->result["reboot_required"] == false);
  CHECK_FALSE(change->command_output);

  // enforcing -> disabled: permissive now, disabled after the reboot.
  change = module.Plan(Args({{"state", "disabled"}}), Reads(std::string(kConfig), kEnforcing), {});
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[1].argv[4] == "0");
  CHECK(change->result["reboot_required"] == true);
  CHECK(change->result["warnings"] ==
        Value::array(
            {"SELinux state temporarily changed from 'enforcing' to 'permissive'. State change "
             "will take effect next reboot."}));

  // permissive -> disabled with the file already saying so: a warning only.
  change =
      module.Plan(Args({{"state", "disabled"}}),
                  Reads(SetSelinuxConfigValue(kConfig, "SELINUX", "disabled"), kPermissive), {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->result["warnings"] ==
        Value::array({"SELinux state change will take effect next reboot"}));
}

TEST_CASE("selinux registers changed alone in check mode when the policy changes") {
  SelinuxModule module;
  const Value args = Args({{"policy", "mls"}, {"state", "enforcing"}});
  Result<Change> change = module.Plan(args, Reads(std::string(kConfig), kEnforcing), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->result.empty());
  CHECK(change->applied_result["msg"] ==
        "Running SELinux policy changed from 'targeted' to 'mls', SELinux policy configuration "
        "in '/etc/selinux/config' changed from 'targeted' to 'mls'");
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].content == SetSelinuxConfigValue(kConfig, "SELINUXTYPE", "mls"));

  change = module.Plan(args, Reads(std::string(kConfig), "@@ enforce\nnone\n@@ policy\nno\n"), {});
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() == "Policy mls does not exist in /etc/selinux/");
}

TEST_CASE("selinux fails as Ansible's module does") {
  SelinuxModule module;
  const Value args = Args({{"policy", "targeted"}, {"state", "enforcing"}});
  Result<Change> change = module.Plan(args, Reads(std::nullopt, kNoSelinux), {});
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() == "Unable to find file /etc/selinux/config");
  change =
      module.Plan(Args({{"state", "permissive"}}), Reads(std::string(kConfig), kNoSelinux), {});
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() == "Policy is required if state is not 'disabled'");
  const Value kernel = Args({{"state", "disabled"}, {"update_kernel_param", true}});
  change = module.Plan(
      kernel, Reads(std::string(kConfig), std::string(kNoSelinux) + "@@ grubby none\n"), {});
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() == "'grubby' command not found on host");
  change = module.Plan(
      kernel,
      Reads(std::string(kConfig), std::string(kNoSelinux) + "@@ grubby 1 /usr/sbin/grubby\n"), {});
  REQUIRE_FALSE(change.ok());
  CHECK(change.message() == "unable to run grubby");
}

TEST_CASE("selinux sets selinux=0 on every kernel through grubby") {
  SelinuxModule module;
  const Value kernel = Args({{"state", "disabled"}, {"update_kernel_param", true}});
  const std::string disabled = SetSelinuxConfigValue(kConfig, "SELINUX", "disabled");
  Result<Change> change = module.Plan(
      kernel,
      Reads(disabled,
            std::string(kNoSelinux) +
                "@@ grubby 0 /usr/sbin/grubby\nindex=0\nargs=\"ro\"\nargs=\"ro selinux=0\"\n"),
      {});
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv ==
        std::vector<std::string>{"/usr/sbin/grubby", "--update-kernel=ALL", "--args", "selinux=0"});
  CHECK(change->result["msg"] ==
        "Kernel SELinux state changed from '<inconsistent>' to 'disabled'");
  CHECK(change->reports);
  Result<Change> failed = module.Report(kernel, {1, "", ""});
  REQUIRE(failed.ok());
  CHECK(failed->failed);
  CHECK(failed->message == "unable to add selinux=0 to kernel config");
  CHECK(module.Report(kernel, {0, "", ""})->changed);
  change = module.Plan(kernel,
                       Reads(disabled, std::string(kNoSelinux) +
                                           "@@ grubby 0 /usr/sbin/grubby\nargs=\"selinux=0\"\n"),
                       {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
}

TEST_CASE("selinux refuses a policy that would name another directory or add lines") {
  SelinuxModule module;
  for (const char* policy :
       {"../../tmp/x", "targeted\nSELINUX=disabled", "a b", "..", "$(reboot)/x"}) {
    CAPTURE(policy);
    const std::vector<std::string> errors =
        testing::ArgErrors(module, Value{{"policy", policy}, {"state", "enforcing"}});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("is not a policy name") != std::string::npos);
  }
  CHECK(testing::ArgErrors(module, Value{{"policy", "$(reboot)"}, {"state", "enforcing"}}).empty());
  CHECK(testing::ArgErrors(module, Value{{"state", "on"}})[0].find("state") == 0);
  // A hostile policy that passes reaches the host only as an argument.
  const std::vector<Read> probe =
      module.Probe(Args({{"policy", "$(reboot)"}, {"state", "enforcing"}, {"conf", "/tmp/c"}}), {});
  REQUIRE(probe.size() == 4);
  CHECK(probe[0].path == "/tmp/c");
  CHECK(probe[3].argv[4] == "$(reboot)");
}

TEST_CASE("selinux's probe script reads a host without SELinux") {
  const testing::ScriptRun run =
      testing::RunScript(scripts::kSelinux, "sh script.sh hostprep-no-such-policy no");
  CHECK(run.status == 0);
  CHECK(run.out == "@@ enforce\nnone\n@@ policy\nno\n");
  const testing::ScriptRun kernel =
      testing::RunScript(scripts::kSelinux, "PATH=/nonexistent:/bin /bin/sh script.sh '' yes");
  CHECK(kernel.out == "@@ enforce\nnone\n@@ policy\nno\n@@ grubby none\n");
}

}  // namespace
}  // namespace hostprep::modules
