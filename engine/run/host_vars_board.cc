#include "engine/run/host_vars_board.h"

#include <fmt/format.h>

#include <tuple>
#include <utility>

#include "engine/facts/facts.h"

namespace hostprep {
namespace {

// MessagePack: a sixth of the parsed size of facts, and read back as they
// were (key order, types) at about 100 us for a host's facts.
std::string Pack(const Value& value) {
  std::string packed;
  Value::to_msgpack(value, packed);
  packed.shrink_to_fit();  // the rest of what it grew by would stay for the run
  return packed;
}

Value Unpack(const std::string& packed) { return Value::from_msgpack(packed); }

// A frozen entry's registered (first) and included values.
std::pair<Value, Value> UnpackVars(const std::string& packed) {
  Value both = Unpack(packed);
  return {std::move(both[0]), std::move(both[1])};
}

}  // namespace

// One host's variables as hostvars shows them, lowest first: inventory (the
// board's, shared), the play's magic variables, facts, include_vars,
// registered and set_fact values, extra vars. Built in place: each level
// points at the one below.
struct HostVarsBoard::HostScope {
  explicit HostScope(const Variables* inventory)
      : magic(inventory),
        facts(&magic),
        included(&facts),
        registered(&included),
        extra(&registered) {}
  HostScope(const HostScope&) = delete;
  HostScope& operator=(const HostScope&) = delete;

  std::shared_ptr<const Value> magic_values;  // keeps the play's magic alive
  Variables magic, facts, included, registered, extra;
};

HostVarsBoard::HostVarsBoard(const Inventory& inventory, Value groups, Value extra_vars)
    : inventory_(inventory),
      groups_(std::move(groups)),
      extra_vars_(std::move(extra_vars)),
      known_(inventory.host_names().begin(), inventory.host_names().end()),
      magic_(std::make_shared<const Value>(Value::object())) {
  groups_scope_.Set("groups", groups_, "inventory");
}

HostVarsBoard::~HostVarsBoard() = default;

void HostVarsBoard::BeginPlay(Value magic, const Lookups* lookups) {
  std::lock_guard<std::mutex> lock(mu_);
  magic_ = std::make_shared<const Value>(std::move(magic));
  lookups_ = lookups;
  for (auto& [host, entry] : entries_) entry.scope.reset();
}

void HostVarsBoard::BeginBatch(const std::vector<std::string>& batch, size_t slots) {
  std::lock_guard<std::mutex> lock(mu_);
  batch_ = batch;
  slots_ = slots;
  slots_used_ = 0;
  once_.clear();
}

template <typename Ready>
void HostVarsBoard::Wait(std::unique_lock<std::mutex>& lock, const std::string& host,
                         Ready ready) const {
  if (ready()) return;
  Entry& entry = EntryOf(host);
  const bool held = entry.slot;
  if (held) {
    entry.slot = false;
    --slots_used_;
    progressed_.notify_all();
  }
  progressed_.wait(lock, [&] { return ready() && (!held || slots_ == 0 || slots_used_ < slots_); });
  if (held) {
    entry.slot = true;
    ++slots_used_;
  }
}

void HostVarsBoard::TakeSlot(const std::string& host) {
  std::unique_lock<std::mutex> lock(mu_);
  Entry& entry = EntryOf(host);
  if (entry.slot) return;
  progressed_.wait(lock, [&] { return slots_ == 0 || slots_used_ < slots_; });
  entry.slot = true;
  ++slots_used_;
}

void HostVarsBoard::AwaitTurn(const View& reader) {
  std::unique_lock<std::mutex> lock(mu_);
  Wait(lock, reader.reader_, [&] {
    for (const std::string& host : batch_) {
      auto it = entries_.find(host);
      if (host != reader.reader_ && it != entries_.end() && it->second.running &&
          it->second.done_rank < reader.rank_)
        return false;
    }
    return true;
  });
}

bool HostVarsBoard::Give(const std::string& host, const Given& given) {
  if (!known_.count(host)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = EntryOf(host);
  Thaw(&entry);
  for (auto it = given.registered.begin(); it != given.registered.end(); ++it) {
    entry.registered[it.key()] = it.value();
    entry.given.registered[it.key()] = it.value();
  }
  for (auto it = given.included.begin(); it != given.included.end(); ++it) {
    entry.included[it.key()] = it.value();
    entry.given.included[it.key()] = it.value();
  }
  if (!given.facts.empty()) {
    Value facts = entry.facts ? Unpack(*entry.facts) : Value::object();
    MergeFacts(given.facts, &facts);
    entry.facts = Pack(facts);
    MergeFacts(given.facts, &entry.given.facts);
  }
  entry.scope.reset();
  return true;
}

HostVarsBoard::Given HostVarsBoard::TakeGiven(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(host);
  if (it == entries_.end()) return {};
  return std::exchange(it->second.given, Given{});
}

void HostVarsBoard::Touch(const std::string& host) {
  if (!known_.count(host)) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++EntryOf(host).touches;
}

size_t HostVarsBoard::Touches(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(host);
  return it == entries_.end() ? 0 : it->second.touches;
}

std::optional<HostVarsBoard::Once> HostVarsBoard::AwaitOnce(const View& reader, const void* task,
                                                            size_t occurrence) {
  std::unique_lock<std::mutex> lock(mu_);
  const auto key = std::make_pair(task, occurrence);
  std::optional<Once> out;
  Wait(lock, reader.reader_, [&] {
    if (auto it = once_.find(key); it != once_.end()) {
      out = it->second;
      return true;
    }
    // The runner: the first host of the batch still under way that has
    // not passed the task. The reader itself qualifies, so there is one; a
    // host before it that passes the task without running it (an include
    // it did not take) hands the task on to the next.
    for (const std::string& host : batch_) {
      auto it = entries_.find(host);
      if (host == reader.reader_) return true;
      if (it != entries_.end() && it->second.running && it->second.done_rank <= reader.rank_)
        return false;
    }
    return true;
  });
  return out;
}

void HostVarsBoard::PostOnce(const void* task, size_t occurrence, Once result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    once_[std::make_pair(task, occurrence)] = std::move(result);
  }
  progressed_.notify_all();
}

HostVarsBoard::Entry& HostVarsBoard::EntryOf(const std::string& host) const {
  return entries_[host];
}

void HostVarsBoard::Started(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = EntryOf(host);
  entry.running = true;
  entry.done_rank = {0};
}

void HostVarsBoard::Progress(const std::string& host, const Rank& done_rank) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& entry = EntryOf(host);
    if (entry.done_rank == done_rank) return;
    entry.done_rank = done_rank;
  }
  progressed_.notify_all();
}

