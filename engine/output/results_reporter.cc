#include "engine/output/results_reporter.h"

#include "engine/base/secrets.h"
#include "engine/output/atomic_file.h"

namespace hostprep {

ResultsReporter::ResultsReporter(std::string path, const std::vector<std::string>& inventory_order)
    : path_(std::move(path)) {
  for (size_t i = 0; i < inventory_order.size(); ++i)
    inventory_index_.emplace(inventory_order[i], static_cast<int>(i));
}

void ResultsReporter::PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                                bool check_mode) {
  results_.plays.push_back(play);
  results_.check_mode = results_.check_mode || check_mode;
  for (const std::string& h : hosts)
    first_play_.emplace(h, static_cast<int>(results_.plays.size()) - 1);
}

void ResultsReporter::Task(const TaskEvent& event) {
  ResultRecord record;
  record.play = results_.plays.empty() ? 0 : static_cast<int>(results_.plays.size()) - 1;
  if (results_.plays.empty()) results_.plays.push_back(event.play);
  record.event.host = event.host;
  record.event.task = event.task;
  record.event.item = event.item;
  record.event.status = event.status;
  record.event.changed = event.changed;
  record.event.message = event.message;
  record.event.duration_seconds = event.duration_seconds;
  // Only what the file keeps (RecordToJson): a failure's output.
  if (event.status == TaskStatus::kFailed || event.status == TaskStatus::kUnreachable) {
    record.event.diff = event.diff;
    for (const char* stream : {"stdout", "stderr"}) {
      auto it = event.result.is_object() ? event.result.find(stream) : event.result.end();
      if (it != event.result.end() && it->is_string()) record.event.result[stream] = *it;
    }
  }
  results_.results.push_back(std::move(record));
}

void ResultsReporter::Recap(const std::map<std::string, HostStats>& stats,
                            const std::vector<std::string>& host_order) {
  results_.hosts.clear();
  for (const std::string& h : host_order) {
    auto it = stats.find(h);
    if (it == stats.end()) continue;
    HostResult host;
    host.host = h;
    host.stats = it->second;
    auto play = first_play_.find(h);
    host.first_play = play == first_play_.end() ? 0 : play->second;
    auto index = inventory_index_.find(h);
    host.inventory_index = index == inventory_index_.end() ? -1 : index->second;
    results_.hosts.push_back(std::move(host));
  }
}

void ResultsReporter::RunEnd(int exit_code) {
  results_.exit_code = exit_code;
  if (path_.empty()) return;
  const std::string text =
      ResultsToJson(results_).dump(-1, ' ', false, Value::error_handler_t::replace);
  write_status_ = WriteFileAtomically("--results", path_, Secrets::Redact(text) + "\n");
}

}  // namespace hostprep
