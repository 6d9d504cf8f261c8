// The task executor on its own: no host, no transport. Answers come from an
// in-memory ReadSource; actions are "carried out" by handing Complete the
// outcome a host would have given.
#include "engine/run/task_executor.h"

#include <doctest/doctest.h>

#include <map>

#include "engine/run/task_run.h"
#include "modules/assert.h"
#include "modules/debug.h"
#include "modules/fail.h"
#include "tests/engine/run/run_test_util.h"

namespace hostprep {
namespace {

// `show`: reads a template on the controller and returns what it rendered.
class ShowModule : public Module {
 public:
  ShowModule() {
    spec_.name = "show";
    spec_.summary = "test module";
    spec_.args = {{"src", ArgType::kString, true, nullptr, {}, {}, ""}};
  }
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value&) const override {
    return {Read::Local(args["src"].get<std::string>(), true)};
  }
  Result<Change> Plan(const Value&, const std::vector<ReadResult>& reads,
                      const Value&) const override {
    if (!reads[0].status.ok()) return reads[0].status;
    Change c;
    c.result["text"] = reads[0].content.value_or("(missing)");
    return c;
  }

 private:
  ArgSpec spec_;
};

// `guess`: acts, and cannot tell in advance whether that changes anything.
class GuessModule : public testing::RunModule {
 public:
  GuessModule() : RunModule("guess") {}
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override {
    Result<Change> c = RunModule::Plan(args, reads, facts);
    c->predictable = false;
    c->message = "would run: " + args["cmd"].get<std::string>();
    return c;
  }
};

// `judge`: acts, and the action's output tells what happened
// (Change::reports); not run in check mode (Change::check_mode_skip).
class JudgeModule : public testing::RunModule {
 public:
  JudgeModule() : RunModule("judge") {}
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override {
    Result<Change> c = RunModule::Plan(args, reads, facts);
    c->predictable = false;
    c->reports = true;
    c->command_output = false;
    c->check_mode_skip = "judge does not support check mode";
    return c;
  }
  Result<Change> Report(const Value&, const ExecResult& output) const override {
    if (output.stdout_data == "garbage") return Status::Error("judge: no verdict");
    Change c;
    c.changed = output.stdout_data == "new";
    c.failed = output.stdout_data == "broken";
    c.message = c.failed ? "judge found it broken" : "";
    c.result["verdict"] = output.stdout_data;
    return c;
  }
};

// Files on the host (read without regard to become) and on the controller.
class Answers : public ReadSource {
 public:
  std::optional<ReadResult> Find(const Become&, const RemoteRead& read) const override {
    auto it = host.find(read.path);
    if (it == host.end()) return std::nullopt;
    ReadResult r;
    r.content = it->second;
    return r;
  }
  std::optional<std::string> ReadLocal(const std::string& path) const override {
    auto it = controller.find(path);
    if (it == controller.end()) return std::nullopt;
    return it->second;
  }
  FileInfo StatLocal(const std::string& path) const override {
    FileInfo info;
    if (controller.count(path)) info = {FileType::kFile, 0644, "root", "root", 0, ""};
    return info;
  }
  std::map<std::string, std::optional<std::string>> host;
  std::map<std::string, std::string> controller;
};

struct Fixture {
  ModuleRegistry modules;
  RunOptions options;
  std::unique_ptr<Playbook> playbook;
  HostState state{"h1"};
  Variables vars;
  PlayContext ctx;
  Answers answers;

