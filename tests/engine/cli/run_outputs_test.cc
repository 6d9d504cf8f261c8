#include "engine/cli/run_outputs.h"

#include <doctest/doctest.h>

#include <tuple>

#include "engine/output/results_reporter.h"
#include "tests/engine/run/scheduler_test_util.h"
#include "tests/junit_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::TempTree;

RunOutputOptions Options(std::string junit, std::string results, std::string shard,
                         std::string retry_failed) {
  RunOutputOptions o;
  o.junit = std::move(junit);
  o.results = std::move(results);
  o.shard = std::move(shard);
  o.retry_failed = std::move(retry_failed);
  return o;
}

HostStats Stats(int ok, int failed, int unreachable) {
  HostStats s;
  s.ok = ok;
  s.failed = failed;
  s.unreachable = unreachable;
  return s;
}

TEST_CASE("report files in a directory that does not exist are refused before the run") {
  TempTree tree;
  struct Row {
    RunOutputOptions options;
    std::string message;
  };
  const std::vector<Row> rows = {
      {Options("/nonexistent/out/report.xml", "", "", ""),
       "--junit /nonexistent/out/report.xml: the directory /nonexistent/out does not exist "
       "(create it first)"},
      {Options("", tree.dir(), "", ""),
       "--results " + tree.dir() + ": is a directory (give the file to write in it)"},
      {Options("", "", "4/3", ""),
       "--shard 4/3: the shard must be from 1 to 3 (shards count from 1)"},
      {Options("", "", "", tree.dir() + "/none.json"),
       "--retry-failed " + tree.dir() + "/none.json: cannot read: No such file or directory"},
  };
  for (const Row& row : rows) {
    RunOptions run;
    CHECK(ApplyRunOutputOptions(row.options, &run).message() == row.message);
  }
}

TEST_CASE("--retry-failed takes the hosts that failed or were unreachable") {
  TempTree tree;
  ResultsReporter earlier(tree.dir() + "/r.json", {});
  earlier.PlayStart("p", {"a", "b", "c"}, false);
  earlier.Recap({{"a", Stats(1, 0, 0)}, {"b", Stats(0, 1, 0)}, {"c", Stats(0, 0, 1)}},
                {"a", "b", "c"});
  earlier.RunEnd(2);
  RunOptions run;
  REQUIRE(ApplyRunOutputOptions(Options("", "", "1/2", tree.dir() + "/r.json"), &run).ok());
  CHECK(run.retry_hosts == std::set<std::string>{"b", "c"});
  CHECK(run.shard_index == 1);
  CHECK(run.shard_count == 2);
}

TEST_CASE("the exit code of results follows ansible-playbook's precedence") {
  struct Row {
    bool failed, unreachable, changed, detailed;
    std::string error;
    int code;
  };
  const std::vector<Row> rows = {
      {false, false, false, false, "", 0},
      {false, false, true, false, "", 0},
      {false, false, true, true, "", 6},
      {false, true, false, false, "", 3},
      {true, true, false, false, "", 2},
      {true, false, true, true, "", 2},
      {true, true, true, true, "play 'x': bad", 4},
  };
  for (const Row& row : rows) {
    RunResults r;
    r.failed = row.failed;
    r.unreachable = row.unreachable;
    r.changed = row.changed;
    r.detailed_exitcode = row.detailed;
    r.error = row.error;
    CHECK(ResultsExitCode(r) == row.code);
  }
}

constexpr char kPlaybook[] = R"(
- name: prepare
  hosts: all
  gather_facts: false
  tasks:
    - name: write
      put: {path: /etc/a, content: x}
    - name: odd only
      run: "true"
      when: inventory_hostname in ['h1', 'h3', 'h5', 'h7', 'h9', 'h11']
    - name: fail h4
      run: "false"
      when: inventory_hostname == 'h4'
- name: second
  hosts: all
  gather_facts: false
  tasks:
    - name: again
      put: {path: /etc/b, content: y}
)";

constexpr char kInventory[] = "h1,h2,h3,h4,h5,h6,h7,h8,h9,h10,h11,h12,";

// A run of kPlaybook over FakeTransports as --results records it.
RunResults Run(int shard, int shards) {
  testing::SchedulerFixture f;
  f.options.shard_index = shard;
  f.options.shard_count = shards;
  Diagnostics diags;
  std::unique_ptr<Inventory> inv = Inventory::Load({kInventory}, &diags);
  ResultsReporter results("", inv->host_names());
  testing::Recorder rec;
  TeeReporter tee({&rec, &results});
  Diagnostics pd;
  std::unique_ptr<Playbook> pb = ParsePlaybookString(kPlaybook, f.path, f.modules, &pd);
  REQUIRE(pb != nullptr);
  Scheduler s(*pb, *inv, f.modules, &f.hosts, &tee, f.options);
  RunSummary summary = s.Run();
  results.results()->failed = summary.failed;
  results.results()->unreachable = summary.unreachable;
  results.results()->changed = summary.changed;
  results.RunEnd(summary.exit_code());
  return *results.results();
}

// The JUnit of `results`, normalised (junit_test_util.h).
std::string NormalJunit(const RunResults& results) {
  JunitReporter junit("");
  ReplayResults(results, &junit);
  return testing::NormalJunit(junit.Xml());
}

TEST_CASE("three shards merged give the recap, JUnit and exit code of one run") {
  const RunResults one = Run(0, 0);
  Result<RunResults> merged = MergeResults({Run(1, 3), Run(2, 3), Run(3, 3)}, {"1", "2", "3"});
  REQUIRE_MESSAGE(merged.ok(), merged.message());
  CHECK(ResultsExitCode(one) == 2);
  CHECK(ResultsExitCode(*merged) == ResultsExitCode(one));
  REQUIRE(merged->hosts.size() == one.hosts.size());
  for (size_t i = 0; i < one.hosts.size(); ++i) {
    const HostStats& a = one.hosts[i].stats;
    const HostStats& b = merged->hosts[i].stats;
    CHECK(merged->hosts[i].host == one.hosts[i].host);
    CHECK(std::tie(a.ok, a.changed, a.failed, a.skipped, a.unreachable) ==
          std::tie(b.ok, b.changed, b.failed, b.skipped, b.unreachable));
  }
  CHECK(HostsToRetry(*merged) == std::vector<std::string>{"h4"});
  CHECK(NormalJunit(*merged) == NormalJunit(one));
  CHECK(NormalJunit(one).find("<failure type=\"failed\"") != std::string::npos);
}

}  // namespace
}  // namespace hostprep
