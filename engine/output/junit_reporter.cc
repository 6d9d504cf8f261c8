#include "engine/output/junit_reporter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/base/secrets.h"
#include "engine/base/text.h"

namespace hostprep {

namespace {

bool Failed(const TaskEvent& e) {
  return e.status == TaskStatus::kFailed || e.status == TaskStatus::kUnreachable;
}

}  // namespace

JunitReporter::JunitReporter(std::string path) : path_(std::move(path)) {}

void JunitReporter::PlayStart(const std::string& play, const std::vector<std::string>&, bool) {
  suites_.push_back({play, {}});
}

void JunitReporter::Task(const TaskEvent& event) {
  if (suites_.empty()) suites_.push_back({"", {}});
  suites_.back().cases.push_back(event);
}

std::string JunitReporter::Xml() const {
  std::string body;
  int all_tests = 0, all_failures = 0, all_skipped = 0;
  double all_time = 0;
  for (const Suite& suite : suites_) {
    int failures = 0, skipped = 0;
    double time = 0;
    std::string cases;
    for (const TaskEvent& e : suite.cases) {
      std::string name = e.task + (e.item.empty() ? "" : " (item=" + e.item + ")");
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                           XmlEscaped(e.host), XmlEscaped(name), e.duration_seconds);
      time += e.duration_seconds;
      if (Failed(e)) {
        ++failures;
        cases += fmt::format(">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                             TaskStatusName(e.status), XmlEscaped(e.message), XmlEscaped(e.diff));
        cases += "    </testcase>\n";
      } else if (e.status == TaskStatus::kSkipped) {
        ++skipped;
        cases +=
            fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", XmlEscaped(e.message));
      } else {
        cases += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                             TaskStatusName(e.status));
      }
    }
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
        "time=\"{:.3f}\">\n{}  </testsuite>\n",
        XmlEscaped(suite.name), suite.cases.size(), failures, skipped, time, cases);
    all_tests += static_cast<int>(suite.cases.size());
    all_failures += failures;
    all_skipped += skipped;
    all_time += time;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"hostprep\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n{}</testsuites>\n",
      all_tests, all_failures, all_skipped, all_time, body);
}

void JunitReporter::RunEnd(int) {
  const std::string tmp = path_ + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    write_status_ = Status::Error(fmt::format("--junit {}: {}", path_, std::strerror(errno)));
    return;
  }
  const std::string xml = Secrets::Redact(Xml());
  bool ok = std::fwrite(xml.data(), 1, xml.size(), f) == xml.size();
  ok = std::fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    write_status_ = Status::Error(fmt::format("--junit {}: {}", path_, std::strerror(errno)));
    std::remove(tmp.c_str());
  }
}

}  // namespace hostprep
