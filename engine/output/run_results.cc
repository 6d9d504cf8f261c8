#include "engine/output/run_results.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "engine/output/json_reporter.h"

namespace hostprep {

std::string HostResult::state() const {
  return stats.unreachable > 0 ? "unreachable" : stats.failed > 0 ? "failed" : "ok";
}

namespace {

bool IsFailure(TaskStatus s) { return s == TaskStatus::kFailed || s == TaskStatus::kUnreachable; }

Value RecordToJson(const ResultRecord& r) {
  const TaskEvent& e = r.event;
  Value out = {{"play", r.play},       {"host", e.host},
               {"task", e.task},       {"status", TaskStatusName(e.status)},
               {"changed", e.changed}, {"duration", e.duration_seconds}};
  if (!e.item.empty()) out["item"] = e.item;
  if (!e.message.empty()) out["message"] = e.message;
  // The output of failures only: what a JUnit <failure> shows; the rest
  // would make a 10,000-host file large for nothing.
  if (IsFailure(e.status)) {
    for (const char* stream : {"stdout", "stderr"}) {
      auto it = e.result.is_object() ? e.result.find(stream) : e.result.end();
      if (it != e.result.end() && it->is_string() && !it->get<std::string>().empty())
        out[stream] = *it;
    }
    if (!e.diff.empty()) out["diff"] = e.diff;
  }
  return out;
}

}  // namespace

Value ResultsToJson(const RunResults& r) {
  Value hosts = Value::array();
  for (const HostResult& h : r.hosts) {
    Value host = {{"host", h.host},
                  {"state", h.state()},
                  {"first_play", h.first_play},
                  {"inventory_index", h.inventory_index}};
    const Value stats = HostStatsToJson(h.stats);
    for (auto it = stats.begin(); it != stats.end(); ++it) host[it.key()] = it.value();
    hosts.push_back(std::move(host));
  }
  Value results = Value::array();
  for (const ResultRecord& record : r.results) results.push_back(RecordToJson(record));
  Value doc = {{"hostprep_results", kResultsFormat},
               {"playbook", r.playbook},
               {"shard", r.shard.empty() ? Value() : Value(r.shard)},
               {"check_mode", r.check_mode},
               {"plays", r.plays},
               {"hosts", std::move(hosts)},
               {"results", std::move(results)},
               {"changed", r.changed},
               {"failed", r.failed},
               {"unreachable", r.unreachable},
               {"error", r.error},
               {"detailed_exitcode", r.detailed_exitcode},
               {"exit_code", r.exit_code}};
  if (!r.merged_from.empty()) doc["merged_from"] = r.merged_from;
  return doc;
}

namespace {

// Reads typed fields, remembering the first problem as "FILE: PATH: what".
class ResultFieldReader {
 public:
  explicit ResultFieldReader(std::string file) : file_(std::move(file)) {}

  const Value* Get(const Value& obj, const std::string& where, const char* key, bool required) {
    auto it = obj.find(key);
    if (it != obj.end() && !it->is_null()) return &*it;
    if (required) Fail(Path(where, key), "missing");
    return nullptr;
  }
  std::string String(const Value& obj, const std::string& where, const char* key,
                     bool required = true) {
    const Value* v = Get(obj, where, key, required);
    if (v == nullptr) return "";
    if (!v->is_string()) return Fail(Path(where, key), "expected a string"), "";
    return v->get<std::string>();
  }
  long long Int(const Value& obj, const std::string& where, const char* key, bool required = true) {
    const Value* v = Get(obj, where, key, required);
    if (v == nullptr) return 0;
    if (!v->is_number_integer()) return Fail(Path(where, key), "expected a whole number"), 0;
    return v->get<long long>();
  }
  double Number(const Value& obj, const std::string& where, const char* key) {
    const Value* v = Get(obj, where, key, false);
    if (v == nullptr) return 0;
    if (!v->is_number()) return Fail(Path(where, key), "expected a number"), 0;
    return v->get<double>();
  }
  bool Bool(const Value& obj, const std::string& where, const char* key) {
    const Value* v = Get(obj, where, key, true);
    if (v == nullptr) return false;
    if (!v->is_boolean()) return Fail(Path(where, key), "expected true or false"), false;
    return v->get<bool>();
  }
  const Value& Array(const Value& obj, const char* key) {
    static const Value kEmpty = Value::array();
    const Value* v = Get(obj, "", key, true);
    if (v == nullptr) return kEmpty;
    if (!v->is_array()) return Fail(key, "expected a list"), kEmpty;
    return *v;
  }
  void Fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = fmt::format("{}: {}: {}", file_, path, what);
  }
  const std::string& error() const { return error_; }

