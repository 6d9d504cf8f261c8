#include "engine/run/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <variant>

#include "engine/base/text.h"
#include "engine/playbook/task_selection.h"
#include "engine/run/controller_lookups.h"
#include "engine/run/host_selection.h"
#include "engine/run/magic_variables.h"
#include "engine/run/play_keywords.h"
#include "engine/template/templar.h"
#include "engine/template/variables.h"

namespace hostprep {

namespace {

struct HostDone {
  std::string host;
  HostOutcome outcome;
  bool stops_play = false;  // its failure stops the play (any_errors_fatal, max_fail_percentage)
};

// The queue from workers to the coordinator.
class EventQueue : public EventSink {
 public:
  using Item = std::variant<TaskEvent, HostDone>;

  void Post(TaskEvent event) override { Push(std::move(event)); }
  void Done(HostDone done) { Push(std::move(done)); }

  Item Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !items_.empty(); });
    Item item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

 private:
  void Push(Item item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(std::move(item));
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> items_;
};

void Count(HostStats* s, TaskStatus status, bool changed) {
  switch (status) {
    case TaskStatus::kOk:
      ++s->ok;
      break;
    case TaskStatus::kChanged:
      ++s->ok;  // Ansible counts a changed task as ok too
      ++s->changed;
      break;
    case TaskStatus::kSkipped:
      ++s->skipped;
      break;
    case TaskStatus::kFailed:
      ++s->failed;
      break;
    case TaskStatus::kUnreachable:
      ++s->unreachable;
      break;
    case TaskStatus::kIgnored:
      // As Ansible counts an ignored failure: ok and ignored, and changed
      // when it changed something (a command that ran and failed did).
      ++s->ok;
      ++s->ignored;
      if (changed) ++s->changed;
      break;
  }
}

}  // namespace

std::vector<std::vector<std::string>> SerialBatches(const std::vector<std::string>& hosts,
                                                    const std::vector<Value>& serial) {
  std::vector<size_t> sizes;
  for (const Value& v : serial) {
    size_t n = 0;
    if (v.is_number_integer()) {
      n = static_cast<size_t>(std::max<long long>(0, v.get<long long>()));
    } else if (v.is_string()) {
      std::string s = Trim(v.get<std::string>());
      double pct = 0;
      try {
        pct = std::stod(s);
      } catch (const std::exception&) {
      }
      n = static_cast<size_t>(hosts.size() * pct / 100.0);
      if (n == 0) n = 1;
    }
    sizes.push_back(n == 0 ? hosts.size() : n);
  }
  if (sizes.empty()) sizes.push_back(hosts.size());
  std::vector<std::vector<std::string>> batches;
  size_t pos = 0;
  for (size_t i = 0; pos < hosts.size(); ++i) {
    size_t n = std::max<size_t>(1, sizes[std::min(i, sizes.size() - 1)]);
    size_t end = std::min(hosts.size(), pos + n);
    batches.emplace_back(hosts.begin() + pos, hosts.begin() + end);
    pos = end;
  }
  return batches;
}

Scheduler::Scheduler(const Playbook& playbook, const Inventory& inventory,
                     const ModuleRegistry& modules, TransportFactory* transports,
                     Reporter* reporter, const RunOptions& options)
    : playbook_(playbook),
      inventory_(inventory),
      modules_(modules),
      transports_(transports),
      reporter_(reporter),
      options_(options),
      groups_(inventory.GroupsValue()),
      hostvars_(inventory, groups_, options.extra_vars) {}

RunSummary Scheduler::Run() {
  start_pending_ = !options_.start_at_task.empty();
  PlanLastPlays();
  for (play_index_ = 0; play_index_ < playbook_.plays.size(); ++play_index_) {
    if (stop_playbook_) break;
    RunPlay(playbook_.plays[play_index_]);
  }
  reporter_->Recap(summary_.stats, summary_.host_order);
  CloseConnections();
  return summary_;
}

// Why: over SSH, a host that kept its session until the run ended held a
// socket (and the libssh session's buffers) through every later play it
// had no part in: 10,000 hosts, 10,000 descriptors. A pattern written as a
// template is not rendered here (a lookup in it would run twice): it may
// match every host. A play that turns out to match fewer only keeps some
// connections open longer; one that matched more would reconnect.
void Scheduler::PlanLastPlays() {
  for (size_t i = 0; i < playbook_.plays.size(); ++i) {
    const Play& play = playbook_.plays[i];
    std::vector<std::string> hosts = inventory_.host_names();
    if (!IsTemplate(play.hosts)) {
      std::vector<std::string> unmatched;
      Result<std::vector<std::string>> matched = inventory_.Match(play.hosts, &unmatched);
      hosts = matched.ok() ? SelectRunHosts(inventory_, options_, std::move(*matched), nullptr)
                           : std::vector<std::string>{};
    }
    for (const std::string& host : hosts) last_play_[host] = i;
  }
}

