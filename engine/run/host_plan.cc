#include "engine/run/host_plan.h"

namespace hostprep {

namespace {

// Whether `names` (what `notify` lists) names the handler `h`.
bool Named(const std::set<std::string>& names, const TaskSpec& h) {
  return names.count(h.name) > 0 || names.count(h.id) > 0;
}

}  // namespace

HostPlan::HostPlan(std::vector<const TaskSpec*> tasks, std::vector<const TaskSpec*> handlers)
    : tasks_(std::move(tasks)), handlers_(std::move(handlers)) {}

const TaskSpec* HostPlan::At(size_t position) const {
  if (position < tasks_.size()) return tasks_[position];
  position -= tasks_.size();
  return position < handlers_.size() ? handlers_[position] : nullptr;
}

const TaskSpec* HostPlan::Next() {
  while (IsHandler(position_) && At(position_) != nullptr && !Notified(*At(position_))) {
    ++position_;
  }
  return At(position_);
}

bool HostPlan::Notified(const TaskSpec& h) const {
  return Named(notified_, h) || Named(pending_notified_, h);
}

std::set<const TaskSpec*> HostPlan::ReachableHandlers() const {
  std::set<std::string> names = notified_;
  names.insert(pending_notified_.begin(), pending_notified_.end());
  std::set<const TaskSpec*> out;
  for (bool grew = true; grew;) {
    grew = false;
    for (const TaskSpec* h : handlers_) {
      if (out.count(h) > 0 || !Named(names, *h)) continue;
      out.insert(h);
      names.insert(h->notify.begin(), h->notify.end());
      grew = true;
    }
  }
  return out;
}

std::vector<const TaskSpec*> HostPlan::Remaining() const {
  const std::set<const TaskSpec*> reachable = ReachableHandlers();
  std::vector<const TaskSpec*> out;
  for (size_t p = position_; At(p) != nullptr; ++p) {
    if (!IsHandler(p) || reachable.count(At(p)) > 0) out.push_back(At(p));
  }
  return out;
}

std::vector<HostPlan::Unit> HostPlan::TakeWaiting() {
  std::vector<Unit> units = std::move(waiting_);
  waiting_.clear();
  pending_notified_.clear();
  return units;
}

}  // namespace hostprep
