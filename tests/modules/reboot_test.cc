#include "modules/reboot.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "modules/wait_for_connection.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FileStat;
using testing::Ran;

Value Args(const Value& raw) { return testing::NormalizedArgs(RebootModule(), raw); }

ReadResult Setting(const std::string& value) {
  ReadResult r;
  r.value = value;
  return r;
}

// The reads of Probe answered: an ssh connection, boot id "b1", and the
// shutdown command found in the search path at `found` (none: -1).
std::vector<ReadResult> Answers(size_t paths, int found) {
  std::vector<ReadResult> reads = {Setting("ssh"), Ran(0, "b1\n")};
  for (size_t i = 0; i < paths; ++i)
    reads.push_back(FileStat(static_cast<int>(i) == found ? FileType::kFile : FileType::kMissing));
  return reads;
}

ExecResult Reported(const AwaitReport& report) { return ExecResult{0, report.ToJson(), ""}; }

TEST_CASE("reboot takes Ansible's arguments with Ansible's defaults") {
  const Value args = Args(Value::object());
  CHECK(args["pre_reboot_delay"] == 0);
  CHECK(args["post_reboot_delay"] == 0);
  CHECK(args["reboot_timeout"] == 600);
  CHECK_FALSE(args.contains("connect_timeout"));
  CHECK(args["test_command"] == "whoami");
  CHECK(args["msg"] == "Reboot initiated by Ansible");
  CHECK(args["search_paths"] ==
        Value::array({"/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin"}));
  CHECK(args["boot_time_command"] == "cat /proc/sys/kernel/random/boot_id");
  CHECK_FALSE(args.contains("reboot_command"));
  CHECK(testing::ArgErrors(RebootModule(), {{"reboot_timeout_sec", 5}}).size() == 1);
  const RebootModule module;
  const ArgSpec& spec = module.spec();
  CHECK(std::find(spec.ansible_names.begin(), spec.ansible_names.end(), "ansible.builtin.reboot") !=
        spec.ansible_names.end());
}

TEST_CASE("reboot probes the boot id and the shutdown command in the search paths") {
  const RebootModule module;
  const std::vector<Read> reads = module.Probe(Args({{"search_paths", {"/opt/a", "/sbin"}}}), {});
  REQUIRE(reads.size() == 4);
  CHECK(reads[0].kind == Read::Kind::kSetting);
  CHECK(reads[0].path == "connection");
  CHECK(reads[1].argv ==
        std::vector<std::string>{"/bin/sh", "-c", "cat /proc/sys/kernel/random/boot_id"});
  CHECK(reads[2].path == "/opt/a/shutdown");
  CHECK(reads[3].path == "/sbin/shutdown");
  // An absolute reboot_command is not searched for; Alpine's is reboot.
  CHECK(module.Probe(Args({{"reboot_command", "/usr/bin/systemctl reboot"}}), {}).size() == 2);
  CHECK(module.Probe(Args({}), {{"distribution", "Alpine"}})[2].path == "/sbin/reboot");
}