bool Scheduler::InLastPlay(const std::string& host) const {
  auto it = last_play_.find(host);
  return it == last_play_.end() || it->second <= play_index_;
}

// Ending a session through a bastion takes about 20 ms (the tunnel's pump
// and the bastion's own session end after the target's): one by one, 30
// hosts kept the process 0.6 s after its recap, 1,000 would 20 s. So every
// connection of the run, delegated hosts' too, is closed at once, by up to
// 32 threads. No worker runs any more: each HostIo is closed by one thread.
void Scheduler::CloseConnections() {
  std::vector<HostIo*> ios;
  for (auto& [name, state] : hosts_) {
    ios.push_back(&state.io);
    for (auto& [delegate, host] : state.delegates) ios.push_back(&host->io);
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  const size_t workers = std::min<size_t>(ios.size(), 32);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < ios.size(); i = next++) ios[i]->Close();
    });
  }
  for (std::thread& t : threads) t.join();
}

std::string PlayName(const Play& play, const Value& groups, const RunOptions& options) {
  if (!IsTemplate(play.DisplayName())) return play.DisplayName();
  const PlayScope scope(play, groups, options);
  return PlayName(play, scope.vars());
}

std::string PlayName(const Play& play, const Variables& play_vars) {
  const std::string name = play.DisplayName();
  if (!IsTemplate(name)) return name;
  Result<Value> rendered = Templar(play_vars).Render(Value(name));
  return rendered.ok() ? ToText(*rendered) : name;
}

void Scheduler::RunPlay(const Play& play) {
  const PlayScope scope(play, groups_, options_);
  const std::string name = PlayName(play, scope.vars());
  // As PlaybookExecutor post-validates a play: before it starts, and a
  // keyword that cannot be rendered ends the run (ansible-playbook's 4).
  const Result<PlaySettings> settings = ResolvePlaySettings(play, scope.vars(), options_.strategy);
  if (!settings.ok()) {
    summary_.error = fmt::format("play '{}': {}", name, settings.message());
    stop_playbook_ = true;
    return;
  }
  std::vector<std::string> unmatched;
  Result<std::vector<std::string>> matched = inventory_.Match(settings->hosts, &unmatched);
  for (const std::string& message : unmatched) {
    reporter_->Warning(fmt::format("play '{}': {}", name, message));
  }
  std::vector<std::string> hosts;
  if (!matched.ok()) {
    reporter_->Warning(fmt::format("play '{}': {}", name, matched.message()));
  } else {
    hosts = *matched;
  }
  std::string limit_error;
  hosts = SelectRunHosts(inventory_, options_, std::move(hosts), &limit_error);
  if (!limit_error.empty()) reporter_->Warning(fmt::format("--limit: {}", limit_error));
  // ansible_play_hosts_all: the pattern's hosts within --limit (and --shard), earlier
  // plays' failures included, as Ansible's list ignores only batch limits.
  Value hosts_all = Value::array();
  for (const std::string& h : hosts) hosts_all.push_back(h);
  std::erase_if(hosts, [&](const std::string& h) {
    auto it = hosts_.find(h);
    return it != hosts_.end() && (it->second.failed || it->second.unreachable);
  });
  reporter_->PlayStart(name, hosts, options_.check);
  for (const std::string& h : hosts) {
    if (!summary_.stats.count(h)) {
      summary_.stats[h] = HostStats{};
      summary_.host_order.push_back(h);
    }
    hosts_.try_emplace(h, h);
  }
  std::atomic<bool> abort{false};
  PlayContext ctx;
  ctx.playbook = &playbook_;
  ctx.play = &play;
  ctx.play_name = name;
  ctx.settings = &*settings;
  if (start_pending_) {
    // As Ansible's play iterator: the first task the tags select that the
    // pattern names, in the play's order; none, and the play runs nothing.
    const TaskSpec* start =
        FindStartTask(play, options_.start_at_task, options_.tags, options_.skip_tags);
    if (start == nullptr) {
      ctx.skip_all = true;
    } else {
      ctx.start_at = start->id;
      start_pending_ = false;
    }
  }
  ctx.inventory = &inventory_;
  ctx.modules = &modules_;
  ctx.options = &options_;
  ctx.transports = transports_;
  ctx.abort = &abort;
  ctx.trace = trace_;
  IncludeLoader includes(play, modules_);
  ctx.includes = &includes;
  PlayEnd end;
  ctx.end = &end;
  const ControllerLookups lookups(play.dir, options_.allow_lookup_commands,
                                  options_.ansible_managed);
  ctx.lookups = &lookups;
  hostvars_.BeginPlay(PlayMagicVariables(play, options_), &lookups);
  ctx.hostvars = &hostvars_;
  for (const auto& batch : SerialBatches(hosts, settings->serial)) {
    end.batch.store(false);
    Value remaining = Value::array();
    for (const Value& h : hosts_all) {
      auto it = hosts_.find(h.get<std::string>());
      if (it == hosts_.end() || !(it->second.failed || it->second.unreachable))
        remaining.push_back(h);
    }
    Value in_batch = Value::array();
    for (const std::string& h : batch) in_batch.push_back(h);
    Variables shared;
    shared.Set("groups", groups_, "inventory");
    shared.Set("ansible_play_hosts_all", hosts_all, "hostprep");
    shared.Set("ansible_play_hosts", remaining, "hostprep");
    shared.Set("ansible_play_batch", in_batch, "hostprep");
    shared.Set("play_hosts", in_batch, "hostprep");
    shared.SetAll(PlayMagicVariables(play, options_), "hostprep");
    ctx.batch_shared = &shared;
    if (!RunBatch(ctx, batch) || end.play.load()) break;
  }
}

