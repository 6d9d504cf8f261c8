#include "engine/output/run_results.h"

#include <doctest/doctest.h>

#include "engine/output/results_reporter.h"
#include "tests/engine/output/output_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::TempTree;

using testing::Event;

// A shard's run as its ResultsReporter records it.
RunResults Shard(const std::vector<std::string>& hosts, const std::string& failing) {
  ResultsReporter r("", {"n1", "n2", "n3", "n4"});
  r.PlayStart("nodes", hosts, false);
  std::map<std::string, HostStats> stats;
  for (const std::string& h : hosts) {
    TaskEvent e = Event(h, "swap off", h == failing ? TaskStatus::kFailed : TaskStatus::kChanged,
                        h == failing ? "swapoff: permission denied" : "");
    e.result = {{"rc", 1}, {"stdout", "out of " + h}, {"stderr", "err"}};
    r.Task(e);
    (h == failing ? stats[h].failed : stats[h].changed) = 1;
  }
  r.Recap(stats, hosts);
  r.results()->failed = !failing.empty();
  r.RunEnd(failing.empty() ? 0 : 2);
  return *r.results();
}

TEST_CASE("results survive their JSON form") {
  RunResults r = Shard({"n2", "n1"}, "n1");
  r.shard = "1/2";
  Result<RunResults> back = ResultsFromJson(ResultsToJson(r), "r.json");
  REQUIRE_MESSAGE(back.ok(), back.message());
  CHECK(ResultsToJson(*back) == ResultsToJson(r));
  CHECK(ResultsToJson(r)["hosts"][1]["state"] == "failed");
  // The output of failures only.
  CHECK(ResultsToJson(r)["results"][0].contains("stdout") == false);
  CHECK(ResultsToJson(r)["results"][1]["stdout"] == "out of n1");
  CHECK(HostsToRetry(r) == std::vector<std::string>{"n1"});
}

TEST_CASE("merged results hold every host once, in inventory order, and or the outcomes") {
  Result<RunResults> merged =
      MergeResults({Shard({"n2", "n4"}, ""), Shard({"n1", "n3"}, "n3")}, {"a.json", "b.json"});
  REQUIRE_MESSAGE(merged.ok(), merged.message());
  std::vector<std::string> order;
  for (const HostResult& h : merged->hosts) order.push_back(h.host);
  CHECK(order == std::vector<std::string>{"n1", "n2", "n3", "n4"});
  CHECK(merged->results.size() == 4);
  CHECK(merged->failed);
  CHECK(merged->plays == std::vector<std::string>{"nodes"});
  CHECK(HostsToRetry(*merged) == std::vector<std::string>{"n3"});
  CHECK(merged->merged_from == std::vector<std::string>{"a.json", "b.json"});
}

TEST_CASE("merge refuses a host in two files and plays that differ") {
  CHECK(
      MergeResults({Shard({"n1", "n2"}, ""), Shard({"n2"}, "")}, {"a.json", "b.json"}).message() ==
      "b.json: host n2 is also in a.json: merge the results of the shards of one run, where "
      "each host is in one shard");
  RunResults other = Shard({"n3"}, "");
  other.plays = {"workers"};
  CHECK(MergeResults({Shard({"n1"}, ""), other}, {"a.json", "b.json"}).message() ==
        "b.json: play 1 is 'workers' but in a.json it is 'nodes': merge the results of one "
        "playbook's runs");
}

TEST_CASE("a shard that stopped early merges with the plays of the others") {
  RunResults longer = Shard({"n1"}, "");
  longer.plays.push_back("workers");
  Result<RunResults> merged = MergeResults({Shard({"n2"}, "n2"), longer}, {"a.json", "b.json"});
  REQUIRE_MESSAGE(merged.ok(), merged.message());
  CHECK(merged->plays == std::vector<std::string>{"nodes", "workers"});
}

TEST_CASE("a file that is not a hostprep results file is refused with what is wrong") {
  TempTree tree;
  const std::string dir = tree.dir();
  tree.Write("text.json", "PLAY RECAP ****\n");
  tree.Write("other.json", R"({"event": "recap"})");
  tree.Write("newer.json", R"({"hostprep_results": 2})");
  Value doc = ResultsToJson(Shard({"n1"}, ""));
  doc["hosts"][0]["failed"] = "no";
  tree.Write("badtype.json", doc.dump());
  doc = ResultsToJson(Shard({"n1"}, ""));
  doc["hosts"][0]["state"] = "failed";
  tree.Write("badstate.json", doc.dump());
  doc = ResultsToJson(Shard({"n1"}, ""));
  doc["results"][0]["status"] = "fine";
  tree.Write("badstatus.json", doc.dump());
  doc = ResultsToJson(Shard({"n1"}, ""));
  doc.erase("plays");
  tree.Write("noplays.json", doc.dump());
  struct Row {
    std::string file;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"missing.json", "missing.json: cannot read: No such file or directory"},
      {"text.json",
       "text.json: not a hostprep results file (not JSON; hostprep run --results FILE writes one)"},
      {"other.json",
       "other.json: not a hostprep results file (it has no \"hostprep_results\" key; hostprep "
       "run --results FILE writes one)"},
      {"newer.json",
       "newer.json: results format 2 is not the one this hostprep reads (1): merge results of "
       "the same hostprep version"},
      {"badtype.json", "badtype.json: hosts[0].failed: expected a whole number"},
      {"badstate.json",
       "badstate.json: hosts[0].state: 'failed' does not agree with the counts (they say 'ok')"},
      {"badstatus.json", "badstatus.json: results[0].status: unknown status 'fine'"},
      {"noplays.json", "noplays.json: plays: missing"},
  };
  for (const Row& row : rows) {
    const std::string path = dir + "/" + row.file;
    CHECK(ReadResultsFile(path).message() == dir + "/" + row.message);
  }
}

TEST_CASE("the results reporter writes its file at the end of the run, or says why not") {
  TempTree tree;
  ResultsReporter r(tree.dir() + "/results.json", {"n1"});
  r.PlayStart("nodes", {"n1"}, false);
  r.Task(Event("n1", "t", TaskStatus::kOk));
  HostStats stats;
  stats.ok = 1;
  r.Recap({{"n1", stats}}, {"n1"});
  r.RunEnd(0);
  REQUIRE(r.write_status().ok());
  Result<RunResults> back = ReadResultsFile(tree.dir() + "/results.json");
  REQUIRE_MESSAGE(back.ok(), back.message());
  CHECK(back->hosts.at(0).host == "n1");
  CHECK(back->hosts.at(0).inventory_index == 0);

  ResultsReporter bad("/nonexistent/dir/results.json", {});
  bad.RunEnd(0);
  CHECK(bad.write_status().message() ==
        "--results /nonexistent/dir/results.json: No such file or directory");
}

}  // namespace
}  // namespace hostprep
