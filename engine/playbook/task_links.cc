#include "engine/playbook/task_links.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "engine/base/text.h"

namespace hostprep {

namespace {

std::string DerivedId(const TaskSpec& task) {
  std::string id = Slugify(task.name);
  if (id.empty()) id = Slugify(task.module);
  return id.empty() ? "task" : id;
}

// The ids of a play and who owns them, built once and then only read.
class IdTable {
 public:
  void Assign(std::vector<TaskDraft*>& drafts, FieldReader* reader);

  const TaskDraft* Find(const std::string& id) const {
    auto it = owners_.find(id);
    return it == owners_.end() ? nullptr : it->second;
  }
  // Lines of the tasks that derive `id` from their names, when more than one does.
  const std::vector<int>* Shared(const std::string& id) const {
    auto it = derived_lines_.find(id);
    return it != derived_lines_.end() && it->second.size() > 1 ? &it->second : nullptr;
  }

 private:
  std::map<std::string, const TaskDraft*> owners_;
  std::map<std::string, std::vector<int>> derived_lines_;
};

void IdTable::Assign(std::vector<TaskDraft*>& drafts, FieldReader* reader) {
  for (TaskDraft* d : drafts) {
    if (!d->explicit_id) continue;
    auto [it, inserted] = owners_.emplace(d->spec.id, d);
    if (!inserted) {
      reader->Error(d->id_location, fmt::format("duplicate task id '{}' (first used on line {})",
                                                d->spec.id, it->second->id_location.line));
    }
  }
  for (TaskDraft* d : drafts) {
    if (d->explicit_id) continue;
    const std::string base = DerivedId(d->spec);
    derived_lines_[base].push_back(d->spec.location.line);
    const TaskDraft* owner = Find(base);
    if (owner != nullptr && owner->explicit_id) {
      reader->Error(owner->id_location,
                    fmt::format("task id '{}' is also the id {} on line {} gets from its name: "
                                "give one of them another 'id'",
                                base, d->label, d->spec.location.line));
    }
    std::string id = base;
    for (int n = 2; owners_.count(id) > 0; ++n) id = fmt::format("{}-{}", base, n);
    d->spec.id = id;
    owners_.emplace(id, d);
  }
}

// "3 and 9", "3, 9 and 12".
std::string JoinLines(const std::vector<int>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += i + 1 == lines.size() ? " and " : ", ";
    out += std::to_string(lines[i]);
  }
  return out;
}

// " (did you mean ...?)" for an `after` entry that names no id: the id of a
// task whose name was given, or the closest id.
std::string SuggestId(const std::string& entry, const std::vector<TaskDraft*>& candidates) {
  std::vector<std::string> ids;
  for (const TaskDraft* d : candidates) {
    if (d->spec.name == entry) {
      return fmt::format(" (did you mean '{}', the id of {}?)", d->spec.id, d->label);
    }
    ids.push_back(d->spec.id);
  }
  return DidYouMeanSuffix(entry, ids);
}

// The position of `d` among `tasks`, or tasks.size() when it is not one.
size_t LinkPosition(const TaskDraft* d, const std::vector<TaskDraft*>& tasks) {
  return std::find(tasks.begin(), tasks.end(), d) - tasks.begin();
}

void CheckAfter(const TaskDraft& d, const IdTable& ids, const std::vector<TaskDraft*>& tasks,
                const std::vector<TaskDraft*>& all, PlayOrder order, FieldReader* reader) {
  for (size_t i = 0; i < d.spec.after.size(); ++i) {
    const std::string& entry = d.spec.after[i];
    const SourceLocation& at = d.after_locations[i];
    const TaskDraft* target = ids.Find(entry);
    if (const std::vector<int>* lines = ids.Shared(entry)) {
      reader->Error(at, fmt::format("{}: 'after' names '{}', which the tasks on lines {} get "
                                    "from their names: give them distinct 'id's",
                                    d.label, entry, JoinLines(*lines)));
    } else if (target == nullptr) {
      reader->Error(at, fmt::format("{}: 'after' names no task '{}'{}", d.label, entry,
                                    SuggestId(entry, d.spec.is_handler ? all : tasks)));
    } else if (target == &d) {
      reader->Error(at, fmt::format("{}: 'after' names the task itself", d.label));
    } else if (target->spec.is_handler && !d.spec.is_handler) {
      reader->Error(at, fmt::format("{}: 'after' cannot name {}: a handler runs when notified "
                                    "(use 'notify')",
                                    d.label, target->label));
    } else if (order == PlayOrder::kSequential && !d.spec.is_handler &&
               LinkPosition(target, tasks) > LinkPosition(&d, tasks)) {
      reader->Error(at, fmt::format("{}: 'after' names {}, which comes below it: tasks run in "
                                    "file order (move the task below it, or set 'order: dag' "
                                    "on the play)",
                                    d.label, target->label));
    }
  }
}

// What a notification can name: a handler's name (a role's also as "role :
// name"), or a topic handlers listen to; each with the handlers it reaches.
using Targets = std::map<std::string, std::vector<const TaskSpec*>>;

// Where two scopes (roles, the play) have one handler name, the one loaded
// last wins, as in Ansible; within one scope a repeated name is a mistake
// (reported when `reader` is given). The handlers of included roles join
// when their include runs: they are the last loaded for their own role's
// tasks (OwnHandler), and for the rest only where no other handler has the
// name. Every handler that `listen`s to a topic is notified by it.
Targets HandlerTargets(const std::vector<const TaskSpec*>& handlers, FieldReader* reader) {
  Targets targets;
  std::map<std::string, const TaskSpec*> named;
  std::map<std::string, const TaskSpec*> included;
  for (const TaskSpec* h : handlers) {
    if (h->name.empty()) continue;
    if (h->included_role) {
      included[h->name] = h;
      if (!h->role_name.empty()) included[h->role_name + " : " + h->name] = h;
      continue;
    }
    auto it = named.find(h->name);
    if (it != named.end() && it->second->role == h->role && it->second->role_name == h->role_name) {
      if (reader != nullptr) {
        reader->Error(h->location,
                      fmt::format("duplicate handler name '{}' (first used on line {}): 'notify' "
                                  "could not tell them apart",
                                  h->name, it->second->location.line));
      }
      continue;
    }
    named[h->name] = h;
    if (!h->role_name.empty()) named[h->role_name + " : " + h->name] = h;
  }
  for (const auto& [name, h] : included) named.emplace(name, h);
  for (const auto& [name, h] : named) targets[name].push_back(h);
  for (const TaskSpec* h : handlers) {
    for (const std::string& topic : h->listen) {
      std::vector<const TaskSpec*>& list = targets[topic];
      if (std::find(list.begin(), list.end(), h) == list.end()) list.push_back(h);
    }
  }
  return targets;
}

// The handler named `name` that the role of `task`, read for an
// include_role, brought with it; null for any other task or name.
const TaskSpec* OwnHandler(const std::vector<const TaskSpec*>& handlers, const TaskSpec& task,
                           const std::string& name) {
  if (!task.included_role) return nullptr;
  for (auto it = handlers.rbegin(); it != handlers.rend(); ++it) {
    const TaskSpec& h = **it;
    if (h.included_role && h.role_instance == task.role_instance &&
        (h.name == name || (!h.role_name.empty() && h.role_name + " : " + h.name == name)))
      return &h;
  }
  return nullptr;
}

// Rewrites `task`'s notifications to the ids of the handlers they reach.
void LinkNotify(const Targets& targets, const std::vector<const TaskSpec*>& handlers,
                TaskSpec* task) {
  std::vector<std::string> linked;
  for (const std::string& entry : task->notify) {
    if (const TaskSpec* own = OwnHandler(handlers, *task, entry)) {
      if (std::find(linked.begin(), linked.end(), own->id) == linked.end())
        linked.push_back(own->id);
      continue;
    }
    auto it = targets.find(entry);
    if (it == targets.end()) {
      linked.push_back(entry);
      continue;
    }
    for (const TaskSpec* h : it->second) {
      if (std::find(linked.begin(), linked.end(), h->id) == linked.end()) linked.push_back(h->id);
    }
  }
  task->notify = std::move(linked);
}

void CheckNotify(const TaskDraft& d, const Targets& by_name, const IdTable& ids,
                 FieldReader* reader) {
  std::vector<std::string> names;
  for (const auto& [name, handler] : by_name) names.push_back(name);
  for (size_t i = 0; i < d.spec.notify.size(); ++i) {
    const std::string& entry = d.spec.notify[i];
    const SourceLocation& at = d.notify_locations[i];
    if (by_name.count(entry) > 0) continue;
    const TaskDraft* by_id = ids.Find(entry);
    if (by_id != nullptr && by_id->spec.is_handler) continue;
    if (by_id != nullptr) {
      reader->Error(at, fmt::format("{}: 'notify' names {}, which is not a handler (move it "
                                    "under 'handlers')",
                                    d.label, by_id->label));
    } else if (names.empty()) {
      reader->Error(at, fmt::format("{}: 'notify' names no handler '{}' (the play has no "
                                    "handlers)",
                                    d.label, entry));
    } else {
      reader->Error(at, fmt::format("{}: 'notify' names no handler '{}'{}", d.label, entry,
                                    DidYouMeanSuffix(entry, names)));
    }
  }
}

}  // namespace

