#include "engine/transport/local_transport.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/transport/remote_steps.h"

namespace hostprep {
namespace {

namespace fs = std::filesystem;

// A directory under /tmp for one test, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hostprep-local-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Spit(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

unsigned ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

ExecResult Run(LocalTransport& t, std::vector<std::string> argv, std::string input = "",
               int timeout = 0) {
  ExecRequest request;
  request.argv = std::move(argv);
  request.stdin_data = std::move(input);
  request.timeout_seconds = timeout;
  Result<ExecResult> result = t.Exec(request);
  REQUIRE(result.ok());
  return *result;
}

TEST_CASE("local transport runs argv without a shell and captures both outputs") {
  LocalTransport t;
  ExecResult r = Run(t, {"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(r.exit_code == 3);
  CHECK(r.stdout_data == "out\n");
  CHECK(r.stderr_data == "err\n");
  // Arguments are passed as they are: no globbing, no variables.
  r = Run(t, {"echo", "$HOME", "*", "a b"});
  CHECK(r.stdout_data == "$HOME * a b\n");
  CHECK(t.description() == "local");
  CHECK(t.stats().round_trips == 2);
}

TEST_CASE("local transport feeds stdin and moves 10 MB each way without deadlock") {
  LocalTransport t;
  std::string big(10 * 1024 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  // cat echoes stdin while we are still writing: both pipes fill at once.
  ExecResult r = Run(t, {"sh", "-c", "cat; cat /dev/null >&2"}, big);
  CHECK(r.exit_code == 0);
  CHECK(r.stdout_data == big);
  r = Run(t, {"sh", "-c", "cat >&2"}, big);
  CHECK(r.stderr_data.size() == big.size());
  CHECK(t.stats().bytes_sent == 2 * big.size());
  CHECK(t.stats().bytes_received == 2 * big.size());
}

TEST_CASE("local transport tolerates a command that ignores its stdin") {
  LocalTransport t;
  ExecResult r = Run(t, {"true"}, std::string(1 << 20, 'x'));
  CHECK(r.exit_code == 0);
}

TEST_CASE("local transport kills the process group on timeout with exit code 124") {
  LocalTransport t;
  const auto start = std::chrono::steady_clock::now();
  ExecResult r = Run(t, {"sh", "-c", "sleep 30 & sleep 30; echo never"}, "", 1);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r.exit_code == 124);
  CHECK(r.stdout_data == "");
  CHECK(r.stderr_data == "hostprep: sh: timed out after 1 s\n");
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("local transport times out a command that closed its outputs") {
  LocalTransport t;
  ExecResult r = Run(t, {"sh", "-c", "exec >/dev/null 2>&1; sleep 30"}, "", 1);
  CHECK(r.exit_code == 124);
}

TEST_CASE("local transport reports a missing program as exit code 127") {
  LocalTransport t;
  ExecResult r = Run(t, {"hostprep-no-such-program", "x"});
  CHECK(r.exit_code == 127);
  CHECK(r.stderr_data == "hostprep: hostprep-no-such-program: command not found\n");
}

TEST_CASE("local transport reports death by signal as 128 plus the signal") {
  LocalTransport t;
  CHECK(Run(t, {"sh", "-c", "kill -TERM $$"}).exit_code == 128 + 15);
  CHECK(Run(t, {"sh", "-c", "kill -KILL $$"}).exit_code == 128 + 9);
}

TEST_CASE("local transport skips sudo when become asks for the current user") {
  LocalTransport t;
  ExecRequest request;
  request.argv = {"id", "-un"};
  request.become = {true, ""};
  if (geteuid() != 0) return;  // would need sudo here
  Result<ExecResult> r = t.Exec(request);
  REQUIRE(r.ok());
  CHECK(r->stdout_data == "root\n");
}

TEST_CASE("become wraps argv in sudo -n only when the user differs") {
  const std::vector<std::string> argv = {"cat", "/etc/shadow"};
  CHECK(BecomeArgv({false, ""}, "deploy", argv) == argv);
  CHECK(BecomeArgv({true, ""}, "root", argv) == argv);
  CHECK(BecomeArgv({true, "deploy"}, "deploy", argv) == argv);
  CHECK(BecomeArgv({true, ""}, "deploy", argv) ==
        std::vector<std::string>{"sudo", "-n", "-u", "root", "--", "cat", "/etc/shadow"});
  CHECK(BecomeArgv({true, "postgres"}, "root", argv) ==
        std::vector<std::string>{"sudo", "-n", "-u", "postgres", "--", "cat", "/etc/shadow"});
  // become_flags go to sudo, before hostprep's own options.
  CHECK(BecomeArgv({true, "postgres", {"-H", "-E"}}, "root", argv) ==
        std::vector<std::string>{"sudo", "-H", "-E", "-n", "-u", "postgres", "--", "cat",
                                 "/etc/shadow"});
  CHECK(PasswordBecomeArgv({true, "", {"-H"}}, "MARK", argv)[1] == "-H");
  // su's -m is not sudo's.
  CHECK(BecomeArgv({true, "postgres", {"-m"}}, "root", argv) ==
        std::vector<std::string>{"sudo", "-n", "-u", "postgres", "--", "cat", "/etc/shadow"});
}

TEST_CASE("become with su runs the argv as data behind su's script, with su's flags only") {
  const std::vector<std::string> argv = {"cat", "$(reboot)"};
  const Become su{true, "", {"-H", "-m"}, BecomeMethod::kSu};
  CHECK(BecomeWraps(su, "deploy"));
  CHECK_FALSE(BecomeWraps(su, "root"));
  const std::vector<std::string> out = SuBecomeArgv(su, "MARK", true, argv);
  REQUIRE(out.size() == 9);
  CHECK(out[0] == "sh");
  CHECK(out[1] == "-c");
  CHECK(std::vector<std::string>(out.begin() + 3, out.end()) ==
        std::vector<std::string>{"MARK", "root", "-m", "1", "cat", "$(reboot)"});
  CHECK(SuBecomeArgv({true, "postgres", {}, BecomeMethod::kSu}, "MARK", false, argv)[4] ==
        "postgres");
  CHECK(SuBecomeArgv({true, "postgres", {}, BecomeMethod::kSu}, "MARK", false, argv)[5] == "");
}

TEST_CASE("su refusals become clear errors, a command's own failure does not") {
  struct Case {
    ExecResult result;
    bool with_password;
    std::string message;  // "" = ok
  };
  const std::vector<Case> cases = {
      {{125, "", "MARK su: Authentication failure\n"},
       false,
       "su needs postgres's password on this host: use --ask-become-pass, or log in as root"},
      {{125, "", "MARK su: Authentication failure\n"},
       true,
       "su rejected the become password: it must be postgres's password"},
      {{125, "",
        "MARK su: user postgres does not exist or the user entry does not contain all "
        "the required fields\n"},
       false,
       "become: user postgres does not exist on this host"},
      {{125, "", "MARK sh: 1: su: not found\n"},
       false,
       "become_method su needs su, which is not installed on this host: install it "
       "(util-linux), or use sudo"},
      {{125, "", "MARK This account is currently not available.\n"},
       false,
       "su did not run the command as postgres: This account is currently not available."},
      // The command's own exit 125 and words: not su's, whatever they say.
      {{125, "", "su: Authentication failure\n"}, false, ""},
      {{125, "", "OTHER su: Authentication failure\n"}, false, ""},
      {{1, "", "MARK su: Authentication failure\n"}, false, ""},
      {{0, "", ""}, false, ""},
  };
  const Become become{true, "postgres", {}, BecomeMethod::kSu};
  for (const Case& c : cases) {
    CAPTURE(c.result.stderr_data);
    Status s = CheckSuBecome(c.result, become, "MARK", c.with_password);
    CHECK(s.ok() == c.message.empty());
    CHECK(s.message() == c.message);
  }
}

TEST_CASE("local transport becomes another user with su, stdin and exit code passed through") {
  if (geteuid() != 0) return;  // root's su needs no password
  LocalTransport t;
  ExecRequest request;
  request.argv = {"sh", "-c", "id -un; cat; echo to-stderr >&2; exit 3"};
  request.stdin_data = "line one\nline two\n";
  request.become = {true, "nobody", {}, BecomeMethod::kSu};
  Result<ExecResult> r = t.Exec(request);
  REQUIRE(r.ok());
  CHECK(r->exit_code == 3);
  CHECK(r->stdout_data == "nobody\nline one\nline two\n");
  CHECK(r->stderr_data == "to-stderr\n");
  // A value is an argument, never shell code.
  request.argv = {"printf", "%s|", "$(id)", "a b", "-c"};
  request.stdin_data.clear();
  r = t.Exec(request);
  REQUIRE(r.ok());
  CHECK(r->stdout_data == "$(id)|a b|-c|");
  request.become.user = "no-such-user-hp";
  r = t.Exec(request);
  CHECK(r.message() == "become: user no-such-user-hp does not exist on this host");
}

TEST_CASE("sudo refusals become clear errors") {
  struct Case {
    ExecResult result;
    std::string message;  // "" = ok
  };
  const std::vector<Case> cases = {
      {{1, "", "sudo: a password is required\n"},
       "sudo needs a password on this host: use --ask-become-pass"},
      {{1, "", "sudo: a terminal is required to read the password; either use the -S option\n"},
       "sudo needs a password on this host: use --ask-become-pass"},
      {{1, "", "deploy is not in the sudoers file.  This incident will be reported.\n"},
       "sudo refused: deploy is not in the sudoers file.  This incident will be reported."},
      {{1, "", "sudo: unknown user nobody2\n"}, "become: unknown user nobody2"},
      {{1, "", "cat: x: No such file or directory\n"}, ""},
      {{0, "", ""}, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.result.stderr_data);
    Status s = CheckBecome(c.result);
    CHECK(s.ok() == c.message.empty());
    CHECK(s.message() == c.message);
  }
}

TEST_CASE("local transport reads files and tells missing from unreadable") {
  TempDir dir;
  LocalTransport t;
  Spit(dir / "f", std::string("bin\0ary\n", 8));
  Result<std::optional<std::string>> r = t.ReadFile(dir / "f", {});
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(**r == std::string("bin\0ary\n", 8));

  r = t.ReadFile(dir / "missing", {});
  REQUIRE(r.ok());
  CHECK(!r->has_value());
  r = t.ReadFile(dir / "f/below-a-file", {});
  REQUIRE(r.ok());
  CHECK(!r->has_value());

  r = t.ReadFile(dir.path(), {});
  CHECK(r.message() == "read " + dir.path() + ": is a directory");
  CHECK(t.stats().round_trips == 4);
}

TEST_CASE("local transport reports permission denied on read as an error") {
  if (geteuid() == 0) {
    // Root reads anything; check the parser on the message cat prints.
    Result<std::optional<std::string>> r =
        ParseReadFile("/x", {1, "", "cat: /x: Permission denied\n"});
    CHECK(r.message() == "read /x: permission denied");
    return;
  }
  TempDir dir;
  LocalTransport t;
  Spit(dir / "secret", "s");
  chmod((dir / "secret").c_str(), 0);
  CHECK(t.ReadFile(dir / "secret", {}).message() ==
        "read " + (dir / "secret") + ": permission denied");
}

TEST_CASE("local transport stat has lstat semantics") {
  TempDir dir;
  LocalTransport t;
  Spit(dir / "f", "hello");
  chmod((dir / "f").c_str(), 04750);
  fs::create_symlink("f", dir / "link");
  fs::create_symlink("no such\ntarget", dir / "dangling");

  Result<FileInfo> f = t.Stat(dir / "f", {});
  REQUIRE(f.ok());
  CHECK(f->type == FileType::kFile);
  CHECK(f->mode == 04750);
  CHECK(f->size == 5);
  CHECK(!f->owner.empty());
  CHECK(!f->group.empty());

  Result<FileInfo> link = t.Stat(dir / "link", {});
  REQUIRE(link.ok());
  CHECK(link->type == FileType::kSymlink);
  CHECK(link->link_target == "f");
  Result<FileInfo> dangling = t.Stat(dir / "dangling", {});
  REQUIRE(dangling.ok());
  CHECK(dangling->type == FileType::kSymlink);
  CHECK(dangling->link_target == "no such\ntarget");

  Result<FileInfo> d = t.Stat(dir.path(), {});
  REQUIRE(d.ok());
  CHECK(d->type == FileType::kDirectory);
  Result<FileInfo> missing = t.Stat(dir / "nope", {});
  REQUIRE(missing.ok());
  CHECK(!missing->exists());
  Result<FileInfo> other = t.Stat("/dev/null", {});
  REQUIRE(other.ok());
  CHECK(other->type == FileType::kOther);
  if (geteuid() == 0) {
    CHECK(f->owner == "root");
    CHECK(f->group == "root");
  }
}

TEST_CASE("stat parser reports unknown owners by number and permission denied as an error") {
  Result<FileInfo> r = ParseStat("/x", {0, "81a4 4242 4343 7 UNKNOWN UNKNOWN\n", ""});
  REQUIRE(r.ok());
  CHECK(r->owner == "4242");
  CHECK(r->group == "4343");
  CHECK(r->mode == 0644);
  CHECK(ParseStat("/x", {1, "", "stat: cannot statx '/x': Permission denied\n"}).message() ==
        "stat /x: permission denied");
  CHECK(ParseStat("/x", {0, "garbage\n", ""}).message() ==
        "stat /x: unexpected output from stat: 'garbage\n'");
}

WriteRequest Write(std::string path, std::string content) {
  WriteRequest w;
  w.path = std::move(path);
  w.content = std::move(content);
  return w;
}

TEST_CASE("local transport writes a new file with mode 0644 and no temp file left") {
  TempDir dir;
  LocalTransport t;
  REQUIRE(t.WriteFile(Write(dir / "new", "content\n")).ok());
  CHECK(Slurp(dir / "new") == "content\n");
  CHECK(ModeOf(dir / "new") == 0644);
  CHECK(Entries(dir.path()) == std::vector<std::string>{"new"});
  CHECK(t.stats().round_trips == 1);

  WriteRequest w = Write(dir / "exec", "#!/bin/sh\n");
  w.mode = 04755;
  REQUIRE(t.WriteFile(w).ok());
  CHECK(ModeOf(dir / "exec") == 04755);
}

TEST_CASE("local transport keeps the old mode and owner when replacing a file") {
  TempDir dir;
  LocalTransport t;
  Spit(dir / "f", "old");
  chmod((dir / "f").c_str(), 0600);
  if (geteuid() == 0) REQUIRE(chown((dir / "f").c_str(), 65534, 65534) == 0);
  REQUIRE(t.WriteFile(Write(dir / "f", "new")).ok());
  CHECK(Slurp(dir / "f") == "new");
  CHECK(ModeOf(dir / "f") == 0600);
  if (geteuid() == 0) {
    struct stat st;
    REQUIRE(stat((dir / "f").c_str(), &st) == 0);
    CHECK(st.st_uid == 65534);
    CHECK(st.st_gid == 65534);
  }
}

TEST_CASE("local transport sets the owner and group it is given") {
  if (geteuid() != 0) return;  // only root can give files away
  TempDir dir;
  LocalTransport t;
  WriteRequest w = Write(dir / "f", "x");
  w.owner = "nobody";
  w.group = "root";
  REQUIRE(t.WriteFile(w).ok());
  Result<FileInfo> info = t.Stat(dir / "f", {});
  REQUIRE(info.ok());
  CHECK(info->owner == "nobody");
  CHECK(info->group == "root");

  w.owner = "hostprep-no-such-user";
  Status s = t.WriteFile(w);
  CHECK(s.message() == "write " + (dir / "f") +
                           ": cannot set the owner: chown: invalid user: 'hostprep-no-such-user'");
  CHECK(Slurp(dir / "f") == "x");
  CHECK(Entries(dir.path()) == std::vector<std::string>{"f"});
}

TEST_CASE("local transport runs validate on the temp file and keeps the old file on refusal") {
  TempDir dir;
  LocalTransport t;
  const std::string old = std::string("old\0content", 11);
  Spit(dir / "f", old);
  chmod((dir / "f").c_str(), 0640);

  WriteRequest w = Write(dir / "f", "bad content\n");
  w.mode = 0600;
  w.validate_argv = {"sh", "-c", "grep -q good \"$1\" || { echo \"no good in $1\" >&2; exit 1; }",
                     "sh", "%s"};
  Status s = t.WriteFile(w);
  REQUIRE(!s.ok());
  CHECK(StartsWith(s.message(), "write " + (dir / "f") + ": validation failed: no good in " +
                                    dir.path() + "/.hostprep."));
  CHECK(Slurp(dir / "f") == old);
  CHECK(ModeOf(dir / "f") == 0640);
  CHECK(Entries(dir.path()) == std::vector<std::string>{"f"});

  w.content = "good content\n";
  REQUIRE(t.WriteFile(w).ok());
  CHECK(Slurp(dir / "f") == "good content\n");
  CHECK(ModeOf(dir / "f") == 0600);
  CHECK(Entries(dir.path()) == std::vector<std::string>{"f"});
}

TEST_CASE("local transport substitutes %s inside validate arguments") {
  TempDir dir;
  LocalTransport t;
  WriteRequest w = Write(dir / "f", "x");
  // Every %s of every argument, with text around it.
  w.validate_argv = {"sh", "-c", "[ \"$1\" = \"<$2>$2\" ] && [ -f \"$2\" ]", "sh", "<%s>%s", "%s"};
  CHECK(t.WriteFile(w).ok());
  w.validate_argv = {"sh", "-c", "[ \"$1\" = \"<$2>\" ]", "sh", "<%s>%s", "%s"};
  CHECK(!t.WriteFile(w).ok());
}

TEST_CASE("local transport writes through a symlink to its target") {
  TempDir dir;
  LocalTransport t;
  fs::create_directory(dir / "real");
  Spit(dir / "real/target", "old");
  fs::create_symlink("real/target", dir / "link");
  REQUIRE(t.WriteFile(Write(dir / "link", "new")).ok());
  CHECK(fs::is_symlink(dir / "link"));
  CHECK(Slurp(dir / "real/target") == "new");
  CHECK(Entries(dir / "real") == std::vector<std::string>{"target"});
}

TEST_CASE("local transport without follow replaces a symlink, even one to a directory") {
  TempDir dir;
  LocalTransport t;
  fs::create_directory(dir / "real");
  Spit(dir / "real/target", "old");
  fs::create_symlink("real/target", dir / "link");
  fs::create_symlink("real", dir / "dirlink");
  // After a read in the same batch, as a probe leaves the queue.
  WriteRequest link = Write(dir / "link", "new");
  link.follow = false;
  WriteRequest dirlink = Write(dir / "dirlink", "file");
  dirlink.follow = false;
  dirlink.mode = 0600;
  Result<std::vector<StepResult>> r =
      t.RunSteps({Step::Read({RemoteRead::Kind::kStat, dir / "link", {}}), Step::Write(link),
                  Step::Write(dirlink)},
                 Become{}, 0);
  REQUIRE(r.ok());
  CHECK((*r)[1].status.ok());
  CHECK((*r)[2].status.ok());
  CHECK_FALSE(fs::is_symlink(dir / "link"));
  CHECK(Slurp(dir / "link") == "new");
  CHECK(ModeOf(dir / "link") == 0644);  // a new file's, not the link's 0777
  CHECK(Slurp(dir / "real/target") == "old");
  CHECK_FALSE(fs::is_symlink(dir / "dirlink"));
  CHECK(Slurp(dir / "dirlink") == "file");
  CHECK(Entries(dir / "real") == std::vector<std::string>{"target"});
}

TEST_CASE("local transport refuses to write a directory or into a missing one") {
  TempDir dir;
  LocalTransport t;
  CHECK(t.WriteFile(Write(dir.path(), "x")).message() ==
        "write " + dir.path() + ": is a directory");
  CHECK(t.WriteFile(Write(dir / "no/f", "x")).message() ==
        "write " + (dir / "no/f") + ": directory " + (dir / "no") + " does not exist");
}

TEST_CASE("local transport handles hostile file names as plain data") {
  TempDir dir;
  LocalTransport t;
  const std::vector<std::string> names = {
      "x; rm -rf ~",
      "$(touch pwned)",
      "`touch pwned`",
      "a b",
      "new\nline",
      "quote'single",
      "quote\"double",
      "-n",
      "--help",
      "back\\slash",
      "%s",
  };
  for (const std::string& name : names) {
    CAPTURE(name);
    const std::string path = dir / name;
    WriteRequest w = Write(path, "content of " + name);
    w.validate_argv = {"test", "-f", "%s"};
    REQUIRE(t.WriteFile(w).ok());
    CHECK(Slurp(path) == "content of " + name);
    Result<std::optional<std::string>> read = t.ReadFile(path, {});
    REQUIRE(read.ok());
    CHECK(read->value_or("") == "content of " + name);
    Result<FileInfo> info = t.Stat(path, {});
    REQUIRE(info.ok());
    CHECK(info->type == FileType::kFile);
  }
  CHECK(!fs::exists(dir / "pwned"));
  CHECK(!fs::exists("pwned"));
  CHECK(Entries(dir.path()).size() == names.size());
}

TEST_CASE("local transport reads and writes relative paths that look like options") {
  TempDir dir;
  const std::string cwd = fs::current_path();
  fs::current_path(dir.path());
  LocalTransport t;
  Status s = t.WriteFile(Write("-rf", "x"));
  Result<std::optional<std::string>> r = t.ReadFile("-rf", {});
  Result<FileInfo> info = t.Stat("-rf", {});
  fs::current_path(cwd);
  CHECK(s.ok());
  REQUIRE(r.ok());
  CHECK(r->value_or("") == "x");
  REQUIRE(info.ok());
  CHECK(info->type == FileType::kFile);
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

TEST_CASE("local transport says so when become needs sudo and there is none") {
  if (geteuid() != 0 || access("/usr/bin/sudo", X_OK) == 0 || access("/bin/sudo", X_OK) == 0) {
    return;  // the message is for a host without sudo where another user is wanted
  }
  LocalTransport t;
  CHECK(t.Stat("/", {true, "nobody"}).message() ==
        "become needs sudo, which is not installed on this host: install sudo, or log in as the "
        "become user");
}

}  // namespace
}  // namespace hostprep

namespace hostprep {
namespace {

// The batch must answer exactly as the single reads do: same content (binary
// and without a final newline), same lstat, same missing/error cases, and
// exec output byte for byte, in one round trip.
TEST_CASE("read many answers every read as the single reads do, in one round trip") {
  TempDir dir;
  Spit(dir / "bin", std::string("bin\0ary\nno newline", 18));
  Spit(dir / "empty", "");
  fs::create_symlink("bin", dir / "link");
  fs::create_directory(dir / "sub dir");
  const std::string hostile = dir / "x; touch pwned $(touch pwned2)\n'\"";
  Spit(hostile, "hostile\n");
  using K = RemoteRead::Kind;
  const std::vector<RemoteRead> reads = {
      {K::kReadFile, dir / "bin", {}},
      {K::kReadFile, dir / "empty", {}},
      {K::kReadFile, dir / "link", {}},
      {K::kReadFile, dir / "missing", {}},
      {K::kReadFile, dir / "bin/below-a-file", {}},
      {K::kReadFile, dir / "sub dir", {}},
      {K::kReadFile, hostile, {}},
      {K::kStat, dir / "bin", {}},
      {K::kStat, dir / "link", {}},
      {K::kStat, dir / "sub dir", {}},
      {K::kStat, dir / "missing", {}},
      {K::kExec, "", {"sh", "-c", "printf 'out\\n'; printf 'err' >&2; exit 3"}},
      {K::kExec, "", {"printf", "%s|", "a b", "$(touch pwned3)", "'\""}},
      {K::kExec, "", {"no-such-program-hostprep"}},
      {K::kExec, "", {"cat"}},                        // stdin is empty, not the batch's
      {K::kReadFile, "/proc/sys/kernel/ostype", {}},  // stat says 0 bytes: read on its own
      {K::kStat, hostile, {}},
      // Run in a subshell of the batch: it must see what a new sh sees.
      {K::kExec,
       "",
       {"/bin/sh", "-c",
        "printf '%s|' \"$#\" \"$@\"; echo \"${M:-no M} ${P0:-no P0} ${stop:-no stop}\"; "
        "command -v flush || echo no flush; read -r x || echo no stdin; echo err >&2; exit 4",
        "sh", "a b", "$(touch pwned4)", ""}},
  };
  LocalTransport batch;
  Result<std::vector<ReadResult>> many = batch.ReadMany(reads, {}, 0);
  REQUIRE(many.ok());
  REQUIRE(many->size() == reads.size());
  CHECK(batch.stats().round_trips == 1);

  LocalTransport single;
  Result<std::vector<ReadResult>> one_by_one = single.Transport::ReadMany(reads, {}, 0);
  REQUIRE(one_by_one.ok());
  for (size_t i = 0; i < reads.size(); ++i) {
    INFO("read " << i);
    const ReadResult& a = (*many)[i];
    const ReadResult& b = (*one_by_one)[i];
    CHECK(a.status.message() == b.status.message());
    CHECK(a.content == b.content);
    CHECK(a.stat.type == b.stat.type);
    CHECK(a.stat.mode == b.stat.mode);
    CHECK(a.stat.size == b.stat.size);
    CHECK(a.stat.link_target == b.stat.link_target);
    CHECK(a.stat.owner == b.stat.owner);
    CHECK(a.stat.group == b.stat.group);
    CHECK(a.exec.exit_code == b.exec.exit_code);
    CHECK(a.exec.stdout_data == b.exec.stdout_data);
    if (i != 13) CHECK(a.exec.stderr_data == b.exec.stderr_data);  // names the shell that ran it
  }
  CHECK((*many)[0].content == std::string("bin\0ary\nno newline", 18));
  CHECK((*many)[1].content == std::string());
  CHECK(!(*many)[3].content.has_value());
  CHECK((*many)[5].status.message() == "read " + (dir / "sub dir") + ": is a directory");
  CHECK((*many)[6].content == std::string("hostile\n"));
  CHECK((*many)[8].stat.link_target == "bin");
  CHECK((*many)[11].exec.exit_code == 3);
  CHECK((*many)[11].exec.stdout_data == "out\n");
  CHECK((*many)[11].exec.stderr_data == "err");
  CHECK((*many)[12].exec.stdout_data == "a b|$(touch pwned3)|'\"|");
  CHECK((*many)[13].exec.exit_code == 127);
  CHECK((*many)[14].exec.stdout_data.empty());
  CHECK((*many)[15].content == std::string("Linux\n"));
  CHECK((*many)[16].stat.type == FileType::kFile);
  CHECK((*many)[17].exec.exit_code == 4);
  CHECK((*many)[17].exec.stdout_data ==
        "3|a b|$(touch pwned4)||no M no P0 no stop\nno flush\nno stdin\n");
  CHECK((*many)[17].exec.stderr_data == "err\n");
  CHECK(!fs::exists(dir / "pwned"));
  CHECK(!fs::exists("pwned3"));
}

TEST_CASE("read many reads any number of files and links with one stat, one readlink and one cat") {
  // Process starts are what a probe costs on a target: the tools are
  // replaced by shims on PATH that log each start.
  TempDir dir;
  const std::string log = dir / "starts";
  fs::create_directory(dir / "shims");
  for (const char* tool : {"cat", "stat", "readlink", "mktemp", "wc", "rm", "cmp"}) {
    const std::string shim = dir / "shims/" + std::string(tool);
    Spit(shim, "#!/bin/sh\necho " + std::string(tool) + " >>'" + log + "'\nexec /usr/bin/" + tool +
                   " \"$@\"\n");
    chmod(shim.c_str(), 0755);
  }
  using K = RemoteRead::Kind;
  std::vector<RemoteRead> reads;
  for (int i = 0; i < 20; ++i) {
    const std::string path = dir / ("f" + std::to_string(i));
    Spit(path, std::string(static_cast<size_t>(i), 'x'));
    reads.push_back({K::kReadFile, path, {}});
    reads.push_back({K::kStat, path, {}});
  }
  for (int i = 0; i < 5; ++i) {
    const std::string link = dir / ("l" + std::to_string(i));
    fs::create_symlink("target\nwith newline " + std::to_string(i), link);
    reads.push_back({K::kStat, link, {}});
  }
  const std::string old_path = getenv("PATH");
  setenv("PATH", ((dir / "shims") + ":" + old_path).c_str(), 1);
  LocalTransport t;
  Result<std::vector<ReadResult>> many = t.ReadMany(reads, {}, 0);
  setenv("PATH", old_path.c_str(), 1);
  REQUIRE(many.ok());
  for (int i = 0; i < 20; ++i) {
    CHECK((*many)[2 * i].content == std::string(static_cast<size_t>(i), 'x'));
    CHECK((*many)[2 * i + 1].stat.size == static_cast<uint64_t>(i));
  }
  for (int i = 0; i < 5; ++i) {
    CHECK((*many)[40 + i].stat.type == FileType::kSymlink);
    CHECK((*many)[40 + i].stat.link_target == "target\nwith newline " + std::to_string(i));
  }
  // One stat of every path, one readlink of the links, one cat of the 20
  // files, one stat to check that none changed meanwhile; no temp files.
  CHECK(Slurp(log) == "stat\nreadlink\ncat\nstat\n");
}

TEST_CASE("read many reads through symlinks in the same cat unless a stat asks about a link") {
  TempDir dir;
  const std::string log = dir / "starts";
  fs::create_directory(dir / "shims");
  for (const char* tool : {"cat", "stat", "readlink"}) {
    const std::string shim = dir / "shims/" + std::string(tool);
    Spit(shim, "#!/bin/sh\necho " + std::string(tool) + " >>'" + log + "'\nexec /usr/bin/" + tool +
                   " \"$@\"\n");
    chmod(shim.c_str(), 0755);
  }
  Spit(dir / "real", "real content\n");
  Spit(dir / "plain", "plain\n");
  fs::create_symlink("real", dir / "link");
  using K = RemoteRead::Kind;
  const std::vector<RemoteRead> through = {{K::kReadFile, dir / "link", {}},
                                           {K::kReadFile, dir / "plain", {}},
                                           {K::kStat, dir / "plain", {}}};
  std::vector<RemoteRead> with_link_stat = through;
  with_link_stat.push_back({K::kStat, dir / "link", {}});
  const std::string old_path = getenv("PATH");
  setenv("PATH", ((dir / "shims") + ":" + old_path).c_str(), 1);
  LocalTransport t;
  Result<std::vector<ReadResult>> a = t.ReadMany(through, {}, 0);
  const std::string starts_a = Slurp(log);
  fs::remove(log);
  Result<std::vector<ReadResult>> b = t.ReadMany(with_link_stat, {}, 0);
  setenv("PATH", old_path.c_str(), 1);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (const auto* r : {&*a, &*b}) {
    CHECK((*r)[0].content == std::string("real content\n"));
    CHECK((*r)[1].content == std::string("plain\n"));
    CHECK((*r)[2].stat.type == FileType::kFile);
    CHECK((*r)[2].stat.size == 6);
  }
  CHECK((*b)[3].stat.type == FileType::kSymlink);
  CHECK((*b)[3].stat.link_target == "real");
  // stat -L, one cat for both files, stat -L again.
  CHECK(starts_a == "stat\ncat\nstat\n");
  // The link's own stat needs lstat: the read through it is made alone.
  CHECK(Slurp(log) == "cat\nstat\nreadlink\ncat\nstat\n");
}

TEST_CASE("read many reads a file whose size lies on its own, also behind a symlink") {
  // /proc files say they are empty and /sys files 4096 bytes long: through a
  // symlink (or a symlinked directory) they reach the shared cat, whose
  // answer then does not add up, and are read again one by one.
  TempDir dir;
  Spit(dir / "plain", "plain\n");
  fs::create_symlink("/proc/version", dir / "version");
  fs::create_symlink("/proc/sys/kernel", dir / "kernel");
  using K = RemoteRead::Kind;
  const std::vector<RemoteRead> reads = {{K::kReadFile, dir / "version", {}},
                                         {K::kReadFile, dir / "plain", {}},
                                         {K::kReadFile, dir / "kernel/ostype", {}}};
  LocalTransport t;
  Result<std::vector<ReadResult>> many = t.ReadMany(reads, {}, 0);
  REQUIRE_MESSAGE(many.ok(), many.message());
  CHECK((*many)[0].content == Slurp("/proc/version"));
  CHECK((*many)[1].content == std::string("plain\n"));
  CHECK((*many)[2].content == std::string("Linux\n"));
  CHECK(t.stats().round_trips == 2);
}

TEST_CASE("read many of nothing makes no round trip") {
  LocalTransport t;
  Result<std::vector<ReadResult>> r = t.ReadMany({}, {}, 0);
  REQUIRE(r.ok());
  CHECK(r->empty());
  CHECK(t.stats().round_trips == 0);
}

TEST_CASE("a write keeps the old file when its content is cut short or its temp name is taken") {
  TempDir dir;
  Spit(dir / "f", "old\n");
  Spit(dir / "victim", "victim\n");
  const std::string key =
      "0123456789abcdef0123456789abcdef"
      "fedcba9876543210";
  WriteRequest w;
  w.path = dir / "f";
  w.content = "new content\n";
  const std::vector<Step> steps = {Step::Write(w)};
  LocalTransport t;
  auto run = [&](ExecRequest request) {
    Result<ExecResult> out = t.Exec(request);
    REQUIRE(out.ok());
    Result<std::vector<StepResult>> r = ParseSteps(steps, key, *out);
    REQUIRE(r.ok());
    return r->front().status.message();
  };

  ExecRequest short_input = StepsCommand(steps, {}, key);
  short_input.stdin_data.resize(short_input.stdin_data.size() - 3);
  CHECK(run(short_input) == "write " + (dir / "f") + ": the input was cut short");
  CHECK(Slurp(dir / "f") == "old\n");
  CHECK(Entries(dir.path()) == std::vector<std::string>{"f", "victim"});

  // Someone else put a symlink where the temp file goes: it is neither
  // followed nor removed, and the write fails.
  fs::create_symlink(dir / "victim", dir / ".hostprep.fedcba9876543210.0");
  const std::string message = run(StepsCommand(steps, {}, key));
  CHECK(message.find("write " + (dir / "f") + ": ") == 0);
  CHECK(message.find("File exists") != std::string::npos);
  CHECK(Slurp(dir / "f") == "old\n");
  CHECK(Slurp(dir / "victim") == "victim\n");
  CHECK(fs::is_symlink(dir / ".hostprep.fedcba9876543210.0"));
}

TEST_CASE("run steps guards compare stats, contents and query answers made before and after") {
  using K = RemoteRead::Kind;
  struct Case {
    std::string name;
    RemoteRead read;
    std::string change;  // a shell command run between the two reads
    bool same;
  };
  TempDir dir;
  const std::string file = dir / "f";
  const std::vector<Case> cases = {
      {"stat, unchanged", {K::kStat, file, {}}, "true", true},
      {"stat, mode changed", {K::kStat, file, {}}, "chmod 600 f", false},
      {"content, unchanged", {K::kReadFile, file, {}}, "touch g", true},
      {"content, same size", {K::kReadFile, file, {}}, "printf 'b\\n' >f", false},
      {"query, unchanged", {K::kExec, "", {"cat", file}}, "touch g", true},
      {"query, changed", {K::kExec, "", {"cat", file}}, "echo more >>f", false},
      {"shell query, changed",
       {K::kExec, "", {"/bin/sh", "-c", "cat \"$1\"", "sh", file}},
       "echo more >>f",
       false},
      {"query exit code", {K::kExec, "", {"test", "-s", dir / "g"}}, "echo x >g", false},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Spit(file, "a\n");
    fs::remove(dir / "g");
    fs::remove(dir / "after");
    const std::vector<Step> steps = {
        Step::Read(c.read, true),
        Step::Exec({"sh", "-c", "cd \"$1\" && " + c.change, "sh", dir.path()}),
        Step::Read(c.read, true),
        Step::Guard({{0, 2}}),
        Step::Exec({"touch", dir / "after"}),
    };
    LocalTransport t;
    Result<std::vector<StepResult>> r = t.RunSteps(steps, {}, 0);
    REQUIRE(r.ok());
    CHECK((*r)[3].ran);
    CHECK(((*r)[3].exec.exit_code == 0) == c.same);
    CHECK((*r)[4].ran == c.same);
    CHECK(fs::exists(dir / "after") == c.same);
  }
}

TEST_CASE("run steps makes changes and reads in order in one round trip") {
  TempDir dir;
  LocalTransport t;
  // Contents of every shape back to back on stdin: empty, binary with NUL
  // bytes and no final newline, and large, around a command with its own stdin.
  const std::string binary = std::string("a\0b\n\xff", 5);
  const std::string large(300000, 'x');
  WriteRequest attrs = Write(dir / "b", binary);
  attrs.mode = 0600;
  const std::vector<Step> steps = {
      Step::Write(Write(dir / "empty", "")),
      Step::Write(attrs),
      Step::Exec({"sh", "-c", "cat > \"$1\"; echo done", "sh", dir / "piped"}, "from stdin\n"),
      Step::Write(Write(dir / "large", large)),
      Step::Exec({"true"}),
      Step::Read({RemoteRead::Kind::kReadFile, dir / "b", {}}),
      Step::Read({RemoteRead::Kind::kStat, dir / "large", {}}),
      Step::Read({RemoteRead::Kind::kExec, "", {"cat", dir / "piped"}}),
      Step::Read({RemoteRead::Kind::kReadFile, dir / "missing", {}}),
  };
  Result<std::vector<StepResult>> r = t.RunSteps(steps, Become{}, 0);
  REQUIRE(r.ok());
  CHECK(t.stats().round_trips == 1);
  REQUIRE(r->size() == steps.size());
  for (const StepResult& step : *r) CHECK(step.ran);
  CHECK((*r)[0].status.ok());
  CHECK(Slurp(dir / "empty").empty());
  CHECK(Slurp(dir / "b") == binary);
  CHECK(ModeOf(dir / "b") == 0600);
  CHECK((*r)[2].exec.exit_code == 0);
  CHECK((*r)[2].exec.stdout_data == "done\n");
  CHECK(Slurp(dir / "piped") == "from stdin\n");
  CHECK(Slurp(dir / "large") == large);
  CHECK((*r)[5].read.content == binary);
  CHECK((*r)[6].read.stat.size == large.size());
  CHECK((*r)[7].read.exec.stdout_data == "from stdin\n");
  CHECK((*r)[8].read.status.ok());
  CHECK(!(*r)[8].read.content.has_value());
  CHECK(Entries(dir.path()) == std::vector<std::string>{"b", "empty", "large", "piped"});
}

TEST_CASE("run steps stops at the first failed change and says which steps did not run") {
  TempDir dir;
  LocalTransport t;
  WriteRequest refused = Write(dir / "f", "bad\n");
  refused.validate_argv = {"grep", "-q", "good", "%s"};
  const std::vector<Step> cases[] = {
      {Step::Exec({"sh", "-c", "echo oops >&2; exit 3"}), Step::Write(Write(dir / "f", "x")),
       Step::Read({RemoteRead::Kind::kStat, dir / "f", {}})},
      {Step::Write(refused), Step::Exec({"touch", dir / "f"}),
       Step::Read({RemoteRead::Kind::kStat, dir / "f", {}})},
      {Step::Write(Write(dir / "no/f", "x")), Step::Exec({"touch", dir / "f"}, "ignored input"),
       Step::Read({RemoteRead::Kind::kStat, dir / "f", {}})},
  };
  const std::string messages[] = {
      "",
      "write " + (dir / "f") + ": validation failed: grep exited 1",
      "write " + (dir / "no/f") + ": directory " + (dir / "no") + " does not exist",
  };
  for (size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    Result<std::vector<StepResult>> r = t.RunSteps(cases[i], Become{}, 0);
    REQUIRE(r.ok());
    CHECK((*r)[0].ran);
    CHECK(!(*r)[1].ran);
    CHECK(!(*r)[2].ran);
    if (i == 0) {
      CHECK((*r)[0].exec.exit_code == 3);
      CHECK((*r)[0].exec.stderr_data == "oops\n");
    } else {
      CHECK((*r)[0].status.message() == messages[i]);
    }
    CHECK(Entries(dir.path()).empty());
  }
}

TEST_CASE("run steps keeps a failed query from stopping the batch") {
  TempDir dir;
  LocalTransport t;
  const std::vector<Step> steps = {
      Step::Read({RemoteRead::Kind::kExec, "", {"false"}}),
      Step::Write(Write(dir / "f", "x")),
  };
  Result<std::vector<StepResult>> r = t.RunSteps(steps, Become{}, 0);
  REQUIRE(r.ok());
  CHECK((*r)[0].read.exec.exit_code == 1);
  CHECK((*r)[1].ran);
  CHECK(Slurp(dir / "f") == "x");
}

TEST_CASE("run steps passes hostile names and arguments as plain data") {
  TempDir dir;
  LocalTransport t;
  const std::string name = dir / "a b;$(touch pwned)'\"\n`x`";
  const std::vector<Step> steps = {
      Step::Write(Write(name, "$(id)")),
      Step::Exec({"sh", "-c", "printf '%s|' \"$@\"", "sh", "$HOME", "*", "-n", ""}),
      Step::Read({RemoteRead::Kind::kReadFile, name, {}}),
  };
  Result<std::vector<StepResult>> r = t.RunSteps(steps, Become{}, 0);
  REQUIRE(r.ok());
  CHECK((*r)[1].exec.stdout_data == "$HOME|*|-n||");
  CHECK((*r)[2].read.content == std::string("$(id)"));
  CHECK(Entries(dir.path()) == std::vector<std::string>{"a b;$(touch pwned)'\"\n`x`"});
}

}  // namespace
}  // namespace hostprep
