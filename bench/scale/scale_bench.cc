// The controller at fleet scale, measured without a fleet: the real engine
// (scheduler, host plans, task executor, shell transport's scripts and their
// parsing) runs a playbook on N simulated hosts whose transport answers each
// round trip after an injected latency with what a real host answered.
//
// How the answers are made: the playbook first runs for real on this machine
// (`connection: local`, under a temp dir given as project_root), first run
// and re-run, through a transport that records every command's result in
// order. A simulated host then replays that sequence: its k-th round trip
// gets the k-th recorded answer, after sleeping the latency (connecting
// costs 3 round trips: TCP, key exchange, authentication). So every
// simulated host does exactly what a real one would cost the controller,
// without a process or a socket per host.
//
// Prints one JSON object: hosts, forks, latency, the phase measured (first
// run or re-run), wall seconds, CPU seconds (user + system) and per host,
// peak RSS, peak threads and peak open file descriptors of this process, and
// the recap's totals, checked: every host must end as the recorded host did
// (exit 1 otherwise, naming the first host that did not).
//
// Usage: hostprep_scale_bench --hosts N [--forks F] [--latency-ms L]
//                             [--phase first|rerun] [--playbook PATH] [--var K=V]...
// The playbook's hosts group is `nodes`; it must do the same on every host
// (the same files with the same content), since every host replays one host's
// answers: --var node_label=fleet does that for the default role project.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/cli/common.h"
#include "engine/output/reporter.h"
#include "engine/run/run_options.h"
#include "engine/run/scheduler.h"
#include "engine/transport/local_transport.h"
#include "modules/builtin.h"

namespace hostprep::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One recorded round trip: the answer and the marker the batch script was
// given on its first two lines of input (remote_steps.cc), if any.
struct Answer {
  std::string marker;
  ExecResult result;
};
using Answers = std::vector<Answer>;

// The batch script's marker: 32 hex digits, a newline, 16 more, a newline, at
// the start of its input ("" when the input does not start so).
std::string MarkerOf(const std::string& stdin_data) {
  if (stdin_data.size() < 50 || stdin_data[32] != '\n' || stdin_data[49] != '\n') return "";
  std::string marker = stdin_data.substr(0, 32) + stdin_data.substr(33, 16);
  if (marker.find_first_not_of("0123456789abcdef") != std::string::npos) return "";
  return marker;
}

// `text` with the recorded marker's halves replaced by the new marker's: a
// real host echoes the marker it was given, so a replayed answer must too.
void Remark(std::string* text, const std::string& from, const std::string& to) {
  for (auto [a, b] : {std::pair{from.substr(0, 32), to.substr(0, 32)},
                      std::pair{from.substr(32), to.substr(32)}}) {
    for (size_t at = text->find(a); at != std::string::npos; at = text->find(a, at + b.size()))
      text->replace(at, a.size(), b);
  }
}

// This machine, with every command's result kept in order.
class RecordingTransport final : public LocalTransport {
 public:
  explicit RecordingTransport(Answers* answers) : answers_(answers) {}

 protected:
  Result<ExecResult> RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data,
                                int timeout_seconds) override {
    Result<ExecResult> result = LocalTransport::RunCommand(argv, stdin_data, timeout_seconds);
    if (result.ok()) answers_->push_back({MarkerOf(stdin_data), *result});
    return result;
  }

 private:
  Answers* answers_;
};

// A host that answers the k-th round trip with the k-th recorded answer.
class SimTransport final : public ShellTransport {
 public:
  SimTransport(const Answers* answers, std::chrono::milliseconds latency)
      : answers_(answers), latency_(latency) {}

  Status Connect() override {
    if (!connected_) std::this_thread::sleep_for(3 * latency_);
    connected_ = true;
    return Status::Ok();
  }
  TransportStats stats() const override { return stats_; }
  std::string description() const override { return "simulated host"; }

 protected:
  Result<ExecResult> RunCommand(const std::vector<std::string>&, const std::string& stdin_data,
                                int) override {
    std::this_thread::sleep_for(latency_);
    if (next_ >= answers_->size()) {
      return Status::Error(
          "the simulated host has no recorded answer for this round trip: the "
          "run took a different path than the recorded one");
    }
    ++stats_.round_trips;
    stats_.bytes_sent += stdin_data.size();
    const Answer& recorded = (*answers_)[next_++];
    ExecResult answer = recorded.result;
    const std::string marker = MarkerOf(stdin_data);
    if (!recorded.marker.empty() && !marker.empty()) {
      Remark(&answer.stdout_data, recorded.marker, marker);
      Remark(&answer.stderr_data, recorded.marker, marker);
    }
    stats_.bytes_received += answer.stdout_data.size() + answer.stderr_data.size();
    return answer;
  }
  std::string login_user() const override { return "root"; }