  explicit Fixture(const std::string& yaml) {
    modules.Register(std::make_unique<testing::PutModule>());
    modules.Register(std::make_unique<testing::RunModule>());
    modules.Register(std::make_unique<ShowModule>());
    modules.Register(std::make_unique<GuessModule>());
    modules.Register(std::make_unique<JudgeModule>());
    modules.Register(std::make_unique<modules::DebugModule>());
    modules.Register(std::make_unique<modules::FailModule>());
    modules.Register(std::make_unique<modules::AssertModule>());
    Diagnostics diags;
    playbook = ParsePlaybookString(yaml, "/srv/site.yml", modules, &diags);
    REQUIRE_MESSAGE(playbook != nullptr, diags.Format());
    ctx.playbook = playbook.get();
    ctx.play = &playbook->plays.front();
    ctx.modules = &modules;
    ctx.options = &options;
    state.facts = Value::object();
  }
  const TaskSpec& task(size_t i) const { return ctx.play->tasks[i]; }
};

// Runs the play's first task, which must need nothing (no reads, no
// actions) before it is done.
TaskOutcome DoneWithoutSteps(Fixture* f) {
  TaskExecutor executor(f->ctx, &f->state, f->vars);
  std::unique_ptr<TaskRun> run = executor.Start(f->task(0));
  REQUIRE(executor.Prepare(run.get(), f->answers).kind == TaskStep::Kind::kDone);
  return executor.Finish(std::move(run));
}

ActionOutcome Exited(int rc, std::string out = "", std::string err = "") {
  ActionOutcome o;
  o.ran_command = true;
  o.last_exec = {rc, std::move(out), std::move(err)};
  return o;
}

std::vector<std::string> Statuses(const TaskOutcome& out) {
  std::vector<std::string> s;
  for (const TaskEvent& e : out.events) {
    s.push_back(std::string(TaskStatusName(e.status)) + (e.item.empty() ? "" : " " + e.item));
  }
  return s;
}

TEST_CASE("executor asks for the reads a task needs, then for its actions, then is done") {
  Fixture f(R"(
- hosts: all
  tasks:
    - name: conf
      put: {path: /etc/a.conf, content: "new\n"}
)");
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
  TaskStep step = executor.Prepare(run.get(), f.answers);
  REQUIRE(step.kind == TaskStep::Kind::kRead);
  REQUIRE(step.reads.size() == 1);
  CHECK(step.reads[0].read.path == "/etc/a.conf");

  f.answers.host["/etc/a.conf"] = "old\n";
  step = executor.Prepare(run.get(), f.answers);
  REQUIRE(step.kind == TaskStep::Kind::kAct);
  REQUIRE(step.actions.size() == 1);
  CHECK(step.actions[0].content == "new\n");
  CHECK(step.changes);
  REQUIRE(step.guard.size() == 1);  // the plan was made on this answer
  CHECK(step.guard[0].path == "/etc/a.conf");

  executor.Complete(run.get(), ActionOutcome{});
  CHECK(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
  TaskOutcome out = executor.Finish(std::move(run));
  CHECK(Statuses(out) == std::vector<std::string>{"changed"});
  CHECK(out.changed);
  CHECK_FALSE(out.failed);
}

TEST_CASE("executor reports a task whose action could not be carried out as failed, not changed") {
  Fixture f(R"(
- hosts: all
  tasks:
    - name: conf
      put: {path: /etc/a.conf, content: "new\n"}
)");
  f.answers.host["/etc/a.conf"] = "old\n";
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kAct);
  ActionOutcome refused;
  refused.status = Status::Error("write /etc/a.conf: permission denied");
  executor.Complete(run.get(), refused);
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
  TaskOutcome out = executor.Finish(std::move(run));
  CHECK(Statuses(out) == std::vector<std::string>{"failed"});
  CHECK_FALSE(out.changed);  // as Ansible counts it, also when ignored
  CHECK(out.events[0].message ==
        "write /etc/a.conf: permission denied: run the task as root with become: true (or -b)");
}

TEST_CASE("executor in check mode plans the change and asks for no action") {
  Fixture f(R"(
- hosts: all
  tasks:
    - put: {path: /etc/a.conf, content: "new\n"}
)");
  f.options.check = true;
  f.answers.host["/etc/a.conf"] = "old\n";
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"changed"});
  CHECK(out.events[0].check_mode);
}

TEST_CASE("executor in check mode skips a task whose change cannot be predicted, as Ansible") {
  Fixture f(R"(
- hosts: all
  tasks:
    - guess: "reload-everything"
)");
  f.options.check = true;
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"skipped"});
  CHECK(out.events[0].message == "would run: reload-everything (not run in check mode)");
  CHECK_FALSE(out.changed);
}

