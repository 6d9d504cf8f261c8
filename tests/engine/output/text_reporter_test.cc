#include "engine/output/text_reporter.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "engine/output/json_reporter.h"

namespace hostprep {
namespace {

// Captures what a reporter writes to a FILE*.
class Capture {
 public:
  Capture() : file_(open_memstream(&buf_, &size_)) {}
  ~Capture() {
    std::fclose(file_);
    std::free(buf_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

TaskEvent Event(TaskStatus status, const std::string& message = "") {
  TaskEvent e;
  e.host = "node1";
  e.task = "containerd config";
  e.task_id = "containerd-config";
  e.status = status;
  e.changed = status == TaskStatus::kChanged;
  e.message = message;
  e.diff = "--- before: /etc/x\n+++ after: /etc/x\n@@ -1 +1 @@\n-a\n+b\n";
  return e;
}

TEST_CASE("text output prints one line per task result, diffs only with --diff") {
  Capture out;
  TextReporter r(out.file(), TextReporterOptions{});
  r.Task(Event(TaskStatus::kChanged));
  r.Task(Event(TaskStatus::kFailed, "write /etc/x: permission denied"));
  CHECK(out.text() ==
        "changed: [node1] containerd config\n"
        "failed: [node1] containerd config => write /etc/x: permission denied\n");
}

TEST_CASE("text output shows what debug and assert display, even for an ok task") {
  Capture out;
  TextReporterOptions options;
  options.show_ok = false;  // ok tasks hidden, but not what they display
  TextReporter r(out.file(), options);
  TaskEvent shown = Event(TaskStatus::kOk);
  shown.task = "where";
  shown.display = Value::object({{"msg", "node1 runs Debian"}});
  r.Task(shown);
  r.Task(Event(TaskStatus::kOk));  // nothing to show: hidden
  TaskEvent failed = Event(TaskStatus::kFailed, "too small");
  failed.task = "check";
  failed.display = Value::object({{"assertion", "cpus >= 2"}, {"msg", "too small"}});
  r.Task(failed);
  CHECK(out.text() ==
        "ok: [node1] where => {\n"
        "    \"msg\": \"node1 runs Debian\"\n"
        "}\n"
        "failed: [node1] check => {\n"
        "    \"assertion\": \"cpus >= 2\",\n"
        "    \"msg\": \"too small\"\n"
        "}\n");
}

TEST_CASE("text and json output show where a delegated task ran, as Ansible does") {
  Capture text;
  TextReporter r(text.file(), TextReporterOptions{});
  TaskEvent e = Event(TaskStatus::kChanged);
  e.delegate = "db(10.0.0.9)";
  e.item = "one";
  r.Task(e);
  CHECK(text.text() == "changed: [node1 -> db(10.0.0.9)] containerd config (item=one)\n");
  Capture json;
  JsonReporter j(json.file(), false);
  j.Task(e);
  Value event = Value::parse(json.text());
  CHECK(event["host"] == "node1");
  CHECK(event["delegate_to"] == "db(10.0.0.9)");
}

TEST_CASE("text output indents the diff under its result line") {
  Capture out;
  TextReporterOptions opts;
  opts.show_diff = true;
  TextReporter r(out.file(), opts);
  r.Task(Event(TaskStatus::kChanged));
  CHECK(out.text() ==
        "changed: [node1] containerd config\n"
        "  --- before: /etc/x\n"
        "  +++ after: /etc/x\n"
        "  @@ -1 +1 @@\n"
        "  -a\n"
        "  +b\n");
}

TEST_CASE("text output ends with ansible's PLAY RECAP block") {
  Capture out;
  TextReporter r(out.file(), TextReporterOptions{});
  HostStats s;
  s.ok = 5;
  s.changed = 2;
  s.skipped = 1;
  r.Recap({{"node1", s}, {"node2", HostStats{}}}, {"node1", "node2"});
  CHECK(out.text() ==
        "\nPLAY RECAP ********************************************************************\n"
        "node1                      : ok=5    changed=2    unreachable=0    failed=0    "
        "skipped=1    rescued=0    ignored=0\n"
        "node2                      : ok=0    changed=0    unreachable=0    failed=0    "
        "skipped=0    rescued=0    ignored=0\n");
}

TEST_CASE("text output with --stats adds what the run cost each host after the recap") {
  Capture out;
  TextReporterOptions options;
  options.show_stats = true;
  TextReporter r(out.file(), options);
  HostStats s;
  s.ok = 20;
  s.cost = {1, 3862, 60013, 0.29, 0.167, 0};
  r.Recap({{"node1", s}}, {"node1"});
  const std::string text = out.text();
  CHECK(text.substr(text.find("\nRUN STATS")) ==
        "\nRUN STATS *********************************************************************\n"
        "host                       round trips       sent   received   connect     probe     "
        "apply\n"
        "node1                                1     3862 B   58.6 KiB    0.290s    0.167s    "
        "0.000s\n");
}

TEST_CASE("json output is one event per line") {
  Capture out;
  JsonReporter r(out.file(), true);
  r.Task(Event(TaskStatus::kChanged));
  r.RunEnd(0);
  std::string text = out.text();
  size_t nl = text.find('\n');
  REQUIRE(nl != std::string::npos);
  Value task = Value::parse(text.substr(0, nl));
  CHECK(task["event"] == "task");
  CHECK(task["host"] == "node1");
  CHECK(task["status"] == "changed");
  CHECK(task["changed"] == true);
  CHECK(task["diff"].get<std::string>().find("+b") != std::string::npos);
  CHECK(Value::parse(text.substr(nl + 1)) == Value({{"event", "run_end"}, {"exit_code", 0}}));
}

}  // namespace
}  // namespace hostprep