 private:
  const Answers* answers_;
  std::chrono::milliseconds latency_;
  size_t next_ = 0;
  bool connected_ = false;
  TransportStats stats_;
};

// Hands every host a transport made by `make`.
class Factory final : public TransportFactory {
 public:
  explicit Factory(std::function<std::unique_ptr<Transport>()> make) : make_(std::move(make)) {}
  Result<std::unique_ptr<Transport>> Create(const std::string&,
                                            const ConnectionSettings&) override {
    return make_();
  }

 private:
  std::function<std::unique_ptr<Transport>()> make_;
};

// Keeps nothing but the recap: output at 10,000 hosts is not what is measured.
class QuietReporter final : public Reporter {
 public:
  void PlayStart(const std::string&, const std::vector<std::string>&, bool) override {}
  // The first failure is shown: it says why a simulated host went another
  // way than the recorded one.
  void Task(const TaskEvent& e) override {
    if (e.status != TaskStatus::kFailed && e.status != TaskStatus::kUnreachable) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!shown_) fmt::print(stderr, "{}: task '{}': {}\n", e.host, e.task, e.message);
    shown_ = true;
  }
  void Progress(size_t, size_t, size_t) override {}
  void Warning(const std::string& message) override {
    fmt::print(stderr, "warning: {}\n", message);
  }
  void Recap(const std::map<std::string, HostStats>&, const std::vector<std::string>&) override {}
  void RunEnd(int) override {}

 private:
  std::mutex mutex_;
  bool shown_ = false;
};

// Peak threads and open descriptors of this process, sampled every 20 ms.
class Sampler {
 public:
  Sampler() : thread_([this] { Loop(); }) {}
  ~Sampler() {
    stop_ = true;
    thread_.join();
  }
  int peak_threads() const { return peak_threads_; }
  int peak_fds() const { return peak_fds_; }

 private:
  void Loop() {
    while (!stop_) {
      int fds = 0;
      for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        ++fds;
      std::ifstream status("/proc/self/status");
      std::string line;
      while (std::getline(status, line)) {
        if (line.rfind("Threads:", 0) == 0)
          peak_threads_ = std::max(peak_threads_, std::atoi(line.c_str() + 8));
      }
      peak_fds_ = std::max(peak_fds_, fds);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::atomic<bool> stop_{false};
  int peak_threads_ = 0;
  int peak_fds_ = 0;
  std::thread thread_;
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long PeakRssKib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

struct Args {
  int hosts = 1000;
  int forks = 0;
  int latency_ms = 20;
  std::string phase = "rerun";
  // Extra variables (--var K=V): the replay needs a playbook whose hosts all
  // do the same work, so the role project's host-specific label is fixed.
  std::vector<std::pair<std::string, std::string>> vars;
  std::string playbook =
      std::string(HOSTPREP_SOURCE_DIR) + "/tests/integration/testdata/role_project/site.yml";
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (a == "--hosts")
      args->hosts = std::atoi(v.c_str());
    else if (a == "--forks")
      args->forks = std::atoi(v.c_str());
    else if (a == "--latency-ms")
      args->latency_ms = std::atoi(v.c_str());
    else if (a == "--phase")
      args->phase = v;
    else if (a == "--playbook")
      args->playbook = v;
    else if (a == "--var" && v.find('=') != std::string::npos)
      args->vars.emplace_back(v.substr(0, v.find('=')), v.substr(v.find('=') + 1));
    else
      return false;
  }
  return args->hosts > 0 && args->forks >= 0 && args->latency_ms >= 0 &&
         (args->phase == "first" || args->phase == "rerun");
}

// An INI inventory of `hosts` hosts in the group `nodes`.
std::string WriteInventory(const std::string& dir, int hosts) {
  const std::string path = dir + "/hosts.ini";
  std::ofstream out(path);
  out << "[nodes]\n";
  for (int i = 1; i <= hosts; ++i) out << fmt::format("sim{:05d}\n", i);
  return path;
}

RunSummary RunOnce(const Playbook& playbook, const Inventory& inventory,
                   const ModuleRegistry& modules, TransportFactory* factory, RunOptions options) {
  QuietReporter reporter;
  Scheduler scheduler(playbook, inventory, modules, factory, &reporter, options);
  return scheduler.Run();
}

int Main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    fmt::print(stderr,
               "usage: hostprep_scale_bench --hosts N [--forks F] [--latency-ms L] "
               "[--phase first|rerun] [--playbook PATH] [--var K=V]...\n");
    return 2;
  }
  char tmpl[] = "/tmp/hostprep-scale-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = tmpl;
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  ModuleRegistry modules;
  modules::RegisterBuiltinModules(&modules);
  std::unique_ptr<Playbook> playbook = LoadPlaybookOrReport(args.playbook, modules);
  if (!playbook) return 1;
  RunOptions options;
  options.facts_cache_dir = "";  // no cache: every run gathers, as a fresh run would
  options.extra_vars["project_root"] = dir + "/root";
  for (const auto& [name, value] : args.vars) options.extra_vars[name] = value;