 private:
  static std::string Path(const std::string& where, const char* key) {
    return where.empty() ? key : where + "." + key;
  }
  std::string file_;
  std::string error_;
};

std::optional<TaskStatus> StatusNamed(const std::string& name) {
  for (TaskStatus s : {TaskStatus::kOk, TaskStatus::kChanged, TaskStatus::kSkipped,
                       TaskStatus::kFailed, TaskStatus::kUnreachable, TaskStatus::kIgnored}) {
    if (name == TaskStatusName(s)) return s;
  }
  return std::nullopt;
}

HostResult ReadHost(ResultFieldReader* in, const Value& h, const std::string& where) {
  HostResult out;
  if (!h.is_object()) return in->Fail(where, "expected a mapping"), out;
  out.host = in->String(h, where, "host");
  out.first_play = static_cast<int>(in->Int(h, where, "first_play"));
  out.inventory_index = static_cast<int>(in->Int(h, where, "inventory_index"));
  HostStats& s = out.stats;
  const std::pair<const char*, int*> counts[] = {
      {"ok", &s.ok},          {"changed", &s.changed}, {"unreachable", &s.unreachable},
      {"failed", &s.failed},  {"skipped", &s.skipped}, {"rescued", &s.rescued},
      {"ignored", &s.ignored}};
  for (const auto& [key, field] : counts) *field = static_cast<int>(in->Int(h, where, key));
  if (const Value* cost = in->Get(h, where, "cost", false); cost != nullptr && cost->is_object()) {
    const std::string at = where + ".cost";
    s.cost.round_trips = static_cast<uint64_t>(in->Int(*cost, at, "round_trips", false));
    s.cost.bytes_sent = static_cast<uint64_t>(in->Int(*cost, at, "bytes_sent", false));
    s.cost.bytes_received = static_cast<uint64_t>(in->Int(*cost, at, "bytes_received", false));
    s.cost.connect_seconds = in->Number(*cost, at, "connect_seconds");
    s.cost.probe_seconds = in->Number(*cost, at, "probe_seconds");
    s.cost.apply_seconds = in->Number(*cost, at, "apply_seconds");
  }
  const std::string state = in->String(h, where, "state");
  if (in->error().empty() && state != out.state()) {
    in->Fail(where + ".state", fmt::format("'{}' does not agree with the counts (they say '{}')",
                                           state, out.state()));
  }
  return out;
}

ResultRecord ReadRecord(ResultFieldReader* in, const Value& r, const std::string& where,
                        size_t plays) {
  ResultRecord out;
  if (!r.is_object()) return in->Fail(where, "expected a mapping"), out;
  out.play = static_cast<int>(in->Int(r, where, "play"));
  if (in->error().empty() && (out.play < 0 || static_cast<size_t>(out.play) >= plays)) {
    in->Fail(where + ".play",
             fmt::format("{} is not the index of one of the {} plays", out.play, plays));
  }
  TaskEvent& e = out.event;
  e.host = in->String(r, where, "host");
  e.task = in->String(r, where, "task");
  const std::string status = in->String(r, where, "status");
  if (std::optional<TaskStatus> s = StatusNamed(status)) {
    e.status = *s;
  } else if (in->error().empty()) {
    in->Fail(where + ".status", fmt::format("unknown status '{}'", status));
  }
  e.changed = in->Bool(r, where, "changed");
  e.duration_seconds = in->Number(r, where, "duration");
  e.item = in->String(r, where, "item", false);
  e.message = in->String(r, where, "message", false);
  e.diff = in->String(r, where, "diff", false);
  for (const char* stream : {"stdout", "stderr"}) {
    std::string text = in->String(r, where, stream, false);
    if (!text.empty()) e.result[stream] = text;
  }
  return out;
}

}  // namespace

Result<RunResults> ResultsFromJson(const Value& doc, const std::string& file) {
  if (!doc.is_object() || !doc.contains("hostprep_results")) {
    return Status::Error(fmt::format(
        "{}: not a hostprep results file (it has no \"hostprep_results\" key; hostprep run "
        "--results FILE writes one)",
        file));
  }
  const Value& format = doc["hostprep_results"];
  if (!format.is_number_integer() || format.get<long long>() != kResultsFormat) {
    return Status::Error(fmt::format(
        "{}: results format {} is not the one this hostprep reads ({}): merge results of the "
        "same hostprep version",
        file, format.dump(), kResultsFormat));
  }
  ResultFieldReader in(file);
  RunResults out;
  out.playbook = in.String(doc, "", "playbook");
  out.shard = in.String(doc, "", "shard", false);
  out.check_mode = in.Bool(doc, "", "check_mode");
  const Value& plays = in.Array(doc, "plays");
  for (size_t i = 0; i < plays.size(); ++i) {
    if (plays[i].is_string()) {
      out.plays.push_back(plays[i].get<std::string>());
    } else {
      in.Fail(fmt::format("plays[{}]", i), "expected a string");
    }
  }
  const Value& hosts = in.Array(doc, "hosts");
  for (size_t i = 0; i < hosts.size() && in.error().empty(); ++i)
    out.hosts.push_back(ReadHost(&in, hosts[i], fmt::format("hosts[{}]", i)));
  const Value& results = in.Array(doc, "results");
  for (size_t i = 0; i < results.size() && in.error().empty(); ++i) {
    out.results.push_back(
        ReadRecord(&in, results[i], fmt::format("results[{}]", i), out.plays.size()));
  }
  out.changed = in.Bool(doc, "", "changed");
  out.failed = in.Bool(doc, "", "failed");
  out.unreachable = in.Bool(doc, "", "unreachable");
  out.error = in.String(doc, "", "error");
  out.detailed_exitcode = in.Bool(doc, "", "detailed_exitcode");
  out.exit_code = static_cast<int>(in.Int(doc, "", "exit_code"));
  if (!in.error().empty()) return Status::Error(in.error());
  return out;
}

