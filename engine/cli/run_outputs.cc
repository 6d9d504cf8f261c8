#include "engine/cli/run_outputs.h"

#include <fmt/format.h>

#include <cstdio>

#include "engine/cli/cli.h"
#include "engine/output/atomic_file.h"
#include "engine/run/host_selection.h"

namespace hostprep {

namespace po = boost::program_options;

void AddRunOutputOptions(po::options_description* desc, RunOutputOptions* out) {
  // clang-format off
  desc->add_options()
      ("junit", po::value(&out->junit), "write a JUnit XML report there at the end (a test case per host and task; GitLab, Jenkins and GitHub read it)")
      ("results", po::value(&out->results), "write the run's results there at the end as JSON: plays, per host the recap and ok/failed/unreachable, per task result the status and message, the exit code (for report merge and --retry-failed)")
      ("shard", po::value(&out->shard), "I/N: run only shard I of N of each play's hosts; a host's shard depends on its name alone, so N runs with the same N cover every host once; serial and max_fail_percentage apply within the shard")
      ("retry-failed", po::value(&out->retry_failed), "a --results FILE of an earlier run: run only the hosts that failed or were unreachable in it (within --limit)")
      ("metrics-file", po::value(&out->metrics_file), "write Prometheus metrics there at the end of the run, atomically (for node_exporter's textfile collector: name it *.prom): per host the changed (with --check: would change), failed and unreachable counts, duration and time of the run");
  // clang-format on
}

Status ApplyRunOutputOptions(const RunOutputOptions& options, RunOptions* run) {
  if (!options.junit.empty()) {
    if (Status s = CheckWritablePath("--junit", options.junit); !s.ok()) return s;
  }
  if (!options.results.empty()) {
    if (Status s = CheckWritablePath("--results", options.results); !s.ok()) return s;
  }
  if (!options.metrics_file.empty()) {
    if (Status s = CheckWritablePath("--metrics-file", options.metrics_file); !s.ok()) return s;
  }
  if (!options.shard.empty()) {
    if (Status s = ParseShard(options.shard, &run->shard_index, &run->shard_count); !s.ok())
      return s;
  }
  if (!options.retry_failed.empty()) {
    Result<RunResults> earlier = ReadResultsFile(options.retry_failed);
    if (!earlier.ok()) return Status::Error("--retry-failed " + earlier.message());
    const std::vector<std::string> hosts = HostsToRetry(*earlier);
    run->retry_hosts.emplace(hosts.begin(), hosts.end());
  }
  return Status::Ok();
}

int ResultsExitCode(const RunResults& results) {
  RunSummary summary;
  summary.changed = results.changed;
  summary.failed = results.failed;
  summary.unreachable = results.unreachable;
  summary.error = results.error;
  const int code = summary.exit_code();
  return code == kExitOk && results.detailed_exitcode && results.changed ? kExitDrift : code;
}

RunOutputs::RunOutputs(const RunOutputOptions& options, const std::string& playbook,
                       const Inventory& inventory, Reporter* main) {
  std::vector<Reporter*> reporters = {main};
  if (!options.junit.empty()) {
    junit_ = std::make_unique<JunitReporter>(options.junit);
    reporters.push_back(junit_.get());
  }
  if (!options.results.empty()) {
    results_ = std::make_unique<ResultsReporter>(options.results, inventory.host_names());
    results_->results()->playbook = playbook;
    results_->results()->shard = options.shard;
    reporters.push_back(results_.get());
  }
  if (!options.metrics_file.empty()) {
    metrics_ = std::make_unique<MetricsReporter>(options.metrics_file, playbook);
    reporters.push_back(metrics_.get());
  }
  tee_ = std::make_unique<TeeReporter>(std::move(reporters));
}

int RunOutputs::Finish(const RunSummary& summary, const RunOptions& run, bool detailed, int code) {
  if (results_) {
    RunResults* r = results_->results();
    r->check_mode = run.check;
    r->changed = summary.changed;
    r->failed = summary.failed;
    r->unreachable = summary.unreachable;
    r->error = summary.error;
    r->detailed_exitcode = detailed;
  }
  tee_->RunEnd(code);
  bool written = true;
  for (const Status* s :
       {junit_ ? &junit_->write_status() : nullptr, results_ ? &results_->write_status() : nullptr,
        metrics_ ? &metrics_->write_status() : nullptr}) {
    if (s == nullptr || s->ok()) continue;
    fmt::print(stderr, "hostprep run: {}\n", s->message());
    written = false;
  }
  return code == kExitOk && !written ? kExitError : code;
}

}  // namespace hostprep
