#include "engine/cli/ansible_config.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/temp_tree.h"

namespace hostprep {
namespace {

// Sets (or unsets) environment variables for one test and puts them back.
class EnvScope {
 public:
  void Set(const std::string& name, const char* value) {
    if (saved_.emplace_back(name, Get(name)); value != nullptr) {
      setenv(name.c_str(), value, 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  ~EnvScope() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        unsetenv(it->first.c_str());
      }
    }
  }

 private:
  static std::optional<std::string> Get(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// Runs in `dir` with no ANSIBLE_* setting from the machine, so only the
// test's own file and variables count.
struct ConfigScope {
  explicit ConfigScope(const std::string& dir) : old(std::filesystem::current_path()) {
    for (const char* name :
         {"ANSIBLE_CONFIG", "ANSIBLE_INVENTORY", "ANSIBLE_ROLES_PATH", "ANSIBLE_REMOTE_USER",
          "ANSIBLE_PRIVATE_KEY_FILE", "ANSIBLE_HOST_KEY_CHECKING", "ANSIBLE_FORKS",
          "ANSIBLE_TIMEOUT", "ANSIBLE_BECOME", "ANSIBLE_BECOME_USER", "ANSIBLE_BECOME_METHOD",
          "ANSIBLE_BECOME_ASK_PASS"}) {
      env.Set(name, nullptr);
    }
    env.Set("HOME", (dir + "/home").c_str());
    std::filesystem::current_path(dir);
  }
  ~ConfigScope() { std::filesystem::current_path(old); }
  std::filesystem::path old;
  EnvScope env;
};

std::string Words(const Result<std::vector<std::string>>& r) {
  if (!r.ok()) return "error: " + r.message();
  std::string out;
  for (const std::string& w : *r) out += (out.empty() ? "" : " ") + w;
  return out;
}

constexpr char kProjectConfig[] = R"(# a project's ansible.cfg
[defaults]
inventory = inventory/hosts.yml,inventory/extra.ini ; two sources
roles_path = roles:~/shared
Remote_User = deploy
private_key_file: keys/id_ed25519
forks = 20
timeout = 30
host_key_checking = False
strategy = linear
stdout_callback = yaml

[privilege_escalation]
become = yes
become_user = admin
become_method = sudo
become_ask_pass = false

[ssh_connection]
ssh_args = -o ControlMaster=auto
  -o ControlPersist=60s
)";

TEST_CASE("ansible.cfg in the current directory gives the settings hostprep uses") {
  testing::TempTree tree;
  tree.Write("ansible.cfg", kProjectConfig);
  ConfigScope scope(tree.dir());
  std::vector<std::string> warnings;
  const std::string d = tree.dir();
  CHECK(Words(AnsibleConfigArguments(&warnings)) ==
        "--inventory " + d + "/inventory/hosts.yml --inventory " + d +
            "/inventory/extra.ini --user deploy --private-key " + d +
            "/keys/id_ed25519 --host-key-checking off --forks 20 --timeout 30 --strategy linear "
            "--ssh-args -o ControlMaster=auto -o ControlPersist=60s --become --become-user admin "
            "--become-method sudo");
  CHECK(warnings.empty());
  // roles_path reaches the role loader, relative paths from the file's
  // directory and ~ expanded.
  CHECK(std::string(std::getenv("ANSIBLE_ROLES_PATH")) == d + "/roles:" + d + "/home/shared");
}

TEST_CASE("ANSIBLE_* variables win over the file's keys, relative to the current directory") {
  testing::TempTree tree;
  tree.Write("ansible.cfg", kProjectConfig);
  ConfigScope scope(tree.dir());
  scope.env.Set("ANSIBLE_FORKS", "5");
  scope.env.Set("ANSIBLE_INVENTORY", "other.yml");
  scope.env.Set("ANSIBLE_BECOME", "False");
  scope.env.Set("ANSIBLE_ROLES_PATH", "/opt/roles");
  scope.env.Set("ANSIBLE_STRATEGY", "free");
  scope.env.Set("ANSIBLE_BECOME_METHOD", "su");
  std::vector<std::string> warnings;
  const std::string d = tree.dir();
  CHECK(Words(AnsibleConfigArguments(&warnings)) ==
        "--inventory other.yml --user deploy --private-key " + d +
            "/keys/id_ed25519 --host-key-checking off --forks 5 --timeout 30 --strategy free "
            "--ssh-args -o ControlMaster=auto -o ControlPersist=60s --become-user admin "
            "--become-method su");
  CHECK(std::string(std::getenv("ANSIBLE_ROLES_PATH")) == "/opt/roles");
}

TEST_CASE("ansible.cfg is found as Ansible finds it, the first file alone") {
  testing::TempTree tree;
  tree.Write("home/.ansible.cfg", "[defaults]\nremote_user = from-home\n");
  tree.Write("project/ansible.cfg", "[defaults]\nremote_user = from-project\n");
  tree.Write("elsewhere/custom.cfg", "[defaults]\nforks = 3\n");
  ConfigScope scope(tree.dir());
  std::vector<std::string> warnings;
  std::filesystem::current_path(tree.dir() + "/project");
  CHECK(Words(AnsibleConfigArguments(&warnings)) == "--user from-project");
  std::filesystem::current_path(tree.dir());
  CHECK(Words(AnsibleConfigArguments(&warnings)) == "--user from-home");
  scope.env.Set("ANSIBLE_CONFIG", (tree.dir() + "/elsewhere/custom.cfg").c_str());
  CHECK(Words(AnsibleConfigArguments(&warnings)) == "--forks 3");
  CHECK(warnings.empty());
}

TEST_CASE("an ansible.cfg in a world-writable directory is ignored with a warning") {
  testing::TempTree tree;
  tree.Write("shared/ansible.cfg", "[defaults]\nremote_user = planted\n");
  chmod((tree.dir() + "/shared").c_str(), 0777);
  ConfigScope scope(tree.dir() + "/shared");
  std::vector<std::string> warnings;
  CHECK(Words(AnsibleConfigArguments(&warnings)) == "");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "ignoring " + tree.dir() +
                           "/shared/ansible.cfg: the directory is world-writable, so anyone could "
                           "have written it (as Ansible, which ignores it too)");
}

TEST_CASE("ansible.cfg mistakes name the file and line") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[defaults]\nforks = lots\n",
       "CFG:2: forks must be a whole number of 1 or more, not 'lots'"},
      {"[defaults]\nhost_key_checking = maybe\n",
       "CFG:2: host_key_checking must be a boolean (true or false), not 'maybe'"},
      {"[privilege_escalation]\nbecome_method = pbrun\n",
       "CFG:2: become_method 'pbrun' is not supported: hostprep becomes another user with sudo "
       "or su (remove the setting, or set it to one of them)"},
      {"[defaults]\nstrategy = host_pinned\n",
       "CFG:2: strategy 'host_pinned' is not supported: hostprep has linear and free"},
      {"forks = 2\n", "CFG:1: 'forks = 2' comes before any [section] (put it under [defaults])"},
      {"[defaults]\nforks = 2\nforks = 3\n",
       "CFG:3: 'forks' is set twice in [defaults] (first on line 2)"},
      {"[defaults\n", "CFG:1: a section header needs its ']': '[defaults'"},
      {"[defaults]\njust words\n",
       "CFG:2: expected 'key = value' or a [section], not 'just words'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    testing::TempTree tree;
    tree.Write("ansible.cfg", c.text);
    ConfigScope scope(tree.dir());
    std::vector<std::string> warnings;
    std::string got = Words(AnsibleConfigArguments(&warnings));
    const std::string path = tree.dir() + "/ansible.cfg";
    if (size_t at = got.find(path); at != std::string::npos) got.replace(at, path.size(), "CFG");
    CHECK(got == "error: " + c.message);
  }
}

TEST_CASE("an environment variable with a bad value is named") {
  testing::TempTree tree;
  ConfigScope scope(tree.dir());
  scope.env.Set("ANSIBLE_FORKS", "0");
  std::vector<std::string> warnings;
  CHECK(Words(AnsibleConfigArguments(&warnings)) ==
        "error: environment variable ANSIBLE_FORKS: forks must be a whole number of 1 or more, "
        "not '0'");
}

}  // namespace
}  // namespace hostprep
