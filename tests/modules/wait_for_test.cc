#include "modules/wait_for.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "modules/scripts.h"
#include "tests/modules/module_test_util.h"
#include "tests/shell_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(WaitForModule(), raw); }

using testing::Ran;

// Runs a read's argv on this machine, as the target would.
ReadResult RunHere(const Read& read) {
  std::string line;
  for (const std::string& a : read.argv) line += testing::SingleQuoted(a) + " ";
  const testing::Output out = testing::RunCommand(line);
  return Ran(out.exit_code, out.text);
}

// Plans `args` the way the engine does: the probe's reads, then what Plan
// asks for, all run here.
Result<Change> PlanHere(const Value& args) {
  WaitForModule module;
  std::vector<ReadResult> results;
  for (const Read& r : module.Probe(args, {})) results.push_back(RunHere(r));
  for (int round = 0; round < 3; ++round) {
    Result<Change> change = module.Plan(args, results, {});
    if (!change.ok() || change->more_reads.empty()) return change;
    for (const Read& r : change->more_reads) results.push_back(RunHere(r));
  }
  return Status::Error("kept asking for reads");
}

TEST_CASE("wait_for refuses Ansible's bad combinations with Ansible's messages") {
  const WaitForModule module;
  struct Row {
    Value args;
    std::vector<std::string> errors;
  };
  const std::vector<Row> rows = {
      {{{"port", 22}, {"path", "/x"}},
       {": port and path parameter can not both be passed to wait_for"}},
      {{{"path", "/x"}, {"state", "stopped"}},
       {"state: state=stopped should only be used for checking a port in the wait_for module"}},
      {{{"path", "/x"}, {"state", "drained"}},
       {"state: state=drained should only be used for checking a port in the wait_for module",
        "port: state=drained needs the port whose connections to wait for"}},
      {{{"port", 22}, {"exclude_hosts", Value::array({"10.0.0.1"})}},
       {"exclude_hosts: exclude_hosts should only be with state=drained"}},
      {{{"port", 22}, {"state", "drained"}, {"active_connection_states", Value::array({"OPEN"})}},
       {"active_connection_states: unknown active_connection_state (OPEN) defined"}},
      {{{"path", "/x"}, {"search_regex", "a("}},
       {"search_regex: Invalid regular expression: bad pattern 'a(': missing ), unterminated "
        "subpattern"}},
      {{{"port", 22}, {"state", "up"}}, {}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.args.dump());
    std::vector<std::string> errors = testing::ArgErrors(module, row.args);
    if (row.args.value("state", "") == "up") {
      CHECK(errors.size() == 1);
      continue;
    }
    CHECK(errors == row.errors);
  }
}

