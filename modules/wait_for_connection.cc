#include "modules/wait_for_connection.h"

#include <fmt/format.h>

#include <algorithm>

#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec WaitForConnectionSpec() {
  ArgSpec spec;
  spec.name = "wait_for_connection";
  spec.ansible_names = {"ansible.builtin.wait_for_connection",
                        "ansible.legacy.wait_for_connection"};
  spec.summary = "wait until the host answers a command over its connection";
  spec.description =
      "Ansible's wait_for_connection action. After `delay` seconds, runs a trivial command "
      "(`true`, where Ansible runs its ping module) until it succeeds, every `sleep` seconds "
      "for at most `timeout` seconds; after a failure the connection is dropped and made "
      "again, each within `connect_timeout`. On a host already reachable that is one round "
      "trip over the connection the run has, and what was read before still holds. "
      "Registers `elapsed` (whole seconds); never changes the host; skipped in check mode, "
      "as in Ansible. The task cannot be delegated (delegate_to).";
  spec.args = {
      {"connect_timeout",
       ArgType::kInt,
       false,
       5,
       {},
       {},
       "Seconds each new connection may take before it is given up and tried again."},
      {"delay", ArgType::kInt, false, 0, {}, {}, "Seconds to wait before the first try."},
      {"sleep", ArgType::kInt, false, 1, {}, {}, "Seconds to wait between two tries."},
      {"timeout",
       ArgType::kInt,
       false,
       600,
       {},
       {},
       "Seconds to wait at most for the host to answer."},
  };
  spec.examples = R"(- name: wait until the host is back
  ansible.builtin.wait_for_connection:
    delay: 10
    timeout: 300
)";
  return spec;
}

}  // namespace

WaitForConnectionModule::WaitForConnectionModule() : spec_(WaitForConnectionSpec()) {}

std::vector<Read> WaitForConnectionModule::Probe(const Value& args, const Value& facts) const {
  (void)args;
  (void)facts;
  return {};
}

Result<Change> WaitForConnectionModule::Plan(const Value& args,
                                             const std::vector<ReadResult>& reads,
                                             const Value& facts) const {
  (void)reads;
  (void)facts;
  Await await;
  await.delay_seconds = std::max(0, args.value("delay", 0));
  await.sleep_seconds = std::max(1, args.value("sleep", 1));
  await.timeout_seconds = args.value("timeout", 600);
  await.connect_timeout_seconds = std::max(1, args.value("connect_timeout", 5));
  Action action;
  action.kind = Action::Kind::kAwait;
  action.await = std::move(await);
  Change change;
  change.actions.push_back(std::move(action));
  change.result = Value::object({{"elapsed", 0}});
  change.reports = true;
  change.command_output = false;
  change.check_mode_skip = "wait_for_connection: skipping for check_mode";
  return change;
}

Result<Change> WaitForConnectionModule::Report(const Value& args, const ExecResult& output) const {
  Result<AwaitReport> report = AwaitReport::Parse(output);
  if (!report.ok()) return report.status();
  Change change;
  change.result = Value::object({{"elapsed", report->elapsed}});
  if (report->stage == "done") return change;
  change.failed = true;
  const int timeout = args.value("timeout", 600);
  change.message = fmt::format(
      "timed out waiting for ping module test: {} (the host did not run a command within "
      "timeout={} s: raise timeout if it needs longer to come back)",
      report->error.empty() ? "no answer" : report->error, timeout);
  return change;
}

}  // namespace hostprep::modules