void LinkTasks(std::vector<TaskDraft>* tasks, std::vector<TaskDraft>* handlers, PlayOrder order,
               FieldReader* reader) {
  std::vector<TaskDraft*> all;
  std::vector<TaskDraft*> task_ptrs;
  for (TaskDraft& d : *tasks) {
    all.push_back(&d);
    task_ptrs.push_back(&d);
  }
  for (TaskDraft& d : *handlers) all.push_back(&d);
  IdTable ids;
  ids.Assign(all, reader);

  std::vector<const TaskSpec*> handler_specs;
  for (const TaskDraft& h : *handlers) handler_specs.push_back(&h.spec);
  const Targets targets = HandlerTargets(handler_specs, reader);
  for (const TaskDraft* d : all) {
    CheckAfter(*d, ids, task_ptrs, all, order, reader);
    CheckNotify(*d, targets, ids, reader);
  }
  // From here on a notification names the handlers it reaches by their ids.
  for (TaskDraft* d : all) LinkNotify(targets, handler_specs, &d->spec);
}

void LinkIncludedTasks(std::vector<TaskDraft>* tasks, const std::string& prefix,
                       const std::vector<TaskSpec>& handlers, FieldReader* reader) {
  std::vector<const TaskSpec*> handler_specs;
  for (const TaskSpec& h : handlers) handler_specs.push_back(&h);
  const Targets targets = HandlerTargets(handler_specs, nullptr);
  std::vector<std::string> names;
  for (const auto& [name, list] : targets) names.push_back(name);
  std::set<std::string> ids;
  for (TaskDraft& d : *tasks) {
    TaskSpec& t = d.spec;
    const std::string base = prefix + "/" + (d.explicit_id ? t.id : DerivedId(t));
    std::string id = base;
    for (int n = 2; !ids.insert(id).second; ++n) id = fmt::format("{}-{}", base, n);
    t.id = id;
    if (!t.after.empty()) {
      reader->Error(t.after_location,
                    fmt::format("{}: 'after' is not supported in a file that 'include_tasks' "
                                "reads: its tasks run in file order",
                                d.label));
    }
    for (size_t i = 0; i < t.notify.size(); ++i) {
      const std::string& entry = t.notify[i];
      const bool by_id = std::any_of(handlers.begin(), handlers.end(),
                                     [&](const TaskSpec& h) { return h.id == entry; });
      if (targets.count(entry) > 0 || by_id) continue;
      const SourceLocation at =
          i < d.notify_locations.size() ? d.notify_locations[i] : t.notify_location;
      reader->Error(at, names.empty()
                            ? fmt::format("{}: 'notify' names no handler '{}' (the play has no "
                                          "handlers)",
                                          d.label, entry)
                            : fmt::format("{}: 'notify' names no handler '{}'{}", d.label, entry,
                                          DidYouMeanSuffix(entry, names)));
    }
    LinkNotify(targets, handler_specs, &t);
  }
}

}  // namespace hostprep
