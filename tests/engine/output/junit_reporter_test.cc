#include "engine/output/junit_reporter.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/engine/output/output_test_util.h"

namespace hostprep {
namespace {

using testing::Event;

TEST_CASE("junit report has a suite per play and a case per result") {
  JunitReporter r("/nonexistent/report.xml");
  r.PlayStart("nodes", {"n1", "n2"}, false);
  r.Task(Event("n1", "swap off", TaskStatus::kChanged));
  r.Task(Event("n2", "swap off", TaskStatus::kFailed, "write /etc/fstab: <denied> & \"more\""));
  r.Task(Event("n1", "debian only", TaskStatus::kSkipped, "condition 'x' was false"));
  CHECK(r.Xml() ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"hostprep\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" "
        "time=\"0.750\">\n"
        "  <testsuite name=\"nodes\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" "
        "time=\"0.750\">\n"
        "    <testcase classname=\"n1\" name=\"swap off\" time=\"0.250\">\n"
        "      <system-out>changed</system-out>\n"
        "    </testcase>\n"
        "    <testcase classname=\"n2\" name=\"swap off\" time=\"0.250\">\n"
        "      <failure type=\"failed\" message=\"write /etc/fstab: &lt;denied&gt; &amp; "
        "&quot;more&quot;\"></failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"n1\" name=\"debian only\" time=\"0.250\">\n"
        "      <skipped message=\"condition &apos;x&apos; was false\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

TEST_CASE("junit failures carry the command's output, as UTF-8 without control characters") {
  JunitReporter r("");
  r.PlayStart("nodes", {"n1"}, false);
  TaskEvent e = Event("n1", "apt", TaskStatus::kFailed, "non-zero return code");
  e.result = {{"rc", 100}, {"stdout", "Reading lists\x1b[0m\n"}, {"stderr", "E: bad \xff byte"}};
  r.Task(e);
  r.Task(Event("n1", "unreachable one", TaskStatus::kUnreachable, "connect: refused"));
  const std::string xml = r.Xml();
  CHECK(xml.find("      <failure type=\"failed\" message=\"non-zero return code\">stdout:\n"
                 "Reading lists[0m\nstderr:\nE: bad \xef\xbf\xbd byte\n</failure>\n") !=
        std::string::npos);
  CHECK(xml.find("<failure type=\"unreachable\" message=\"connect: refused\"></failure>") !=
        std::string::npos);
  CHECK(xml.find("failures=\"2\" errors=\"0\"") != std::string::npos);
}

TEST_CASE("junit report is written at the end of the run, or says why not") {
  char dir[] = "/tmp/hostprep-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/report.xml";
  JunitReporter r(path);
  r.PlayStart("p", {"n1"}, false);
  r.Task(Event("n1", "t", TaskStatus::kOk));
  r.RunEnd(0);
  CHECK(r.write_status().ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == r.Xml());
  std::remove(path.c_str());
  rmdir(dir);

  JunitReporter bad("/nonexistent/dir/report.xml");
  bad.RunEnd(0);
  CHECK(bad.write_status().message() ==
        "--junit /nonexistent/dir/report.xml: No such file or directory");
}

}  // namespace
}  // namespace hostprep