bool Scheduler::RunBatch(const PlayContext& ctx, const std::vector<std::string>& batch) {
  const PlaySettings& play = *ctx.settings;
  auto& abort = const_cast<std::atomic<bool>&>(*ctx.abort);
  size_t forks = options_.forks > 0 ? static_cast<size_t>(options_.forks)
                                    : static_cast<size_t>(kDefaultMaxForks);
  // strategy: linear: every host of the batch is under way from the start
  // (so that each waits for all the others at each task), and --forks
  // bounds how many run a step at once (the board's slots).
  const size_t workers = play.linear ? batch.size() : std::min(forks, batch.size());
  EventQueue queue;
  std::atomic<size_t> next{0};
  std::atomic<size_t> failed_hosts{0};
  std::vector<std::thread> threads;
  hostvars_.BeginBatch(batch, play.linear ? forks : 0);
  // The hosts that start now are marked before any starts, so that none
  // reads another's hostvars before that one is known to be under way.
  for (size_t i = 0; i < workers; ++i) hostvars_.Started(batch[i]);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < batch.size(); i = next++) {
        HostState* state = &hosts_.at(batch[i]);  // map nodes are stable; each used by one worker
        if (i >= workers) hostvars_.Started(batch[i]);
        if (play.linear) hostvars_.TakeSlot(batch[i]);
        HostOutcome outcome = abort.load() ? HostOutcome::kAborted
                                           : RunHostPlay(ctx, state, &queue, InLastPlay(batch[i]));
        // any_errors_fatal and max_fail_percentage stop the play at once:
        // before this host is seen to end (hosts in lock-step wait for
        // it), and before this worker (or another) starts the next host.
        HostDone result{batch[i], outcome};
        if (outcome == HostOutcome::kFailed || outcome == HostOutcome::kUnreachable) {
          const size_t failed = ++failed_hosts;
          result.stops_play =
              play.any_errors_fatal || (play.max_fail_percentage >= 0 &&
                                        failed * 100.0 / batch.size() > play.max_fail_percentage);
          if (result.stops_play) abort.store(true);
        }
        hostvars_.Finished(batch[i]);
        queue.Done(std::move(result));
      }
    });
  }

  size_t done = 0;
  bool stop = false;
  while (done < batch.size()) {
    EventQueue::Item item = queue.Pop();
    if (auto* e = std::get_if<TaskEvent>(&item)) {
      reporter_->Task(*e);
      if (e->rescued) {
        ++summary_.stats[e->host].rescued;
      } else if (e->counts_in_recap) {
        Count(&summary_.stats[e->host], e->recap_status, e->recap_changed);
      }
      if (e->changed) summary_.changed = true;
      reporter_->Progress(done, std::min(workers, batch.size() - done), batch.size());
      continue;
    }
    const HostDone& d = std::get<HostDone>(item);
    ++done;
    // The worker is done with the host: its transport and times are ours to read.
    HostState& host = hosts_.at(d.host);
    summary_.stats[d.host].cost = host.cost();
    host.Settle();
    hostvars_.Settle(d.host);
    if (d.outcome == HostOutcome::kFailed || d.outcome == HostOutcome::kUnreachable) {
      if (d.outcome == HostOutcome::kFailed) summary_.failed = true;
      if (d.outcome == HostOutcome::kUnreachable) summary_.unreachable = true;
      if (d.stops_play) {
        if (!stop) {
          reporter_->Warning(fmt::format(
              "play '{}': stopping after host {} failed ({})", ctx.play_name, d.host,
              play.any_errors_fatal
                  ? "any_errors_fatal"
                  : fmt::format("more than {}% of the batch failed", play.max_fail_percentage)));
        }
        stop = true;
      }
    }
    reporter_->Progress(done, std::min(workers, batch.size() - done), batch.size());
  }
  for (std::thread& t : threads) t.join();
  if (stop) summary_.failed = true;
  // As ansible-playbook: a play stopped by any_errors_fatal or
  // max_fail_percentage, or a batch in which every host failed, ends the
  // playbook; no later batch or play starts.
  if (stop || (!batch.empty() && failed_hosts.load() == batch.size())) stop_playbook_ = true;
  return !stop_playbook_;
}

}  // namespace hostprep
