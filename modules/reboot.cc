#include "modules/reboot.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

constexpr char kDefaultMessage[] = "Reboot initiated by Ansible";
constexpr char kDefaultBootTime[] = "cat /proc/sys/kernel/random/boot_id";

ArgSpec RebootSpec() {
  ArgSpec spec;
  spec.name = "reboot";
  spec.ansible_names = {"ansible.builtin.reboot", "ansible.legacy.reboot"};
  spec.summary = "reboot the host and wait until it is back (its boot id changed)";
  spec.description =
      "Ansible's reboot action. The probe reads the boot id (`boot_time_command`) and "
      "finds the shutdown command in `search_paths`, in the same round trip as the other "
      "tasks' reads; the task runs `shutdown -r MINUTES MSG` (or `reboot_command`), then "
      "connects again and again (each connection within `connect_timeout`) until the boot "
      "id differs from the one read, for at most `reboot_timeout` seconds, then until "
      "`test_command` succeeds, for at most `reboot_timeout` more. Registers `rebooted` and "
      "`elapsed` (whole seconds since the reboot command). Unlike Ansible, the reboot is "
      "proven only by the boot id changing in a clean run of `boot_time_command` on a new "
      "connection: never by a connection dropping, nor by the output of a command that "
      "failed while the host shut down (ansible/ansible#78007), and every try is a new "
      "connection with a deadline, never a session kept across the reboot "
      "(ansible/ansible#79992). The tasks after it read the host's state again; its facts "
      "stay. Check mode reports the task changed (rebooted true, elapsed 0), as Ansible "
      "does, but only after the probe read the boot id and found the command: a check run "
      "fails where the real run would fail before rebooting. `boot_time_command`, "
      "`test_command` and `reboot_command` are shell command lines, as in Ansible; `msg` "
      "reaches the shutdown command as one argument, never through a shell. The task "
      "cannot be delegated (delegate_to).";
  spec.args = {
      {"pre_reboot_delay",
       ArgType::kInt,
       false,
       0,
       {},
       {},
       "Seconds to wait before the reboot, passed to shutdown as whole minutes (rounded down; "
       "under 60 is 0). Ignored with reboot_command."},
      {"post_reboot_delay",
       ArgType::kInt,
       false,
       0,
       {},
       {},
       "Seconds to wait after the reboot command before looking at the boot id."},
      {"reboot_timeout",
       ArgType::kInt,
       false,
       600,
       {},
       {},
       "Seconds to wait for the boot id to change, and again for test_command to succeed."},
      {"connect_timeout",
       ArgType::kInt,
       false,
       nullptr,
       {},
       {},
       "Seconds each new connection may take; unset: the run's (--timeout)."},
      {"test_command",
       ArgType::kString,
       false,
       "whoami",
       {},
       {},
       "Shell command that must succeed on the rebooted host before the task ends."},
      {"msg",
       ArgType::kString,
       false,
       kDefaultMessage,
       {},
       {},
       "Message shutdown shows to logged-in users. Ignored with reboot_command."},
      {"search_paths",
       ArgType::kList,
       false,
       Value::array({"/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin"}),
       {},
       {},
       "Directories searched, in order, for the shutdown command (or reboot_command's "
       "first word when it is not an absolute path); PATH is not used."},
      {"boot_time_command",
       ArgType::kString,
       false,
       kDefaultBootTime,
       {},
       {},
       "Shell command whose output identifies the current boot; it must print the same "
       "until the host reboots."},
      {"reboot_command",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Shell command line that reboots the host (its first word looked up in search_paths "
       "unless absolute); pre_reboot_delay and msg are then ignored."},
  };
  spec.examples = R"(- name: reboot when a package asked for it
  ansible.builtin.reboot:
    reboot_timeout: 900
  when: reboot_required.stat.exists
)";
  return spec;
}

int NonNegative(const Value& args, const char* key) {
  const Value v = args.value(key, Value(0));
  return v.is_number_integer() ? std::max(0, v.get<int>()) : 0;
}

// The reboot command's binary (searched in search_paths unless absolute)
// and what follows it: Ansible's defaults by distribution, or
// reboot_command split at its first space.
struct Shutdown {
  std::string bin;
  std::string rest;  // reboot_command's arguments, a line of shell
  bool custom = false;
};

Shutdown ShutdownOf(const Value& args, const Value& facts) {
  Shutdown s;
  if (std::optional<std::string> command = OptArg(args, "reboot_command")) {
    s.custom = true;
    const size_t space = command->find(' ');
    s.bin = command->substr(0, space);
    if (space != std::string::npos) s.rest = command->substr(space + 1);
    return s;
  }
  const std::string distribution =
      facts.is_object() && facts.value("distribution", Value()).is_string()
          ? ToLower(facts["distribution"].get<std::string>())
          : "";
  s.bin = distribution == "alpine" ? "reboot" : "shutdown";
  return s;
}

bool Absolute(const std::string& bin) { return !bin.empty() && bin[0] == '/'; }