void HostVarsBoard::Finished(const std::string& host) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& entry = EntryOf(host);
    if (!entry.running && !entry.slot) return;
    if (entry.slot) --slots_used_;
    entry.slot = false;
    entry.running = false;
  }
  progressed_.notify_all();
}

// Why: at 10,000 hosts the registered results of the finished ones (a
// stat's result is 2 KiB parsed) were, after their facts, the next thing
// that grew with the fleet.
// Why another thread: malloc gives each worker thread an arena, and a few
// KiB a host that stay for the run, scattered through the arenas between
// what the host's run freed, keep those pages from being used for
// anything but small blocks. Copied here they sit together.
void HostVarsBoard::Settle(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(host);
  if (it == entries_.end() || it->second.running) return;
  Entry& entry = it->second;
  if (entry.facts) entry.facts = std::string(*entry.facts);
  Freeze(&entry);
}

void HostVarsBoard::Freeze(Entry* entry) {
  if (!entry->vars_packed.empty()) return;
  if (entry->registered.empty() && entry->included.empty()) return;
  entry->vars_packed = Pack(Value::array({entry->registered, entry->included}));
  entry->registered = Value::object();
  entry->included = Value::object();
}

void HostVarsBoard::Thaw(Entry* entry) {
  if (entry->vars_packed.empty()) return;
  std::tie(entry->registered, entry->included) = UnpackVars(entry->vars_packed);
  entry->vars_packed = std::string();
}

