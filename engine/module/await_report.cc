// AwaitReport (engine/module/module.h): how the engine tells a module what
// an Await did, through the ExecResult that Module::Report reads.
#include "engine/module/module.h"

namespace hostprep {

std::string AwaitReport::ToJson() const {
  return Value::object({{"stage", stage},
                        {"elapsed", elapsed},
                        {"rc", rc},
                        {"stdout", stdout_data},
                        {"stderr", stderr_data},
                        {"error", error}})
      .dump();
}

Result<AwaitReport> AwaitReport::Parse(const ExecResult& output) {
  const Value v = Value::parse(output.stdout_data, nullptr, false);
  if (v.is_discarded() || !v.is_object() || !v.contains("stage") || !v["stage"].is_string()) {
    return Status::Error("internal error: the engine's report of a wait is not one: " +
                         output.stdout_data);
  }
  AwaitReport r;
  r.stage = v["stage"].get<std::string>();
  r.elapsed = v.value("elapsed", 0);
  r.rc = v.value("rc", 0);
  r.stdout_data = v.value("stdout", "");
  r.stderr_data = v.value("stderr", "");
  r.error = v.value("error", "");
  return r;
}

}  // namespace hostprep
