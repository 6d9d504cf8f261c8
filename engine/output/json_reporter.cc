#include "engine/output/json_reporter.h"

#include "engine/base/secrets.h"

namespace hostprep {

JsonReporter::JsonReporter(std::FILE* out, bool include_diff)
    : out_(out), include_diff_(include_diff) {}

void JsonReporter::Emit(const Value& event) {
  // error_handler replace: output stays valid JSON whatever bytes a command printed.
  std::string line = Secrets::Redact(event.dump(-1, ' ', false, Value::error_handler_t::replace));
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void JsonReporter::PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                             bool check_mode) {
  Emit({{"event", "play_start"}, {"play", play}, {"hosts", hosts}, {"check_mode", check_mode}});
}

void JsonReporter::Task(const TaskEvent& e) {
  Value event = {{"event", "task"},
                 {"host", e.host},
                 {"play", e.play},
                 {"task", e.task},
                 {"task_id", e.task_id},
                 {"handler", e.handler},
                 {"status", TaskStatusName(e.status)},
                 {"changed", e.changed},
                 {"check_mode", e.check_mode},
                 {"duration", e.duration_seconds}};
  if (!e.item.empty()) event["item"] = e.item;
  if (!e.delegate.empty()) event["delegate_to"] = e.delegate;
  if (e.item_value) event["item_value"] = *e.item_value;
  if (!e.message.empty()) event["message"] = e.message;
  if (include_diff_ && !e.diff.empty()) event["diff"] = e.diff;
  if (!e.result.empty()) event["result"] = e.result;
  if (!e.display.is_null()) event["display"] = e.display;
  Emit(event);
}

void JsonReporter::Warning(const std::string& message) {
  Emit({{"event", "warning"}, {"message", message}});
}

Value HostStatsToJson(const HostStats& s) {
  return {{"ok", s.ok},
          {"changed", s.changed},
          {"unreachable", s.unreachable},
          {"failed", s.failed},
          {"skipped", s.skipped},
          {"rescued", s.rescued},
          {"ignored", s.ignored},
          {"cost",
           {{"round_trips", s.cost.round_trips},
            {"bytes_sent", s.cost.bytes_sent},
            {"bytes_received", s.cost.bytes_received},
            {"connect_seconds", s.cost.connect_seconds},
            {"probe_seconds", s.cost.probe_seconds},
            {"apply_seconds", s.cost.apply_seconds}}}};
}

void JsonReporter::Recap(const std::map<std::string, HostStats>& stats,
                         const std::vector<std::string>& host_order) {
  Value hosts = Value::object();
  for (const std::string& h : host_order) {
    auto it = stats.find(h);
    if (it != stats.end()) hosts[h] = HostStatsToJson(it->second);
  }
  Emit({{"event", "recap"}, {"hosts", hosts}});
}

void JsonReporter::RunEnd(int exit_code) { Emit({{"event", "run_end"}, {"exit_code", exit_code}}); }

}  // namespace hostprep
