// The metrics file of a run (`hostprep run --metrics-file PATH`): Prometheus'
// text exposition format, for node_exporter's textfile collector, written
// atomically at the end of every run, so that a timer running
// `hostprep run --check` turns drift into an alert (examples/drift).
//
// Per host (labels playbook, host, check): hostprep_host_changed (tasks that
// changed, or under --check would change), hostprep_host_ok, _failed,
// _skipped, hostprep_host_unreachable (0 or 1), hostprep_host_round_trips,
// hostprep_host_duration_seconds (from the start of the run to the host's
// last result) and hostprep_host_last_run_timestamp_seconds. Per run
// (labels playbook, check): hostprep_run_last_timestamp_seconds,
// hostprep_run_duration_seconds, hostprep_run_exit_code, hostprep_run_hosts.
// Label values are escaped as the format says (\\, \", \n), so a host name
// cannot add a line or a label.
//
// Called from the scheduler's coordinator thread only (Reporter); the clock
// is injected for tests.
#ifndef HOSTPREP_ENGINE_OUTPUT_METRICS_REPORTER_H_
#define HOSTPREP_ENGINE_OUTPUT_METRICS_REPORTER_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/output/reporter.h"

namespace hostprep {

class MetricsReporter : public Reporter {
 public:
  // Seconds since the Unix epoch.
  using Clock = std::function<double()>;

  // `path`: where RunEnd writes. `playbook`: the playbook's label value.
  // `clock`: the time now (default: the system clock); read once here, for
  // the start of the run, and at each result and at RunEnd.
  MetricsReporter(std::string path, std::string playbook, Clock clock = {});

  void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                 bool check_mode) override;
  void Task(const TaskEvent& event) override;
  void Progress(size_t, size_t, size_t) override {}
  void Warning(const std::string&) override {}
  void Recap(const std::map<std::string, HostStats>& stats,
             const std::vector<std::string>& host_order) override;
  void RunEnd(int exit_code) override;

  // The text RunEnd writes, for a run that ended with `exit_code` now.
  std::string Text(int exit_code, double now) const;
  // The result of writing the file at RunEnd.
  const Status& write_status() const { return write_status_; }

 private:
  std::string path_;
  std::string playbook_;
  Clock clock_;
  double start_ = 0;
  bool check_mode_ = false;
  std::map<std::string, HostStats> stats_;
  std::vector<std::string> host_order_;
  std::map<std::string, double> last_result_;  // host -> clock at its last result
  Status write_status_;
};

// `value` as a Prometheus label value, quotes not included: \ " and newline
// escaped.
std::string PrometheusLabelValue(const std::string& value);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_METRICS_REPORTER_H_
