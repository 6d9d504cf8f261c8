#include "engine/run/host_plan.h"

#include <algorithm>

namespace hostprep {

HostPlan::HostPlan(std::vector<const TaskSpec*> tasks, std::vector<const TaskSpec*> handlers)
    : handlers_(std::move(handlers)) {
  AddEntries(tasks, nullptr, &entries_);
  for (const TaskSpec* h : handlers_) entries_.push_back({h, true, nullptr});
  // {0} is before the plan: the host gathering facts.
  for (size_t i = 0; i < entries_.size(); ++i) entries_[i].rank = {i + 1};
  end_rank_ = {entries_.size() + 1};
}

Rank HostPlan::done_rank() const {
  Rank rank = RankAt(position_);
  for (const Unit& u : waiting_) rank = std::min(rank, RankAt(u.position));
  return rank;
}

void HostPlan::AddEntries(const std::vector<const TaskSpec*>& tasks, const IncludeFrame* frame,
                          std::vector<Entry>* out) const {
  for (const TaskSpec* t : tasks) {
    if (t->kind == TaskKind::kFlushHandlers) {
      const TaskSpec* guard = t->when.empty() ? nullptr : t;
      if (guard != nullptr) out->push_back({t, false, frame});
      for (const TaskSpec* h : handlers_) out->push_back({h, true, nullptr, guard});
    } else if (t->kind != TaskKind::kNoop) {
      out->push_back({t, false, frame});
    }
  }
}

void HostPlan::Include(std::vector<IncludeFrame> frames,
                       const std::function<bool(const TaskSpec&)>& selected) {
  std::vector<Entry> added;
  for (IncludeFrame& f : frames) {
    frames_.push_back(std::move(f));
    const IncludeFrame* frame = &frames_.back();
    std::vector<const TaskSpec*> tasks;
    for (const TaskSpec& t : frame->file->tasks) {
      if (selected(t)) tasks.push_back(&t);
    }
    AddEntries(tasks, frame, &added);
  }
  const size_t at = std::min(position_ + 1, entries_.size());
  const Rank include = RankAt(position_);
  for (size_t j = 0; j < added.size(); ++j) {
    added[j].rank = include;
    added[j].rank.push_back(j);
  }
  entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(at), added.begin(), added.end());
}

std::vector<const TaskSpec*> HostPlan::Named(const std::vector<std::string>& names) const {
  std::vector<const TaskSpec*> out;
  for (const TaskSpec* h : handlers_) {
    const bool named = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return n == h->id || n == h->name;
    });
    if (named) out.push_back(h);
  }
  return out;
}

void HostPlan::Mark(const TaskSpec& task, size_t position, Marks* marks) const {
  const long at = static_cast<long>(position);
  for (const TaskSpec* h : Named(task.notify)) {
    auto [it, inserted] = marks->emplace(h, at);
    if (!inserted) it->second = std::max(it->second, at);
  }
}

const TaskSpec* HostPlan::Next() {
  while (position_ < entries_.size()) {
    const Entry& e = entries_[position_];
    const bool skip =
        e.handler ? !Notified(e.task) : completed_roles_.count(e.task->role_instance) > 0;
    if (!skip) break;
    ++position_;
  }
  return At(position_);
}

void HostPlan::Advance() {
  if (position_ < entries_.size() && entries_[position_].handler) {
    const TaskSpec* h = entries_[position_].task;
    taken_.push_back({h, static_cast<long>(position_), Get(taken_at_, h)});
    taken_at_[h] = static_cast<long>(position_);
  }
  ++position_;
}

void HostPlan::SkipFlush() {
  const TaskSpec* flush = position_ < entries_.size() ? entries_[position_].task : nullptr;
  ++position_;
  while (position_ < entries_.size() && entries_[position_].flush == flush) ++position_;
}

void HostPlan::Rewind(size_t position) {
  position_ = position;
  while (!taken_.empty() && taken_.back().position >= static_cast<long>(position)) {
    taken_at_[taken_.back().handler] = taken_.back().before;
    taken_.pop_back();
  }
}