TEST_CASE("reboot plans shutdown with the delay in minutes and the message as one argument") {
  const RebootModule module;
  const Value args = Args({{"pre_reboot_delay", 150},
                           {"post_reboot_delay", 7},
                           {"msg", "it's \"time\"; $(x)"},
                           {"reboot_timeout", 90},
                           {"connect_timeout", 4},
                           {"test_command", "systemctl is-system-running"}});
  Result<Change> change = module.Plan(args, Answers(5, 2), {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->reports);
  CHECK_FALSE(change->command_output);
  CHECK(change->result == Value::object({{"elapsed", 0}, {"rebooted", true}}));
  REQUIRE(change->actions.size() == 1);
  const Await& a = change->actions[0].await;
  CHECK(change->actions[0].kind == Action::Kind::kAwait);
  CHECK(a.command ==
        std::vector<std::string>{"/usr/sbin/shutdown", "-r", "2", "it's \"time\"; $(x)"});
  CHECK(a.delay_seconds == 7);
  CHECK(a.boot_id == "b1");
  CHECK(a.boot_id_argv ==
        std::vector<std::string>{"/bin/sh", "-c", "cat /proc/sys/kernel/random/boot_id"});
  CHECK(a.test == std::vector<std::string>{"/bin/sh", "-c", "systemctl is-system-running"});
  CHECK(a.timeout_seconds == 90);
  CHECK(a.connect_timeout_seconds == 4);
  // A negative delay is none, as in Ansible.
  Result<Change> negative = module.Plan(Args({{"pre_reboot_delay", -5}}), Answers(5, 0), {});
  REQUIRE(negative.ok());
  CHECK(negative->actions[0].await.command[2] == "0");
}

TEST_CASE("reboot runs reboot_command as a shell line with its command found in the paths") {
  const RebootModule module;
  Result<Change> change =
      module.Plan(Args({{"reboot_command", "systemctl reboot --force"}}), Answers(5, 3), {});
  REQUIRE(change.ok());
  CHECK(change->actions[0].await.command ==
        std::vector<std::string>{"/bin/sh", "-c", "/usr/bin/systemctl reboot --force"});
}

TEST_CASE("reboot fails before rebooting with Ansible's messages") {
  const RebootModule module;
  struct Row {
    std::vector<ReadResult> reads;
    std::string message;
    Value result;
  };
  std::vector<ReadResult> local = Answers(5, 0);
  local[0] = Setting("local");
  std::vector<ReadResult> no_boot_id = Answers(5, 0);
  no_boot_id[1] = Ran(1, "", "cat: no such file\n");
  const std::vector<Row> rows = {
      {local, "Running reboot with local connection would reboot the control node.",
       Value::object({{"elapsed", 0}, {"rebooted", false}})},
      {no_boot_id,
       "reboot: failed to get host boot time info, rc: 1, stdout: , stderr: cat: no such file\n",
       Value::object({{"reboot", false}})},
      {Answers(5, -1),
       "Unable to find command \"shutdown\" in search paths: ['/sbin', '/bin', '/usr/sbin', "
       "'/usr/bin', '/usr/local/sbin']",
       Value::object()},
  };
  for (const Row& row : rows) {
    Result<Change> change = module.Plan(Args({}), row.reads, {});
    REQUIRE(change.ok());
    CHECK(change->failed);
    CHECK(change->message == row.message);
    CHECK(change->result == row.result);
    CHECK(change->actions.empty());
  }
}

TEST_CASE("reboot reports what the engine saw as Ansible's result") {
  const RebootModule module;
  const Value args = Args({{"reboot_timeout", 30}});
  AwaitReport done;
  done.elapsed = 41;
  Result<Change> ok = module.Report(args, Reported(done));
  REQUIRE(ok.ok());
  CHECK(ok->changed);
  CHECK_FALSE(ok->failed);
  CHECK(ok->result == Value::object({{"elapsed", 41}, {"rebooted", true}}));

  AwaitReport command;
  command.stage = "command";
  command.rc = 1;
  command.stdout_data = "out\n";
  command.stderr_data = "denied\n";
  Result<Change> refused = module.Report(args, Reported(command));
  REQUIRE(refused.ok());
  CHECK(refused->failed);
  CHECK_FALSE(refused->changed);
  CHECK(refused->message == "Reboot command failed. Error was: 'out, denied'");
  CHECK(refused->result["rebooted"] == false);

  AwaitReport test;
  test.stage = "test";
  test.elapsed = 60;
  test.error = "the test command failed: exit code 1";
  Result<Change> late = module.Report(args, Reported(test));
  REQUIRE(late.ok());
  CHECK(late->failed);
  CHECK(late->result == Value::object({{"elapsed", 60}, {"rebooted", true}}));
  CHECK(late->message ==
        "Timed out waiting for post-reboot test command (timeout=30): test_command did not "
        "succeed within reboot_timeout=30 s after the reboot: raise reboot_timeout, or fix "
        "test_command (last try: the test command failed: exit code 1)");
  CHECK_FALSE(module.Report(args, ExecResult{0, "not json", ""}).ok());
}

TEST_CASE("wait_for_connection takes Ansible's arguments and waits with them") {
  const WaitForConnectionModule module;
  const Value defaults = testing::NormalizedArgs(module, Value::object());
  CHECK(defaults ==
        Value::object({{"connect_timeout", 5}, {"delay", 0}, {"sleep", 1}, {"timeout", 600}}));
  CHECK(module.Probe(defaults, {}).empty());
  const Value args = testing::NormalizedArgs(
      module, {{"connect_timeout", 3}, {"delay", 10}, {"sleep", 2}, {"timeout", 120}});
  Result<Change> change = module.Plan(args, {}, {});
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->check_mode_skip == "wait_for_connection: skipping for check_mode");
  REQUIRE(change->actions.size() == 1);
  const Await& a = change->actions[0].await;
  CHECK(a.command.empty());
  CHECK(a.boot_id_argv.empty());
  CHECK(a.test.empty());
  CHECK(a.delay_seconds == 10);
  CHECK(a.sleep_seconds == 2);
  CHECK(a.timeout_seconds == 120);
  CHECK(a.connect_timeout_seconds == 3);
  AwaitReport done;
  done.elapsed = 12;
  Result<Change> ok = module.Report(args, Reported(done));
  REQUIRE(ok.ok());
  CHECK_FALSE(ok->failed);
  CHECK_FALSE(ok->changed);
  CHECK(ok->result == Value::object({{"elapsed", 12}}));
}

}  // namespace
}  // namespace hostprep::modules
