// --trace FILE: where a run spends its time, as Chrome trace-event JSON
// (opens in Perfetto or chrome://tracing). One lane per host; a span for the
// connection, each probe and apply round trip, and each task.
//
// Thread-safe: workers add spans concurrently.
#ifndef HOSTPREP_ENGINE_OUTPUT_TRACE_H_
#define HOSTPREP_ENGINE_OUTPUT_TRACE_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

class Trace {
 public:
  using Clock = std::chrono::steady_clock;

  Trace() : start_(Clock::now()) {}

  // A complete span on `host`'s lane. `category`: "connect", "probe",
  // "apply", "task".
  void Span(const std::string& host, const std::string& name, const std::string& category,
            Clock::time_point begin, Clock::time_point end, Value args = Value::object());

  // The trace-event JSON document.
  Value ToJson() const;
  // Writes ToJson() to `path` (atomically: a temp file beside it, renamed).
  Status Write(const std::string& path) const;

 private:
  int LaneOf(const std::string& host);  // with mu_ held

  const Clock::time_point start_;
  mutable std::mutex mu_;
  std::map<std::string, int> lanes_;
  std::vector<Value> events_;
};

// Records a span from construction to destruction in `trace` (when not
// null) and adds its length in seconds to `*seconds` (when not null), so the
// trace and --stats read one clock.
class TraceSpan {
 public:
  TraceSpan(Trace* trace, std::string host, std::string name, std::string category,
            double* seconds = nullptr)
      : trace_(trace),
        seconds_(seconds),
        host_(std::move(host)),
        name_(std::move(name)),
        category_(std::move(category)),
        begin_(Trace::Clock::now()) {}
  ~TraceSpan() {
    const Trace::Clock::time_point end = Trace::Clock::now();
    if (seconds_ != nullptr) *seconds_ += std::chrono::duration<double>(end - begin_).count();
    if (trace_ != nullptr) trace_->Span(host_, name_, category_, begin_, end, args_);
  }
  TraceSpan(const TraceSpan&) = delete;
  TraceSpan& operator=(const TraceSpan&) = delete;

  Value& args() { return args_; }

 private:
  Trace* trace_;
  double* seconds_;
  std::string host_, name_, category_;
  Trace::Clock::time_point begin_;
  Value args_ = Value::object();
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_OUTPUT_TRACE_H_