TEST_CASE("wait_for looks once in the probe and waits only when that was not enough") {
  WaitForModule module;
  const Value args = Args({{"port", 8080}, {"timeout", 20}});
  const std::vector<Read> probe = module.Probe(args, {});
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].kind == Read::Kind::kExec);
  CHECK(probe[0].argv[2] == std::string(scripts::kWaitFor));
  CHECK(std::vector<std::string>(probe[0].argv.begin() + 4, probe[0].argv.begin() + 13) ==
        std::vector<std::string>{"once", "port", "started", "20", "0", "1", "5", "127.0.0.1",
                                 "8080"});

  // Already open: ok at once, Ansible's registered values.
  Result<Change> change = module.Plan(args, {Ran(0, "ok 0\n")}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->more_reads.empty());
  CHECK(change->actions.empty());
  CHECK(nlohmann::json::parse(change->result.dump()) ==
        nlohmann::json::parse(R"({"elapsed": 0, "match_groupdict": {}, "match_groups": [],
          "path": null, "port": 8080, "search_regex": null, "state": "started"})"));

  // Not yet: one more read, the wait itself; never made in check mode,
  // where Ansible 2.14 skips the module.
  change = module.Plan(args, {Ran(0, "notyet 0\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->check_mode_skip == "remote module (wait_for) does not support check mode");
  REQUIRE(change->more_reads.size() == 1);
  CHECK(change->more_reads[0].argv[4] == "wait");
  change = module.Plan(args, {Ran(0, "notyet 0\n"), Ran(0, "ok 7\n")}, {});
  REQUIRE(change.ok());
  CHECK(!change->failed);
  CHECK(change->result["elapsed"] == 7);

  change = module.Plan(args, {Ran(0, "notyet 0\n"), Ran(0, "timeout 20\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Timeout when waiting for 127.0.0.1:8080");
  CHECK(change->result == Value{{"elapsed", 20}});

  // A delay, or nothing to look at: no look in the probe, only the wait.
  CHECK(module.Probe(Args({{"port", 8080}, {"delay", 2}}), {}).empty());
  const Value sleep = Args({{"timeout", 3}});
  CHECK(module.Probe(sleep, {}).empty());
  change = module.Plan(sleep, {}, {});
  REQUIRE(change.ok());
  REQUIRE(change->more_reads.size() == 1);
  CHECK(change->more_reads[0].argv[5] == "sleep");
}

TEST_CASE("wait_for gives Ansible's timeout messages, or msg") {
  WaitForModule module;
  struct Row {
    Value args;
    std::string message;
  };
  const std::vector<Row> rows = {
      {{{"port", 80}, {"state", "stopped"}}, "Timeout when waiting for 127.0.0.1:80 to stop."},
      {{{"path", "/run/x"}, {"state", "absent"}}, "Timeout when waiting for /run/x to be absent."},
      {{{"path", "/run/x"}}, "Timeout when waiting for file /run/x"},
      {{{"path", "/log"}, {"search_regex", "ready"}},
       "Timeout when waiting for search string ready in /log"},
      {{{"host", "10.1.1.1"}, {"port", 22}, {"search_regex", "OpenSSH"}},
       "Timeout when waiting for search string OpenSSH in 10.1.1.1:22"},
      {{{"port", 80}, {"state", "drained"}}, "Timeout when waiting for 127.0.0.1:80 to drain"},
      {{{"port", 80}, {"msg", "the web server did not start"}}, "the web server did not start"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.args.dump());
    Result<Change> change =
        module.Plan(Args(row.args), {Ran(0, "notyet 0\n"), Ran(0, "timeout 300\n")}, {});
    REQUIRE(change.ok());
    CHECK(change->failed);
    CHECK(change->message == row.message);
  }
  Result<Change> change =
      module.Plan(Args({{"path", "/etc/passwd/x"}}), {Ran(0, "error 0 Not a directory\n")}, {});
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Failed to stat /etc/passwd/x, Not a directory");
}

TEST_CASE("wait_for registers the groups of the first match in the file, as Python's re") {
  WaitForModule module;
  const Value args = Args({{"path", "/var/log/app.log"},
                           {"search_regex", R"(^listening on (?P<addr>[\d.]+):(\d+)(x)?$)"}});
  Result<Change> change =
      module.Plan(args,
                  {Ran(0,
                       "ok 0\nstat 0 4 root adm 640 1 61 regular file\nstarting\nlistening on "
                       "10.0.0.5:8443\nlistening on 1.1.1.1:1\n")},
                  {});
  REQUIRE(change.ok());
  // Ansible's add_path_info: the file's own state replaces the one waited for.
  CHECK(change->result["state"] == "file");
  CHECK(change->result["mode"] == "0640");
  CHECK(change->result["group"] == "adm");
  CHECK(change->result["gid"] == 4);
  CHECK(change->result["size"] == 61);
  CHECK(change->result["match_groups"] == Value::array({"10.0.0.5", "8443", nullptr}));
  CHECK(change->result["match_groupdict"] == Value{{"addr", "10.0.0.5"}});
}

TEST_CASE("wait_for spells addresses as /proc/net/tcp does") {
  CHECK(ProcNetAddresses("127.0.0.1") ==
        std::vector<std::string>{"0100007F", "0000000000000000FFFF00000100007F"});
  CHECK(ProcNetAddresses("::1") == std::vector<std::string>{"00000000000000000000000001000000"});
  CHECK(ProcNetAddresses("0.0.0.0") ==
        std::vector<std::string>{"00000000", "0000000000000000FFFF000000000000"});
  CHECK(!ProcNetAddresses("localhost"));
  Result<Change> change =
      WaitForModule().Plan(Args({{"port", 80}, {"state", "drained"}, {"host", "web1"}}), {}, {});
  CHECK(change.message() ==
        "state=drained needs an IP address in 'host', not 'web1': hostprep reads /proc/net/tcp "
        "without resolving names");
}

TEST_CASE("wait_for's script waits for paths on this machine, values staying data") {
  testing::TempTree tree;
  // A name with quotes, a command substitution and a line break.
  const std::string hostile = tree.dir() + "/it's \"$(touch " + tree.dir() + "/pwned)\"\nx";
  tree.Write("app.log", "boot\nready: port=8123 'q' $(touch " + tree.dir() + "/pwned2)\n");

  Result<Change> change = PlanHere(Args({{"path", hostile}, {"timeout", 1}, {"sleep", 1}}));
  REQUIRE(change.ok());
  CHECK(change->failed);
  CHECK(change->message == "Timeout when waiting for file " + hostile);
  CHECK(change->result["elapsed"] == 1);

  tree.Write(hostile.substr(tree.dir().size() + 1), "here\n");
  change = PlanHere(Args({{"path", hostile}}));
  REQUIRE(change.ok());
  CHECK(!change->failed);
  CHECK(change->result["elapsed"] == 0);
  change = PlanHere(Args({{"path", hostile}, {"state", "absent"}, {"timeout", 1}}));
  REQUIRE(change.ok());
  CHECK(change->failed);

  const std::string log = tree.dir() + "/app.log";
  change = PlanHere(Args({{"path", log}, {"search_regex", R"(port=(\d+) 'q' \$\(touch)"}}));
  REQUIRE(change.ok());
  CHECK(!change->failed);
  CHECK(change->result["match_groups"] == Value::array({"8123"}));
  change = PlanHere(Args({{"path", log}, {"search_regex", "$(touch pwned3)"}, {"timeout", 1}}));
  REQUIRE(change.ok());
  CHECK(change->failed);

  change = PlanHere(Args({{"path", log + "/below"}, {"timeout", 1}}));
  REQUIRE(change.ok());
  CHECK(change->message == "Failed to stat " + log + "/below, Not a directory");

  change = PlanHere(Args({{"timeout", 1}}));
  REQUIRE(change.ok());
  CHECK(!change->failed);
  CHECK(change->result["elapsed"] == 1);
  CHECK(!std::filesystem::exists(tree.dir() + "/pwned"));
  CHECK(!std::filesystem::exists(tree.dir() + "/pwned2"));
  CHECK(!std::filesystem::exists("pwned3"));
}

}  // namespace
}  // namespace hostprep::modules
