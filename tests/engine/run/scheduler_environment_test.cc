// `environment` through the whole run: merged from the play, a block and
// the task, rendered per host, handed to commands as argv data.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

using Fixture = testing::SchedulerFixture;
using testing::Recorder;

// The argv of every command run on `host`.
std::vector<std::vector<std::string>> Commands(FakeTransport& host) {
  std::vector<std::vector<std::string>> out;
  for (const FakeTransport::Call& c : host.calls()) {
    if (c.kind == FakeTransport::Call::Kind::kExec && !c.argv.empty() && c.argv[0] == "env")
      out.push_back(c.argv);
  }
  return out;
}

TEST_CASE("environment reaches commands as env NAME=value words, inner layers winning") {
  Fixture f;
  f.hosts["h1"].AddExecResponse({"env"}, ExecResult{0, "", ""});
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  environment: {PROXY: "http://{{ inventory_hostname }}:3128", LEVEL: play}
  vars: {secret: "a b; rm -rf /"}
  tasks:
    - block:
        - name: cmd
          run: apply
          environment: {LEVEL: task, ODD: "{{ secret }}"}
      environment: {LEVEL: block, BLOCK: "yes"}
    - {name: plain, put: {path: /etc/x, content: "x"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  const std::vector<std::vector<std::string>> commands = Commands(f.hosts["h1"]);
  REQUIRE(commands.size() == 1);
  // One word per variable: a value is never shell code.
  CHECK(commands[0] == std::vector<std::string>{"env", "PROXY=http://h1:3128", "LEVEL=task",
                                                "BLOCK=yes", "ODD=a b; rm -rf /", "apply"});
}

TEST_CASE("environment that is not a mapping of names fails the task, saying where") {
  Fixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  vars: {env_list: [a, b]}
  tasks:
    - name: cmd
      run: apply
      environment: "{{ env_list }}"
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 2);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].message ==
        "site.yml:8:20: environment must be a mapping of names to values, not list");
}

}  // namespace
}  // namespace hostprep
