// Task results for the reporters' tests.
#ifndef HOSTPREP_TESTS_ENGINE_OUTPUT_OUTPUT_TEST_UTIL_H_
#define HOSTPREP_TESTS_ENGINE_OUTPUT_OUTPUT_TEST_UTIL_H_

#include <string>

#include "engine/output/reporter.h"

namespace hostprep::testing {

// A result of `task` on `host` that took a quarter of a second.
inline TaskEvent Event(const std::string& host, const std::string& task, TaskStatus status,
                       const std::string& message = "") {
  TaskEvent e;
  e.host = host;
  e.task = task;
  e.status = status;
  e.message = message;
  e.duration_seconds = 0.25;
  return e;
}

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_OUTPUT_OUTPUT_TEST_UTIL_H_
