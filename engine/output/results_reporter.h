// Collects a run into RunResults for --results FILE (run_results.h) and
// writes the file at RunEnd, atomically, secrets redacted. The run's
// outcome flags (RunSummary's) are not reporter calls: the caller sets them
// through results() before RunEnd.
#ifndef HOSTPREP_ENGINE_OUTPUT_RESULTS_REPORTER_H_
#define HOSTPREP_ENGINE_OUTPUT_RESULTS_REPORTER_H_

#include <map>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/output/reporter.h"
#include "engine/output/run_results.h"

namespace hostprep {

class ResultsReporter : public Reporter {
 public:
  // `path`: where RunEnd writes ("" = nowhere: the results stay in
  // results()). `inventory_order`: the inventory's hosts in order, for each
  // host's inventory_index.
  ResultsReporter(std::string path, const std::vector<std::string>& inventory_order);

  void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                 bool check_mode) override;
  void Task(const TaskEvent& event) override;
  void Progress(size_t, size_t, size_t) override {}
  void Warning(const std::string&) override {}
  void Recap(const std::map<std::string, HostStats>& stats,
             const std::vector<std::string>& host_order) override;
  void RunEnd(int exit_code) override;

  RunResults* results() { return &results_; }
  // The result of writing the file at RunEnd.
  const Status& write_status() const { return write_status_; }

 private:
  std::string path_;
  std::map<std::string, int> inventory_index_;
  std::map<std::string, int> first_play_;
  RunResults results_;
  Status write_status_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_RESULTS_REPORTER_H_
