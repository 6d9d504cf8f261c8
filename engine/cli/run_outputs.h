// hostprep run's options for CI, fleets and monitoring: --junit FILE,
// --results FILE, --metrics-file FILE, --shard I/N and --retry-failed FILE. Everything here is
// checked before any host is contacted; the report files are written at the end of the run.
#ifndef HOSTPREP_ENGINE_CLI_RUN_OUTPUTS_H_
#define HOSTPREP_ENGINE_CLI_RUN_OUTPUTS_H_

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/inventory/inventory.h"
#include "engine/output/junit_reporter.h"
#include "engine/output/metrics_reporter.h"
#include "engine/output/results_reporter.h"
#include "engine/output/run_results.h"
#include "engine/run/run_options.h"
#include "engine/run/scheduler.h"

namespace hostprep {

// The options as typed.
struct RunOutputOptions {
  std::string junit;         // --junit FILE
  std::string results;       // --results FILE
  std::string shard;         // --shard I/N
  std::string retry_failed;  // --retry-failed FILE (a --results file)
  std::string metrics_file;  // --metrics-file FILE
};

// Adds the options to `desc`.
void AddRunOutputOptions(boost::program_options::options_description* desc, RunOutputOptions* out);

// Checks them (the report files' directories exist and are writable, I/N is
// a shard, the --retry-failed file is a results file) and stores --shard
// and --retry-failed's hosts in *run. The error is the whole message after
// "hostprep run: ".
[[nodiscard]] Status ApplyRunOutputOptions(const RunOutputOptions& options, RunOptions* run);

// The exit code of results as RunSummary::exit_code computes a run's
// (ansible-playbook's precedence), with --detailed-exitcode's drift code
// when the run asked for it: what `report merge` exits with.
int ResultsExitCode(const RunResults& results);

// The reporters of --junit, --results and --metrics-file beside the run's own.
class RunOutputs {
 public:
  // Borrows `main` and `inventory`; both must outlive this.
  RunOutputs(const RunOutputOptions& options, const std::string& playbook,
             const Inventory& inventory, Reporter* main);

  // Where the scheduler reports: `main`, then the report files' reporters.
  Reporter* reporter() { return tee_.get(); }

  // Ends the run on every reporter with `code`, writing the report files,
  // after recording `summary` in the results. A report that could not be
  // written is said on stderr and turns an exit code of 0 into 1: a CI job
  // must not pass without the report it asked for. Returns the exit code.
  int Finish(const RunSummary& summary, const RunOptions& run, bool detailed, int code);

 private:
  std::unique_ptr<JunitReporter> junit_;
  std::unique_ptr<ResultsReporter> results_;
  std::unique_ptr<MetricsReporter> metrics_;
  std::unique_ptr<TeeReporter> tee_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_RUN_OUTPUTS_H_
