#include "modules/shell.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "modules/builtin.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;
using testing::ArgErrors;
using testing::NormalizedArgs;

TEST_CASE("shell runs its command line with /bin/sh -c and registers it as a string") {
  ShellModule module;
  Result<Change> change =
      module.Plan(NormalizedArgs(module, Value("ss -Htln | wc -l")), {}, Value::object());
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv == Words{"/bin/sh", "-c", "ss -Htln | wc -l"});
  CHECK(change->changed);
  CHECK_FALSE(change->predictable);
  CHECK(change->message == "would run: ss -Htln | wc -l");
  CHECK(change->result["cmd"] == "ss -Htln | wc -l");
}

TEST_CASE("shell takes Ansible's chdir, executable, stdin and creates") {
  ShellModule module;
  Value args = NormalizedArgs(module, Value::object({{"cmd", "echo $0 > out"},
                                                     {"chdir", "/srv/app"},
                                                     {"executable", "/bin/bash"},
                                                     {"stdin", "data"}}));
  Result<Change> change = module.Plan(args, {}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->actions[0].argv == Words{"sh", "-c", "cd \"$1\" || exit 1; shift; exec \"$@\"",
                                         "sh", "/srv/app", "/bin/bash", "-c", "echo $0 > out"});
  CHECK(change->actions[0].stdin_data == "data\n");

  Value guarded = NormalizedArgs(
      module, Value::object({{"cmd", "make"}, {"creates", "bin/app"}, {"chdir", "/src"}}));
  REQUIRE(module.Probe(guarded, Value::object()).size() == 1);
  CHECK(module.Probe(guarded, Value::object())[0].path == "/src/bin/app");
  ReadResult exists;
  exists.stat.type = FileType::kFile;
  Result<Change> skipped = module.Plan(guarded, {exists}, Value::object());
  REQUIRE(skipped.ok());
  CHECK(skipped->actions.empty());
  CHECK(skipped->result["msg"] == "Did not run command since '/src/bin/app' exists");
}

TEST_CASE("shell arguments are checked before any host is contacted") {
  ShellModule module;
  CHECK(ArgErrors(module, Value::object({{"cmd", "  "}})) ==
        Words{"cmd: argument 'cmd' is empty: give the command to run"});
  CHECK(ArgErrors(module, Value::object({{"cmd", "ls"}, {"executable", "bash"}})) ==
        Words{"executable: 'executable' must be an absolute path, not 'bash'"});
  CHECK(ArgErrors(module, Value::object({{"cmd", "ls"}, {"argv", Value::array({"ls"})}})).size() ==
        1);
}

TEST_CASE("modules are found by their Ansible names too") {
  ModuleRegistry registry;
  RegisterBuiltinModules(&registry);
  for (const char* name : {"ansible.builtin.command", "ansible.legacy.command"})
    CHECK(registry.Find(name) == registry.Find("command"));
  CHECK(registry.Find("ansible.builtin.shell") == registry.Find("shell"));
  CHECK(registry.Find("ansible.builtin.file") == registry.Find("file"));
  CHECK(registry.Find("community.general.modprobe") == registry.Find("modprobe"));
  CHECK(registry.Find("ansible.builtin.apt") == registry.Find("apt"));
  CHECK(registry.Find("ansible.builtin.yum") == registry.Find("yum"));
  CHECK(registry.Find("ansible.builtin.pacman") == nullptr);  // not with Ansible's arguments
  const std::vector<std::string> names = registry.names();
  CHECK(std::find(names.begin(), names.end(), "ansible.builtin.shell") == names.end());
}

}  // namespace
}  // namespace hostprep::modules
