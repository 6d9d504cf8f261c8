#include "engine/playbook/task_selection.h"

#include <fnmatch.h>

#include <algorithm>

namespace hostprep {

namespace {

bool HasAny(const std::vector<std::string>& tags, const std::vector<std::string>& wanted) {
  return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) {
    return std::find(wanted.begin(), wanted.end(), t) != wanted.end();
  });
}

bool Listed(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool Glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

}  // namespace

bool SelectedByTags(const std::vector<std::string>& task_tags, const std::vector<std::string>& tags,
                    const std::vector<std::string>& skip_tags) {
  const std::vector<std::string> own =
      task_tags.empty() ? std::vector<std::string>{"untagged"} : task_tags;
  const bool untagged = task_tags.empty();
  const bool never = Listed(own, "never");
  bool run = true;
  if (!tags.empty()) {
    run = Listed(own, "always") || (Listed(tags, "all") && !never) || HasAny(own, tags) ||
          (Listed(tags, "tagged") && !untagged && !never);
  } else if (never) {
    run = false;
  }
  if (run && !skip_tags.empty()) {
    if (Listed(skip_tags, "all")) {
      run = Listed(own, "always") && !Listed(skip_tags, "always");
    } else if (HasAny(own, skip_tags) || (Listed(skip_tags, "tagged") && !untagged)) {
      run = false;
    }
  }
  return run;
}

bool IsListedTask(const TaskSpec& task) {
  if (task.is_handler || task.implicit || IsBlockMarker(task.kind) ||
      task.kind == TaskKind::kRoleComplete) {
    return false;
  }
  if (task.block_section != BlockSection::kBlock) return false;
  for (const BlockSpec* b = task.block.get(); b != nullptr; b = b->parent.get()) {
    if (b->parent != nullptr && b->parent_section != BlockSection::kBlock) return false;
  }
  return true;
}

bool MatchesStartAt(const TaskSpec& task, const std::string& pattern) {
  if (!IsListedTask(task)) return false;
  const std::string shown = task.DisplayName();
  return task.name == pattern || (!task.name.empty() && Glob(pattern, task.name)) ||
         shown == pattern || Glob(pattern, shown);
}

const TaskSpec* FindStartTask(const Play& play, const std::string& pattern,
                              const std::vector<std::string>& tags,
                              const std::vector<std::string>& skip_tags) {
  for (const TaskSpec& task : play.tasks) {
    if (MatchesStartAt(task, pattern) && SelectedByTags(task.tags, tags, skip_tags)) return &task;
  }
  return nullptr;
}

std::string ListedName(const TaskSpec& task) {
  return task.name.empty() ? (task.module_key.empty() ? task.module : task.module_key)
                           : task.DisplayName();
}

}  // namespace hostprep
