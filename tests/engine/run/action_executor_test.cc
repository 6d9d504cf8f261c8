#include "engine/run/action_executor.h"

#include <doctest/doctest.h>

#include "engine/transport/fake_transport.h"

namespace hostprep {
namespace {

std::vector<std::vector<std::string>> ExecArgvs(const FakeTransport& t) {
  std::vector<std::vector<std::string>> out;
  for (const FakeTransport::Call& c : t.calls()) {
    if (c.kind == FakeTransport::Call::Kind::kExec) out.push_back(c.argv);
  }
  return out;
}

Action Dir(const std::string& path, unsigned mode) {
  Action a;
  a.kind = Action::Kind::kMakeDirectory;
  a.path = path;
  a.mode = mode;
  return a;
}

TEST_CASE("actions pass paths as arguments, never inside shell text") {
  FakeTransport t;
  t.AddExecResponse({"mkdir"}, ExecResult{});
  t.AddExecResponse({"chmod"}, ExecResult{});
  ActionOutcome out = ExecuteActions({Dir("/etc/a b; reboot", 0750)}, {}, Become{}, 0, &t);
  REQUIRE(out.status.ok());
  CHECK(ExecArgvs(t) ==
        std::vector<std::vector<std::string>>{{"mkdir", "-p", "--", "/etc/a b; reboot"},
                                              {"chmod", "--", "0750", "/etc/a b; reboot"}});
}

TEST_CASE("actions stop at the first that fails and say which") {
  FakeTransport t;
  t.AddExecResponse({"mkdir"}, ExecResult{1, "", "mkdir: cannot create directory: Read-only\n"});
  Action second = Dir("/etc/other", 0755);
  ActionOutcome out = ExecuteActions({Dir("/etc/x", 0755), second}, {}, Become{}, 0, &t);
  CHECK(out.status.message() ==
        "create directory /etc/x: mkdir: cannot create directory: Read-only");
  CHECK(ExecArgvs(t).size() == 1);
}

TEST_CASE("a command that exits non-zero ends the actions and reports its result") {
  FakeTransport t;
  t.AddExecResponse({"false"}, ExecResult{3, "out", "err"});
  Action run;
  run.kind = Action::Kind::kExec;
  run.argv = {"false"};
  Action after = Dir("/etc/never", 0755);
  ActionOutcome out = ExecuteActions({run, after}, {}, Become{}, 0, &t);
  CHECK(out.status.ok());
  CHECK(out.ran_command);
  CHECK(out.last_exec.exit_code == 3);
  CHECK(out.last_exec.stdout_data == "out");
  CHECK(ExecArgvs(t).size() == 1);
}

TEST_CASE("a write with backup copies the old file first, then writes atomically") {
  FakeTransport t;
  t.AddDirectory("/etc/app");
  t.AddFile("/etc/app/app.conf", "old\n");
  t.AddExecResponse({"/bin/sh"}, ExecResult{0, "copied\n", ""});
  Action w;
  w.kind = Action::Kind::kWriteFile;
  w.path = "/etc/app/app.conf";
  w.content = "new\n";
  w.mode = 0600;
  w.backup = true;
  Become become{true, ""};
  ActionOutcome out = ExecuteActions({w}, {}, become, 0, &t);
  REQUIRE(out.status.ok());
  CHECK(out.backup_file.rfind("/etc/app/app.conf.", 0) == 0);
  CHECK(out.backup_file.back() == '~');
  REQUIRE(t.calls().size() == 2);
  REQUIRE(t.calls()[0].argv.size() == 6);
  CHECK(t.calls()[0].argv[4] == "/etc/app/app.conf");  // the script's $1
  CHECK(t.calls()[0].argv[5] == out.backup_file);      // and $2
  CHECK(t.calls()[0].become.enabled);
  CHECK(t.calls()[1].kind == FakeTransport::Call::Kind::kWriteFile);
  CHECK(t.Content("/etc/app/app.conf") == "new\n");
  CHECK(t.Info("/etc/app/app.conf").mode == 0600);
}

TEST_CASE("a write refused by validate leaves no backup behind") {
  FakeTransport t;
  t.AddDirectory("/etc/app");
  t.AddFile("/etc/app/app.conf", "old\n");
  t.AddExecResponse({"/bin/sh"}, ExecResult{0, "copied\n", ""});
  t.AddExecResponse({"rm"}, ExecResult{});
  t.AddExecResponse({"check-config"}, ExecResult{1, "", "bad line 3\n"});
  Action w;
  w.kind = Action::Kind::kWriteFile;
  w.path = "/etc/app/app.conf";
  w.content = "broken\n";
  w.backup = true;
  w.validate_argv = {"check-config", "%s"};
  ActionOutcome out = ExecuteActions({w}, {}, Become{}, 0, &t);
  CHECK_FALSE(out.status.ok());
  CHECK(out.backup_file.empty());
  const std::vector<std::vector<std::string>> execs = ExecArgvs(t);
  REQUIRE(!execs.empty());
  CHECK(execs.back()[0] == "rm");
  CHECK(execs.back().back() == t.calls()[0].argv[5]);  // the backup the first call made
  CHECK(t.Content("/etc/app/app.conf") == "old\n");
}

TEST_CASE("a backup of a file that did not exist is not reported") {
  FakeTransport t;
  t.AddDirectory("/etc/app");
  t.AddExecResponse({"/bin/sh"}, ExecResult{});  // nothing to copy: no "copied"
  Action w;
  w.kind = Action::Kind::kWriteFile;
  w.path = "/etc/app/new.conf";
  w.content = "x\n";
  w.backup = true;
  ActionOutcome out = ExecuteActions({w}, {}, Become{}, 0, &t);
  REQUIRE(out.status.ok());
  CHECK(out.backup_file.empty());
}

TEST_CASE("a failed write leaves the error of the transport, naming the path") {
  FakeTransport t;
  t.AddDirectory("/etc/app");
  t.DenyAccess("/etc/app");
  Action w;
  w.kind = Action::Kind::kWriteFile;
  w.path = "/etc/app/app.conf";
  w.content = "x";
  ActionOutcome out = ExecuteActions({w}, {}, Become{}, 0, &t);
  CHECK_FALSE(out.status.ok());
  CHECK(out.status.message().find("/etc/app/app.conf") != std::string::npos);
}

TEST_CASE("actions and the reads after them make one round trip, the reads seeing the change") {
  FakeTransport t;
  t.AddFile("/etc/a.conf", "old\n");
  Action write;
  write.kind = Action::Kind::kWriteFile;
  write.path = "/etc/a.conf";
  write.content = "new\n";
  const std::vector<RemoteRead> after = {{RemoteRead::Kind::kReadFile, "/etc/a.conf", {}},
                                         {RemoteRead::Kind::kStat, "/etc/b.conf", {}}};
  ActionOutcome out = ExecuteActions({write}, after, Become{}, 0, &t);
  REQUIRE(out.status.ok());
  CHECK(t.stats().round_trips == 1);
  REQUIRE(out.reads_after.has_value());
  REQUIRE(out.reads_after->size() == 2);
  CHECK((*out.reads_after)[0].content == std::string("new\n"));
  CHECK(!(*out.reads_after)[1].stat.exists());
}

TEST_CASE("the reads after actions are not made when an action fails") {
  FakeTransport t;
  t.AddExecResponse({"mkdir"}, ExecResult{1, "", "mkdir: Read-only file system\n"});
  ActionOutcome out = ExecuteActions({Dir("/etc/x", 0755)},
                                     {{RemoteRead::Kind::kStat, "/etc/x", {}}}, Become{}, 0, &t);
  CHECK(out.status.message() == "create directory /etc/x: mkdir: Read-only file system");
  CHECK(!out.reads_after.has_value());
  CHECK(t.CountCalls(FakeTransport::Call::Kind::kStat) == 0);
}

}  // namespace
}  // namespace hostprep
