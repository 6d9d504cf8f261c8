#include "engine/output/metrics_reporter.h"

#include <fmt/format.h>

#include <chrono>

#include "engine/output/atomic_file.h"

namespace hostprep {

namespace {

double SystemNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One metric family: its HELP and TYPE lines, then its samples.
class Family {
 public:
  Family(std::string* out, const char* name, const char* help) : out_(out), name_(name) {
    *out_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  }
  void Sample(const std::string& labels, double value) {
    *out_ += fmt::format("{}{{{}}} {}\n", name_, labels, value);
  }

 private:
  std::string* out_;
  const char* name_;
};

}  // namespace

std::string PrometheusLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

MetricsReporter::MetricsReporter(std::string path, std::string playbook, Clock clock)
    : path_(std::move(path)), playbook_(std::move(playbook)), clock_(std::move(clock)) {
  if (!clock_) clock_ = SystemNow;
  start_ = clock_();
}

void MetricsReporter::PlayStart(const std::string&, const std::vector<std::string>&,
                                bool check_mode) {
  check_mode_ = check_mode_ || check_mode;
}

void MetricsReporter::Task(const TaskEvent& event) { last_result_[event.host] = clock_(); }

void MetricsReporter::Recap(const std::map<std::string, HostStats>& stats,
                            const std::vector<std::string>& host_order) {
  stats_ = stats;
  host_order_ = host_order;
}

std::string MetricsReporter::Text(int exit_code, double now) const {
  const std::string run_labels =
      fmt::format(R"(playbook="{}",check="{}")", PrometheusLabelValue(playbook_), check_mode_);
  struct Host {
    const std::string* name;
    std::string labels;
    const HostStats* stats;
  };
  std::vector<Host> hosts;
  for (const std::string& h : host_order_) {
    auto it = stats_.find(h);
    if (it == stats_.end()) continue;
    hosts.push_back(
        {&h,
         fmt::format(R"(playbook="{}",host="{}",check="{}")", PrometheusLabelValue(playbook_),
                     PrometheusLabelValue(h), check_mode_),
         &it->second});
  }
  std::string out;
  auto per_host = [&](const char* name, const char* help, auto value) {
    Family family(&out, name, help);
    for (const Host& host : hosts) family.Sample(host.labels, value(host));
  };
  per_host("hostprep_host_changed",
           "Tasks that changed on the host in the last run (with check=\"true\": that would "
           "change; more than 0 is drift).",
           [](const Host& h) { return h.stats->changed; });
  per_host("hostprep_host_ok", "Tasks that were ok on the host in the last run.",
           [](const Host& h) { return h.stats->ok; });
  per_host("hostprep_host_failed", "Tasks that failed on the host in the last run.",
           [](const Host& h) { return h.stats->failed; });
  per_host("hostprep_host_skipped", "Tasks skipped on the host in the last run.",
           [](const Host& h) { return h.stats->skipped; });
  per_host("hostprep_host_unreachable", "1 when the host could not be reached in the last run.",
           [](const Host& h) { return h.stats->unreachable > 0 ? 1 : 0; });
  per_host("hostprep_host_round_trips", "SSH round trips the last run cost on the host.",
           [](const Host& h) { return static_cast<double>(h.stats->cost.round_trips); });
  per_host("hostprep_host_duration_seconds",
           "Seconds from the start of the last run to the host's last result.", [&](const Host& h) {
             auto last = last_result_.find(*h.name);
             return (last == last_result_.end() ? now : last->second) - start_;
           });
  per_host("hostprep_host_last_run_timestamp_seconds",
           "Unix time the last run that included the host ended.",
           [&](const Host&) { return now; });
  Family(&out, "hostprep_run_last_timestamp_seconds", "Unix time the last run ended.")
      .Sample(run_labels, now);
  Family(&out, "hostprep_run_duration_seconds", "Seconds the last run took.")
      .Sample(run_labels, now - start_);
  Family(&out, "hostprep_run_exit_code",
         "Exit code of the last run (0 ok, 2 a host failed, 3 unreachable, 4 bad playbook, 6 "
         "drift with --detailed-exitcode).")
      .Sample(run_labels, exit_code);
  Family(&out, "hostprep_run_hosts", "Hosts in the last run's recap.")
      .Sample(run_labels, static_cast<double>(hosts.size()));
  return out;
}

void MetricsReporter::RunEnd(int exit_code) {
  write_status_ = WriteFileAtomically("--metrics-file", path_, Text(exit_code, clock_()));
}

}  // namespace hostprep
