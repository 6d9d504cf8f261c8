// The results file of a run (`hostprep run --results FILE`): what CI needs
// after the run, in one JSON document written atomically at its end. It is
// all that `hostprep report merge` (one recap, one JUnit and one exit code
// over the shards of a run) and `hostprep run --retry-failed` read.
//
// {"hostprep_results": 1, "playbook": "site.yml", "shard": "2/3" (or null),
//  "check_mode": false, "plays": ["name", ...],
//  "hosts": [{"host": "n1", "state": "ok"|"failed"|"unreachable",
//             "first_play": 0, "inventory_index": 4, "ok": 3, "changed": 1,
//             "unreachable": 0, "failed": 0, "skipped": 1, "rescued": 0,
//             "ignored": 0, "cost": {...}}, ...]          (recap order)
//  "results": [{"play": 0, "host": "n1", "task": "t", "item": "x",
//               "status": "failed", "changed": false, "message": "...",
//               "duration": 0.12, "stdout": "...", "stderr": "...",
//               "diff": "..."}, ...]   (stdout, stderr, diff: failures only)
//  "changed": true, "failed": false, "unreachable": false, "error": "",
//  "detailed_exitcode": false, "exit_code": 0, "merged_from": [...]}
//
// A host's state is "unreachable" when the recap counts it unreachable,
// "failed" when it counts a failure, else "ok" (Ansible's retry files take
// the same hosts). Pure data and conversions; no I/O but ReadResultsFile.
#ifndef HOSTPREP_ENGINE_OUTPUT_RUN_RESULTS_H_
#define HOSTPREP_ENGINE_OUTPUT_RUN_RESULTS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/output/reporter.h"

namespace hostprep {

inline constexpr int kResultsFormat = 1;

struct HostResult {
  std::string host;
  HostStats stats;
  int first_play = 0;        // index of the first play the host was in
  int inventory_index = -1;  // its place in the inventory; -1 = not in it
  // "ok", "failed" or "unreachable", from the counts.
  std::string state() const;
};

struct ResultRecord {
  int play = 0;  // index into RunResults::plays
  TaskEvent event;
};

struct RunResults {
  std::string playbook;
  std::string shard;  // "I/N"; "" = not sharded
  bool check_mode = false;
  std::vector<std::string> plays;
  std::vector<HostResult> hosts;  // in recap order
  std::vector<ResultRecord> results;
  // The run's outcome (RunSummary's): the exit code follows from these.
  bool changed = false;
  bool failed = false;
  bool unreachable = false;
  std::string error;  // why the playbook could not go on; "" = it could
  bool detailed_exitcode = false;
  int exit_code = 0;
  std::vector<std::string> merged_from;  // the files `report merge` read
};

// The document above. Secrets are not redacted here: the writer does it.
Value ResultsToJson(const RunResults& results);

// Reads a document written by ResultsToJson. Errors name `file` and what is
// wrong: "FILE: not a hostprep results file (...)", "FILE: hosts[2].failed:
// expected a whole number".
Result<RunResults> ResultsFromJson(const Value& doc, const std::string& file);

// Reads and parses the file at `path` ("PATH: cannot read: ..." when it
// cannot be read, "PATH: not a hostprep results file (not JSON: ...)").
Result<RunResults> ReadResultsFile(const std::string& path);

// The results of the shards of one run as one: the plays (the same in each,
// or a file's list is a prefix of the longest, when its run stopped early),
// every host once in recap order, the results play by play, the outcome
// flags or-ed. Refuses a host that is in two files and plays that differ.
// `files[i]` names `parts[i]` in errors. Takes the parts (their results
// move into the merged ones: a 10,000-host fleet's are large).
Result<RunResults> MergeResults(std::vector<RunResults> parts,
                                const std::vector<std::string>& files);

// The hosts whose state is "failed" or "unreachable", in recap order.
std::vector<std::string> HostsToRetry(const RunResults& results);

// Sends the plays, the task results and the recap to `reporter` as a run
// would (no RunEnd): for the JUnit and the PLAY RECAP of merged results.
void ReplayResults(const RunResults& results, Reporter* reporter);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_RUN_RESULTS_H_
