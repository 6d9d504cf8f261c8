#include "engine/transport/fake_transport.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace hostprep {
namespace {

using Kind = FakeTransport::Call::Kind;

WriteRequest Write(std::string path, std::string content) {
  WriteRequest w;
  w.path = std::move(path);
  w.content = std::move(content);
  return w;
}

TEST_CASE("fake transport serves files, directories and symlinks from memory") {
  FakeTransport t("node1");
  t.AddFile("/etc/app/app.conf", "x=1\n", 0600, "app", "staff");
  t.AddSymlink("/etc/app/current", "app.conf");
  t.AddSymlink("/etc/loop", "/etc/loop");

  CHECK(t.Paths() == std::vector<std::string>{"/etc", "/etc/app", "/etc/app/app.conf",
                                              "/etc/app/current", "/etc/loop"});
  Result<FileInfo> info = t.Stat("/etc/app//app.conf", {});
  REQUIRE(info.ok());
  CHECK(info->type == FileType::kFile);
  CHECK(info->mode == 0600);
  CHECK(info->owner == "app");
  CHECK(info->group == "staff");
  CHECK(info->size == 4);
  CHECK(t.Stat("/etc", {})->type == FileType::kDirectory);
  CHECK(t.Stat("/etc/app/current", {})->type == FileType::kSymlink);
  CHECK(t.Stat("/etc/app/current", {})->link_target == "app.conf");
  CHECK(!t.Stat("/etc/nope", {})->exists());

  CHECK(t.ReadFile("/etc/app/current", {})->value() == "x=1\n");
  CHECK(!t.ReadFile("/etc/nope", {})->has_value());
  CHECK(!t.ReadFile("/etc/loop", {})->has_value());
  CHECK(t.ReadFile("/etc", {}).message() == "read /etc: is a directory");
  CHECK(t.stats().round_trips == 9);
  CHECK(t.description() == "fake node1");
}

TEST_CASE("fake transport writes keep or set mode and owner like the real one") {
  FakeTransport t;
  t.AddFile("/etc/a", "old", 0640, "app", "app");
  REQUIRE(t.WriteFile(Write("/etc/a", "new")).ok());
  CHECK(t.Content("/etc/a") == "new");
  CHECK(t.Info("/etc/a").mode == 0640);
  CHECK(t.Info("/etc/a").owner == "app");

  WriteRequest w = Write("/etc/b", "b");
  REQUIRE(t.WriteFile(w).ok());
  CHECK(t.Info("/etc/b").mode == 0644);
  CHECK(t.Info("/etc/b").owner == "root");
  w.mode = 0600;
  w.owner = "app";
  w.group = "staff";
  REQUIRE(t.WriteFile(w).ok());
  FileInfo b = t.Info("/etc/b");
  CHECK(b.mode == 0600);
  CHECK(b.owner == "app");
  CHECK(b.group == "staff");

  t.AddSymlink("/etc/link", "a");
  REQUIRE(t.WriteFile(Write("/etc/link", "through")).ok());
  CHECK(t.Info("/etc/link").type == FileType::kSymlink);
  CHECK(t.Content("/etc/a") == "through");

  CHECK(t.WriteFile(Write("/etc", "x")).message() == "write /etc: is a directory");
  CHECK(t.WriteFile(Write("/nope/x", "x")).message() ==
        "write /nope/x: directory /nope does not exist");
}

TEST_CASE("fake transport runs validate through the scripted commands") {
  FakeTransport t;
  t.AddFile("/etc/sudoers", "old");
  t.SetExecHandler([&t](const ExecRequest& r) -> std::optional<ExecResult> {
    if (r.argv.size() != 3 || r.argv[0] != "visudo") return std::nullopt;
    if (t.Content(r.argv[2]) == "good") return ExecResult{0, "", ""};
    return ExecResult{1, "", "parse error\n"};
  });
  WriteRequest w = Write("/etc/sudoers", "bad");
  w.validate_argv = {"visudo", "-cf", "%s"};
  CHECK(t.WriteFile(w).message() == "write /etc/sudoers: validation failed: parse error");
  CHECK(t.Content("/etc/sudoers") == "old");
  CHECK(t.Paths() == std::vector<std::string>{"/etc", "/etc/sudoers"});
  w.content = "good";
  REQUIRE(t.WriteFile(w).ok());
  CHECK(t.Content("/etc/sudoers") == "good");
  CHECK(t.calls().back().argv == std::vector<std::string>{"visudo", "-cf", "/etc/.hostprep.fake"});
  CHECK(t.CountCalls(Kind::kWriteFile) == 2);
  CHECK(t.CountCalls(Kind::kExec) == 0);
}

TEST_CASE("fake transport answers commands by handler, then longest prefix") {
  FakeTransport t;
  t.AddExecResponse({"systemctl"}, {0, "generic\n", ""});
  t.AddExecResponse({"systemctl", "is-active"}, {3, "inactive\n", ""});
  auto run = [&](std::vector<std::string> argv) {
    ExecRequest r;
    r.argv = std::move(argv);
    r.stdin_data = "in";
    Result<ExecResult> result = t.Exec(r);
    REQUIRE(result.ok());
    return *result;
  };
  CHECK(run({"systemctl", "is-active", "containerd"}).exit_code == 3);
  CHECK(run({"systemctl", "show"}).stdout_data == "generic\n");
  ExecResult unknown = run({"ls", "a b"});
  CHECK(unknown.exit_code == 127);
  CHECK(unknown.stderr_data == "fake: no scripted answer for: ls 'a b'\n");
  REQUIRE(t.calls().size() == 3);
  CHECK(t.calls()[0].kind == Kind::kExec);
  CHECK(t.calls()[0].argv == std::vector<std::string>{"systemctl", "is-active", "containerd"});
  CHECK(t.calls()[0].data == "in");
  CHECK(t.stats().bytes_sent == 6);
}

TEST_CASE("fake transport can be unreachable or drop the connection") {
  FakeTransport down("node9");
  down.SetUnreachable("no route to host");
  CHECK(down.Connect().message() == "connect to node9: no route to host");
  CHECK(down.Stat("/", {}).message() == "connect to node9: no route to host");
  CHECK(!down.connected());

  FakeTransport flaky("node2");
  REQUIRE(flaky.Connect().ok());
  flaky.FailAfter(2);
  CHECK(flaky.Stat("/", {}).ok());
  CHECK(flaky.ReadFile("/x", {}).ok());
  CHECK(flaky.WriteFile(Write("/x", "x")).message() == "connection to node2 lost");
  CHECK(flaky.Stat("/", {}).message() == "connection to node2 lost");
  CHECK(flaky.stats().round_trips == 2);
  CHECK(flaky.calls().size() == 5);  // failed calls are recorded too
  CHECK(!flaky.Content("/x").has_value());
}

TEST_CASE("fake transport denies access below a path") {
  FakeTransport t;
  t.AddFile("/root/secret", "s");
  t.DenyAccess("/root");
  CHECK(t.ReadFile("/root/secret", {}).message() == "read /root/secret: permission denied");
  CHECK(t.Stat("/root", {}).message() == "stat /root: permission denied");
  CHECK(t.WriteFile(Write("/root/x", "x")).message() == "write /root/x: permission denied");
  CHECK(t.Stat("/rootless", {}).ok());
}

TEST_CASE("fake transport records become and removes trees") {
  FakeTransport t;
  t.AddFile("/opt/a/b/c", "c");
  t.AddFile("/opt/ab", "ab");
  t.Remove("/opt/a");
  CHECK(t.Paths() == std::vector<std::string>{"/opt", "/opt/ab"});
  CHECK(t.Stat("/opt/ab", {true, "app"}).ok());
  CHECK(t.calls().back().become.enabled);
  CHECK(t.calls().back().become.user == "app");
}

TEST_CASE("fake transports in parallel threads do not share state") {
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([i, &ok] {
      FakeTransport t("node" + std::to_string(i));
      for (int j = 0; j < 200; ++j) {
        if (t.WriteFile(Write("/f" + std::to_string(j), std::to_string(i))).ok()) ++ok[i];
      }
      if (t.Paths().size() != 200 || t.Content("/f7") != std::to_string(i)) ok[i] = -1;
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(ok == std::vector<int>(8, 200));
}

}  // namespace
}  // namespace hostprep
