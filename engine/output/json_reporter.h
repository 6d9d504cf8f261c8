// Machine output: one JSON object per line (JSON Lines), for CI and tools.
// Events: play_start, task (one per result), warning, recap, run_end. Every
// event has "event"; times are seconds as numbers.
#ifndef HOSTPREP_ENGINE_OUTPUT_JSON_REPORTER_H_
#define HOSTPREP_ENGINE_OUTPUT_JSON_REPORTER_H_

#include <cstdio>

#include "engine/output/reporter.h"

namespace hostprep {

class JsonReporter : public Reporter {
 public:
  // Writes to `out` (not owned). `include_diff`: put diffs in task events.
  JsonReporter(std::FILE* out, bool include_diff);

  void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                 bool check_mode) override;
  void Task(const TaskEvent& event) override;
  void Progress(size_t, size_t, size_t) override {}
  void Warning(const std::string& message) override;
  void Recap(const std::map<std::string, HostStats>& stats,
             const std::vector<std::string>& host_order) override;
  void RunEnd(int exit_code) override;

 private:
  void Emit(const Value& event);
  std::FILE* out_;
  bool include_diff_;
};

Value HostStatsToJson(const HostStats& s);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_JSON_REPORTER_H_