  // The recording: one real host (this machine, under `dir`), twice.
  std::filesystem::create_directories(dir + "/one");
  std::ofstream(dir + "/one/hosts.ini") << "[nodes]\nsim00000 ansible_connection=local\n";
  std::unique_ptr<Inventory> recorded = LoadInventoryOrReport({dir + "/one/hosts.ini"});
  if (!recorded) return 1;
  Answers first, rerun;
  Factory record_first([&] { return std::make_unique<RecordingTransport>(&first); });
  Factory record_rerun([&] { return std::make_unique<RecordingTransport>(&rerun); });
  const RunSummary r1 = RunOnce(*playbook, *recorded, modules, &record_first, options);
  const RunSummary r2 = RunOnce(*playbook, *recorded, modules, &record_rerun, options);
  if (r1.exit_code() != 0 || r2.exit_code() != 0) {
    fmt::print(stderr, "the recording runs failed (exit {} and {})\n", r1.exit_code(),
               r2.exit_code());
    return 1;
  }
  const bool is_first = args.phase == "first";
  const HostStats& want = (is_first ? r1 : r2).stats.at("sim00000");

  std::unique_ptr<Inventory> fleet = LoadInventoryOrReport({WriteInventory(dir, args.hosts)});
  if (!fleet) return 1;
  options.forks = args.forks;
  const Answers* answers = is_first ? &first : &rerun;
  const std::chrono::milliseconds latency(args.latency_ms);
  Factory sim([&] { return std::make_unique<SimTransport>(answers, latency); });
  const double cpu0 = CpuSeconds();
  const Clock::time_point t0 = Clock::now();
  RunSummary summary;
  int peak_threads = 0, peak_fds = 0;
  {
    Sampler sampler;
    summary = RunOnce(*playbook, *fleet, modules, &sim, options);
    peak_threads = sampler.peak_threads();
    peak_fds = sampler.peak_fds();
  }
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;

  nlohmann::json totals = {{"ok", 0}, {"changed", 0}, {"failed", 0}, {"unreachable", 0}};
  std::string mismatch;
  uint64_t round_trips = 0;
  for (const auto& [host, s] : summary.stats) {
    totals["ok"] = totals["ok"].get<int>() + s.ok;
    totals["changed"] = totals["changed"].get<int>() + s.changed;
    totals["failed"] = totals["failed"].get<int>() + s.failed;
    totals["unreachable"] = totals["unreachable"].get<int>() + s.unreachable;
    round_trips += s.cost.round_trips;
    if (mismatch.empty() &&
        (s.ok != want.ok || s.changed != want.changed || s.failed || s.unreachable)) {
      mismatch = fmt::format(
          "{}: ok={} changed={} failed={} unreachable={}, the recorded host "
          "ok={} changed={}",
          host, s.ok, s.changed, s.failed, s.unreachable, want.ok, want.changed);
    }
  }
  if (summary.stats.size() != static_cast<size_t>(args.hosts)) {
    mismatch = fmt::format("{} hosts in the recap, not {}", summary.stats.size(), args.hosts);
  }
  const nlohmann::json out = {
      {"hosts", args.hosts},
      {"forks", args.forks},
      {"latency_ms", args.latency_ms},
      {"phase", args.phase},
      {"wall_s", wall},
      {"cpu_s", cpu},
      {"cpu_ms_per_host", cpu * 1000.0 / args.hosts},
      {"peak_rss_mib", static_cast<double>(PeakRssKib()) / 1024.0},
      {"peak_threads", peak_threads},
      {"peak_fds", peak_fds},
      {"round_trips_per_host", static_cast<double>(round_trips) / args.hosts},
      {"totals", totals},
      {"exit_code", summary.exit_code()}};
  fmt::print("{}\n", out.dump());
  if (!mismatch.empty()) {
    fmt::print(stderr, "a simulated host did not end as the recorded one: {}\n", mismatch);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace hostprep::bench

int main(int argc, char** argv) { return hostprep::bench::Main(argc, argv); }