TEST_CASE("executor asks a loop's when of each item and runs the items it allows") {
  Fixture f(R"(
- hosts: all
  tasks:
    - put: {path: "/etc/{{ item }}", content: "x"}
      loop: [a, b, c]
      when: item != 'b'
)");
  f.answers.host["/etc/a"] = "x";
  f.answers.host["/etc/c"] = "old";
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
  TaskStep step = executor.Prepare(run.get(), f.answers);
  REQUIRE(step.kind == TaskStep::Kind::kAct);  // a is as wanted, b skipped, c acts
  CHECK(step.actions[0].path == "/etc/c");
  executor.Complete(run.get(), ActionOutcome{});
  CHECK(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
  TaskOutcome out = executor.Finish(std::move(run));
  CHECK(Statuses(out) == std::vector<std::string>{"ok a", "skipped b", "changed c"});
  CHECK(out.events.back().counts_in_recap);
  CHECK(out.events.back().recap_status == TaskStatus::kChanged);
}

TEST_CASE("executor waits between retries and reports the last attempt") {
  Fixture f(R"(
- hosts: all
  tasks:
    - run: "false"
      retries: 2
      delay: 7
)");
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
  std::vector<TaskStep::Kind> kinds;
  for (TaskStep step = executor.Prepare(run.get(), f.answers); step.kind != TaskStep::Kind::kDone;
       step = executor.Prepare(run.get(), f.answers)) {
    kinds.push_back(step.kind);
    if (step.kind == TaskStep::Kind::kWait) CHECK(step.wait_seconds == 7);
    if (step.kind == TaskStep::Kind::kAct) executor.Complete(run.get(), Exited(1, "", "no\n"));
  }
  using K = TaskStep::Kind;
  CHECK(kinds == std::vector<K>{K::kAct, K::kWait, K::kAct, K::kWait, K::kAct});
  TaskOutcome out = executor.Finish(std::move(run));
  CHECK(Statuses(out) == std::vector<std::string>{"failed"});
  CHECK(out.events[0].message == "non-zero return code 1: no");
  CHECK(out.failed);
}

TEST_CASE("executor registers a command's result without its trailing line break") {
  Fixture f(R"(
- hosts: all
  tasks:
    - run: "true"
      register: said
)");
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kAct);
  executor.Complete(run.get(), Exited(0, "hi\n"));
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
  TaskOutcome out = executor.Finish(std::move(run));
  CHECK(Statuses(out) == std::vector<std::string>{"changed"});
  CHECK(f.state.registered["said"]["stdout"] == "hi");
  CHECK(f.state.registered["said"]["stdout_lines"] == Value::array({"hi"}));
  CHECK(f.state.registered["said"]["rc"] == 0);
  CHECK(f.state.registered["said"]["changed"] == true);
}

// Runs the play's first task to its end: actions complete with `outcome`.
TaskOutcome RunToEnd(Fixture* f, const ActionOutcome& outcome = ActionOutcome{}) {
  TaskExecutor executor(f->ctx, &f->state, f->vars);
  std::unique_ptr<TaskRun> run = executor.Start(f->task(0));
  for (TaskStep step = executor.Prepare(run.get(), f->answers); step.kind != TaskStep::Kind::kDone;
       step = executor.Prepare(run.get(), f->answers)) {
    if (step.kind == TaskStep::Kind::kAct) executor.Complete(run.get(), outcome);
  }
  return executor.Finish(std::move(run));
}

TEST_CASE("changed_when and failed_when judge any module's result, as in Ansible") {
  struct Case {
    const char* keywords;
    bool check;
    const char* status;
    const char* message;
  };
  const Case cases[] = {
      {"changed_when: false", false, "ok", ""},
      {"changed_when: false", true, "ok", ""},  // judged on the check-mode result too
      {"changed_when: r.changed and false", false, "ok", ""},
      {"failed_when: r.changed", false, "failed", "failed_when condition matched"},
      // changed_when first: failed_when sees the changed it decided.
      {"changed_when: false\n      failed_when: r.changed", false, "ok", ""},
      {"failed_when: r.nope", false, "failed",
       "/srv/site.yml:6:20: failed_when: 'r' has no attribute 'nope'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.keywords);
    Fixture f(std::string(R"(
- hosts: all
  tasks:
    - put: {path: /etc/a.conf, content: "new\n"}
      register: r
      )") + c.keywords +
              "\n");
    f.options.check = c.check;
    f.answers.host["/etc/a.conf"] = "old\n";
    TaskOutcome out = RunToEnd(&f);
    CHECK(Statuses(out) == std::vector<std::string>{c.status});
    CHECK(out.events[0].message == c.message);
  }
}

TEST_CASE("changed_when on a failed command sets changed and the task stays failed") {
  Fixture f(R"(
- hosts: all
  tasks:
    - run: "false"
      register: r
      changed_when: true
)");
  TaskOutcome out = RunToEnd(&f, Exited(1));
  CHECK(Statuses(out) == std::vector<std::string>{"failed"});
  CHECK(f.state.registered["r"]["changed"] == true);
  CHECK(f.state.registered["r"]["failed"] == true);
}

TEST_CASE("executor makes a task unreachable when its reads could not be made") {
  Fixture f(R"(
- hosts: all
  tasks:
    - put: {path: /etc/a.conf, content: "x"}
)");
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kRead);
  executor.Fail(run.get(), Status::Unreachable("connection to h1 lost"));
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
  TaskOutcome out = executor.Finish(std::move(run));
  CHECK(out.unreachable);
  CHECK(Statuses(out) == std::vector<std::string>{"unreachable"});
  CHECK(out.events[0].message == "connection to h1 lost");
}

