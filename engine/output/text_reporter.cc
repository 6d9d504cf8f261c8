#include "engine/output/text_reporter.h"

#include <fmt/format.h>

#include "engine/base/secrets.h"

namespace hostprep {

const char* TaskStatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kOk:
      return "ok";
    case TaskStatus::kChanged:
      return "changed";
    case TaskStatus::kSkipped:
      return "skipped";
    case TaskStatus::kFailed:
      return "failed";
    case TaskStatus::kUnreachable:
      return "unreachable";
    case TaskStatus::kIgnored:
      return "ignored";
  }
  return "?";
}

namespace {

constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";
constexpr const char* kRed = "31";
constexpr const char* kCyan = "36";

const char* StatusColor(TaskStatus s) {
  switch (s) {
    case TaskStatus::kOk:
      return kGreen;
    case TaskStatus::kChanged:
      return kYellow;
    case TaskStatus::kSkipped:
      return kCyan;
    default:
      return kRed;
  }
}

std::string Indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

TextReporter::TextReporter(std::FILE* out, TextReporterOptions options)
    : out_(out), options_(options) {}

std::string TextReporter::Paint(const std::string& text, const char* color) const {
  if (!options_.color) return text;
  return fmt::format("\033[{}m{}\033[0m", color, text);
}

void TextReporter::ClearProgress() {
  if (!progress_shown_) return;
  std::fputs("\r\033[K", out_);
  progress_shown_ = false;
}

void TextReporter::Write(const std::string& raw) {
  ClearProgress();
  const std::string text = Secrets::Redact(raw);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

void TextReporter::PlayStart(const std::string& play, const std::vector<std::string>& hosts,
                             bool check_mode) {
  std::string title = fmt::format("PLAY [{}]{} ", play, check_mode ? " (check mode)" : "");
  if (title.size() < 79) title += std::string(79 - title.size(), '*');
  Write(fmt::format("\n{}\n", title));
  if (hosts.empty()) Write("skipping: no hosts matched\n");
}

void TextReporter::Task(const TaskEvent& e) {
  bool quiet =
      (e.status == TaskStatus::kOk || e.status == TaskStatus::kSkipped) && e.display.is_null();
  if (quiet && !options_.show_ok) return;
  std::string status = TaskStatusName(e.status);
  if (e.status == TaskStatus::kChanged && e.check_mode) status = "changed";
  // A delegated task shows where it ran, as Ansible does: [node1 -> node2].
  const std::string host = e.delegate.empty() ? e.host : e.host + " -> " + e.delegate;
  std::string line = fmt::format("{}: [{}] {}{}", Paint(status, StatusColor(e.status)), host,
                                 e.handler ? "handler: " : "", e.task);
  if (!e.item.empty()) line += fmt::format(" (item={})", e.item);
  if (!e.display.is_null()) {
    // As Ansible shows debug and assert: the value as indented JSON with
    // sorted keys (an assert's message is in it).
    const nlohmann::json sorted = e.display;
    line += " => " + sorted.dump(4, ' ', false, nlohmann::json::error_handler_t::replace);
  } else if (!e.message.empty()) {
    line += " => " + e.message;
  }
  std::string text = line + "\n";
  if (options_.verbosity > 0 && e.result.is_object()) {
    for (const char* stream : {"stdout", "stderr"}) {
      auto it = e.result.find(stream);
      if (it != e.result.end() && it->is_string() && !it->get<std::string>().empty()) {
        text += fmt::format("  {}:\n{}", stream, Indent(it->get<std::string>(), "    "));
      }
    }
  }
  if (options_.show_diff && !e.diff.empty()) text += Indent(e.diff, "  ");
  Write(text);
}

void TextReporter::Progress(size_t done, size_t running, size_t total) {
  if (!options_.progress) return;
  ClearProgress();
  fmt::print(out_, "[{}/{} hosts done, {} running]", done, total, running);
  std::fflush(out_);
  progress_shown_ = true;
}

void TextReporter::Warning(const std::string& message) {
  Write(Paint("[WARNING]: " + message, kRed) + "\n");
}

namespace {

std::string Bytes(uint64_t n) {
  if (n < 10 * 1024) return fmt::format("{} B", n);
  if (n < 10 * 1024 * 1024) return fmt::format("{:.1f} KiB", n / 1024.0);
  return fmt::format("{:.1f} MiB", n / (1024.0 * 1024.0));
}

// --stats: one line per host after the recap.
std::string CostTable(const std::map<std::string, HostStats>& stats,
                      const std::vector<std::string>& host_order) {
  std::string out = "\nRUN STATS " + std::string(69, '*') + "\n";
  out += fmt::format("{:<26} {:>11} {:>10} {:>10} {:>9} {:>9} {:>9}\n", "host", "round trips",
                     "sent", "received", "connect", "probe", "apply");
  for (const std::string& h : host_order) {
    auto it = stats.find(h);
    if (it == stats.end()) continue;
    const HostCost& c = it->second.cost;
    out += fmt::format("{:<26} {:>11} {:>10} {:>10} {:>8.3f}s {:>8.3f}s {:>8.3f}s\n", h,
                       c.round_trips, Bytes(c.bytes_sent), Bytes(c.bytes_received),
                       c.connect_seconds, c.probe_seconds, c.apply_seconds);
  }
  return out;
}

}  // namespace

void TextReporter::Recap(const std::map<std::string, HostStats>& stats,
                         const std::vector<std::string>& host_order) {
  std::string out = "\nPLAY RECAP " + std::string(68, '*') + "\n";
  for (const std::string& h : host_order) {
    auto it = stats.find(h);
    if (it == stats.end()) continue;
    const HostStats& s = it->second;
    const char* color = s.failed || s.unreachable ? kRed : s.changed ? kYellow : kGreen;
    // Ansible's exact layout: people grep it.
    std::string name = fmt::format("{:<26}", h);
    std::string line = fmt::format(
        "{} : ok={:<4} changed={:<4} unreachable={:<4} failed={:<4} skipped={:<4} "
        "rescued={:<4} ignored={:<4}",
        Paint(name, color), s.ok, s.changed, s.unreachable, s.failed, s.skipped, s.rescued,
        s.ignored);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  if (options_.show_stats) out += CostTable(stats, host_order);
  Write(out);
}

void TextReporter::RunEnd(int exit_code) {
  (void)exit_code;
  ClearProgress();
}

}  // namespace hostprep
