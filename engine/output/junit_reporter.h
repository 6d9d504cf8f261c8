// A JUnit XML report for CI systems (--junit FILE): one <testsuite> per play,
// one <testcase> per task result per host (classname = host, name = task),
// failed and unreachable results as <failure> (the message as its message,
// the command's output as its text), skipped ones as <skipped> with the
// reason. The elements and attributes are those GitLab, Jenkins and GitHub
// read. The file is written at RunEnd, atomically (temp file + rename), so a
// CI job never reads half a report; secrets are redacted.
#ifndef HOSTPREP_ENGINE_OUTPUT_JUNIT_REPORTER_H_
#define HOSTPREP_ENGINE_OUTPUT_JUNIT_REPORTER_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/output/reporter.h"

namespace hostprep {

// The text of a failed result's <failure>: its stdout, stderr and diff,
// each under a "stdout:" (...) line; "" when it has none.
std::string JunitFailureOutput(const TaskEvent& event);

class JunitReporter : public Reporter {
 public:
  explicit JunitReporter(std::string path);

  void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                 bool check_mode) override;
  void Task(const TaskEvent& event) override;
  void Progress(size_t, size_t, size_t) override {}
  void Warning(const std::string&) override {}
  void Recap(const std::map<std::string, HostStats>&, const std::vector<std::string>&) override {}
  void RunEnd(int exit_code) override;

  // The XML as it would be written now.
  std::string Xml() const;
  // The result of writing the file at RunEnd.
  const Status& write_status() const { return write_status_; }

 private:
  struct Suite {
    std::string name;
    std::vector<TaskEvent> cases;
  };
  std::string path_;
  std::vector<Suite> suites_;
  Status write_status_;
};

// Sends every call to each of its reporters, in order. Borrows them.
class TeeReporter : public Reporter {
 public:
  explicit TeeReporter(std::vector<Reporter*> reporters) : reporters_(std::move(reporters)) {}
  void PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                 bool check_mode) override {
    for (Reporter* r : reporters_) r->PlayStart(play, hosts, check_mode);
  }
  void Task(const TaskEvent& event) override {
    for (Reporter* r : reporters_) r->Task(event);
  }
  void Progress(size_t done, size_t running, size_t total) override {
    for (Reporter* r : reporters_) r->Progress(done, running, total);
  }
  void Warning(const std::string& message) override {
    for (Reporter* r : reporters_) r->Warning(message);
  }
  void Recap(const std::map<std::string, HostStats>& stats,
             const std::vector<std::string>& host_order) override {
    for (Reporter* r : reporters_) r->Recap(stats, host_order);
  }
  void RunEnd(int exit_code) override {
    for (Reporter* r : reporters_) r->RunEnd(exit_code);
  }

 private:
  std::vector<Reporter*> reporters_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_JUNIT_REPORTER_H_
