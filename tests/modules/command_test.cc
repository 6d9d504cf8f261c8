#include "modules/command.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;

Value Args(const Value& raw, std::vector<ArgError>* errors = nullptr) {
  CommandModule module;
  std::vector<ArgError> local;
  std::vector<ArgError>* out = errors ? errors : &local;
  Value args = NormalizeArgs(module.spec(), raw, false, out);
  module.Validate(args, false, out);
  if (!errors) {
    for (const ArgError& e : local) FAIL_CHECK(e.message);
  }
  return args;
}

std::vector<std::string> Messages(const Value& raw) {
  std::vector<ArgError> errors;
  Args(raw, &errors);
  std::vector<std::string> out;
  for (const ArgError& e : errors) out.push_back(e.key + ": " + e.message);
  return out;
}

ReadResult StatResult(FileType type) {
  ReadResult r;
  r.stat.type = type;
  return r;
}

TEST_CASE("command lines split like a shell without any shell features") {
  struct Case {
    std::string line;
    Words words;
  };
  const std::vector<Case> cases = {
      {"ls -l /etc", {"ls", "-l", "/etc"}},
      {"  spaced\t out \n", {"spaced", "out"}},
      {"echo 'a b' \"c d\"", {"echo", "a b", "c d"}},
      {"echo 'it'\\''s'", {"echo", "it's"}},
      {"echo \"say \\\"hi\\\" \\$HOME \\\\ \\n\"", {"echo", "say \"hi\" $HOME \\ \\n"}},
      {"echo a\\ b \\$x", {"echo", "a b", "$x"}},
      {"echo '' \"\"", {"echo", "", ""}},
      {"cat /etc/passwd | grep root; rm -rf / > x",
       {"cat", "/etc/passwd", "|", "grep", "root;", "rm", "-rf", "/", ">", "x"}},
      {"echo $HOME * $(reboot) `id` # not a comment",
       {"echo", "$HOME", "*", "$(reboot)", "`id`", "#", "not", "a", "comment"}},
      {"one\\\ntwo three", {"onetwo", "three"}},
      {"pre'quoted'post", {"prequotedpost"}},
      {"", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    Result<Words> words = SplitCommandLine(c.line);
    REQUIRE(words.ok());
    CHECK(*words == c.words);
  }
}

TEST_CASE("command lines with unbalanced quotes are refused") {
  CHECK(SplitCommandLine("echo 'x").message() == "unterminated single quote in command: echo 'x");
  CHECK(SplitCommandLine("echo \"x\\\"").message() ==
        "unterminated double quote in command: echo \"x\\\"");
  CHECK(SplitCommandLine("echo x\\").message() == "command ends with a lone backslash: echo x\\");
}

TEST_CASE("command plans to run the split argv and reports it as changed") {
  CommandModule module;
  Value args = Args("systemctl restart 'my unit'");
  CHECK(module.Probe(args, Value::object()).empty());
  Result<Change> change = module.Plan(args, {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(!change->skipped);
  // What it changes is not known without running it: check mode skips it.
  CHECK_FALSE(change->predictable);
  CHECK(change->message == "would run: systemctl restart 'my unit'");
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].kind == Action::Kind::kExec);
  CHECK(change->actions[0].argv == Words{"systemctl", "restart", "my unit"});
  CHECK(change->actions[0].stdin_data == "");
  CHECK(change->diff == "");
  CHECK(change->result["cmd"] == Value::array({"systemctl", "restart", "my unit"}));
}

TEST_CASE("command runs through /bin/sh only with shell true") {
  CommandModule module;
  Result<Change> change =
      module.Plan(Args({{"cmd", "dmesg | tail -n 2"}, {"shell", true}}), {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->actions[0].argv == Words{"/bin/sh", "-c", "dmesg | tail -n 2"});
  CHECK(change->message == "would run: /bin/sh -c 'dmesg | tail -n 2'");
}

TEST_CASE("command takes argv as a list, stdin, and a chdir without interpolation") {
  CommandModule module;
  Value args = Args({{"argv", {"tar", "xf", "$(reboot).tar"}},
                     {"chdir", "/srv/my dir; rm -rf /"},
                     {"stdin", "yes\n"}});
  Result<Change> change = module.Plan(args, {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->actions[0].argv == Words{"sh", "-c", "cd \"$1\" || exit 1; shift; exec \"$@\"",
                                         "sh", "/srv/my dir; rm -rf /", "tar", "xf",
                                         "$(reboot).tar"});
  // Ansible's stdin_add_newline (default true) adds one newline, whatever is there.
  CHECK(change->actions[0].stdin_data == "yes\n\n");
  args["stdin_add_newline"] = false;
  CHECK(module.Plan(args, {}, Value::object())->actions[0].stdin_data == "yes\n");
  CHECK(change->message == "would run: tar xf '$(reboot).tar'");

  change = module.Plan(Args({{"cmd", "ls"}, {"chdir", "-weird"}}), {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->actions[0].argv[4] == "./-weird");
}

TEST_CASE("command is not run, and ok, when creates exists or removes is missing") {
  CommandModule module;
  struct Case {
    Value raw;
    std::vector<Read> probe;  // paths stat'ed, in order
    std::vector<FileType> found;
    bool skipped;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{{"cmd", "kubeadm init"}, {"creates", "/etc/kubernetes/admin.conf"}},
       {Read::Stat("/etc/kubernetes/admin.conf")},
       {FileType::kFile},
       true,
       "/etc/kubernetes/admin.conf exists"},
      {{{"cmd", "kubeadm init"}, {"creates", "/etc/kubernetes/admin.conf"}},
       {Read::Stat("/etc/kubernetes/admin.conf")},
       {FileType::kMissing},
       false,
       ""},
      {{{"cmd", "rm lock"}, {"removes", "lock"}, {"chdir", "/var/run/app/"}},
       {Read::Stat("/var/run/app/lock")},
       {FileType::kMissing},
       true,
       "/var/run/app/lock does not exist"},
      {{{"cmd", "rm lock"}, {"removes", "/tmp/lock"}},
       {Read::Stat("/tmp/lock")},
       {FileType::kSymlink},
       false,
       ""},
      {{{"cmd", "x"}, {"creates", "/a"}, {"removes", "/b"}},
       {Read::Stat("/a"), Read::Stat("/b")},
       {FileType::kMissing, FileType::kMissing},
       true,
       "/b does not exist"},
      {{{"cmd", "x"}, {"creates", "/a"}, {"removes", "/b"}},
       {Read::Stat("/a"), Read::Stat("/b")},
       {FileType::kMissing, FileType::kDirectory},
       false,
       ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw.dump());
    Value args = Args(c.raw);
    std::vector<Read> probe = module.Probe(args, Value::object());
    REQUIRE(probe.size() == c.probe.size());
    std::vector<ReadResult> reads;
    for (size_t i = 0; i < probe.size(); ++i) {
      CHECK(probe[i].kind == Read::Kind::kStat);
      CHECK(probe[i].path == c.probe[i].path);
      reads.push_back(StatResult(c.found[i]));
    }
    Result<Change> change = module.Plan(args, reads, Value::object());
    REQUIRE(change.ok());
    // As Ansible's command module answers: ok (not skipped), rc 0, and why.
    CHECK_FALSE(change->skipped);
    CHECK(change->changed == !c.skipped);
    CHECK(change->actions.size() == (c.skipped ? 0u : 1u));
    if (c.skipped) {
      CHECK(change->message == "not run: " + c.reason);
      CHECK(change->result["rc"] == 0);
      CHECK(change->result["stdout"] == "skipped, since " + c.reason);
    }
  }
}

TEST_CASE("command with creates or removes is predictable: check mode reports what it would do") {
  CommandModule module;
  for (const char* key : {"creates", "removes"}) {
    CAPTURE(key);
    Value args =
        Args(Value::object({{"cmd", "kubeadm init"}, {key, "/etc/kubernetes/admin.conf"}}));
    const FileType found =
        std::string(key) == "creates" ? FileType::kMissing : FileType::kFile;  // it would run
    Result<Change> change = module.Plan(args, {StatResult(found)}, Value::object());
    REQUIRE(change.ok());
    CHECK(change->changed);
    CHECK(change->predictable);
  }
}

TEST_CASE("command passes on a failed stat of creates") {
  CommandModule module;
  ReadResult denied;
  denied.status = Status::Error("stat /root/x: permission denied");
  Result<Change> change =
      module.Plan(Args({{"cmd", "x"}, {"creates", "/root/x"}}), {denied}, Value::object());
  CHECK(change.message() == "stat /root/x: permission denied");
}

TEST_CASE("command arguments are checked before any host is contacted") {
  CHECK(Messages("echo 'unbalanced") ==
        std::vector<std::string>{"cmd: unterminated single quote in command: echo 'unbalanced"});
  CHECK(Messages({{"cmd", "  "}}) ==
        std::vector<std::string>{"cmd: argument 'cmd' is empty: give the command to run"});
  CHECK(Messages({{"argv", Value::array()}}) ==
        std::vector<std::string>{
            "argv: argument 'argv' is empty: give the program and its arguments"});
  CHECK(Messages({{"argv", {"ls"}}, {"shell", true}}) ==
        std::vector<std::string>{"shell: 'shell: true' runs 'cmd' through /bin/sh; with 'argv' "
                                 "there is nothing to give a shell (use cmd)"});
  CHECK(Messages({{"cmd", "ls"}, {"argv", {"ls"}}}) ==
        std::vector<std::string>{"argv: arguments 'cmd' and 'argv' cannot be used together"});
  CHECK(Messages(Value::object()) ==
        std::vector<std::string>{": module 'command' needs one of 'cmd', 'argv'"});
  // A quote inside a shell command is the shell's business.
  CHECK(Messages({{"cmd", "echo 'x"}, {"shell", true}}).empty());
  // Templates are checked once rendered.
  CommandModule module;
  std::vector<ArgError> errors;
  Value args = NormalizeArgs(module.spec(), Value("{{ cmd }} 'x"), true, &errors);
  module.Validate(args, true, &errors);
  CHECK(errors.empty());
}

}  // namespace
}  // namespace hostprep::modules
