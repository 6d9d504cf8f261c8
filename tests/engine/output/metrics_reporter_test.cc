#include "engine/output/metrics_reporter.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace hostprep {
namespace {

// Prometheus' text exposition format, read strictly: each family's HELP
// and TYPE once and before its samples, its samples together, names and
// label names as the format allows them, label values with only \\ \" \n
// escapes, a float value, no series twice. Returns "" when the text
// follows the rules, else the first line that breaks them and why; fills
// `samples` ("name{labels}" -> value).
std::string CheckExposition(const std::string& text, std::map<std::string, double>* samples) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) [^\n]*)");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|untyped))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\} ([-+]?[0-9.eE+-]+|NaN|[+-]Inf))");
  std::set<std::string> helped, typed, closed, series;
  std::string current;
  std::istringstream in(text);
  std::string line;
  if (text.empty() || text.back() != '\n') return "the text must end with a newline";
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) {
      if (!helped.insert(m[1]).second) return line + ": HELP twice";
      if (!current.empty() && current != m[1].str()) closed.insert(current);
      current = m[1];
    } else if (std::regex_match(line, m, kType)) {
      if (!typed.insert(m[1]).second) return line + ": TYPE twice";
      if (m[1].str() != current) return line + ": TYPE of another family than its HELP";
    } else if (std::regex_match(line, m, kSample)) {
      if (m[1].str() != current || typed.count(current) == 0)
        return line + ": a sample outside its family";
      if (closed.count(m[1]) != 0) return line + ": the family's samples are apart";
      const std::string key = m[1].str() + "{" + m[2].str() + "}";
      if (!series.insert(key).second) return line + ": the same series twice";
      (*samples)[key] = std::stod(m[3].str());
    } else {
      return line + ": not a HELP, TYPE or sample line";
    }
  }
  return "";
}

struct FakeClock {
  double now = 1000;
  MetricsReporter::Clock clock() {
    return [this] { return now; };
  }
};

TaskEvent Event(const std::string& host, TaskStatus status) {
  TaskEvent e;
  e.host = host;
  e.task = "t";
  e.status = status;
  e.changed = status == TaskStatus::kChanged;
  return e;
}

TEST_CASE("the metrics file follows Prometheus' text format and gives each host's run") {
  FakeClock clock;
  MetricsReporter reporter("", "site.yml", clock.clock());
  reporter.PlayStart("p", {"node1", "node2", "node3"}, true);
  clock.now = 1002;
  reporter.Task(Event("node1", TaskStatus::kChanged));
  clock.now = 1005;
  reporter.Task(Event("node2", TaskStatus::kFailed));
  HostStats one, two, three;
  one.ok = 3;
  one.changed = 2;
  one.skipped = 1;
  one.cost.round_trips = 1;
  two.failed = 1;
  three.unreachable = 1;
  reporter.Recap({{"node1", one}, {"node2", two}, {"node3", three}}, {"node1", "node2", "node3"});
  const std::string text = reporter.Text(2, 1010);
  std::map<std::string, double> s;
  REQUIRE_MESSAGE(CheckExposition(text, &s) == "", text);
  const std::string n1 = R"({playbook="site.yml",host="node1",check="true"})";
  const std::string n2 = R"({playbook="site.yml",host="node2",check="true"})";
  const std::string n3 = R"({playbook="site.yml",host="node3",check="true"})";
  const std::string run = R"({playbook="site.yml",check="true"})";
  CHECK(s["hostprep_host_changed" + n1] == 2);
  CHECK(s["hostprep_host_ok" + n1] == 3);
  CHECK(s["hostprep_host_skipped" + n1] == 1);
  CHECK(s["hostprep_host_round_trips" + n1] == 1);
  CHECK(s["hostprep_host_failed" + n1] == 0);
  CHECK(s["hostprep_host_failed" + n2] == 1);
  CHECK(s["hostprep_host_unreachable" + n2] == 0);
  CHECK(s["hostprep_host_unreachable" + n3] == 1);
  CHECK(s["hostprep_host_duration_seconds" + n1] == 2);
  CHECK(s["hostprep_host_duration_seconds" + n2] == 5);
  CHECK(s["hostprep_host_duration_seconds" + n3] == 10);  // no result: the whole run
  CHECK(s["hostprep_host_last_run_timestamp_seconds" + n1] == 1010);
  CHECK(s["hostprep_run_last_timestamp_seconds" + run] == 1010);
  CHECK(s["hostprep_run_duration_seconds" + run] == 10);
  CHECK(s["hostprep_run_exit_code" + run] == 2);
  CHECK(s["hostprep_run_hosts" + run] == 3);
  CHECK(s.size() == 8 * 3 + 4);
}

TEST_CASE("a host name or playbook path cannot add a line or a label to the metrics file") {
  FakeClock clock;
  MetricsReporter reporter("", "dir/\"x\"\\y.yml", clock.clock());
  const std::string hostile = "a\"} 1\nhostprep_host_failed{host=\"b";
  reporter.PlayStart("p", {hostile}, false);
  reporter.Recap({{hostile, HostStats{}}}, {hostile});
  const std::string text = reporter.Text(0, 1000);
  std::map<std::string, double> s;
  REQUIRE_MESSAGE(CheckExposition(text, &s) == "", text);
  CHECK(s.size() == 8 + 4);
  CHECK(text.find(R"(host="a\"} 1\nhostprep_host_failed{host=\"b")") != std::string::npos);
  CHECK(text.find(R"(playbook="dir/\"x\"\\y.yml")") != std::string::npos);
  CHECK(PrometheusLabelValue("a\\b\"c\nd") == R"(a\\b\"c\nd)");
}

TEST_CASE("the metrics file is written whole at the end of the run, or the run says why") {
  char dir[] = "/tmp/hostprep-metrics-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/hostprep.prom";
  FakeClock clock;
  MetricsReporter good(path, "site.yml", clock.clock());
  good.PlayStart("p", {"node1"}, false);
  good.Recap({{"node1", HostStats{}}}, {"node1"});
  good.RunEnd(0);
  CHECK(good.write_status().ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, double> s;
  CHECK(CheckExposition(text.str(), &s) == "");
  CHECK(s[R"(hostprep_run_exit_code{playbook="site.yml",check="false"})"] == 0);
  MetricsReporter bad(std::string(dir) + "/missing/hostprep.prom", "site.yml", clock.clock());
  bad.RunEnd(0);
  CHECK(bad.write_status().message() ==
        "--metrics-file " + std::string(dir) + "/missing/hostprep.prom: No such file or directory");
  std::remove(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace hostprep
