#include "engine/output/trace.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/base/secrets.h"

namespace hostprep {

int Trace::LaneOf(const std::string& host) {
  auto it = lanes_.find(host);
  if (it != lanes_.end()) return it->second;
  const int lane = static_cast<int>(lanes_.size()) + 1;
  lanes_[host] = lane;
  // Names the lane in the viewer.
  events_.push_back({{"name", "thread_name"},
                     {"ph", "M"},
                     {"pid", 1},
                     {"tid", lane},
                     {"args", {{"name", host}}}});
  return lane;
}

void Trace::Span(const std::string& host, const std::string& name, const std::string& category,
                 Clock::time_point begin, Clock::time_point end, Value args) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  const auto ts = duration_cast<microseconds>(begin - start_).count();
  const auto dur = duration_cast<microseconds>(end - begin).count();
  std::lock_guard<std::mutex> lock(mu_);
  Value event = {{"name", name}, {"cat", category}, {"ph", "X"},          {"ts", ts},
                 {"dur", dur},   {"pid", 1},        {"tid", LaneOf(host)}};
  if (!args.empty()) event["args"] = std::move(args);
  events_.push_back(std::move(event));
}

Value Trace::ToJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  Value doc = {{"displayTimeUnit", "ms"}, {"traceEvents", Value::array()}};
  doc["traceEvents"].push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", "hostprep"}}}});
  for (const Value& e : events_) doc["traceEvents"].push_back(e);
  return doc;
}

Status Trace::Write(const std::string& path) const {
  const std::string tmp = fmt::format("{}.{}.tmp", path, getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << Secrets::Redact(ToJson().dump(-1, ' ', false, Value::error_handler_t::replace)) << "\n";
    if (!out) {
      std::remove(tmp.c_str());
      return Status::Error(fmt::format("--trace {}: cannot write the trace there", path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return Status::Error(fmt::format("--trace {}: {}", path, ec.message()));
  }
  return Status::Ok();
}

}  // namespace hostprep