std::set<const TaskSpec*> HostPlan::ReachableHandlers() const {
  std::set<const TaskSpec*> out;
  for (const TaskSpec* h : handlers_) {
    if (Notified(h)) out.insert(h);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const TaskSpec* h : std::set<const TaskSpec*>(out)) {
      for (const TaskSpec* next : Named(h->notify)) grew = out.insert(next).second || grew;
    }
  }
  return out;
}

std::vector<HostTask> HostPlan::Remaining() const {
  const std::set<const TaskSpec*> reachable = ReachableHandlers();
  std::set<const TaskSpec*> seen;
  std::vector<HostTask> out;
  for (size_t p = position_; p < entries_.size(); ++p) {
    const Entry& e = entries_[p];
    if (e.handler && (reachable.count(e.task) == 0 || !seen.insert(e.task).second)) continue;
    if (e.task->kind == TaskKind::kRoleComplete || IsBlockMarker(e.task->kind)) continue;
    if (!e.handler && completed_roles_.count(e.task->role_instance) > 0) continue;
    out.push_back({e.task, e.frame});
  }
  return out;
}

std::optional<size_t> HostPlan::FindMarker(TaskKind kind, const BlockSpec* block,
                                           size_t from) const {
  for (size_t p = from; p < entries_.size(); ++p) {
    const TaskSpec* t = entries_[p].task;
    if (t->kind == kind && t->block.get() == block) return p;
  }
  return std::nullopt;
}

std::optional<size_t> HostPlan::Takeover(const BlockSpec* block, BlockSection section,
                                         size_t from) {
  for (; block != nullptr; section = block->parent_section, block = block->parent.get()) {
    if (section == BlockSection::kBlock && block->has_rescue) {
      if (std::optional<size_t> at = FindMarker(TaskKind::kRescueStart, block, from)) {
        blocks_[block] = BlockState::kRescuing;
        return at;
      }
    }
    if (section != BlockSection::kAlways && block->has_always) {
      if (std::optional<size_t> at = FindMarker(TaskKind::kAlwaysStart, block, from)) {
        blocks_[block] = BlockState::kFailed;
        return at;
      }
    }
    blocks_.erase(block);  // failed through: the failure goes to the block around it
  }
  return std::nullopt;
}

std::optional<bool> HostPlan::Fail(size_t position) {
  const TaskSpec* task = At(position);
  if (task == nullptr || task->block == nullptr || entries_[position].handler) return std::nullopt;
  std::optional<size_t> at = Takeover(task->block.get(), task->block_section, position);
  if (!at) return std::nullopt;
  Rewind(position);
  position_ = *at;
  // Ansible counts the failure as rescued when any block around the task
  // has a rescue and the task is in that block's tasks, also where an inner
  // block's always runs first (PlayIterator.is_any_block_rescuing).
  bool rescued = false;
  BlockSection section = task->block_section;
  for (const BlockSpec* b = task->block.get(); b != nullptr && !rescued;
       section = b->parent_section, b = b->parent.get()) {
    rescued = section == BlockSection::kBlock && b->has_rescue;
  }
  return rescued;
}

bool HostPlan::PassMarker() {
  const TaskSpec* marker = At(position_);
  const BlockSpec* block = marker->block.get();
  auto state = blocks_.find(block);
  const bool rescuing = state != blocks_.end() && state->second == BlockState::kRescuing;
  const bool failed = state != blocks_.end() && state->second == BlockState::kFailed;
  switch (marker->kind) {
    case TaskKind::kRescueStart:
      if (!rescuing) {
        // No failure to rescue: on to the always tasks.
        position_ = FindMarker(TaskKind::kAlwaysStart, block, position_).value_or(position_ + 1);
        return true;
      }
      break;
    case TaskKind::kAlwaysStart:
      if (rescuing) blocks_.erase(state);  // the rescue ran through: rescued
      break;
    case TaskKind::kBlockEnd:
      if (failed) {
        blocks_.erase(state);
        std::optional<size_t> at = Takeover(block->parent.get(), block->parent_section, position_);
        if (!at) {
          position_ = entries_.size();
          return false;
        }
        position_ = *at;
        return true;
      }
      break;
    default:
      break;
  }
  ++position_;
  return true;
}

std::vector<HostPlan::Unit> HostPlan::TakeWaiting() {
  std::vector<Unit> units = std::move(waiting_);
  waiting_.clear();
  pending_at_.clear();
  return units;
}

}  // namespace hostprep
