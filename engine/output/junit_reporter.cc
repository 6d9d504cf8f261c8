#include "engine/output/junit_reporter.h"

#include <fmt/format.h>

#include <string_view>

#include "engine/base/secrets.h"
#include "engine/base/text.h"
#include "engine/output/atomic_file.h"

namespace hostprep {

namespace {

bool Failed(const TaskEvent& e) {
  return e.status == TaskStatus::kFailed || e.status == TaskStatus::kUnreachable;
}

// Text for an attribute or element: bytes that are not UTF-8 become U+FFFD
// and control characters go, so that every CI parser takes the file.
std::string XmlText(std::string_view text) { return XmlEscaped(ReplaceInvalidUtf8(text)); }

}  // namespace

std::string JunitFailureOutput(const TaskEvent& e) {
  std::string out;
  if (e.result.is_object()) {
    for (const char* stream : {"stdout", "stderr"}) {
      auto it = e.result.find(stream);
      if (it == e.result.end() || !it->is_string() || it->get<std::string>().empty()) continue;
      std::string text = it->get<std::string>();
      if (text.back() != '\n') text += '\n';
      out += fmt::format("{}:\n{}", stream, text);
    }
  }
  if (!e.diff.empty()) out += "diff:\n" + e.diff + (e.diff.back() == '\n' ? "" : "\n");
  return out;
}

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
                           XmlText(e.host), XmlText(name), e.duration_seconds);
      time += e.duration_seconds;
      if (Failed(e)) {
        ++failures;
        cases += fmt::format(">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                             TaskStatusName(e.status), XmlText(e.message),
                             XmlText(JunitFailureOutput(e)));
        cases += "    </testcase>\n";
      } else if (e.status == TaskStatus::kSkipped) {
        ++skipped;
        cases += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                             XmlText(e.message));
      } else {
        cases += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                             TaskStatusName(e.status));
      }
    }
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
        "time=\"{:.3f}\">\n{}  </testsuite>\n",
        XmlText(suite.name), suite.cases.size(), failures, skipped, time, cases);
    all_tests += static_cast<int>(suite.cases.size());
    all_failures += failures;
    all_skipped += skipped;
    all_time += time;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"hostprep\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n{}</testsuites>\n",
      all_tests, all_failures, all_skipped, all_time, body);
}

void JunitReporter::RunEnd(int) {
  write_status_ = WriteFileAtomically("--junit", path_, Secrets::Redact(Xml()));
}

}  // namespace hostprep
