// Comparing JUnit reports of runs that happened at different times or in
// several processes: times zeroed, and the test cases of each suite sorted
// (hosts run concurrently, so only the order of their cases may differ).
// Shared by the unit tests of `report merge` and the fleet integration test.
#ifndef HOSTPREP_TESTS_JUNIT_TEST_UTIL_H_
#define HOSTPREP_TESTS_JUNIT_TEST_UTIL_H_

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace hostprep::testing {

// `xml` as JunitReporter writes it, normalised as said above.
inline std::string NormalJunit(const std::string& xml_in) {
  const std::string xml = std::regex_replace(xml_in, std::regex("time=\"[0-9.]+\""), "time=\"0\"");
  const std::string kCaseEnd = "    </testcase>\n";
  std::string out;
  size_t at = 0;
  for (size_t suite; (suite = xml.find("  <testsuite ", at)) != std::string::npos;) {
    const size_t body = xml.find('\n', suite) + 1;
    const size_t end = xml.find("  </testsuite>", body);
    out += xml.substr(at, body - at);
    std::vector<std::string> cases;
    for (size_t c = body; c < end;) {
      const size_t next = xml.find(kCaseEnd, c);
      if (next == std::string::npos || next > end) break;
      cases.push_back(xml.substr(c, next + kCaseEnd.size() - c));
      c = next + kCaseEnd.size();
    }
    std::sort(cases.begin(), cases.end());
    for (const std::string& c : cases) out += c;
    at = end;
  }
  return out + xml.substr(at);
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_JUNIT_TEST_UTIL_H_
