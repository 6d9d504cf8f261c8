#include "engine/run/host_plan.h"

#include <doctest/doctest.h>

#include <deque>

namespace hostprep {
namespace {

// Tasks and handlers named as given; a handler notifies those after "->".
class Specs {
 public:
  const TaskSpec* Task(const std::string& name, std::vector<std::string> notify = {}) {
    return Add(name, false, std::move(notify));
  }
  const TaskSpec* Handler(const std::string& name, std::vector<std::string> notify = {}) {
    return Add(name, true, std::move(notify));
  }
  const TaskSpec* Flush() {
    TaskSpec* t = const_cast<TaskSpec*>(Add("FLUSH", false, {}));
    t->kind = TaskKind::kFlushHandlers;
    return t;
  }

 private:
  const TaskSpec* Add(const std::string& name, bool handler, std::vector<std::string> notify) {
    TaskSpec& t = specs_.emplace_back();
    t.name = name;
    t.id = name;
    t.is_handler = handler;
    t.notify = std::move(notify);
    return &t;
  }
  std::deque<TaskSpec> specs_;  // stable addresses
};

std::vector<std::string> Names(const std::vector<HostTask>& tasks) {
  std::vector<std::string> out;
  for (const HostTask& t : tasks) out.push_back(t.spec->name);
  return out;
}

// Runs the plan to its end, notifying for the tasks in `changes`.
std::vector<std::string> RunAll(HostPlan* plan, const std::set<std::string>& changes) {
  std::vector<std::string> ran;
  while (const TaskSpec* t = plan->Next()) {
    ran.push_back(t->name);
    if (changes.count(t->name) > 0) plan->Notify(*t);
    plan->Advance();
  }
  return ran;
}

TEST_CASE("host plan runs the tasks in order, then only the notified handlers, once each") {
  Specs s;
  const TaskSpec* a = s.Task("a", {"restart"});
  const TaskSpec* b = s.Task("b", {"restart", "reload"});
  const TaskSpec* c = s.Task("c", {"reload"});
  HostPlan plan({a, b, c}, {s.Handler("reload"), s.Handler("restart"), s.Handler("unused")});
  CHECK(RunAll(&plan, {"a", "b"}) == std::vector<std::string>{"a", "b", "c", "reload", "restart"});
}

TEST_CASE("host plan runs no handler when nothing changed") {
  Specs s;
  HostPlan plan({s.Task("a", {"h"})}, {s.Handler("h")});
  CHECK(RunAll(&plan, {}) == std::vector<std::string>{"a"});
}

TEST_CASE("host plan runs a handler notified by another handler after it") {
  Specs s;
  HostPlan plan({s.Task("a", {"first"})}, {s.Handler("first", {"second"}), s.Handler("second")});
  CHECK(RunAll(&plan, {"a", "first"}) == std::vector<std::string>{"a", "first", "second"});
}

TEST_CASE("host plan's remaining work holds the tasks left and the handlers they can reach") {
  Specs s;
  const TaskSpec* a = s.Task("a", {"first"});
  const TaskSpec* b = s.Task("b");
  HostPlan plan({a, b}, {s.Handler("first", {"second"}), s.Handler("second"), s.Handler("other")});
  CHECK(Names(plan.Remaining()) == std::vector<std::string>{"a", "b"});
  plan.Next();
  plan.Notify(*a);
  plan.Advance();
  // Notified handlers are read ahead too, and those they notify in turn.
  CHECK(Names(plan.Remaining()) == std::vector<std::string>{"b", "first", "second"});
}

TEST_CASE("host plan forgets what the waiting batch would notify once it is taken") {
  Specs s;
  const TaskSpec* a = s.Task("a", {"h"});
  HostPlan plan({a}, {s.Handler("h")});
  plan.Next();
  plan.NotifyPending(*a);
  HostPlan::Unit unit;
  unit.task = a;
  plan.waiting().push_back(std::move(unit));
  plan.Advance();
  CHECK(plan.Next() != nullptr);  // the handler, notified by the waiting task
  CHECK(plan.TakeWaiting().size() == 1);
  CHECK(plan.waiting().empty());
  CHECK(plan.Next() == nullptr);  // taken without reporting: nothing notified it
}

TEST_CASE("host plan rewinds to a task to plan it again") {
  Specs s;
  const TaskSpec* a = s.Task("a");
  const TaskSpec* b = s.Task("b");
  HostPlan plan({a, b}, {});
  plan.Next();
  plan.Advance();
  plan.Next();
  plan.Advance();
  CHECK(plan.Next() == nullptr);
  plan.Rewind(1);
  CHECK(plan.Next() == b);
  CHECK(plan.position() == 1);
}

TEST_CASE("host plan runs notified handlers at each flush, and again when notified again") {
  Specs s;
  const TaskSpec* pre = s.Task("pre", {"h"});
  const TaskSpec* main = s.Task("main", {"h", "g"});
  const TaskSpec* post = s.Task("post", {"h"});
  const TaskSpec* quiet = s.Task("quiet", {"g"});
  HostPlan plan({pre, s.Flush(), main, s.Flush(), post, quiet}, {s.Handler("g"), s.Handler("h")});
  CHECK(RunAll(&plan, {"pre", "main", "post"}) ==
        std::vector<std::string>{"pre", "h", "main", "g", "h", "post", "quiet", "h"});
}

TEST_CASE("host plan runs a handler once when its notification is reported after it was taken") {
  // A task and the handler it notifies both wait in the batch; the task's
  // outcome is reported after the handler was planned: the handler does
  // not run again at the next flush.
  Specs s;
  const TaskSpec* a = s.Task("a", {"h"});
  const TaskSpec* b = s.Task("b");
  HostPlan plan({a, s.Flush(), b}, {s.Handler("h")});
  CHECK(plan.Next() == a);
  plan.NotifyPending(*a);
  plan.Advance();
  CHECK(plan.Next()->name == "h");
  plan.Advance();
  plan.TakeWaiting();
  plan.Notify(*a, 0);  // reported now, from where it stood
  CHECK(plan.Next() == b);
  plan.Advance();
  CHECK(plan.Next() == nullptr);
}

TEST_CASE("host plan notifies a handler again when it rewinds to before it") {
  Specs s;
  const TaskSpec* a = s.Task("a", {"h"});
  HostPlan plan({a}, {s.Handler("h")});
  plan.Next();
  plan.Notify(*a);
  plan.Advance();
  CHECK(plan.Next()->name == "h");
  const size_t handler_at = plan.position();
  plan.Advance();
  CHECK(plan.Next() == nullptr);
  plan.Rewind(handler_at);  // its guard failed: it is planned again
  CHECK(plan.Next()->name == "h");
}

TEST_CASE("host plan reads ahead for each handler once, however many flushes it appears at") {
  Specs s;
  const TaskSpec* a = s.Task("a", {"h"});
  const TaskSpec* b = s.Task("b");
  HostPlan plan({a, s.Flush(), b, s.Flush()}, {s.Handler("h")});
  plan.Next();
  plan.Notify(*a);
  CHECK(Names(plan.Remaining()) == std::vector<std::string>{"a", "h", "b"});
}

TEST_CASE("host plan skips a role's later occurrence once a task of it ran") {
  Specs s;
  auto in_role = [](const TaskSpec* t, int instance) {
    const_cast<TaskSpec*>(t)->role_instance = instance;
    return t;
  };
  const TaskSpec* first = in_role(s.Task("first"), 0);
  const TaskSpec* end = s.Task("END");
  const_cast<TaskSpec*>(end)->kind = TaskKind::kRoleComplete;
  const_cast<TaskSpec*>(end)->role_instance = 0;
  const TaskSpec* again = in_role(s.Task("again"), 0);
  const TaskSpec* after = s.Task("after");

  SUBCASE("a task of it ran: the later occurrence is skipped") {
    HostPlan plan({first, end, again, after}, {});
    CHECK(plan.Next() == first);
    plan.RoleRan(*first);
    plan.Advance();
    CHECK(plan.Next() == end);
    plan.EndRole(*end);
    plan.Advance();
    CHECK(plan.Next() == after);
  }
  SUBCASE("all of it was skipped: the later occurrence runs") {
    HostPlan plan({first, end, again, after}, {});
    plan.Next();
    plan.Advance();
    CHECK(plan.Next() == end);
    plan.EndRole(*end);
    plan.Advance();
    CHECK(plan.Next() == again);
  }
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

// Builds a block's tasks with their markers, as the parser lays them out.
struct BlockBuilder {
  std::deque<TaskSpec> specs;
  std::vector<const TaskSpec*> tasks;

  std::shared_ptr<BlockSpec> Open(bool rescue, bool always,
                                  std::shared_ptr<const BlockSpec> parent = nullptr,
                                  BlockSection parent_section = BlockSection::kBlock) {
    auto b = std::make_shared<BlockSpec>();
    b->has_rescue = rescue;
    b->has_always = always;
    b->parent = std::move(parent);
    b->parent_section = parent_section;
    return b;
  }
  void Task(const std::string& name, std::shared_ptr<const BlockSpec> block = nullptr,
            BlockSection section = BlockSection::kBlock) {
    TaskSpec& t = specs.emplace_back();
    t.name = t.id = name;
    t.block = std::move(block);
    t.block_section = section;
    tasks.push_back(&t);
  }
  void Marker(TaskKind kind, std::shared_ptr<const BlockSpec> block) {
    TaskSpec& t = specs.emplace_back();
    t.kind = kind;
    t.implicit = true;
    t.name = t.id = "marker";
    t.block = std::move(block);
    tasks.push_back(&t);
  }
};

// Runs the plan as HostPlay does: markers passed, the tasks in `fails`
// failing (the first time they run); "rescued X" / "failed X" after a
// failure, "HOST FAILED" when the host stops.
std::vector<std::string> RunFailing(HostPlan* plan, std::set<std::string> fails) {
  std::vector<std::string> ran;
  while (const TaskSpec* t = plan->Next()) {
    if (IsBlockMarker(t->kind)) {
      if (!plan->PassMarker()) ran.push_back("HOST FAILED");
      continue;
    }
    ran.push_back(t->name);
    if (fails.erase(t->name) > 0) {
      std::optional<bool> rescued = plan->Fail(plan->position());
      if (!rescued) {
        ran.push_back("HOST FAILED");
        break;
      }
      ran.push_back(*rescued ? "(rescued)" : "(failed)");
    }
    plan->Advance();
  }
  return ran;
}

TEST_CASE("host plan runs a block's rescue after a failure and its always in any case") {
  BlockBuilder b;
  auto block = b.Open(true, true);
  b.Task("a", block);
  b.Task("b", block);
  b.Marker(TaskKind::kRescueStart, block);
  b.Task("r", block, BlockSection::kRescue);
  b.Marker(TaskKind::kAlwaysStart, block);
  b.Task("w", block, BlockSection::kAlways);
  b.Marker(TaskKind::kBlockEnd, block);
  b.Task("after");
  {
    HostPlan plan(b.tasks, {});
    CHECK(RunFailing(&plan, {}) == std::vector<std::string>{"a", "b", "w", "after"});
  }
  {
    HostPlan plan(b.tasks, {});
    CHECK(RunFailing(&plan, {"a"}) ==
          std::vector<std::string>{"a", "(rescued)", "r", "w", "after"});
  }
  {
    // A failure in the rescue: the always runs, then the host fails.
    HostPlan plan(b.tasks, {});
    CHECK(RunFailing(&plan, {"a", "r"}) ==
          std::vector<std::string>{"a", "(rescued)", "r", "(failed)", "w", "HOST FAILED"});
  }
}

TEST_CASE("host plan passes a failure to the block around once the inner always ran") {
  BlockBuilder b;
  auto outer = b.Open(true, false);
  auto inner = b.Open(false, true, outer, BlockSection::kBlock);
  b.Task("x", inner);
  b.Task("y", inner);
  b.Marker(TaskKind::kRescueStart, inner);
  b.Marker(TaskKind::kAlwaysStart, inner);
  b.Task("inner always", inner, BlockSection::kAlways);
  b.Marker(TaskKind::kBlockEnd, inner);
  b.Task("z", outer);
  b.Marker(TaskKind::kRescueStart, outer);
  b.Task("outer rescue", outer, BlockSection::kRescue);
  b.Marker(TaskKind::kAlwaysStart, outer);
  b.Marker(TaskKind::kBlockEnd, outer);
  b.Task("after");
  HostPlan plan(b.tasks, {});
  // Counted as rescued: the outer block will rescue it (as Ansible counts).
  CHECK(RunFailing(&plan, {"x"}) ==
        std::vector<std::string>{"x", "(rescued)", "inner always", "outer rescue", "after"});
}

TEST_CASE("host plan fails the host on a failure outside blocks, or in a block without either") {
  BlockBuilder b;
  auto block = b.Open(false, false);
  b.Task("a", block);
  b.Marker(TaskKind::kRescueStart, block);
  b.Marker(TaskKind::kAlwaysStart, block);
  b.Marker(TaskKind::kBlockEnd, block);
  b.Task("after");
  HostPlan plan(b.tasks, {});
  CHECK(RunFailing(&plan, {"a"}) == std::vector<std::string>{"a", "HOST FAILED"});
}

}  // namespace
}  // namespace hostprep