std::string TimedOutHint(const std::string& stage, int timeout) {
  return stage == "boot_id"
             ? fmt::format(
                   "the boot id did not change within reboot_timeout={} s: raise "
                   "reboot_timeout if the host takes longer to reboot, or check that "
                   "reboot_command reboots it and boot_time_command prints a new value "
                   "after a reboot",
                   timeout)
             : fmt::format(
                   "test_command did not succeed within reboot_timeout={} s after "
                   "the reboot: raise reboot_timeout, or fix test_command",
                   timeout);
}

}  // namespace

RebootModule::RebootModule() : spec_(RebootSpec()) {}

std::vector<Read> RebootModule::Probe(const Value& args, const Value& facts) const {
  std::vector<Read> reads = {Read::Setting("connection"),
                             Read::Query({"/bin/sh", "-c", StringArg(args, "boot_time_command")})};
  const Shutdown shutdown = ShutdownOf(args, facts);
  if (!Absolute(shutdown.bin)) {
    for (const std::string& dir : ListArg(args, "search_paths"))
      reads.push_back(Read::Stat(dir + "/" + shutdown.bin));
  }
  return reads;
}

Result<Change> RebootModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value& facts) const {
  Change change;
  auto fail = [&](std::string message, Value result) {
    change.failed = true;
    change.message = std::move(message);
    change.result = std::move(result);
    return change;
  };
  if (reads.at(0).value == "local") {
    return fail("Running reboot with local connection would reboot the control node.",
                Value::object({{"elapsed", 0}, {"rebooted", false}}));
  }
  const ReadResult& boot = reads.at(1);
  if (!boot.status.ok() || boot.exec.exit_code != 0) {
    const ExecResult& e = boot.exec;
    return fail(boot.status.ok()
                    ? fmt::format("reboot: failed to get host boot time info, rc: {}, stdout: "
                                  "{}, stderr: {}",
                                  e.exit_code, e.stdout_data, e.stderr_data)
                    : "reboot: failed to get host boot time info: " + boot.status.message(),
                Value::object({{"reboot", false}}));
  }
  const Shutdown shutdown = ShutdownOf(args, facts);
  std::string path = shutdown.bin;
  if (!Absolute(path)) {
    path.clear();
    for (size_t i = 2; i < reads.size() && path.empty(); ++i) {
      if (reads[i].status.ok() && reads[i].stat.type != FileType::kMissing) {
        path = ListArg(args, "search_paths")[i - 2] + "/" + shutdown.bin;
      }
    }
    if (path.empty()) {
      Value dirs = Value::array();
      for (const std::string& d : ListArg(args, "search_paths")) dirs.push_back(d);
      return fail(fmt::format("Unable to find command \"{}\" in search paths: {}", shutdown.bin,
                              PyRepr(dirs)),
                  Value::object());
    }
  }
  Await await;
  if (shutdown.custom) {
    // reboot_command is a line of shell, as in Ansible; the path found is
    // quoted into it.
    await.command = {"/bin/sh", "-c", ShellQuote(path) + " " + shutdown.rest};
  } else if (shutdown.bin == "reboot") {
    await.command = {path};
  } else {
    await.command = {path, "-r", std::to_string(NonNegative(args, "pre_reboot_delay") / 60),
                     StringArg(args, "msg")};
  }
  await.delay_seconds = NonNegative(args, "post_reboot_delay");
  await.boot_id_argv = {"/bin/sh", "-c", StringArg(args, "boot_time_command")};
  await.boot_id = Trim(boot.exec.stdout_data);
  await.test = {"/bin/sh", "-c", StringArg(args, "test_command")};
  await.timeout_seconds = args.value("reboot_timeout", 600);
  await.connect_timeout_seconds = NonNegative(args, "connect_timeout");
  Action action;
  action.kind = Action::Kind::kAwait;
  action.await = std::move(await);
  change.changed = true;
  change.actions.push_back(std::move(action));
  change.message = "would reboot with " + path;
  change.result = Value::object({{"elapsed", 0}, {"rebooted", true}});
  change.reports = true;
  change.predictable = true;
  change.command_output = false;
  return change;
}

Result<Change> RebootModule::Report(const Value& args, const ExecResult& output) const {
  Result<AwaitReport> report = AwaitReport::Parse(output);
  if (!report.ok()) return report.status();
  Change change;
  change.result = Value::object({{"elapsed", report->elapsed}, {"rebooted", true}});
  if (report->stage == "done") {
    change.changed = true;
    return change;
  }
  change.failed = true;
  if (report->stage == "command") {
    change.result["rebooted"] = false;
    change.message = fmt::format("Reboot command failed. Error was: '{}, {}'",
                                 Trim(report->stdout_data), Trim(report->stderr_data));
    return change;
  }
  const int timeout = args.value("reboot_timeout", 600);
  change.message =
      fmt::format("Timed out waiting for {} (timeout={}): {}{}",
                  report->stage == "boot_id" ? "last boot time check" : "post-reboot test command",
                  timeout, TimedOutHint(report->stage, timeout),
                  report->error.empty() ? "" : " (last try: " + report->error + ")");
  return change;
}

}  // namespace hostprep::modules