TEST_CASE("executor renders a controller template beside the playbook with the task's variables") {
  Fixture f(R"(
- hosts: all
  vars: {}
  tasks:
    - show: {src: templates/motd.j2}
      vars: {who: ops}
)");
  f.answers.controller["/srv/templates/motd.j2"] = "hello {{ who }}";
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(out.events[0].result["text"] == "hello ops");
}

TEST_CASE("executor renders a template that includes and imports others from the search path") {
  Fixture f(R"(
- hosts: all
  tasks:
    - show: {src: templates/chrony.conf.j2}
      vars: {servers: [a.ntp, b.ntp]}
)");
  f.answers.controller["/srv/templates/chrony.conf.j2"] =
      "{% import 'macros.j2' as m %}\n"
      "{% for s in servers %}\n"
      "{{ m.server(s) }}\n"
      "{% endfor %}\n"
      "{% include 'footer.j2' %}\n";
  f.answers.controller["/srv/templates/macros.j2"] =
      "{% macro server(name) %}server {{ name }} iburst{% endmacro %}\n";
  f.answers.controller["/srv/templates/footer.j2"] = "# {{ servers | length }} servers\n";
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(out.events[0].result["text"] == "server a.ntp iburst\nserver b.ntp iburst\n# 2 servers\n");
}

TEST_CASE("executor names the template file, line and column of a rendering error") {
  Fixture f(R"(
- hosts: all
  tasks:
    - show: {src: templates/motd.j2}
)");
  f.answers.controller["/srv/templates/motd.j2"] = "hello\n{% include 'missing.j2' %}\n";
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(out.events[0].message ==
        "/srv/templates/motd.j2:2:1: template 'missing.j2' not found in the template search path");
}

TEST_CASE("executor skips a task whose when is false before asking for anything") {
  Fixture f(R"(
- hosts: all
  tasks:
    - put: {path: /etc/a.conf, content: "x"}
      when: false
)");
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"skipped"});
  CHECK(out.events[0].message == "condition 'false' was false");
}

TEST_CASE("debug, fail and assert are answered on the controller, without a host read") {
  Fixture f(R"(
- hosts: all
  tasks:
    - debug: {var: size * 2}
      vars: {size: 3}
)");
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"ok"});
  CHECK(out.events[0].display == Value::object({{"size * 2", 6}}));
}

TEST_CASE("debug var shows an undefined variable as Ansible does") {
  Fixture f(R"(
- hosts: all
  tasks:
    - debug: {var: nowhere.to_be_seen}
      register: r
)");
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"ok"});
  CHECK(out.events[0].display ==
        Value::object({{"nowhere.to_be_seen", "VARIABLE IS NOT DEFINED!"}}));
  CHECK(f.state.registered["r"]["changed"] == false);
}

TEST_CASE("debug with verbosity follows the run's -v count") {
  for (int v : {0, 1}) {
    CAPTURE(v);
    Fixture f(R"(
- hosts: all
  tasks:
    - debug: {msg: detail, verbosity: 1}
)");
    f.options.verbosity = v;
    TaskOutcome out = DoneWithoutSteps(&f);
    CHECK(Statuses(out) == std::vector<std::string>{v == 0 ? "skipped" : "ok"});
  }
}