Result<RunResults> ReadResultsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Error(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  Value doc = Value::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status::Error(
        fmt::format("{}: not a hostprep results file (not JSON; hostprep run --results FILE "
                    "writes one)",
                    path));
  }
  return ResultsFromJson(doc, path);
}

namespace {

// The plays of all parts: each part's list must be a prefix of the longest
// (a shard whose hosts all failed stops before the others' last plays).
Result<std::vector<std::string>> MergePlays(const std::vector<RunResults>& parts,
                                            const std::vector<std::string>& files) {
  size_t longest = 0;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].plays.size() > parts[longest].plays.size()) longest = i;
  }
  const std::vector<std::string>& plays = parts[longest].plays;
  for (size_t i = 0; i < parts.size(); ++i) {
    for (size_t p = 0; p < parts[i].plays.size(); ++p) {
      if (parts[i].plays[p] == plays[p]) continue;
      return Status::Error(fmt::format(
          "{}: play {} is '{}' but in {} it is '{}': merge the results of one playbook's runs",
          files[i], p + 1, parts[i].plays[p], files[longest], plays[p]));
    }
  }
  return plays;
}

}  // namespace

Result<RunResults> MergeResults(std::vector<RunResults> parts,
                                const std::vector<std::string>& files) {
  RunResults out;
  if (parts.empty()) return out;
  Result<std::vector<std::string>> plays = MergePlays(parts, files);
  if (!plays.ok()) return plays.status();
  out.plays = *plays;
  out.playbook = parts[0].playbook;
  out.merged_from = files;
  std::map<std::string, size_t> file_of_host;
  for (size_t i = 0; i < parts.size(); ++i) {
    RunResults& part = parts[i];
    for (HostResult& h : part.hosts) {
      auto [it, added] = file_of_host.emplace(h.host, i);
      if (!added) {
        return Status::Error(fmt::format(
            "{}: host {} is also in {}: merge the results of the shards of one run, where each "
            "host is in one shard",
            files[i], h.host, files[it->second]));
      }
      out.hosts.push_back(std::move(h));
    }
    out.check_mode = out.check_mode || part.check_mode;
    out.changed = out.changed || part.changed;
    out.failed = out.failed || part.failed;
    out.unreachable = out.unreachable || part.unreachable;
    out.detailed_exitcode = out.detailed_exitcode || part.detailed_exitcode;
    if (out.error.empty()) out.error = part.error;
  }
  // The recap order of one run over all the hosts: by the play each host
  // first ran in, then by its place in the inventory.
  std::stable_sort(out.hosts.begin(), out.hosts.end(),
                   [](const HostResult& a, const HostResult& b) {
                     return std::pair(a.first_play, a.inventory_index) <
                            std::pair(b.first_play, b.inventory_index);
                   });
  for (size_t play = 0; play < out.plays.size(); ++play) {
    for (RunResults& part : parts) {
      for (ResultRecord& r : part.results) {
        if (static_cast<size_t>(r.play) == play) out.results.push_back(std::move(r));
      }
    }
  }
  return out;
}

std::vector<std::string> HostsToRetry(const RunResults& results) {
  std::vector<std::string> out;
  for (const HostResult& h : results.hosts) {
    if (h.state() != "ok") out.push_back(h.host);
  }
  return out;
}

void ReplayResults(const RunResults& results, Reporter* reporter) {
  for (size_t play = 0; play < results.plays.size(); ++play) {
    std::vector<std::string> hosts;
    for (const HostResult& h : results.hosts) {
      if (static_cast<size_t>(h.first_play) <= play) hosts.push_back(h.host);
    }
    reporter->PlayStart(results.plays[play], hosts, results.check_mode);
    for (const ResultRecord& r : results.results) {
      if (static_cast<size_t>(r.play) != play) continue;
      TaskEvent e = r.event;
      e.play = results.plays[play];
      reporter->Task(e);
    }
  }
  std::map<std::string, HostStats> stats;
  std::vector<std::string> order;
  for (const HostResult& h : results.hosts) {
    stats[h.host] = h.stats;
    order.push_back(h.host);
  }
  reporter->Recap(stats, order);
}

}  // namespace hostprep
