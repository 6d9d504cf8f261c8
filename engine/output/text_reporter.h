// Human output in the shape ansible-playbook users know: a line per task
// result per host, diffs under it with --diff, a live progress line when the
// output is a terminal, and the PLAY RECAP block.
#ifndef HOSTPREP_ENGINE_OUTPUT_TEXT_REPORTER_H_
#define HOSTPREP_ENGINE_OUTPUT_TEXT_REPORTER_H_

#include <cstdio>

#include "engine/output/reporter.h"

namespace hostprep {

struct TextReporterOptions {
  bool show_diff = false;
  bool show_ok = true;  // print "ok" and "skipped" lines (false: only changes and failures)
  bool color = false;
  bool progress = false;  // a live progress line (only on a terminal)
  int verbosity = 0;      // -v: show stdout/stderr of commands
  bool show_stats = false;  // --stats: what the run cost per host, after the recap
};

class TextReporter : public Reporter {
 public:
  // Writes to `out` (not owned; must outlive the reporter).
  TextReporter(std::FILE* out, TextReporterOptions options);

  void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                 bool check_mode) override;
  void Task(const TaskEvent& event) override;
  void Progress(size_t done, size_t running, size_t total) override;
  void Warning(const std::string& message) override;
  void Recap(const std::map<std::string, HostStats>& stats,
             const std::vector<std::string>& host_order) override;
  void RunEnd(int exit_code) override;

 private:
  void ClearProgress();
  void Write(const std::string& text);
  std::string Paint(const std::string& text, const char* color) const;

  std::FILE* out_;
  TextReporterOptions options_;
  bool progress_shown_ = false;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_TEXT_REPORTER_H_