TEST_CASE("fail fails the host with its rendered message") {
  Fixture f(R"(
- hosts: all
  tasks:
    - fail: {msg: "release {{ release }} is too old"}
      when: release | int < 12
      vars: {release: "11"}
)");
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"failed"});
  CHECK(out.events[0].message == "release 11 is too old");
}

TEST_CASE("assert judges its conditions under the run's rule and registers the failing one") {
  Fixture f(R"(
- hosts: all
  tasks:
    - assert:
        that: [cpus >= 1, cpus >= 2]
        fail_msg: "{{ cpus }} CPU is not enough"
      vars: {cpus: 1}
      register: r
      ignore_errors: true
)");
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"ignored"});
  CHECK(out.events[0].message == "1 CPU is not enough");
  CHECK(f.state.registered["r"]["assertion"] == "cpus >= 2");
  CHECK(f.state.registered["r"]["evaluated_to"] == false);
  CHECK(f.state.registered["r"]["failed"] == true);

  Fixture broken(R"(
- hosts: all
  tasks:
    - assert: {that: name}
      vars: {name: web}
)");
  TaskOutcome refused = DoneWithoutSteps(&broken);
  CHECK(Statuses(refused) == std::vector<std::string>{"failed"});
  CHECK(refused.events[0].message.find("| length > 0") != std::string::npos);
}

TEST_CASE("a registered result has Ansible's status keys: failed when it ran, skipped when not") {
  Fixture f(R"(
- hosts: all
  tasks:
    - debug: {msg: hi}
      register: ran
    - debug: {msg: hi}
      register: not_run
      when: false
)");
  RunToEnd(&f);
  CHECK(f.state.registered["ran"]["failed"] == false);
  CHECK_FALSE(f.state.registered["ran"].contains("skipped"));
  TaskExecutor executor(f.ctx, &f.state, f.vars);
  std::unique_ptr<TaskRun> run = executor.Start(f.task(1));
  REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
  executor.Finish(std::move(run));
  CHECK(f.state.registered["not_run"]["skipped"] == true);
  CHECK_FALSE(f.state.registered["not_run"].contains("failed"));
}

TEST_CASE("no_log hides what debug would show") {
  Fixture f(R"(
- hosts: all
  tasks:
    - debug: {var: token}
      vars: {token: s3cr3t}
      no_log: true
)");
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"ok"});
  CHECK(out.events[0].display.is_null());
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("executor takes what a reporting module says its action did") {
  struct Row {
    std::string out;
    std::string status;
    std::string message;
  };
  const std::vector<Row> rows = {{"same", "ok", ""},
                                 {"new", "changed", ""},
                                 {"broken", "failed", "judge found it broken"},
                                 {"garbage", "failed", "judge: no verdict"}};
  for (const Row& row : rows) {
    CAPTURE(row.out);
    Fixture f(R"(
- hosts: all
  tasks:
    - judge: "extract-if-needed"
      register: judged
)");
    TaskExecutor executor(f.ctx, &f.state, f.vars);
    std::unique_ptr<TaskRun> run = executor.Start(f.task(0));
    REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kAct);
    executor.Complete(run.get(), Exited(0, row.out));
    REQUIRE(executor.Prepare(run.get(), f.answers).kind == TaskStep::Kind::kDone);
    TaskOutcome out = executor.Finish(std::move(run));
    CHECK(Statuses(out) == std::vector<std::string>{row.status});
    CHECK(out.events[0].message == row.message);
    CHECK(out.changed == (row.status == "changed"));
    // Its own result, not the command's rc and output.
    CHECK_FALSE(f.state.registered["judged"].contains("rc"));
    if (row.out != "garbage") CHECK(f.state.registered["judged"]["verdict"] == row.out);
  }
}

TEST_CASE("executor in check mode skips a task its module skips there, as Ansible's") {
  Fixture f(R"(
- hosts: all
  tasks:
    - judge: "extract-if-needed"
      register: judged
)");
  f.options.check = true;
  TaskOutcome out = DoneWithoutSteps(&f);
  CHECK(Statuses(out) == std::vector<std::string>{"skipped"});
  CHECK(out.events[0].message == "judge does not support check mode");
  CHECK(f.state.registered["judged"]["msg"] == "judge does not support check mode");
  CHECK(f.state.registered["judged"]["skipped"] == true);
}

}  // namespace
}  // namespace hostprep