void HostVarsBoard::SetFacts(const std::string& host, const Value& facts) {
  std::string packed = Pack(facts);  // outside the lock: every worker takes it
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = EntryOf(host);
  entry.facts = std::move(packed);
  entry.scope.reset();
}

std::optional<Value> HostVarsBoard::Facts(const std::string& host) const {
  std::string packed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(host);
    if (it == entries_.end() || !it->second.facts) return std::nullopt;
    packed = *it->second.facts;
  }
  return Unpack(packed);
}

bool HostVarsBoard::HasFacts(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(host);
  return it != entries_.end() && it->second.facts.has_value();
}

void HostVarsBoard::SetRegistered(const std::string& host, const std::string& name,
                                  const Value& value) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = EntryOf(host);
  Thaw(&entry);
  entry.registered[name] = value;
  entry.scope.reset();
}

void HostVarsBoard::SetIncluded(const std::string& host, const std::string& name,
                                const Value& value) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = EntryOf(host);
  Thaw(&entry);
  entry.included[name] = value;
  entry.scope.reset();
}

// mu_ held. Copies what the host has published so far; readers keep the
// copy for as long as they render, whatever the host publishes meanwhile.
std::shared_ptr<const HostVarsBoard::HostScope> HostVarsBoard::Build(const std::string& host,
                                                                     Entry* entry) const {
  if (!entry->inventory) {
    entry->inventory = std::make_unique<Variables>();
    inventory_.HostVariables(host, entry->inventory.get());
    // `groups`, held once for every host (it names them all), wins over an
    // inventory variable of that name.
    entry->inventory->SetParent(&groups_scope_);
    entry->inventory->Erase("groups");
  }
  auto scope = std::make_shared<HostScope>(entry->inventory.get());
  scope->magic_values = magic_;
  scope->magic.SetAll(*magic_, "hostprep");
  scope->magic.SetLookups(lookups_);
  if (entry->facts) {
    // As Ansible injects them (hostprep's own unprefixed names stay the
    // host's own).
    scope->facts.SetAll(FactsAsVariables(Unpack(*entry->facts), false), "facts", Trust::kData);
  }
  if (entry->vars_packed.empty()) {
    scope->included.SetAll(entry->included, "include_vars");
    scope->registered.SetAll(entry->registered, "register or set_fact", Trust::kData);
  } else {
    const auto [registered, included] = UnpackVars(entry->vars_packed);
    scope->included.SetAll(included, "include_vars");
    scope->registered.SetAll(registered, "register or set_fact", Trust::kData);
  }
  scope->extra.SetAll(extra_vars_, "extra vars (-e)");
  return scope;
}

std::shared_ptr<const Variables> HostVarsBoard::ScopeFor(const std::string& host,
                                                         const View& reader) const {
  if (!known_.count(host)) return nullptr;
  std::unique_lock<std::mutex> lock(mu_);
  auto behind = [&] {
    if (host == reader.reader_) return false;
    auto it = entries_.find(host);
    return it != entries_.end() && it->second.running && it->second.done_rank < reader.rank_;
  };
  if (behind()) {
    if (reader.may_wait_) {
      Wait(lock, reader.reader_, [&] { return !behind(); });
    } else {
      reader.blocked_ = true;
    }
  }
  Entry& entry = EntryOf(host);
  if (!entry.scope) entry.scope = Build(host, &entry);
  std::shared_ptr<const HostScope> scope = entry.scope;
  return std::shared_ptr<const Variables>(scope, &scope->extra);
}

std::vector<std::string> HostVarsBoard::View::Hosts() const {
  return board_->inventory_.host_names();
}

std::shared_ptr<const Variables> HostVarsBoard::View::Scope(const std::string& host) const {
  return board_->ScopeFor(host, *this);
}

std::string HostVarsBoard::View::MissingHint(const std::string& host,
                                             const std::string& name) const {
  if (name.rfind("ansible_", 0) != 0) return "";
  if (board_->HasFacts(host)) return "";
  return fmt::format(
      "{} has no facts yet: only the plays and batches that run on a host gather its facts", host);
}

}  // namespace hostprep
